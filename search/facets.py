"""The facets of search, declared once.

Each `FacetDefinition` says what a facet is called in the URL and on screen, which SearchDocument column and
Elasticsearch field hold it and of what type, and where a page's values come from. Everything else derives from
`FACETS`: the columns of SearchDocument (search/models.py), the values and labels written when a page is indexed and
the upsert that writes them (search/indexing.py), the Elasticsearch mapping and source (engines/elasticsearch.py),
the filters and counts of both engines, and the URL parameters the query reads (search/query.py).

Adding a facet is one more entry here (and `manage.py makemigrations` for its column); a content app fills it by
setting the `SearchableContent` attribute of the same name as the field.
"""

import dataclasses
import datetime
from collections.abc import Callable

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy

from core.text import plain_number
from search.registry import FacetValue, SearchableContent, SearchableType

KEYWORD = "keyword"
INTEGER = "integer"
DATE = "date"

_SQL_ARRAY_TYPES = {KEYWORD: "varchar[]", INTEGER: "int[]", DATE: "date[]"}


def _as_facet_values(found) -> list[FacetValue]:
    if found is None or found == "":
        return []
    items = found if isinstance(found, list | tuple | set) else [found]
    return [item if isinstance(item, FacetValue) else FacetValue(str(item), str(item)) for item in items]


@dataclasses.dataclass(frozen=True)
class FacetDefinition:
    """One facet. NOTE: `type`, `scalar`, `required`, `max_length` and `indexed` shape the SearchDocument column:
    changing one needs a migration (`manage.py makemigrations search`)."""

    param: str  # the URL parameter: public (bookmarks, shared links, the API), so keep it stable
    field: str  # the SearchDocument column and the Elasticsearch field
    label: str  # what the facet is called on screen
    type: str = KEYWORD  # KEYWORD, INTEGER or DATE
    scalar: bool = False  # one value per document rather than a list
    # Every document has a value (a scalar keyword column is then not blank).
    required: bool = False
    max_length: int = 100  # of each keyword value
    indexed: bool = False  # a B-tree index on a scalar column, a GIN index on a list
    # Values listed highest first (years, newest first) rather than the most frequent first.
    order_by_value: bool = False
    # A page's values; by default the `SearchableContent` attribute named like `field` (FacetValues, or plain
    # values that are their own label, as years are).
    source: Callable[[SearchableContent, SearchableType], object] | None = dataclasses.field(
        default=None, compare=False
    )

    @property
    def integer(self) -> bool:
        return self.type == INTEGER

    @property
    def sql_array_type(self) -> str:
        return _SQL_ARRAY_TYPES[self.type]

    def accepts(self, value: str) -> bool:
        """Whether `value` from a URL can be a value of this facet."""
        try:
            self.parse(value)
        except ValueError:
            return False
        return True

    def parse(self, value: str):
        """A value from a URL or a FacetValue as the column stores it; raises ValueError."""
        if self.type == INTEGER:
            # Plain ASCII digits that fit PostgreSQL's integer.
            if not plain_number(value, max_digits=9):
                raise ValueError(value)
            return int(value)
        if self.type == DATE:
            return datetime.date.fromisoformat(value)
        return value

    def values(self, content: SearchableContent, entry: SearchableType) -> list[FacetValue]:
        """The page's values of this facet, each once."""
        found = self.source(content, entry) if self.source else getattr(content, self.field)
        return list({value.value: value for value in _as_facet_values(found)}.values())

    def column_value(self, values: list[FacetValue]):
        """What the SearchDocument column holds for these values."""
        parsed = [self.parse(value.value) for value in values]
        if self.scalar:
            return parsed[0] if parsed else ("" if self.type == KEYWORD else None)
        return parsed

    def model_field(self) -> models.Field:
        """The SearchDocument column."""
        if self.type == KEYWORD:
            base = models.CharField(max_length=self.max_length)
            if self.scalar:
                return models.CharField(max_length=self.max_length, blank=not self.required, db_index=self.indexed)
        else:
            base = models.IntegerField() if self.type == INTEGER else models.DateField()
            if self.scalar:
                field_class = type(base)
                return field_class(null=True, db_index=self.indexed)
        return ArrayField(base, default=list)

    def elasticsearch_mapping(self) -> dict:
        return {"type": self.type}

    def elasticsearch_value(self, value):
        """A column's value, or one value of it, as JSON for Elasticsearch: dates as ISO strings."""
        if isinstance(value, list):
            return [self.elasticsearch_value(item) for item in value]
        return value.isoformat() if isinstance(value, datetime.date) else value


FACETS = (
    FacetDefinition(
        "type",
        "kind",
        gettext_lazy("Type"),
        scalar=True,
        required=True,
        max_length=30,
        indexed=True,
        source=lambda content, entry: FacetValue(entry.kind, str(entry.label)),
    ),
    FacetDefinition("kommune", "municipalities", gettext_lazy("Kommune"), indexed=True),
    FacetDefinition("status", "status", gettext_lazy("Status"), scalar=True, max_length=30),
    FacetDefinition("maalgruppe", "target_groups", gettext_lazy("Målgruppe")),
    FacetDefinition("fagomraade", "service_areas", gettext_lazy("Fagområde")),
    FacetDefinition("lov", "laws", gettext_lazy("Lov"), max_length=20, indexed=True),
    FacetDefinition("paragraf", "provisions", gettext_lazy("Paragraf"), type=INTEGER, indexed=True),
    FacetDefinition("aar", "years", gettext_lazy("År"), type=INTEGER, order_by_value=True),
    FacetDefinition("tag", "tags", gettext_lazy("Emneord")),
)
FACETS_BY_PARAM = {facet.param: facet for facet in FACETS}
