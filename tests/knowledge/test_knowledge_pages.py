"""`/viden/` and its articles as readers see them: every field of an article, and the index's filter by kind."""

import pytest
from bs4 import BeautifulSoup
from wagtail.rich_text import RichText

from core.visibility import Visibility
from experiments.factories import ExperimentPageFactory, TargetGroupFactory
from experiments.models import Provision
from knowledge.factories import ArticleDocumentFactory, DocumentFactory, KnowledgeArticlePageFactory
from knowledge.models import ArticleKind
from municipalities.models import MunicipalityPage

pytestmark = pytest.mark.django_db


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def text_of(element) -> str:
    return " ".join(element.get_text(" ").split())


def test_an_article_shows_every_field_and_only_the_experiments_the_reader_may_see(client):
    public_experiment = ExperimentPageFactory(title="Én borger – én plan")
    hidden_experiment = ExperimentPageFactory(title="Internt forsøg", visibility=Visibility.NETWORK)
    article = KnowledgeArticlePageFactory(
        title="Erfaringer med én samlet plan",
        kind=ArticleKind.EVALUATION_REPORT,
        summary="Hvad netværket lærte af de første to år.",
        body=[
            ("heading", "Det virkede"),
            ("paragraph", RichText("<p>Et <i>fælles</i> møde med borgeren.</p>")),
            ("document", DocumentFactory(title="Bilag til rapporten")),
        ],
        author_municipality=MunicipalityPage.objects.get(slug="gribskov"),
        experiments=[public_experiment, hidden_experiment],
        provisions=[Provision.objects.get(law__key="SEL", paragraph="141", stk=7)],
        target_groups=[TargetGroupFactory(name="Unge under 30 år")],
        tags=["evaluering"],
    )
    ArticleDocumentFactory(article=article, description="Slutrapport fra VIVE")

    soup = soup_of(client.get(article.url))
    text = text_of(soup.find("main"))

    assert text_of(soup.find("h1")) == "Erfaringer med én samlet plan"
    assert "Evalueringsrapport" in text and "Gribskov" in text
    assert "Hvad netværket lærte af de første to år." in text
    assert soup.find("h2", string="Det virkede") and soup.find("i", string="fælles")
    assert any("Bilag til rapporten" in link.get_text() for link in soup.find_all("a", href=True))
    assert "Slutrapport fra VIVE" in text
    assert soup.find("a", href=public_experiment.url, string="Én borger – én plan")
    assert "Internt forsøg" not in text
    assert "SEL § 141, stk. 7" in text
    assert "Unge under 30 år" in text and "evaluering" in text


def test_the_index_filters_by_kind_and_hides_network_only_articles_from_anonymous_readers(client, make_user):
    guide = KnowledgeArticlePageFactory(title="Sådan holder I det første møde", kind=ArticleKind.METHOD_GUIDE)
    notes = KnowledgeArticlePageFactory(title="Referat af netværksmøde", kind=ArticleKind.MEETING_NOTES)
    internal = KnowledgeArticlePageFactory(
        title="Juridisk notat om samtykke", kind=ArticleKind.LEGAL_NOTE, visibility=Visibility.NETWORK
    )

    anonymous = text_of(soup_of(client.get("/viden/")).find("main"))
    assert guide.title in anonymous and notes.title in anonymous
    assert internal.title not in anonymous

    only_guides = text_of(soup_of(client.get("/viden/", {"type": ArticleKind.METHOD_GUIDE})).find("main"))
    assert guide.title in only_guides and notes.title not in only_guides

    client.force_login(make_user("medarbejder-allerod", role="staff", municipality_slug="allerod"))
    assert internal.title in text_of(soup_of(client.get("/viden/")).find("main"))
