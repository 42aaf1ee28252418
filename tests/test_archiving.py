"""Nothing is lost: an experiment that has ever been published is archived with a reason, never deleted by the
municipality's editors or coordinators; network administrators may still delete, and editors their own drafts.
Driven through Wagtail's admin views as each role."""

import pytest
from django.urls import reverse
from wagtail.models import Page, PageLogEntry

from experiments.factories import ExperimentPageFactory
from experiments.models import ExperimentPage
from tests.conftest import municipality

pytestmark = pytest.mark.django_db


def published_experiment(owner=None, title="Én plan for familier"):
    page = ExperimentPageFactory(parent=municipality("helsingor"), title=title, owner=owner, content=[])
    page.save_revision(user=owner).publish()
    return ExperimentPage.objects.get(pk=page.pk)


def delete_url(page):
    return reverse("wagtailadmin_pages:delete", args=[page.pk])


def bulk_delete_url(page):
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
    return f"{url}?id={page.pk}&next={reverse('wagtailadmin_explore', args=[page.get_parent().pk])}"


@pytest.fixture
def editor(make_user, network):
    return make_user("redaktoer-helsingor", role="editors", municipality_slug="helsingor")


@pytest.fixture
def coordinator(make_user, network):
    return make_user("koordinator-helsingor", role="coordinators", municipality_slug="helsingor")


def test_an_editor_cannot_delete_their_experiment_once_it_has_been_published(client, editor):
    page = published_experiment(owner=editor)
    page.unpublish()  # no longer live, yet once published: Wagtail alone would let its owner delete it
    client.force_login(editor)

    client.get(delete_url(page))
    client.post(delete_url(page))
    client.post(bulk_delete_url(page))

    assert ExperimentPage.objects.filter(pk=page.pk).exists()
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert delete_url(page) not in edit


def test_an_editor_may_still_delete_a_draft_that_was_never_published(client, editor):
    draft = ExperimentPageFactory(parent=municipality("helsingor"), owner=editor, live=False, content=[])
    client.force_login(editor)

    response = client.post(delete_url(draft))

    assert response.status_code == 302
    assert not Page.objects.filter(pk=draft.pk).exists()


def test_a_coordinator_cannot_delete_a_published_experiment_alone_or_in_bulk(client, coordinator):
    page = published_experiment()
    client.force_login(coordinator)

    for response in (client.post(delete_url(page)), client.post(bulk_delete_url(page))):
        assert response.status_code in (200, 302)
    assert ExperimentPage.objects.get(pk=page.pk).live

    explore = client.get(reverse("wagtailadmin_explore", args=[page.get_parent().pk])).content.decode()
    assert delete_url(page) not in explore
    assert reverse("experiments_archive", args=[page.pk]) in explore


def test_deleting_the_page_above_a_published_experiment_is_refused_with_a_danish_message(rf, coordinator):
    from django.contrib.messages.storage.fallback import FallbackStorage

    from experiments.archiving import refuse_bulk_deleting_published_experiments, refuse_deleting_published_experiments

    page = published_experiment()
    request = rf.post("/")
    request.user = coordinator
    request.session = {}
    request._messages = FallbackStorage(request)

    refused = refuse_deleting_published_experiments(request, municipality("helsingor"))
    refused_in_bulk = refuse_bulk_deleting_published_experiments(request, "delete", [municipality("helsingor")], None)

    assert refused.status_code == refused_in_bulk.status_code == 302
    assert "kan ikke slettes" in str(list(request._messages)[0])
    assert page.title in str(list(request._messages)[0])


def test_a_coordinator_archives_a_published_experiment_with_a_reason_kept_in_its_history(client, coordinator):
    page = published_experiment()
    client.force_login(coordinator)
    url = reverse("experiments_archive", args=[page.pk])

    form = client.get(url)
    without_reason = client.post(url, {"reason": "  "})
    assert ExperimentPage.objects.get(pk=page.pk).live
    archived = client.post(url, {"reason": "Forsøget blev indstillet af byrådet; erfaringerne er samlet i rapporten."})

    assert form.status_code == 200 and "Begrundelse" in form.content.decode()
    assert without_reason.status_code == 200
    assert archived.status_code == 302
    page.refresh_from_db()
    assert not page.live
    entry = PageLogEntry.objects.get(page=page, action="experiments.archive")
    assert entry.user == coordinator
    assert entry.data["reason"].startswith("Forsøget blev indstillet af byrådet")
    assert PageLogEntry.objects.filter(page=page, action="wagtail.unpublish").exists()
    history = client.get(reverse("wagtailadmin_pages:history", args=[page.pk])).content.decode()
    assert "erfaringerne er samlet i rapporten" in history
    # Archived, it still cannot be deleted by the municipality.
    client.post(delete_url(page))
    assert ExperimentPage.objects.filter(pk=page.pk).exists()


def test_an_editor_cannot_archive_since_archiving_unpublishes(client, editor):
    page = published_experiment()
    client.force_login(editor)

    client.post(reverse("experiments_archive", args=[page.pk]), {"reason": "Vil ikke mere."})

    assert ExperimentPage.objects.get(pk=page.pk).live
    assert not PageLogEntry.objects.filter(page=page, action="experiments.archive").exists()


@pytest.mark.parametrize("role", ["superuser", "administrators"])
def test_network_administrators_may_still_delete_a_published_experiment(client, make_user, network, role):
    if role == "superuser":
        user = make_user("admin", is_superuser=True, is_staff=True)
    else:
        user = make_user("netvaerksadministrator", role="administrators")
    page = published_experiment()
    client.force_login(user)

    response = client.post(delete_url(page))

    assert response.status_code == 302
    assert not Page.objects.filter(pk=page.pk).exists()
