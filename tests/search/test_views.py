"""The search page and the JSON endpoint show what the service finds, safely escaped."""

import pytest

from search.indexing import index_page

pytestmark = pytest.mark.django_db


def test_search_page_shows_hits_facets_and_removable_filters(client, corpus):
    response = client.get("/soeg/", {"q": "plan", "kommune": "ballerup"})
    html = response.content.decode()
    assert corpus["familier"].title in html
    assert 'name="kommune" value="ballerup" checked' in html
    assert "Fjern filteret Kommune: Ballerup" in html
    # The remove link keeps the words and drops only the filter.
    assert 'href="/soeg/?q=plan"' in html


def test_did_you_mean_links_to_the_corrected_search(client, corpus):
    html = client.get("/soeg/", {"q": "sygedagpngemodtagere"}).content.decode()
    assert "sygedagpengemodtagere" in html


def test_nothing_found_gives_helpful_text(client, corpus):
    html = client.get("/soeg/", {"q": "xylofonorkester"}).content.decode()
    assert "Ingen forsøg eller vidensartikler matcher søgningen" in html


def test_markup_in_content_and_query_is_escaped(client, corpus):
    page = corpus["unge"]
    page.summary = "<script>alert('x')</script> kvalitetsløft <b>fed</b>"
    page.save_revision().publish()
    response = client.get("/soeg/", {"q": "kvalitetsløft <script>alert(1)</script>"})
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>kvalitetsløft</mark>" in html
    api = client.get("/api/v1/search", {"q": "kvalitetsløft"}).json()
    assert "<script>" not in api["hits"][0]["snippet"]
    assert "<mark>kvalitetsløft</mark>" in api["hits"][0]["snippet"]


def test_api_returns_hits_facets_and_total(client, corpus):
    body = client.get("/api/v1/search", {"q": "SEL § 140"}).json()
    assert body["total"] == 1
    hit = body["hits"][0]
    assert hit["title"] == corpus["familier"].title
    assert hit["type"] == "forsoeg"
    assert hit["municipality"] == {"slug": "ballerup", "name": "Ballerup"}
    assert hit["status"]["key"] == "started"
    assert body["facets"]["kommune"][0]["value"] == "ballerup"


def test_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/search" in schema["paths"]


def test_sql_queries_per_search_page_do_not_grow_with_hits(client, corpus, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/soeg/", {"q": "SEL § 140"})
    for page in corpus.values():
        index_page(page)
    with CaptureQueriesContext(connection) as many:
        client.get("/soeg/", {"q": "plan"})
    assert len(many) <= len(few) + 2
    assert len(many) <= 12


def test_the_experiment_list_is_the_search_narrowed_to_experiments(client, corpus):
    response = client.get("/forsoeg/", {"kommune": "ballerup", "type": "viden"})
    assert response.status_code == 302
    assert response["Location"] == "/soeg/?type=forsoeg&kommune=ballerup"

    everything = client.get("/forsoeg/", follow=True).content.decode()
    assert corpus["familier"].title in everything and corpus["unge"].title in everything
    assert not any(
        page.title in everything for key, page in corpus.items() if page.specific_class.__name__ != "ExperimentPage"
    )
    assert corpus["unge"].title not in client.get("/forsoeg/?kommune=ballerup", follow=True).content.decode()
