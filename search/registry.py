"""What content apps contribute to the search index.

A content app registers each searchable page type from its AppConfig.ready() with a function that turns a page
into a `SearchableContent`: title, text parts with weights, facet values and dates. Search builds its documents
from that alone, so it never reads an app's models directly and a new page type needs no change in search/.
"""

import dataclasses
import datetime
from collections.abc import Callable, Iterable

from django.db import models

# tsvector weights: A counts most (titles), D least (text of attached documents).
WEIGHTS = ("A", "B", "C", "D")


@dataclasses.dataclass(frozen=True)
class FacetValue:
    """One value of a facet as stored in the index (`value`, stable, used in URLs) and shown (`label`)."""

    value: str
    label: str


@dataclasses.dataclass
class SearchableContent:
    title: str
    # (weight, text): weight is one of WEIGHTS. The B and C parts are what snippets are cut from.
    parts: list[tuple[str, str]]
    municipality: FacetValue | None = None
    # Every municipality the page concerns (owner and partners); the `kommune` facet filters on these.
    municipalities: list[FacetValue] = dataclasses.field(default_factory=list)
    status: FacetValue | None = None
    target_groups: list[FacetValue] = dataclasses.field(default_factory=list)
    service_areas: list[FacetValue] = dataclasses.field(default_factory=list)
    laws: list[FacetValue] = dataclasses.field(default_factory=list)
    provisions: list[FacetValue] = dataclasses.field(default_factory=list)
    tags: list[FacetValue] = dataclasses.field(default_factory=list)
    years: list[int] = dataclasses.field(default_factory=list)
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    # Wagtail documents (PDF, DOCX) whose text is indexed with weight D.
    documents: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class SearchableType:
    model: type[models.Model]
    kind: str  # the value of the `type` facet, e.g. "forsoeg"
    label: str
    build: Callable[[models.Model], SearchableContent]
    # Prefetches for building many documents at once (rebuild); receives the model's default queryset.
    prepare: Callable[[models.QuerySet], models.QuerySet] = lambda queryset: queryset


_registry: dict[type[models.Model], SearchableType] = {}


def register(
    model: type[models.Model],
    *,
    kind: str,
    label: str,
    build: Callable[[models.Model], SearchableContent],
    prepare: Callable[[models.QuerySet], models.QuerySet] | None = None,
) -> None:
    _registry[model] = SearchableType(model, kind, label, build, prepare or (lambda queryset: queryset))


def searchable_types() -> Iterable[SearchableType]:
    return list(_registry.values())


def searchable_type_for(model: type[models.Model]) -> SearchableType | None:
    return _registry.get(model)


def kind_labels() -> dict[str, str]:
    return {entry.kind: str(entry.label) for entry in _registry.values()}
