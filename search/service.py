"""The one search service: a SearchQuery in, a SearchResult out. Views and the API call only `search()`.

The service is the same for both engines: it reads the query (understanding.py), drops facet values the index does
not know, asks the configured engine, and when nothing matches tries the corrected spelling ("Mente du …?") and
then any of the words instead of all of them.
"""

import logging

from django.db import connection
from django.utils.translation import gettext as _

from search import cache as result_cache
from search.engines import get_engine
from search.facets import FACETS, FACETS_BY_PARAM
from search.models import FacetLabel, SearchDocument
from search.query import Facet, FacetCount, SearchQuery, SearchResult
from search.registry import kind_labels
from search.understanding import understand

logger = logging.getLogger(__name__)


def _known_filters(query: SearchQuery, *, reader: bool) -> None:
    """Drop facet values that no page the reader may see has, with a notice; one query for all facets.

    A value found only on network-only pages is, for everyone else, as unknown as one found nowhere: same notice,
    no label.
    """
    if not query.filters:
        return
    pairs = [(param, value) for param, values in query.filters.items() for value in values]
    present = _present_values([f"{param}:{value}" for param, value in pairs if param != "type"], reader=reader)
    labels = {
        (facet, value): label
        for facet, value, label in FacetLabel.objects.filter(
            facet__in=[p for p, _v in pairs], value__in=[v for _p, v in pairs]
        ).values_list("facet", "value", "label")
        if f"{facet}:{value}" in present
    }
    labels |= {("type", kind): label for kind, label in kind_labels().items()}
    query.filter_labels = labels
    known = set(labels)
    filters = {}
    for param, values in query.filters.items():
        kept = tuple(value for value in values if (param, value) in known)
        for value in values:
            if (param, value) not in known:
                query.notices.append(
                    _("Filteret %(facet)s = »%(value)s« findes ikke og er ignoreret.")
                    % {"facet": FACETS_BY_PARAM[param].label, "value": value}
                )
        if kept:
            filters[param] = kept
    query.filters = filters


def _mark_selected(result: SearchResult, query: SearchQuery) -> None:
    """Flag selected values and keep them visible even when none of the current matches has them."""
    labels = {(facet.param, v.value): v.label for facet in result.facets for v in facet.values}
    labels = query.filter_labels | labels
    for facet in result.facets:
        selected = set(query.filters.get(facet.param, ()))
        present = {value.value for value in facet.values}
        for value in facet.values:
            value.selected = value.value in selected
        for value in selected - present:
            facet.values.append(
                FacetCount(value=value, label=labels.get((facet.param, value), value), count=0, selected=True)
            )


def _present_values(values: list[str], *, reader: bool) -> set[str]:
    """Which of the facet values ("tag:familie") some indexed page the reader may see has."""
    if not values:
        return set()
    visible = "" if reader else "AND d.visibility = 'public'"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT v FROM unnest(%s::text[]) AS v WHERE EXISTS (
                SELECT 1 FROM {SearchDocument._meta.db_table} AS d WHERE d.facet_values @> ARRAY[v] {visible}
            )
            """,  # noqa: S608 (table name from the model, our own condition)
            [values],
        )
        return {row[0] for row in cursor.fetchall()}


def active_filter_labels(result: SearchResult) -> dict[tuple[str, str], str]:
    return {(facet.param, v.value): v.label for facet in result.facets for v in facet.values}


def search(query: SearchQuery, *, user=None, engine=None) -> SearchResult:
    from core.visibility import is_network_reader

    engine = engine or get_engine()
    reader = is_network_reader(user)
    cache_key = result_cache.key(query, reader=reader, engine=engine.name)
    if cached := result_cache.get(cache_key):
        return cached
    query.notices.extend(query.errors)
    _known_filters(query, reader=reader)
    requested_page = query.page

    understanding = understand(query.text, reader=reader)
    result = engine.search(query, understanding=understanding, reader=reader)
    notices = list(query.notices)
    if result.engine != engine.name and getattr(engine, "fallback", None):
        # The configured engine did not answer in time and its fallback (PostgreSQL) did: the retries below ask
        # the fallback directly, and the reader is told.
        engine = engine.fallback
        notices.append(
            _(
                "Søgemaskinen svarer ikke lige nu, så resultaterne kommer fra databasens egen søgning og kan være "
                "sorteret lidt anderledes end ellers."
            )
        )
    suggestion = understanding.suggestion

    if understanding.only_stop_words:
        notices.append(
            _(
                "Søgningen indeholdt ingen ord at søge på (kun meget almindelige ord eller tegn), så alt vises. "
                "Prøv mere specifikke ord."
            )
        )
    if result.total == 0 and suggestion:
        corrected = understand(suggestion, reader=reader)
        retry = engine.search(query, understanding=corrected, reader=reader)
        if retry.total:
            notices.append(
                _("Ingen resultater for »%(query)s«. Viser resultater for »%(suggestion)s«.")
                % {"query": query.text, "suggestion": suggestion}
            )
            retry.searched_text = suggestion
            result = retry
            understanding = corrected
    if result.total == 0 and len(understanding.positive) > 1:
        retry = engine.search(query, understanding=understanding, reader=reader, match_any=True)
        if retry.total:
            notices.append(_("Intet indeholdt alle ordene; viser resultater med nogle af dem."))
            result = retry
    if result.query.page != requested_page:
        notices.append(
            _("Side %(page)s findes ikke; viser side %(last)s, den sidste.")
            % {"page": requested_page, "last": result.query.page}
        )
    result.suggestion = suggestion if suggestion and suggestion != query.text else ""
    result.notices = notices
    result.also_searched = list(understanding.also_searched)
    _mark_selected(result, query)
    if result.engine == engine.name:  # an answer of the fallback is not kept: the engine may be back next time
        result_cache.put(cache_key, result)
    return result


def empty_facets() -> list[Facet]:
    return [Facet(param=facet.param, label=str(facet.label), values=[]) for facet in FACETS]
