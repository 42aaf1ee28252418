"""What content apps contribute to search: their searchable page types and the network's vocabulary.

A content app registers each searchable page type from its AppConfig.ready() with a function that turns a page
into a `SearchableContent`: title, text parts with weights, facet values and dates. Search builds its documents
from that alone, so it never reads an app's models directly and a new page type needs no change in search/.

The same apps tell search what the words of a query mean beyond the text of the pages: the network's
abbreviations (`register_abbreviations`) and how laws and § references are read and resolved to the stored
provisions (`register_legal_vocabulary`). Without them search still works, as plain full-text search.
"""

import dataclasses
import datetime
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from django.db import models

from core.text import fold

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
    # The pages of a rebuild's batch with what `build` reads fetched ahead (a queryset or a list).
    prepare: Callable[[models.QuerySet], Iterable] = lambda queryset: queryset


_registry: dict[type[models.Model], SearchableType] = {}


def register(
    model: type[models.Model],
    *,
    kind: str,
    label: str,
    build: Callable[[models.Model], SearchableContent],
    prepare: Callable[[models.QuerySet], Iterable] | None = None,
) -> None:
    _registry[model] = SearchableType(model, kind, label, build, prepare or (lambda queryset: queryset))


_dependents: dict[type[models.Model], list[Callable[[models.Model], Iterable[models.Model]]]] = {}


def register_dependents(model: type[models.Model], find: Callable[[models.Model], Iterable[models.Model]]) -> None:
    """Pages whose document shows something of a `model` page (an article lists the titles of its experiments):
    `find(page)` gives them, and they are indexed again whenever that page is published, unpublished, deleted or
    changes visibility, so they never keep what its readers may no longer see."""
    _dependents.setdefault(model, []).append(find)


def dependents_of(page: models.Model) -> list[models.Model]:
    return [found for find in _dependents.get(type(page), []) for found in find(page)]


_shown_in: dict[type[models.Model], list[Callable[[models.Model], Iterable[models.Model]]]] = {}
# The fields whose change matters, per model; None: every save does.
_shown_fields: dict[type[models.Model], set[str] | None] = {}


def register_shown_in(
    model: type[models.Model],
    find: Callable[[models.Model], Iterable[models.Model]],
    *,
    fields: Iterable[str] | None = None,
) -> None:
    """Pages whose document shows a name of a `model` object (an experiment shows the names of its target groups,
    its municipality and its provisions): `find(obj)` gives the live ones, and they are indexed again whenever such
    an object is saved, in the admin or in code, so a renamed target group is found by its new name at once.
    With `fields`, only a save that changes one of them does so (a municipality's page is published often, renamed
    seldom)."""
    _shown_in.setdefault(model, []).append(find)
    if fields is None or (model in _shown_fields and _shown_fields[model] is None):
        _shown_fields[model] = None
    else:
        _shown_fields[model] = _shown_fields.get(model, set()) | set(fields)


def shown_in(obj: models.Model) -> list[models.Model]:
    """The pages whose documents show something of `obj` (see `register_shown_in`); empty for other models."""
    return [found for find in _shown_in.get(type(obj), []) for found in find(obj)]


def has_pages_showing(model: type[models.Model]) -> bool:
    return model in _shown_in


def shown_fields(model: type[models.Model]) -> set[str] | None:
    """The fields of `model` whose change re-indexes the pages showing it; None for any save."""
    return _shown_fields.get(model)


def searchable_types() -> Iterable[SearchableType]:
    return list(_registry.values())


def searchable_type_for(model: type[models.Model]) -> SearchableType | None:
    return _registry.get(model)


def kind_labels() -> dict[str, str]:
    return {entry.kind: str(entry.label) for entry in _registry.values()}


# The network's vocabulary --------------------------------------------------------------------------------------------


class Law(Protocol):
    """A law as a query may name it: `key` is the value of the `lov` facet."""

    key: str
    abbreviation: str
    name: str


class Reference(Protocol):
    """A § reference found in a query; str() prints it the canonical way ("SEL § 140, stk. 3")."""

    law: str  # the law's key, or "" for a bare "§ 140"
    paragraph: str


@dataclasses.dataclass(frozen=True)
class LegalVocabulary:
    # The references in a (folded) text with their (start, end) spans.
    find_references: Callable[[str], list[tuple[Reference, tuple[int, int]]]] = lambda text: []
    # The law a phrase names ("serviceloven", "lov om social service", "SEL"), or None.
    find_law: Callable[[str], Law | None] = lambda text: None
    # The ids of the indexed provisions a reference names, with the versions they were renumbered from or to.
    resolve_provisions: Callable[[Reference], list[int]] = lambda reference: []


_abbreviations: dict[str, str] = {}
_legal_vocabulary = LegalVocabulary()


def register_abbreviations(abbreviations: Mapping[str, str]) -> None:
    """Abbreviations and what they stand for ({"buf": "Børn, Unge og Familier"}); a query finds either by the other."""
    _abbreviations.update({fold(abbreviation): expansion for abbreviation, expansion in abbreviations.items()})


def abbreviations() -> dict[str, str]:
    return dict(_abbreviations)


def register_legal_vocabulary(
    *,
    find_references: Callable[[str], list[tuple[Reference, tuple[int, int]]]],
    find_law: Callable[[str], Law | None],
    resolve_provisions: Callable[[Reference], list[int]],
) -> None:
    """How queries name laws and provisions; one app owns the laws, so a second registration replaces the first."""
    global _legal_vocabulary
    _legal_vocabulary = LegalVocabulary(find_references, find_law, resolve_provisions)


def legal_vocabulary() -> LegalVocabulary:
    return _legal_vocabulary
