"""A search that matches most of the pages is counted by complement (search/engines/postgres.py): the facet values of
every page the reader may see, kept per generation, minus those of the pages it does not match. Both ways must give
the same facets, counts and hits for every reader, query and combination of filters."""

import pytest
from django.contrib.auth.models import AnonymousUser

from core.visibility import is_network_reader
from search.engines.postgres import PostgresEngine
from search.query import SearchQuery
from search.understanding import understand

QUERIES = ["", "plan", "familie", "borger", "SEL § 140", "unge -job", "journal", "sygedagpenge OR familie"]
FILTERS = [
    {},
    {"kommune": ["ballerup", "fredensborg"]},
    {"kommune": ["ballerup", "fredensborg"], "status": ["evaluated"]},
    {"type": ["forsoeg"], "aar": ["2019"], "lov": ["SEL"]},
    {"type": ["viden"]},
]


def answer(engine, text, filters, user):
    reader = is_network_reader(user)
    query = SearchQuery.from_querydict({"q": text, **filters})
    result = engine.search(query, understanding=understand(text, reader=reader), reader=reader)
    facets = {facet.param: [(v.value, v.label, v.count) for v in facet.values] for facet in result.facets}
    return result.total, facets, [hit.page_id for hit in result.hits]


@pytest.mark.parametrize("reader", [False, True], ids=["anonym", "netvaerkslaeser"])
def test_counting_by_complement_gives_the_same_answer_as_counting_the_matches(corpus, make_user, reader):
    user = make_user("laeser", role="staff", municipality_slug="helsingor") if reader else AnonymousUser()
    direct, complement = PostgresEngine(complement_share=None), PostgresEngine(complement_share=0)
    answers = 0
    for text in QUERIES:
        for filters in FILTERS:
            expected = answer(direct, text, filters, user)
            # The second time, the complement's totals for these filters come from the cache (another query's).
            for _ in range(2):
                assert answer(complement, text, filters, user) == expected, (text, filters)
            answers += bool(expected[0])
    assert answers >= 10  # enough of the combinations match something for the comparison to say anything


def test_the_network_only_page_counts_for_network_readers_only(corpus, make_user):
    complement = PostgresEngine(complement_share=0)
    reader = make_user("laeser", role="staff", municipality_slug="helsingor")
    # The network tier's totals are kept first; the anonymous reader's are another entry.
    total, facets, _hits = answer(complement, "", {}, reader)
    hidden = corpus["skjult"].get_parent().slug
    assert hidden in [value for value, _label, _count in facets["kommune"]]
    public_total, public_facets, hits = answer(complement, "", {}, AnonymousUser())
    assert public_total == total - 1
    assert corpus["skjult"].pk not in hits
    assert public_total == sum(count for _value, _label, count in public_facets["type"])


def test_the_planner_decides_which_way_to_count(corpus):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument")  # as autovacuum keeps it: statistics of the words
    engine = PostgresEngine()
    base, visible = engine_parts("")
    assert engine._mostly_matches(base, visible)  # no words: every page matches
    base, visible = engine_parts("kvantejournalisering")
    assert not engine._mostly_matches(base, visible)


def engine_parts(text):
    from search.engines.postgres import SqlParts, text_conditions

    visible, base = SqlParts(), SqlParts()
    for parts in (visible, base):
        parts.add("visibility = 'public'")
    base.add(*_flatten(text_conditions(understand(text), match_any=False)))
    return base, visible


def _flatten(condition):
    sql, params = condition
    return (sql, *params)
