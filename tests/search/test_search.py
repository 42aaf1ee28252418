"""One search suite, run once per configured engine (PostgreSQL always; Elasticsearch when ELASTICSEARCH_URL is set)."""

import os

import pytest
from django.contrib.auth.models import AnonymousUser

from search.engines.postgres import PostgresEngine
from search.query import SearchQuery
from search.service import search

ENGINES = [
    "postgres",
    pytest.param("elasticsearch", marks=pytest.mark.elasticsearch),
]


@pytest.fixture(params=ENGINES)
def engine(request, corpus):
    if request.param == "postgres":
        yield PostgresEngine()
        return
    url = os.environ.get("ELASTICSEARCH_URL")
    if not url:
        pytest.skip("Elasticsearch-suiten kører kun med ELASTICSEARCH_URL sat (ingen server her)")
    from search.engines.elasticsearch import ElasticsearchEngine

    es = ElasticsearchEngine(url, fallback=PostgresEngine(), index="test-frikommune-search")
    es.rebuild()
    yield es
    es.client.indices.delete(index=es.index, ignore_unavailable=True)


def run(engine, user=None, **params):
    return search(SearchQuery.from_querydict(params), user=user or AnonymousUser(), engine=engine)


def titles(result):
    return [hit.title for hit in result.hits]


def test_inflected_forms_find_the_same_experiment(engine):
    for word in ("borger", "borgeren", "borgernes"):
        assert "Én borger – én plan" in titles(run(engine, q=word)), word


def test_compound_part_finds_the_compound_and_the_other_way_round(engine, corpus):
    assert titles(run(engine, q="sygedagpenge"))[0] == corpus["sygedagpenge"].title
    assert corpus["sygedagpenge"].title in titles(run(engine, q="sygedagpengemodtager"))
    # "indsats" is the tail of "beskæftigelsesindsatsen" in the sygedagpenge experiment's purpose.
    assert corpus["sygedagpenge"].title in titles(run(engine, q="indsats"))


def test_paragraph_reference_finds_experiments_that_sought_it(engine, corpus):
    for q in ("SEL § 140", "SEL 140", "serviceloven § 140, stk. 3", "§ 140"):
        result = run(engine, q=q)
        assert titles(result)[0] == corpus["familier"].title, q


def test_renumbered_provisions_find_each_other(engine, corpus):
    # The experiment sought LAB §§ 27–30, which became LAB § 40, stk. 1 in 2020.
    assert titles(run(engine, q="LAB § 40, stk. 1"))[0] == corpus["familier"].title
    assert titles(run(engine, q="LAB § 28"))[0] == corpus["familier"].title
    # LAB § 30 b became § 40, stk. 3.
    assert titles(run(engine, q="LAB § 40, stk. 3"))[0] == corpus["ressource"].title


def test_law_names_and_abbreviations(engine, corpus):
    for q in ("SEL", "serviceloven", "lov om social service"):
        found = titles(run(engine, q=q))
        assert corpus["familier"].title in found and corpus["unge"].title in found, q
        assert corpus["sygedagpenge"].title not in found, q


def test_network_abbreviations_expand(engine, corpus):
    assert corpus["familier"].title in titles(run(engine, q="BUF"))
    assert corpus["unge"].title in titles(run(engine, q="SSI"))
    assert corpus["sygedagpenge"].title in titles(run(engine, q="JU"))


def test_typo_gets_a_suggestion_and_results(engine, corpus):
    result = run(engine, q="sygedagpngemodtagere")
    assert result.suggestion == "sygedagpengemodtagere"
    assert titles(result)[0] == corpus["sygedagpenge"].title


def test_short_misspelt_word_gets_a_suggestion(engine, corpus):
    result = run(engine, q="plna", kommune="ballerup")
    assert result.suggestion == "plan"
    assert titles(result) == [corpus["familier"].title]
    kommune = next(f for f in result.facets if f.param == "kommune")
    assert [(v.label, v.selected) for v in kommune.values if v.selected] == [("Ballerup", True)]


def test_a_citizens_own_word_finds_pages_through_the_thesaurus(engine, corpus):
    # No page says "far"; the thesaurus's "forælder", "forældre" and "familie" find the family experiment.
    assert titles(run(engine, q="far"))[0] == corpus["familier"].title


def test_network_only_pages_only_for_logged_in_readers(engine, corpus, make_user):
    assert corpus["skjult"].title not in titles(run(engine, q="journal"))
    assert run(engine, q="journal").total == 0
    reader = make_user("laeser", role="staff", municipality_slug="helsingor")
    assert titles(run(engine, user=reader, q="journal")) == [corpus["skjult"].title]


def test_drafts_are_never_found(engine, corpus):
    page = corpus["unge"]
    page.title = "Hemmelig kladdetitel"
    page.save_revision()  # a draft, not published
    assert run(engine, q="kladdetitel").total == 0


def test_facets_combine_and_count_under_the_other_filters(engine, corpus):
    result = run(engine, q="plan", kommune=["ballerup", "fredensborg"])
    assert set(titles(result)) == {corpus["familier"].title, corpus["sygedagpenge"].title}
    kommune = {v.value: v for v in next(f for f in result.facets if f.param == "kommune").values}
    # The municipality facet counts under the other filters only, so Allerød stays offered.
    assert kommune["allerod"].count == 1 and not kommune["allerod"].selected
    assert kommune["ballerup"].selected

    narrowed = run(engine, q="plan", kommune=["ballerup", "fredensborg"], status="evaluated")
    assert titles(narrowed) == [corpus["sygedagpenge"].title]
    both = run(engine, type="forsoeg", aar="2019", lov="SEL")
    assert set(titles(both)) == {corpus["familier"].title, corpus["unge"].title}


def test_sort_orders(engine, corpus):
    newest = titles(run(engine, type="forsoeg", sort="nyeste"))
    assert newest[0] == corpus["sygedagpenge"].title or newest[0] == corpus["unge"].title
    assert newest[-1] == corpus["ressource"].title  # started first, in June 2017
    page = corpus["ressource"]
    page.summary += " Opdateret."
    page.save_revision().publish()
    assert titles(run(engine, type="forsoeg", sort="opdateret"))[0] == page.title


def test_snippet_highlights_matched_words(engine):
    hit = run(engine, q="uddannelseshjælp").hits[0]
    assert "<mark>uddannelseshjælp" in str(hit.snippet)  # the word or a compound it begins


def test_paging(engine):
    first = run(engine, q="plan")
    assert first.total >= 3
    second_query = SearchQuery.from_querydict({"q": "plan", "side": "2"})
    second_query.per_page = 2
    second = search(second_query, engine=engine)
    assert second.page == 2 and len(second.hits) <= 2
