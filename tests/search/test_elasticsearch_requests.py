"""Elasticsearch cannot run here, so what the engine would send it is kept and checked instead: the index's settings
and mappings and the exact request body of every search of the benchmark's mix (bench/queries.py), for an
anonymous reader and a network reader, over the search tests' corpus. A change to a request shows up as a diff of
tests/search/elasticsearch_requests.json; write the file anew on purpose with

    RECORD_ELASTICSEARCH_REQUESTS=1 python -m pytest tests/search/test_elasticsearch_requests.py

The same requests run against a real cluster in `ELASTICSEARCH_URL=… make bench` (README, "Search at scale").
"""

import json
import os
from pathlib import Path

import pytest

from bench.queries import QUERIES
from search.engines.elasticsearch import build_search, index_mappings, index_settings
from search.facets import FACETS
from search.query import SearchQuery
from search.understanding import understand

pytestmark = pytest.mark.django_db

RECORDED = Path(__file__).with_name("elasticsearch_requests.json")


def requests_now() -> dict:
    requests = {}
    for reader in (False, True):
        for text in QUERIES:
            query = SearchQuery.from_querydict({"q": text})
            body = build_search(query, understanding=understand(text, reader=reader), reader=reader).to_dict()
            requests[f"{'netværk' if reader else 'offentlig'}: {text}"] = body
    return {"settings": index_settings(), "mappings": index_mappings(), "requests": requests}


@pytest.fixture
def recorded(corpus):
    now = json.loads(json.dumps(requests_now(), ensure_ascii=False, sort_keys=True))
    if os.environ.get("RECORD_ELASTICSEARCH_REQUESTS"):
        RECORDED.write_text(json.dumps(now, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return now, json.loads(RECORDED.read_text(encoding="utf-8"))


def test_the_requests_and_the_mapping_are_the_recorded_ones(recorded):
    now, kept = recorded
    assert now["settings"] == kept["settings"]
    assert now["mappings"] == kept["mappings"]
    assert set(now["requests"]) == set(kept["requests"])
    for name, body in now["requests"].items():
        assert body == kept["requests"][name], f"the request for »{name}« changed"


def test_every_recorded_request_counts_every_facet_and_all_hits_and_hides_network_pages_from_the_public(recorded):
    _now, kept = recorded
    for name, body in kept["requests"].items():
        assert body["track_total_hits"] is True, name
        assert {f"f_{facet.param}" for facet in FACETS} == set(body["aggs"]), name
        assert body["_source"] == {"excludes": ["text_b", "text_c", "text_d"]}, name
        public_filter = {"term": {"visibility": "public"}} in body["query"]["bool"].get("filter", [])
        assert public_filter == name.startswith("offentlig"), name


def test_the_mapping_has_every_facet_as_a_keyword_or_typed_field(recorded):
    _now, kept = recorded
    properties = kept["mappings"]["properties"]
    for facet in FACETS:
        assert facet.field in properties, facet.field
        assert properties[facet.field] == index_mappings()["properties"][facet.field]


def _multi_matches(node) -> list[dict]:
    if isinstance(node, dict):
        found = [node["multi_match"]] if "multi_match" in node else []
        return found + [match for value in node.values() for match in _multi_matches(value)]
    if isinstance(node, list):
        return [match for value in node for match in _multi_matches(value)]
    return []


def test_a_citizens_own_words_ask_for_the_thesaurus_alternatives_lighter_than_the_words(corpus):
    """As on PostgreSQL: "arbejdsløs" also matches "ledig" and "kontanthjælp", as phrases and with lighter fields."""
    text = "arbejdsløs far"
    understanding = understand(text, reader=False)
    wanted = {alternative.text for clause in understanding.positive for alternative in clause.alternatives}
    assert {"ledig", "kontanthjælp", "forælder"} <= wanted

    body = build_search(SearchQuery.from_querydict({"q": text}), understanding=understanding, reader=False).to_dict()
    matches = _multi_matches(body["query"])
    alternatives = {match["query"]: match for match in matches if match.get("type") == "phrase"}
    assert set(alternatives) == wanted
    assert alternatives["ledig"]["fields"] == ["title^2.4", "text_b^1.2", "text_c^0.6", "text_d^0.3"]
    words = next(match for match in matches if match["query"] == "arbejdsløs")
    assert words["fields"] == ["title^4.0", "text_b^2.0", "text_c^1.0", "text_d^0.5"]
