"""Network-only pages become Wagtail login restrictions, and going public again lifts them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import querydict_from_html

from core.visibility import Visibility, visible_pages
from experiments.factories import ExperimentPageFactory
from experiments.models import ExperimentPage
from knowledge.factories import KnowledgeArticlePageFactory

pytestmark = pytest.mark.django_db


def login_restrictions(page):
    return PageViewRestriction.objects.filter(page=page, restriction_type=PageViewRestriction.LOGIN)


@pytest.mark.parametrize("factory", [ExperimentPageFactory, KnowledgeArticlePageFactory], ids=["experiment", "article"])
def test_network_only_creates_one_login_restriction_and_public_removes_it(factory, client, make_user):
    page = factory(visibility=Visibility.NETWORK)

    assert login_restrictions(page).count() == 1
    response = client.get(page.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/")

    page.save()
    assert login_restrictions(page).count() == 1

    client.force_login(make_user("medarbejder-hillerod", role="staff", municipality_slug="hillerod"))
    assert client.get(page.url).status_code == 200
    client.logout()

    page.visibility = Visibility.PUBLIC
    page.save()

    assert not login_restrictions(page).exists()
    assert client.get(page.url).status_code == 200


def test_publishing_a_revision_that_makes_a_page_network_only_restricts_it(client):
    experiment = ExperimentPageFactory()
    assert not login_restrictions(experiment).exists()

    experiment.visibility = Visibility.NETWORK
    experiment.save_revision().publish()

    assert login_restrictions(experiment).count() == 1
    assert client.get(experiment.url).status_code == 302


def test_a_draft_that_changes_visibility_leaves_the_live_page_as_it_is(client, make_user):
    """Saving a draft is not publishing: readers keep seeing the live page under its live visibility."""
    experiment = ExperimentPageFactory(visibility=Visibility.NETWORK)
    editor = make_user("redaktoer-helsingor", role="editors", municipality_slug="helsingor")
    client.force_login(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=[experiment.pk])
    html = client.get(edit_url).content.decode()
    data = querydict_from_html(html, form_id="page-edit-form")
    data.update({"visibility": Visibility.PUBLIC, "content-count": "0"})

    assert client.post(edit_url, data).status_code == 302

    assert ExperimentPage.objects.get(pk=experiment.pk).visibility == Visibility.NETWORK
    assert login_restrictions(experiment).count() == 1
    client.logout()
    assert client.get(experiment.url).status_code == 302


def test_visible_pages_leaves_network_only_pages_out_for_anonymous_visitors(make_user):
    public = ExperimentPageFactory()
    network_only = ExperimentPageFactory(visibility=Visibility.NETWORK)
    draft = ExperimentPageFactory(live=False)
    experiments = ExperimentPage.objects.filter(pk__in=[public.pk, network_only.pk, draft.pk])
    ministry_user = make_user("ministeriet", role="ministry")

    assert set(visible_pages(experiments, AnonymousUser())) == {public}
    assert set(visible_pages(experiments, ministry_user)) == {public, network_only}


@pytest.fixture
def document_files(settings, tmp_path):
    """Documents on disk, served by Wagtail's own view as in production."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.NETWORK])
def test_documents_of_network_only_pages_need_a_login_too(visibility, client, make_user, document_files):
    from knowledge.factories import DocumentFactory
    from knowledge.models import ArticleDocument

    document = DocumentFactory(title="Notat om samtykke")
    article = KnowledgeArticlePageFactory(visibility=visibility)
    article.documents = [ArticleDocument(document=document)]
    article.save_revision().publish()

    response = client.get(document.url)
    if visibility == Visibility.NETWORK:
        assert response.status_code == 302
        assert response["Location"] == f"/log-ind/?next={document.url}"
    else:
        assert response.status_code == 200

    client.force_login(make_user("medarbejder-ballerup", role="staff", municipality_slug="ballerup"))
    assert client.get(document.url).status_code == 200


