"""Properties of reading a search (hypothesis): whatever the address holds, the query is read without an error and
stays within its bounds, and the whole search answers with results or notices, never an exception."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.query import MAX_PAGE, MAX_QUERY_LENGTH, MAX_VALUES_PER_FACET, SearchQuery
from search.service import search

PARAMS = ["q", "side", "sort", "type", "kommune", "status", "maalgruppe", "fagomraade", "lov", "paragraf", "aar", "tag"]
words = st.one_of(
    st.text(max_size=80),
    st.sampled_from(['"', "-", "§", "§§", "stk.", "SEL", "serviceloven", "²", "\x00", "OR", "&", "|", ":*", "'", "\\"]),
    st.from_regex(r"[a-zæøå ]{1,30}", fullmatch=True),
)
addresses = st.lists(st.tuples(st.sampled_from(PARAMS), st.lists(words, max_size=4).map(" ".join)), max_size=8)


def querydict(pairs) -> QueryDict:
    params = QueryDict(mutable=True)
    for name, value in pairs:
        params.appendlist(name, value)
    return params


@settings(max_examples=400, deadline=None)
@given(addresses)
def test_any_address_reads_as_a_query_within_its_bounds(pairs):
    query = SearchQuery.from_querydict(querydict(pairs))
    assert len(query.text) <= MAX_QUERY_LENGTH
    assert "\x00" not in query.text
    assert 1 <= query.page <= MAX_PAGE
    assert all(len(values) <= MAX_VALUES_PER_FACET for values in query.filters.values())


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(addresses)
def test_any_address_gets_results_or_notices_from_the_whole_search(pairs):
    result = search(SearchQuery.from_querydict(querydict(pairs)), user=AnonymousUser())
    assert result.total >= 0
    assert len(result.hits) <= result.total
