"""The search query (what the user asked for) and the search result (what every engine answers).

The URL is the whole state of a search, so the parameter names below are public: bookmarks, shared links and the
JSON API use them. Keep them stable.

    q            the words, law names and § references
    kommune      municipality slug, e.g. helsingor                 (repeatable)
    type         forsoeg | viden                                  (repeatable)
    status       experiment status key, e.g. started              (repeatable)
    maalgruppe   target group slug                                (repeatable)
    fagomraade   service area slug                                (repeatable)
    lov          law key, e.g. SEL, LAB                           (repeatable)
    paragraf     provision id                                     (repeatable)
    aar          year, e.g. 2019                                  (repeatable)
    tag          tag slug                                         (repeatable)
    sort         relevans (default) | nyeste | opdateret
    side         page number, from 1

Values of one facet are alternatives (OR); different facets all apply (AND).
"""

import dataclasses
import datetime
import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.text import plain_number
from search.facets import DATE, FACETS, INTEGER

MAX_QUERY_LENGTH = 500
MAX_PAGE = 1000
PER_PAGE = 10
MAX_VALUES_PER_FACET = 20

# Marks around highlighted words inside snippets, chosen so they cannot occur in indexed text (control characters
# are stripped when indexing); they become <mark> only after the snippet has been escaped.
HIGHLIGHT_START = "\x02"
HIGHLIGHT_STOP = "\x03"


SORTS = {
    "relevans": gettext_lazy("Relevans"),
    "nyeste": gettext_lazy("Nyeste"),
    "opdateret": gettext_lazy("Senest opdateret"),
}
DEFAULT_SORT = "relevans"


# What the user is told when a facet value cannot be of the facet's type (keywords take any text).
_INVALID = {
    INTEGER: gettext_lazy("%(param)s skal være et tal, ikke »%(value)s«."),
    DATE: gettext_lazy("%(param)s skal være en dato (ÅÅÅÅ-MM-DD), ikke »%(value)s«."),
}


def clean_text(value: str) -> str:
    """Drop NUL and other control characters; PostgreSQL refuses NUL in text and the others mean nothing here."""
    return "".join(ch for ch in value if ch in "\t\n" or ord(ch) >= 32).strip()


@dataclasses.dataclass
class SearchQuery:
    text: str = ""
    filters: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    sort: str = DEFAULT_SORT
    page: int = 1
    per_page: int = PER_PAGE
    # Said to the user: what was corrected or ignored.
    notices: list[str] = dataclasses.field(default_factory=list)
    # What the API refuses with 400; the HTML page shows these as notices and carries on with a corrected value.
    errors: list[str] = dataclasses.field(default_factory=list)
    # (param, value) → label of the filter values asked for, filled in by the service.
    filter_labels: dict[tuple[str, str], str] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_querydict(cls, params) -> "SearchQuery":
        """Read a QueryDict (or a plain dict); never raises, whatever the input."""
        query = cls()
        getlist = params.getlist if hasattr(params, "getlist") else lambda key: _as_list(params.get(key))

        texts = [clean_text(text) for text in getlist("q") if clean_text(text)]
        text = " ".join(texts)
        if len(text) > MAX_QUERY_LENGTH:
            text = text[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0] or text[:MAX_QUERY_LENGTH]
            query.notices.append(
                _("Søgningen var for lang og er forkortet til de første %(count)s tegn.") % {"count": MAX_QUERY_LENGTH}
            )
        query.text = text

        for facet in FACETS:
            values = []
            for raw in getlist(facet.param):
                value = clean_text(raw)[:100]
                if not value:
                    continue
                if not facet.accepts(value):
                    query.errors.append(_INVALID[facet.type] % {"param": facet.param, "value": value[:30]})
                    continue
                if value not in values:
                    values.append(value)
            if len(values) > MAX_VALUES_PER_FACET:
                query.errors.append(
                    _("Højst %(count)s værdier for %(param)s.") % {"count": MAX_VALUES_PER_FACET, "param": facet.param}
                )
                values = values[:MAX_VALUES_PER_FACET]
            if values:
                query.filters[facet.param] = tuple(values)

        sorts = [clean_text(value) for value in getlist("sort") if clean_text(value)]
        if sorts:
            if sorts[-1] in SORTS:
                query.sort = sorts[-1]
            else:
                query.errors.append(
                    _("Ukendt sortering »%(value)s«; brug relevans, nyeste eller opdateret.")
                    % {"value": sorts[-1][:30]}
                )
        elif not query.text:
            query.sort = "nyeste"

        pages = [clean_text(value) for value in getlist("side") if clean_text(value)]
        if pages:
            raw = pages[-1]
            if not plain_number(raw) or int(raw) < 1:
                query.errors.append(
                    _("Sidetallet skal være et positivt heltal, ikke »%(value)s«.") % {"value": raw[:30]}
                )
            elif int(raw) > MAX_PAGE:
                query.errors.append(_("Sidetallet kan højst være %(max)s.") % {"max": MAX_PAGE})
                query.page = MAX_PAGE
            else:
                query.page = int(raw)
        return query

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def to_params(self, **changes) -> list[tuple[str, str]]:
        """The URL parameters of this query, with `changes` (param → value or None to drop) applied."""
        params = []
        if self.text:
            params.append(("q", self.text))
        for facet in FACETS:
            params += [(facet.param, value) for value in self.filters.get(facet.param, ())]
        if self.sort != DEFAULT_SORT:
            params.append(("sort", self.sort))
        return params

    def without_filter(self, param: str, value: str) -> "SearchQuery":
        filters = dict(self.filters)
        remaining = tuple(v for v in filters.get(param, ()) if v != value)
        if remaining:
            filters[param] = remaining
        else:
            filters.pop(param, None)
        return dataclasses.replace(self, filters=filters, page=1, notices=[], errors=[], filter_labels={})


