"""Whatever is typed or put in the URL, the page answers politely and the API with 200 or a 400 that says why."""

import pytest

from search.query import MAX_QUERY_LENGTH, SearchQuery

pytestmark = pytest.mark.django_db

TSQUERY_OPERATORS = [
    "&",
    "|",
    "!",
    ":",
    "*",
    "(",
    ")",
    "'",
    '"',
    "\\",
    "<->",
    "& | ! : * ( ) ' \" \\ <->",
    "a:*b",
    "!!x",
]

# (name, query parameters): each must give the page a 200 and the API a 200 or a 400.
BAD_INPUT = [
    ("empty", {"q": ""}),
    ("only_stop_words", {"q": "og i at det en"}),
    *[(f"operator_{i}", {"q": op}) for i, op in enumerate(TSQUERY_OPERATORS)],
    ("unbalanced_quotes", {"q": '"én plan'}),
    ("unbalanced_parentheses", {"q": "(borger & (plan"}),
    ("long_query", {"q": "borger " * 715}),
    ("nul_byte", {"q": "bor\x00ger"}),
    ("emoji", {"q": "🙂 plan 👨‍👩‍👧"}),
    ("unknown_facet_value", {"kommune": "atlantis", "status": "flyvende", "lov": "XYZ"}),
    ("page_negative", {"q": "plan", "side": "-1"}),
    ("page_text", {"q": "plan", "side": "abc"}),
    ("page_far_beyond", {"q": "plan", "side": "99999"}),
    ("repeated_parameters", {"q": ["plan", "borger"], "side": ["1", "2"], "sort": ["nyeste", "relevans"]}),
    ("unknown_sort", {"q": "plan", "sort": "tilfaeldig"}),
    ("non_numeric_year", {"aar": "tyve"}),
    ("sql_in_facet", {"kommune": "x'); DROP TABLE search_searchdocument; --"}),
]


@pytest.mark.parametrize("params", [p for _n, p in BAD_INPUT], ids=[n for n, _p in BAD_INPUT])
def test_search_page_answers_bad_input_politely(client, params):
    response = client.get("/soeg/", params)
    assert response.status_code == 200
    assert b"resultat" in response.content


@pytest.mark.parametrize("params", [p for _n, p in BAD_INPUT], ids=[n for n, _p in BAD_INPUT])
def test_api_answers_bad_input_with_200_or_a_400_that_says_why(client, params):
    response = client.get("/api/v1/search", params)
    assert response.status_code in (200, 400)
    body = response.json()
    if response.status_code == 400:
        assert body["errors"] and body["detail"]
    else:
        assert {"hits", "facets", "total"} <= set(body)


def test_long_query_is_truncated_with_a_notice():
    query = SearchQuery.from_querydict({"q": "borger " * 715})
    assert len(query.text) <= MAX_QUERY_LENGTH
    assert query.notices


def test_nul_bytes_are_stripped():
    assert SearchQuery.from_querydict({"q": "bor\x00ger"}).text == "borger"


@pytest.mark.parametrize("page", ["-1", "abc", "0", "1.5"])
def test_malformed_page_is_refused_by_the_api(client, page):
    response = client.get("/api/v1/search", {"q": "plan", "side": page})
    assert response.status_code == 400
    assert "Sidetallet" in response.json()["detail"]


def test_unknown_facet_value_is_ignored_with_a_notice(client):
    body = client.get("/api/v1/search", {"kommune": "atlantis"}).json()
    assert body["query"]["filters"] == {}
    assert any("atlantis" in notice for notice in body["notices"])


def test_page_beyond_the_last_shows_the_last_page(client, corpus):
    response = client.get("/soeg/", {"q": "plan", "side": "99999"})
    assert response.status_code == 200
    assert "findes ikke" in response.content.decode()
    assert response.context["result"].hits
