"""A renamed target group, service area, law, provision or municipality is found by its new name at once: saving it
indexes again the live pages that show its name, without a rebuild."""

import pytest
from django.contrib.auth.models import AnonymousUser
from wagtail.rich_text import RichText

from experiments.models import Provision, ServiceArea, TargetGroup
from knowledge.factories import KnowledgeArticlePageFactory
from municipalities.models import MunicipalityPage
from search.query import SearchQuery
from search.service import search
from tests.search.conftest import publish


def run(**params):
    return search(SearchQuery.from_querydict(params), user=AnonymousUser())


def titles(**params):
    return [hit.title for hit in run(**params).hits]


def facet_labels(result, param):
    facet = next(facet for facet in result.facets if facet.param == param)
    return {value.value: value.label for value in facet.values}


@pytest.fixture
def article_for_families(corpus):
    group = TargetGroup.objects.get(name="Familier med børn 0–15 år")
    article = KnowledgeArticlePageFactory(
        title="Læring fra familieforsøgene",
        summary="Hvad netværket lærte.",
        body=[("paragraph", RichText("<p>Tre kommuner delte erfaringer.</p>"))],
    )
    article.target_groups.set([group])
    article.save()
    return publish(article)


def test_a_renamed_target_group_finds_its_experiments_and_articles_at_once(corpus, article_for_families):
    group = TargetGroup.objects.get(name="Familier med børn 0–15 år")
    assert titles(q="qwertyanere") == []

    group.name = "Qwertyanere"
    group.save()

    found = titles(q="qwertyanere")
    assert corpus["familier"].title in found
    assert article_for_families.title in found
    assert facet_labels(run(q=""), "maalgruppe")[group.slug] == "Qwertyanere"


def test_a_target_group_renamed_in_the_admin_is_found_by_its_new_name(corpus, client, django_user_model):
    group = TargetGroup.objects.get(name="Familier med børn 0–15 år")
    admin = django_user_model.objects.create_superuser("netvaerk", password="test-password-1")
    client.force_login(admin)

    response = client.post(
        f"/admin/snippets/experiments/targetgroup/edit/{group.pk}/",
        {"name": "Forældre og qwertyfolk", "slug": group.slug, "description": ""},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert corpus["familier"].title in titles(q="qwertyfolk")


def test_a_renamed_service_area_is_found_and_labelled_by_its_new_name(corpus):
    area = ServiceArea.objects.get(name="Børn, Unge og Familier")
    assert titles(q="xanadu") == []

    area.name = "Børn og Xanadu"
    area.save()

    assert corpus["familier"].title in titles(q="xanadu")
    assert facet_labels(run(q=""), "fagomraade")[area.slug] == "Børn og Xanadu"


def test_a_renamed_law_and_provision_are_found_by_their_new_names(corpus):
    provision = Provision.objects.filter(exemption_requests__experiment=corpus["sygedagpenge"]).first()
    law = provision.law
    assert titles(q="zymurgi") == titles(q="quokkaparagraffen") == []

    law.name = "Lov om zymurgi"
    law.save()
    provision.heading = "Quokkaparagraffen"
    provision.save()

    assert corpus["sygedagpenge"].title in titles(q="zymurgi")
    assert corpus["sygedagpenge"].title in titles(q="quokkaparagraffen")


def test_a_renamed_municipality_labels_its_experiments_with_the_new_name(corpus):
    municipality = MunicipalityPage.objects.get(slug="ballerup")

    municipality.title = "Ballerup-Måløv Kommune"
    municipality.save_revision().publish()

    assert facet_labels(run(q=""), "kommune")["ballerup"] == "Ballerup-Måløv Kommune"
    hit = next(hit for hit in run(q="familier").hits if hit.title == corpus["familier"].title)
    assert hit.municipality_label == "Ballerup-Måløv Kommune"


def test_publishing_a_municipality_without_renaming_it_leaves_its_experiments_alone(corpus, monkeypatch):
    from search import indexing

    indexed = []
    monkeypatch.setattr(indexing, "index_page", lambda page: indexed.append(page.pk))
    municipality = MunicipalityPage.objects.get(slug="ballerup")

    municipality.save_revision().publish()
    assert corpus["familier"].pk not in indexed

    municipality.title = "Ballerup-Måløv Kommune"
    municipality.save_revision().publish()
    assert corpus["familier"].pk in indexed