def test_a_document_on_both_a_public_and_a_network_only_page_stays_public(client, document_files):
    from knowledge.factories import DocumentFactory
    from knowledge.models import ArticleDocument

    document = DocumentFactory(title="Fælles skabelon")
    for visibility in (Visibility.NETWORK, Visibility.PUBLIC):
        article = KnowledgeArticlePageFactory(visibility=visibility)
        article.documents = [ArticleDocument(document=document)]
        article.save_revision().publish()

    assert client.get(document.url).status_code == 200


def test_a_document_no_page_uses_needs_a_login(client, make_user, document_files):
    from knowledge.factories import DocumentFactory

    document = DocumentFactory(title="Udkast til ansøgning")

    response = client.get(document.url)
    assert response.status_code == 302
    assert response["Location"] == f"/log-ind/?next={document.url}"
    client.force_login(make_user("medarbejder-ballerup", role="staff", municipality_slug="ballerup"))
    assert client.get(document.url).status_code == 200


def test_a_document_taken_off_its_public_page_needs_a_login(client, document_files):
    from knowledge.factories import DocumentFactory
    from knowledge.models import ArticleDocument

    document = DocumentFactory(title="Gammelt bilag")
    article = KnowledgeArticlePageFactory()
    article.documents = [ArticleDocument(document=document)]
    article.save_revision().publish()
    assert client.get(document.url).status_code == 200

    article.documents = []
    article.save_revision().publish()
    assert client.get(document.url).status_code == 302


def test_a_document_only_a_draft_uses_needs_a_login(client, document_files):
    from knowledge.factories import DocumentFactory
    from knowledge.models import ArticleDocument

    document = DocumentFactory(title="Bilag til kladde")
    article = KnowledgeArticlePageFactory(live=False)
    article.documents = [ArticleDocument(document=document)]
    article.save_revision()

    assert client.get(document.url).status_code == 302


def set_privacy(client, page, restriction_type, **fields):
    return client.post(
        reverse("wagtailadmin_pages:set_privacy", args=[page.pk]),
        {"restriction_type": restriction_type, "password": "", "groups": [], **fields},
    )


@pytest.mark.parametrize("factory", [ExperimentPageFactory, KnowledgeArticlePageFactory], ids=["experiment", "article"])
def test_the_privacy_dialog_offers_nothing_on_pages_with_a_visibility_field(factory, client, make_user):
    page = factory(visibility=Visibility.NETWORK)
    client.force_login(make_user("admin", is_superuser=True))

    response = client.get(reverse("wagtailadmin_pages:set_privacy", args=[page.pk]))

    assert response.status_code == 200
    html = response.json()["html"]
    assert 'name="restriction_type"' not in html
    assert "»Synlighed«" in html


def test_removing_the_restriction_behind_the_fields_back_does_not_make_a_network_page_public(client, make_user):
    experiment = ExperimentPageFactory(visibility=Visibility.NETWORK)
    client.force_login(make_user("admin", is_superuser=True))

    response = set_privacy(client, experiment, PageViewRestriction.NONE)

    assert response.status_code == 200
    assert login_restrictions(experiment).count() == 1
    client.logout()
    assert client.get(experiment.url).status_code == 302


def test_a_network_only_page_can_still_be_deleted(make_user):
    experiment = ExperimentPageFactory(visibility=Visibility.NETWORK)
    page_id = experiment.pk

    experiment.delete()

    assert not ExperimentPage.objects.filter(pk=page_id).exists()
    assert not PageViewRestriction.objects.filter(page_id=page_id).exists()


def test_other_page_types_offer_login_only(client, make_user):
    from municipalities.models import MunicipalityPage

    municipality = MunicipalityPage.objects.get(slug="helsingor")
    client.force_login(make_user("admin", is_superuser=True))

    set_privacy(client, municipality, PageViewRestriction.PASSWORD, password="hemmelig")
    assert not PageViewRestriction.objects.filter(page=municipality).exists()

    set_privacy(client, municipality, PageViewRestriction.LOGIN)
    assert login_restrictions(municipality).count() == 1
