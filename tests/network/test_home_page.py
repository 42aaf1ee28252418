"""The home page leads with a search field and example searches that find something in the demo network."""

import re
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest

EXAMPLES = ["SEL § 140", "ressourceforløb", "unge uden uddannelse"]


def home(client):
    return lxml.html.fromstring(client.get("/").content.decode())


def example_links(document):
    return document.xpath('//ul[contains(@class, "home-examples")]//a')


@pytest.mark.django_db
def test_the_home_page_has_a_labelled_search_form_for_the_search_page(client):
    document = home(client)
    forms = document.xpath('//main//form[@role="search"]')
    assert len(forms) == 1
    (form,) = forms
    assert form.get("action") == "/soeg/" and form.get("method") == "get"
    (field,) = form.xpath('.//input[@name="q"]')
    (label,) = document.xpath(f'//label[@for="{field.get("id")}"]')
    assert label.text_content().strip() == "Søgeord, lov eller paragraf"
    assert form.xpath('.//button[@type="submit"]')[0].text_content().strip() == "Søg"


@pytest.mark.django_db
def test_the_example_searches_link_to_the_search_page_with_their_words(client):
    links = example_links(home(client))
    assert [link.text_content().strip() for link in links] == EXAMPLES
    for link, words in zip(links, EXAMPLES, strict=True):
        address = urlsplit(link.get("href"))
        assert address.path == "/soeg/"
        assert parse_qs(address.query) == {"q": [words]}


@pytest.mark.django_db
def test_the_search_sits_beside_the_key_figures_before_the_latest_experiments(client):
    document = home(client)
    headings = [heading.get("id") for heading in document.xpath("//main//h2")]
    assert headings.index("home-search-heading") < headings.index("latest-experiments")
    assert headings.index("key-figures") < headings.index("latest-experiments")
    (row,) = document.xpath('//div[contains(@class, "home-lead")]')
    assert row.xpath('.//*[@id="home-search-heading"]') and row.xpath('.//*[@id="key-figures"]')


@pytest.mark.django_db
def test_every_example_search_finds_something_in_the_demo_network(client, demo_network):
    for link in example_links(home(client)):
        html = client.get(link.get("href")).content.decode()
        document = lxml.html.fromstring(html)
        count = document.xpath('//*[@id="results-heading"]')[0].text_content()
        total = int(re.search(r"\d+", count).group())
        assert total > 0, f"{link.text_content()} finds nothing"
        assert document.xpath('//li[@class="hit"]'), f"{link.text_content()} shows no hits"
