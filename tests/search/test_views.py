"""The search page and the JSON endpoint show what the service finds, safely escaped."""

import lxml.html
import pytest

from search.indexing import index_page
from tests.search.conftest import experiment

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


# The search page's layout: each facet's first values at once, the rest behind "Vis alle (N)".


MORE = 'contains(@class, "facet-more")'
HIT = '@class="hit"'


def _page(client, path="/soeg/", **params):
    return lxml.html.fromstring(client.get(path, params, follow=True).content.decode())


def _facet(document, param):
    (fieldset,) = document.xpath(f'//fieldset[@data-facet="{param}"]')
    shown = fieldset.xpath(f'.//input[@type="checkbox"][not(ancestor::details[{MORE}])]')
    rest = fieldset.xpath(f'.//details[{MORE}]//input[@type="checkbox"]')
    more = fieldset.xpath(f".//details[{MORE}]/summary")
    return shown, rest, (more[0].text_content() if more else "")


@pytest.fixture
def many_tags(corpus):
    """Seven experiments about the same thing, each with its own tag: a facet with more values than fit."""
    return [
        experiment(
            "ballerup", title=f"Kvadraturforsøg nummer {n}", summary="Et forsøg om kvadratur.", tags=[f"emne-{n}"]
        )
        for n in range(1, 8)
    ]


def test_a_facet_shows_five_values_and_the_rest_behind_vis_alle_with_the_total(client, many_tags):
    shown, rest, more = _facet(_page(client, q="kvadratur"), "tag")
    assert [box.get("value") for box in shown] == ["emne-1", "emne-2", "emne-3", "emne-4", "emne-5"]
    assert [box.get("value") for box in rest] == ["emne-6", "emne-7"]
    assert "Vis alle (7)" in more


def test_a_selected_value_shows_even_when_it_is_not_among_the_first_five(client, many_tags):
    shown, rest, _more = _facet(_page(client, q="kvadratur", tag="emne-7"), "tag")
    selected = [box for box in shown if box.get("checked") is not None]
    assert [box.get("value") for box in selected] == ["emne-7"]
    assert "emne-7" not in [box.get("value") for box in rest]
    assert len(shown) <= 6


def test_a_facet_with_few_values_has_no_vis_alle(client, corpus):
    shown, rest, more = _facet(_page(client, q="plan"), "type")
    assert {box.get("value") for box in shown} == {"forsoeg", "viden"}
    assert rest == [] and more == ""


def test_filters_and_sort_submit_with_the_search_form_without_javascript(client, corpus):
    document = _page(client, q="plan")
    (form,) = document.xpath('//form[@id="search-form"]')
    assert form.get("method") == "get" and form.get("action") == "/soeg/"
    assert form.xpath('.//input[@name="q"]')[0].get("value") == "plan"
    # Filters and sort order sit beside the hits, outside the form element, and join it by its id.
    controls = document.xpath('//fieldset[@data-facet]//input[@type="checkbox"] | //select[@name="sort"]')
    assert controls and [c for c in controls if c.get("form") != "search-form"] == []
    buttons = [b for b in document.xpath('//button[@type="submit"][@form="search-form"]') if b.text_content().strip()]
    assert "Opdatér" in [button.text_content().strip() for button in buttons]
    # Every facet is a group with a name a screen reader reads out.
    for fieldset in document.xpath("//fieldset[@data-facet]"):
        assert fieldset.xpath("legend")[0].text_content().strip()


def test_the_filters_fold_behind_one_filtrer_control_that_says_how_many_are_chosen(client, corpus):
    document = _page(client, q="plan", kommune="ballerup")
    (panel,) = document.xpath('//details[@id="facet-panel"]')
    summary = panel.xpath("summary")[0].text_content()
    assert summary.startswith("Filtrér") and "1 valgt" in summary
    # The hits are not inside the folded panel.
    assert not panel.xpath(f".//li[{HIT}]")


def test_the_experiment_list_has_the_same_layout(client, corpus):
    document = _page(client, "/forsoeg/")
    assert document.xpath('//*[contains(@class, "search-layout__filters")]//details[@id="facet-panel"]')
    assert document.xpath(f'//*[contains(@class, "search-layout__results")]//li[{HIT}]')