def _as_list(value) -> list[str]:
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]


def render_snippet(raw: str) -> SafeString:
    """Escape the snippet as text, then turn the highlight marks into <mark>: no markup from content or query."""
    escaped = escape(raw.replace(HIGHLIGHT_START, "\x00s").replace(HIGHLIGHT_STOP, "\x00e"))
    return mark_safe(escaped.replace("\x00s", "<mark>").replace("\x00e", "</mark>"))  # noqa: S308


@dataclasses.dataclass
class Hit:
    page_id: int
    kind: str
    kind_label: str
    title: str
    url: str
    snippet: SafeString
    municipality: str
    municipality_label: str
    status: str
    status_label: str
    period_start: datetime.date | None
    period_end: datetime.date | None
    score: float = 0.0

    def to_json(self) -> dict:
        return {
            "id": self.page_id,
            "type": self.kind,
            "type_label": self.kind_label,
            "title": self.title,
            "url": self.url,
            "snippet": str(self.snippet),
            "municipality": {"slug": self.municipality, "name": self.municipality_label} if self.municipality else None,
            "status": {"key": self.status, "label": self.status_label} if self.status else None,
            "period": {
                "start": self.period_start.isoformat() if self.period_start else None,
                "end": self.period_end.isoformat() if self.period_end else None,
            },
            "score": round(self.score, 4),
        }


@dataclasses.dataclass
class FacetCount:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclasses.dataclass
class Facet:
    param: str
    label: str
    values: list[FacetCount]


@dataclasses.dataclass
class SearchResult:
    query: SearchQuery
    hits: list[Hit]
    facets: list[Facet]
    total: int
    # "Mente du …?": the corrected query text, when some words were unknown.
    suggestion: str = ""
    # The text actually searched for, when it differs from the query (results for the suggestion were shown).
    searched_text: str = ""
    notices: list[str] = dataclasses.field(default_factory=list)
    engine: str = ""
    # "Søgte også efter": what the thesaurus added to the text searched for (public data, the same for every reader).
    also_searched: list[str] = dataclasses.field(default_factory=list)

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.query.per_page))

    @property
    def page(self) -> int:
        return self.query.page

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    def to_json(self) -> dict:
        return {
            "query": {
                "q": self.query.text,
                "filters": {param: list(values) for param, values in self.query.filters.items()},
                "sort": self.query.sort,
                "page": self.query.page,
            },
            "total": self.total,
            "page": self.page,
            "num_pages": self.num_pages,
            "per_page": self.query.per_page,
            "hits": [hit.to_json() for hit in self.hits],
            "facets": {
                facet.param: [
                    {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected} for v in facet.values
                ]
                for facet in self.facets
            },
            "suggestion": self.suggestion or None,
            "searched_text": self.searched_text or None,
            "notices": [str(notice) for notice in self.notices],
            "engine": self.engine,
        }
