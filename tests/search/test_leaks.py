"""What an anonymous reader must not learn from search about pages only the network may read: not a word of them
("Mente du …?", compound expansions), not a facet value or label, not the titles of linked network-only pages."""

import re

import pytest
from wagtail.models import PageViewRestriction

from core.visibility import Visibility
from knowledge.factories import KnowledgeArticlePageFactory
from search.models import LexiconWord
from search.query import SearchQuery
from search.service import search
from tests.search.conftest import experiment, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden(corpus):
    """A network-only experiment whose words, tag and contact exist nowhere else."""
    return experiment(
        "helsingor",
        title="Kvantejournalen i Helsingør",
        summary="Tværfaglig kvantejournalisering af borgersager.",
        challenge="",
        purpose="",
        content=[],
        target_group_description="",
        contact_name="Gudrun Hemmelighedsfuld",
        visibility=Visibility.NETWORK,
        tags=["fortroligt-emne"],
    )


def anonymous_search(client, **params):
    return client.get("/soeg/", params)


def api_search(client, **params):
    return client.get("/api/v1/search", params).json()


# Mente du …? ---------------------------------------------------------------------------------------------------------


def test_an_anonymous_typo_is_not_corrected_to_a_word_of_a_network_only_page(client, hidden):
    for text in ("kvantejournalem", "hemmelighedsfult"):
        page = anonymous_search(client, q=text).content.decode()
        assert "kvantejournalen" not in page.casefold()
        assert "hemmelighedsfuld" not in page.casefold()
        assert not api_search(client, q=text)["suggestion"]


def test_a_network_reader_is_offered_the_network_only_word(client, hidden, make_user):
    client.force_login(make_user("medarbejder-ballerup", role="staff", municipality_slug="ballerup"))
    assert api_search(client, q="kvantejournalem")["suggestion"] == "kvantejournalen"


def test_words_of_a_page_leave_the_lexicon_when_it_is_unpublished(corpus):
    page = experiment(
        "ballerup",
        title="Forsøg med ørkenkameler",
        summary="Ørkenkameler som hjælpere.",
        challenge="",
        purpose="",
        content=[],
        target_group_description="",
    )
    assert LexiconWord.objects.filter(word="ørkenkameler").exists()
    page.unpublish()
    assert not LexiconWord.objects.filter(word="ørkenkameler").exists()
    assert not search(SearchQuery.from_querydict({"q": "ørkenkamelr"})).suggestion


def test_words_of_a_deleted_page_leave_the_lexicon(corpus):
    page = experiment(
        "ballerup",
        title="Forsøg med ørkenkameler",
        summary="Dyr i forsøget.",
        challenge="",
        purpose="",
        content=[],
        target_group_description="",
    )
    page.delete()
    assert not LexiconWord.objects.filter(word="ørkenkameler").exists()


def test_a_word_becomes_network_only_with_its_last_public_page(client, corpus):
    page = experiment(
        "ballerup",
        title="Forsøg med ørkenkameler",
        summary="Dyr i forsøget.",
        challenge="",
        purpose="",
        content=[],
        target_group_description="",
    )
    assert api_search(client, q="ørkenkamelr")["suggestion"] == "ørkenkameler"
    page.visibility = Visibility.NETWORK
    publish(page)
    assert PageViewRestriction.objects.filter(page=page).exists()
    assert not api_search(client, q="ørkenkamelr")["suggestion"]
    word = LexiconWord.objects.get(word="ørkenkameler")
    assert (word.frequency, word.public_frequency) == (1, 0)


def test_republishing_a_page_does_not_count_its_words_again(corpus):
    before = LexiconWord.objects.get(word="sygedagpengemodtagere").frequency
    publish(corpus["sygedagpenge"])
    publish(corpus["sygedagpenge"])
    assert LexiconWord.objects.get(word="sygedagpengemodtagere").frequency == before


def test_compound_expansion_uses_only_words_an_anonymous_reader_may_see(hidden):
    from search.understanding import understand

    public = understand("journalen", reader=False)
    network = understand("journalen", reader=True)
    hidden_lexeme = LexiconWord.objects.get(word="kvantejournalen").lexeme
    assert hidden_lexeme not in public.clauses[0].words
    assert hidden_lexeme in network.clauses[0].words


# Facet values and filter labels -------------------------------------------------------------------------------------


def test_a_tag_only_on_network_only_pages_is_unknown_to_an_anonymous_reader(client, hidden):
    response = api_search(client, q="", tag="fortroligt-emne")
    assert all(value["value"] != "fortroligt-emne" for value in response["facets"]["tag"])
    page = without_csrf_tokens(anonymous_search(client, tag="fortroligt-emne").content.decode())
    # Told the same as for a value that exists nowhere.
    nowhere = without_csrf_tokens(anonymous_search(client, tag="findes-ikke-nogen-steder").content.decode())
    assert page.replace("fortroligt-emne", "X") == nowhere.replace("findes-ikke-nogen-steder", "X")


def without_csrf_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_a_network_reader_keeps_the_network_only_tag(client, hidden, make_user):
    client.force_login(make_user("medarbejder-ballerup", role="staff", municipality_slug="ballerup"))
    response = api_search(client, q="", tag="fortroligt-emne")
    assert response["total"] == 1


# Linked pages in an article's text ----------------------------------------------------------------------------------


def test_a_public_article_is_not_found_by_the_title_of_a_linked_network_only_experiment(client, hidden):
    article = KnowledgeArticlePageFactory(title="Notat om samarbejde", summary="Et notat.", body=[])
    article.experiments = [hidden]
    publish(article)
    titles = [hit["title"] for hit in api_search(client, q="kvantejournalen")["hits"]]
    assert article.title not in titles


def test_an_article_forgets_a_linked_experiment_that_becomes_network_only(client, corpus):
    article = KnowledgeArticlePageFactory(title="Notat om koordinering", summary="Et notat.", body=[])
    article.experiments = [corpus["unge"]]
    publish(article)
    unge = corpus["unge"]
    unge.visibility = Visibility.NETWORK
    publish(unge)
    titles = [hit["title"] for hit in api_search(client, q="koordineret indsats for unge")["hits"]]
    assert article.title not in titles
