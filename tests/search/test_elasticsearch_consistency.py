"""The Elasticsearch engine between syncs: what a reader may no longer see is gone at once, a document Elasticsearch
refuses stays queued, and a rebuild keeps the changes made while it ran.

No Elasticsearch runs here: a real client talks to `FakeNode`, which records each request and answers as a server
would from what the test says. Tests against a real server are in test_elasticsearch.py (marked `elasticsearch`).
"""

import json

import pytest
from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders
from elastic_transport._node._base import NodeApiResponse
from elasticsearch import Elasticsearch

from core.visibility import Visibility
from search.engines.elasticsearch import ElasticsearchEngine
from search.engines.postgres import PostgresEngine
from search.facets import FACETS
from search.models import IndexQueue
from search.query import SearchQuery
from search.service import search
from tests.search.conftest import publish

pytestmark = pytest.mark.django_db
URL = "http://elasticsearch.invalid:9200"


class FakeServer:
    """What the fake node answers: search hits given by the test, bulk items (refusing `refused` page ids)."""

    def __init__(self):
        self.requests: list[tuple[str, str, str]] = []
        self.hits: list[dict] = []
        self.refused: set[int] = set()
        self.on_bulk = None

    def answer(self, method: str, target: str, body: str) -> tuple[int, dict]:
        path = target.split("?")[0]
        if path.endswith("/_search"):
            return 200, self.search_answer()
        if path.endswith("/_bulk"):
            if self.on_bulk:
                self.on_bulk()
            return 200, self.bulk_answer(body)
        if method == "HEAD":
            return 404, {}
        return 200, {"acknowledged": True}

    def search_answer(self) -> dict:
        return {
            "took": 1,
            "timed_out": False,
            "hits": {
                "total": {"value": len(self.hits), "relation": "eq"},
                "max_score": 1.0,
                "hits": [
                    {"_index": "frikommune-search", "_id": str(h["page_id"]), "_score": 1.0, "_source": h}
                    for h in self.hits
                ],
            },
            "aggregations": {f"f_{facet.param}": {"doc_count": 0, "values": {"buckets": []}} for facet in FACETS},
        }

    def bulk_answer(self, body: str) -> dict:
        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
        items = []
        index = 0
        while index < len(lines):
            (operation, meta), *_ = lines[index].items()
            index += 1 if operation == "delete" else 2
            page_id = int(meta["_id"])
            if page_id in self.refused:
                error = {"type": "mapper_parsing_exception", "reason": "failed to parse field [sort_date]"}
                items.append({operation: {"_id": str(page_id), "status": 400, "error": error}})
            elif operation == "delete":
                items.append({operation: {"_id": str(page_id), "status": 404, "result": "not_found"}})
            else:
                items.append({operation: {"_id": str(page_id), "status": 201, "result": "created"}})
        return {"took": 1, "errors": any("error" in next(iter(i.values())) for i in items), "items": items}


SERVER = FakeServer()


class FakeNode(BaseNode):
    def perform_request(self, method, target, body=None, headers=None, request_timeout=None):
        text = body.decode() if body else ""
        SERVER.requests.append((method, target, text))
        status, payload = SERVER.answer(method, target, text)
        meta = ApiResponseMeta(
            status=status,
            http_version="1.1",
            headers=HttpHeaders({"x-elastic-product": "Elasticsearch", "content-type": "application/json"}),
            duration=0.0,
            node=self.config,
        )
        return NodeApiResponse(meta, b"" if method == "HEAD" else json.dumps(payload).encode())

    def close(self):
        pass


@pytest.fixture
def server():
    global SERVER
    SERVER = FakeServer()
    return SERVER


@pytest.fixture
def engine(settings, server):
    settings.ELASTICSEARCH_URL = URL  # changes are queued as they are with Elasticsearch configured
    engine = ElasticsearchEngine(URL, fallback=PostgresEngine())
    engine.client = Elasticsearch(URL, node_class=FakeNode)
    return engine


def source(page) -> dict:
    return {"page_id": page.pk, "kind": "forsoeg", "title": page.title, "url": page.url, "visibility": "public"}


def test_a_page_made_network_only_leaves_anonymous_results_before_the_next_sync(corpus, engine, server):
    unge, familier = corpus["unge"], corpus["familier"]
    unge.visibility = Visibility.NETWORK
    publish(unge)
    server.hits = [source(unge), source(familier)]  # Elasticsearch still holds the public copy

    result = search(SearchQuery.from_querydict({"q": "unge"}), engine=engine)

    assert [hit.page_id for hit in result.hits] == [familier.pk]
    assert result.total == 1
    request = json.loads(next(body for method, target, body in server.requests if "_search" in target))
    assert {"terms": {"page_id": [unge.pk]}} in request["query"]["bool"]["must_not"]


def test_an_unpublished_page_is_dropped_even_when_its_change_is_no_longer_queued(corpus, engine, server):
    unge, familier = corpus["unge"], corpus["familier"]
    unge.unpublish()
    IndexQueue.objects.all().delete()
    server.hits = [source(unge), source(familier)]

    result = search(SearchQuery.from_querydict({"q": "unge"}), engine=engine)

    assert [hit.page_id for hit in result.hits] == [familier.pk]
    assert result.total == 1


def test_a_network_reader_still_gets_the_network_only_page(corpus, engine, server, make_user):
    unge = corpus["unge"]
    unge.visibility = Visibility.NETWORK
    publish(unge)
    server.hits = [source(unge)]
    reader = make_user("medarbejder-ballerup", role="staff", municipality_slug="ballerup")

    result = search(SearchQuery.from_querydict({"q": "unge"}), engine=engine, user=reader)

    assert [hit.page_id for hit in result.hits] == [unge.pk]


def test_a_document_elasticsearch_refuses_stays_queued_with_its_error(corpus, engine, server):
    IndexQueue.objects.all().delete()
    unge, familier = corpus["unge"], corpus["familier"]
    publish(unge)
    publish(familier)
    server.refused = {unge.pk}

    delivered = engine.sync()

    assert delivered == 1
    waiting = IndexQueue.objects.get()
    assert waiting.page_id == unge.pk
    assert "mapper_parsing_exception" in waiting.last_error
    assert waiting.attempts == 1


def test_rebuild_keeps_the_changes_made_while_it_ran(corpus, engine, server):
    IndexQueue.objects.all().delete()
    before = IndexQueue.objects.create(page_id=corpus["unge"].pk, action="index")

    def change_while_copying():
        if not IndexQueue.objects.filter(page_id=corpus["familier"].pk).exists():
            IndexQueue.objects.create(page_id=corpus["familier"].pk, action="index")

    server.on_bulk = change_while_copying

    engine.rebuild()

    assert not IndexQueue.objects.filter(pk=before.pk).exists()
    assert list(IndexQueue.objects.values_list("page_id", flat=True)) == [corpus["familier"].pk]
