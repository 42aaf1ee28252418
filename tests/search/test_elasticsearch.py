"""The Elasticsearch engine: the index it creates, the requests it sends, its queue and its fallback.

No Elasticsearch runs here, so the mapping and request bodies are compared as dicts; the fallback is tested against
a real unreachable address. Tests marked `elasticsearch` talk to ELASTICSEARCH_URL and skip visibly without it.
"""

import logging
import os

import pytest
from django.core.management import call_command

from search.engines.elasticsearch import ElasticsearchEngine, build_search, index_mappings, index_settings
from search.engines.postgres import PostgresEngine
from search.models import IndexQueue
from search.query import SearchQuery
from search.service import search
from search.understanding import understand

pytestmark = pytest.mark.django_db
UNREACHABLE = "http://127.0.0.1:9"


def test_index_has_danish_analysis_and_the_network_synonyms():
    analysis = index_settings()["analysis"]
    assert analysis["filter"]["danish_stemmer"] == {"type": "stemmer", "language": "danish"}
    assert analysis["filter"]["danish_stop"] == {"type": "stop", "stopwords": "_danish_"}
    assert "buf, børn unge og familier" in analysis["filter"]["network_synonyms"]["synonyms"]
    assert analysis["analyzer"]["danish_search"]["filter"] == [
        "lowercase",
        "network_synonyms",
        "danish_stop",
        "danish_stemmer",
    ]
    mappings = index_mappings()
    assert mappings["properties"]["title"]["analyzer"] == "danish_index"
    assert mappings["properties"]["municipalities"] == {"type": "keyword"}
    assert mappings["properties"]["provisions"] == {"type": "integer"}


def test_request_filters_visibility_and_aggregates_each_facet_under_the_other_filters(corpus):
    query = SearchQuery.from_querydict({"q": "plan", "kommune": "ballerup", "status": "started"})
    body = build_search(query, understanding=understand(query.text), reader=False).to_dict()
    assert {"term": {"visibility": "public"}} in body["query"]["bool"]["filter"]
    assert body["post_filter"] == {
        "bool": {"filter": [{"terms": {"municipalities": ["ballerup"]}}, {"terms": {"status": ["started"]}}]}
    }
    assert body["aggs"]["f_kommune"]["filter"] == {"bool": {"filter": [{"terms": {"status": ["started"]}}]}}
    assert body["aggs"]["f_kommune"]["aggs"]["values"] == {"terms": {"field": "municipalities", "size": 100}}
    assert body["highlight"]["pre_tags"] == ["\x02"]
    assert body["from"] == 0 and body["size"] == 10 and body["track_total_hits"] is True


def test_reference_becomes_a_provision_terms_query(corpus):
    query = SearchQuery.from_querydict({"q": "LAB § 40, stk. 1"})
    understanding = understand(query.text)
    body = build_search(query, understanding=understanding, reader=True).to_dict()
    should = body["query"]["bool"]["must"][0]["bool"]["should"]
    terms = next(option["terms"] for option in should if "terms" in option)
    assert set(terms["provisions"]) == set(understanding.clauses[0].provisions)
    assert len(terms["provisions"]) == 2  # LAB §§ 27–30 and its successor LAB § 40, stk. 1
    assert "filter" not in body["query"]["bool"] or body["query"]["bool"]["filter"] == []


def test_unreachable_elasticsearch_answers_from_postgresql_and_logs(corpus, caplog):
    engine = ElasticsearchEngine(UNREACHABLE, fallback=PostgresEngine(), timeout=1)
    with caplog.at_level(logging.WARNING, logger="search.engines.elasticsearch"):
        result = search(SearchQuery.from_querydict({"q": "SEL § 140"}), engine=engine)
    assert result.engine == "postgres"
    assert [hit.title for hit in result.hits] == [corpus["familier"].title]
    assert "did not answer" in caplog.text


def test_changes_are_queued_in_the_same_transaction_when_elasticsearch_is_configured(corpus, settings):
    settings.ELASTICSEARCH_URL = UNREACHABLE
    page = corpus["unge"]
    page.save_revision().publish()
    page.unpublish()
    assert list(IndexQueue.objects.values_list("page_id", "action")) == [(page.pk, "index"), (page.pk, "delete")]


def test_sync_keeps_the_queue_when_elasticsearch_is_down(corpus, settings):
    settings.ELASTICSEARCH_URL = UNREACHABLE
    corpus["unge"].save_revision().publish()
    with pytest.raises(Exception, match="svarer ikke"):
        call_command("search_index", "sync", "--no-progress")
    entry = IndexQueue.objects.get()
    assert entry.attempts == 1 and entry.last_error


def test_no_queue_without_elasticsearch(corpus):
    corpus["unge"].save_revision().publish()
    assert not IndexQueue.objects.exists()


def test_rebuild_and_status_commands_for_postgresql(corpus, capsys):
    call_command("search_index", "rebuild", "--no-progress")
    call_command("search_index", "status")
    out = capsys.readouterr().out
    assert "PostgreSQL: 7 dokumenter" in out
    assert "Søgemaskine: postgres" in out


@pytest.mark.elasticsearch
def test_sync_delivers_queued_changes_to_a_real_server(corpus, settings):
    url = os.environ.get("ELASTICSEARCH_URL")
    if not url:
        pytest.skip("Kræver en Elasticsearch-server i ELASTICSEARCH_URL (ingen server her)")
    settings.ELASTICSEARCH_URL = url
    engine = ElasticsearchEngine(url, fallback=PostgresEngine(), index="test-frikommune-sync")
    try:
        engine.rebuild()
        page = corpus["unge"]
        page.unpublish()
        assert engine.sync() == 1
        assert engine.count() == 6
    finally:
        engine.client.indices.delete(index=engine.index, ignore_unavailable=True)
