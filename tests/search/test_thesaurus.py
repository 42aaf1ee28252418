"""The network's thesaurus (search/thesaurus.py): everyday words find the registry's words, and rank below them."""

import datetime

import pytest
from django.urls import reverse

from network.setup import THESAURUS, setup_network
from search.models import ThesaurusEntry
from search.query import SearchQuery
from search.service import search
from search.thesaurus import load_thesaurus
from search.understanding import understand
from tests.search.conftest import experiment

pytestmark = pytest.mark.django_db


def _titles(text: str, **params) -> list[str]:
    return [hit.title for hit in search(SearchQuery.from_querydict({"q": text, **params})).hits]


def _page(municipality: str, title: str, summary: str):
    return experiment(
        municipality,
        title=title,
        summary=summary,
        challenge="",
        purpose="",
        content=[],
        target_group_description="",
        planned_start=datetime.date(2019, 1, 1),
        planned_end=datetime.date(2020, 1, 1),
    )


@pytest.fixture
def pages(db):
    return {
        "ledig": _page("ballerup", "Én plan for ledige forældre", "Forældre, der er ledige, får én samlet plan."),
        "ordret": _page("gribskov", "Hjælp til arbejdsløse", "Arbejdsløse borgere får en fast kontakt."),
        "andet": _page("helsingor", "Færre møder", "Kommunen holder færre møder med borgeren."),
    }


def test_a_search_for_an_everyday_word_finds_a_page_with_only_the_registrys_word(pages):
    assert ThesaurusEntry.objects.filter(term="arbejdsløs").exists()  # seeded by setup_network
    titles = _titles("arbejdsløs")
    assert "Én plan for ledige forældre" in titles
    assert "Færre møder" not in titles


def test_a_phrase_of_the_thesaurus_is_read_past_its_little_words(pages):
    assert "Én plan for ledige forældre" in _titles("mistet sit job")


def test_a_compound_of_terms_finds_the_alternatives_of_its_parts(pages):
    _page("gribskov", "Nyankomne i én plan", "Familier på integrationsydelse får én plan.")
    assert "Nyankomne i én plan" in _titles("flygtningefamilier")
    assert "integrationsydelse" in understand("flygtningefamilier").also_searched


def test_the_word_searched_for_ranks_above_a_page_found_through_the_thesaurus(pages):
    # The title of the thesaurus-only page has the alternative, the other page has the word only in its text.
    titles = _titles("arbejdsløs")
    assert titles.index("Hjælp til arbejdsløse") < titles.index("Én plan for ledige forældre")


def test_an_excluded_word_excludes_only_that_word(pages):
    titles = _titles("borger -arbejdsløs")
    assert "Hjælp til arbejdsløse" not in titles
    clause = next(c for c in understand("-arbejdsløs").clauses if c.negated)
    assert clause.alternatives == []


def test_the_page_and_the_api_say_what_else_was_searched_for(client, pages):
    page = client.get(reverse("search"), {"q": "arbejdsløs far"}).content.decode()
    assert "Søgte også efter: ledig, ledighed, kontanthjælp" in page
    assert "forælder" in page
    body = client.get("/api/v1/search", {"q": "arbejdsløs far"}).json()
    assert body["also_searched"][:3] == ["ledig", "ledighed", "kontanthjælp"]
    assert "forælder" in body["also_searched"]
    assert "Søgte også efter" not in client.get(reverse("search"), {"q": "møder"}).content.decode()
    assert client.get("/api/v1/search", {"q": "møder"}).json()["also_searched"] == []


def test_an_entry_added_in_the_admin_takes_effect_at_once(client, make_user, pages):
    assert "Færre møder" not in _titles("pjækker")
    client.force_login(make_user("admin-synonymer", is_superuser=True))
    listing = client.get(reverse("wagtailsnippets_search_thesaurusentry:list")).content.decode()
    assert "arbejdsløs" in listing
    response = client.post(
        reverse("wagtailsnippets_search_thesaurusentry:add"), {"term": "Pjækker", "alternatives": "møder"}
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    entry = ThesaurusEntry.objects.get(term="Pjækker")
    assert entry.term_lexemes == "pjæk"
    assert "Færre møder" in _titles("pjækkere")
    entry.alternatives = "kontakt"
    entry.save()
    assert _titles("pjækker") == ["Hjælp til arbejdsløse"]


def test_the_admin_refuses_an_entry_of_little_words_only(client, make_user):
    client.force_login(make_user("admin-synonymer", is_superuser=True))
    response = client.post(reverse("wagtailsnippets_search_thesaurusentry:add"), {"term": "og i", "alternatives": "x"})
    assert response.status_code == 200
    assert not ThesaurusEntry.objects.filter(term="og i").exists()


def test_setup_network_loads_the_thesaurus_once_and_keeps_the_administrators_edits(db):
    count = ThesaurusEntry.objects.count()
    assert count >= 50
    entry = ThesaurusEntry.objects.get(term="far")
    entry.alternatives = "forælder"
    entry.save()
    setup_network()
    assert load_thesaurus(THESAURUS) == 0
    assert ThesaurusEntry.objects.count() == count
    assert ThesaurusEntry.objects.get(term="far").alternatives == "forælder"


def test_a_term_that_is_one_word_once_the_little_words_are_gone_is_refused(db):
    from search.thesaurus import term_problem

    assert term_problem("mange møder")  # would give every search for "møder" the alternatives
    assert not term_problem("mistet sit job")
    assert not term_problem("arbejdsløs")


def test_the_thesaurus_reads_as_synonym_rules_for_an_analyser(db):
    from search.thesaurus import synonym_rules

    rules = synonym_rules()
    assert "arbejdsløs => arbejdsløs, ledig, ledighed, kontanthjælp, uddannelseshjælp, jobcenter" in rules
    assert len(rules) == ThesaurusEntry.objects.count()
