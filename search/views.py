"""`/soeg/`: the search page. A thin caller of search.service; the whole state is in the URL."""

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from search.facets import FACETS, FACETS_BY_PARAM
from search.query import SORTS, SearchQuery
from search.service import active_filter_labels, search


def _url(params) -> str:
    return reverse("search") + ("?" + urlencode(params) if params else "")


# How many values of a facet show before "Vis alle (N)"; selected values always show.
FACET_TOP_VALUES = 5


def _facet_panel(facet) -> dict:
    """A facet as the page shows it: its first values and the selected ones at once, the rest behind "Vis alle"."""
    values = [
        {"id": f"facet-{facet.param}-{index}", "value": value} for index, value in enumerate(facet.values, start=1)
    ]
    shown = [item for index, item in enumerate(values) if index < FACET_TOP_VALUES or item["value"].selected]
    rest = [item for index, item in enumerate(values) if index >= FACET_TOP_VALUES and not item["value"].selected]
    return {
        "param": facet.param,
        "label": facet.label,
        "shown": _facet_values_html(facet.param, shown),
        "rest": _facet_values_html(facet.param, rest),
        "total": len(values),
        "selected": sum(1 for value in facet.values if value.selected),
    }


def _facet_values_html(param: str, items: list[dict]) -> str:
    """The facet's checkboxes, one <li> each. Built here rather than by an {% include %} per value: a search page
    shows a hundred values or more, and the include was a third of the time it took to render."""
    return format_html_join(
        "\n",
        '<li class="form-group-checkbox">'
        '<input class="form-checkbox" type="checkbox" form="search-form" id="{}" name="{}" value="{}"{}>'
        '<label for="{}">{} <span class="count">({})</span></label></li>',
        (
            (
                item["id"],
                param,
                item["value"].value,
                mark_safe(" checked") if item["value"].selected else "",  # noqa: S308 (a constant)
                item["id"],
                item["value"].label,
                localize(item["value"].count),
            )
            for item in items
        ),
    )


def _page_numbers(page: int, num_pages: int, window: int = 2) -> list[int]:
    return [n for n in range(1, num_pages + 1) if n in (1, num_pages) or abs(n - page) <= window]


def search_view(request):
    query = SearchQuery.from_querydict(request.GET)
    result = search(query, user=request.user)
    labels = active_filter_labels(result)
    active_filters = [
        {
            "facet": FACETS_BY_PARAM[param].label,
            "label": labels.get((param, value), value),
            "remove_url": _url(result.query.without_filter(param, value).to_params()),
        }
        for param, values in result.query.filters.items()
        for value in values
    ]
    base_params = result.query.to_params()
    pages = [
        {"number": n, "url": _url(base_params + [("side", str(n))]), "current": n == result.page}
        for n in _page_numbers(result.page, result.num_pages)
    ]
    context = {
        "result": result,
        "query": result.query,
        "facets": [_facet_panel(facet) for facet in result.facets if facet.values],
        "selected_count": sum(len(values) for values in result.query.filters.values()),
        "active_filters": active_filters,
        "clear_url": _url([("q", result.query.text)] if result.query.text else []),
        "pages": pages,
        "previous_url": _url(base_params + [("side", str(result.page - 1))]) if result.has_previous else "",
        "next_url": _url(base_params + [("side", str(result.page + 1))]) if result.has_next else "",
        "suggestion_url": _url([("q", result.suggestion)]) if result.suggestion else "",
        "sorts": list(SORTS.items()),
        "facet_params": [facet.param for facet in FACETS],
    }
    return render(request, "search/search.html", context)


def experiment_list_view(request):
    """`/forsoeg/`: every experiment the reader may see, filterable: the search page narrowed to experiments."""
    params = [(key, value) for key, values in request.GET.lists() if key != "type" for value in values]
    return redirect(_url([("type", "forsoeg"), *params]))
