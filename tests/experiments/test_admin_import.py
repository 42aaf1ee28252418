"""Importér forsøg in the admin (experiments/admin_import.py): upload, preview, confirm, for one's own municipality."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import WorkflowState

from experiments.models import ExperimentPage, PendingImport, TargetGroup, VocabularyKind, VocabularyMapping
from municipalities.models import MunicipalityPage

HEADINGS = "Kommunens id;Kommune;Titel;Resumé;Status;Målgrupper;Fagområder"


def csv_upload(*lines, name="forsoeg.csv"):
    return SimpleUploadedFile(name, ("\r\n".join([HEADINGS, *lines]) + "\r\n").encode("utf-8"), "text/csv")


ONE_PLAN = "HLS-2018-04;Helsingør;Én plan for familier;Én fælles plan.;igangsat;Unge 18–29 år;Jobcenteret"


def municipality(slug):
    return MunicipalityPage.objects.get(slug=slug)


@pytest.fixture
def coordinator(client, make_user):
    user = make_user("koordinator-helsingor", role="coordinators", municipality_slug="helsingor")
    client.force_login(user)
    return user


@pytest.fixture
def editor(client, make_user):
    user = make_user("redaktoer-gribskov", role="editors", municipality_slug="gribskov")
    client.force_login(user)
    return user


def upload(client, file, slug, **fields):
    data = {"municipality": municipality(slug).pk, "file": file, **fields}
    return client.post(reverse("experiments_import"), data)


def test_a_coordinator_uploads_confirms_a_mapping_and_imports_drafts_for_moderation(client, coordinator):
    page = client.get(reverse("wagtailadmin_home"))
    assert reverse("experiments_import") in page.content.decode()  # the menu item

    response = upload(client, csv_upload(ONE_PLAN), "helsingor")
    assert response.status_code == 302
    preview_url = response["Location"]
    preview = client.get(preview_url).content.decode()
    assert "Ord, der skal bekræftes" in preview
    assert "Unge 18–29 år" in preview
    assert "Unge 15–30 år uden uddannelse (forslag)" in preview
    # Jobcenteret is a clear match and needs no confirming.
    assert "Jobcenteret</td>" not in preview
    assert 'value="import"' not in preview  # nothing to confirm while a word is open

    unge = TargetGroup.objects.get(name="Unge 15–30 år uden uddannelse")
    client.post(preview_url, {"action": "mappings", "mapping-0": unge.pk})
    mapping = VocabularyMapping.objects.get()
    assert (mapping.municipality.slug, mapping.kind, mapping.source_text) == (
        "helsingor",
        VocabularyKind.TARGET_GROUP,
        "unge 18 29 aar",
    )
    assert mapping.target_group == unge

    preview = client.get(preview_url).content.decode()
    assert "Nye forsøg" in preview and "Én plan for familier" in preview
    assert 'value="import"' in preview
    assert not ExperimentPage.objects.exists()

    response = client.post(preview_url, {"action": "import"})
    assert response.status_code == 302
    experiment = ExperimentPage.objects.get()
    assert (experiment.live, experiment.local_id) == (False, "HLS-2018-04")
    assert list(experiment.target_groups.all()) == [unge]
    assert experiment.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert not PendingImport.objects.exists()


def test_a_coordinator_may_publish_at_once_and_the_preview_names_changed_columns(client, coordinator):
    VocabularyMapping.objects.create(
        municipality=municipality("helsingor"),
        kind=VocabularyKind.TARGET_GROUP,
        source_text="Unge 18–29 år",
        target_group=TargetGroup.objects.get(name="Unge 15–30 år uden uddannelse"),
    )
    response = upload(client, csv_upload(ONE_PLAN), "helsingor", publish="on")
    client.post(response["Location"], {"action": "import"})
    assert ExperimentPage.objects.get().live

    changed = ONE_PLAN.replace("Én fælles plan.", "Én fælles plan for hele familien.")
    response = upload(client, csv_upload(changed), "helsingor")
    preview = client.get(response["Location"]).content.decode()
    assert "Ændrede forsøg" in preview
    assert re.search(r"<td>Én plan for familier</td><td>Resumé</td>", preview)


def test_an_editor_cannot_import_into_another_municipality(client, editor):
    form = client.get(reverse("experiments_import")).content.decode()
    assert "Gribskov" in form and "Helsingør" not in form
    # The form refuses another municipality…
    response = upload(client, csv_upload(ONE_PLAN), "helsingor")
    assert response.status_code == 200
    assert not PendingImport.objects.exists()
    # …and a file for their own naming another municipality's experiments has an error on every such row.
    response = upload(client, csv_upload(ONE_PLAN), "gribskov")
    preview_url = response["Location"]
    preview = client.get(preview_url).content.decode()
    expected = "forsøget hører til Helsingør; her importeres kun forsøg for Gribskov"
    assert f"<td>2</td><td>Kommune</td><td>{expected}</td>" in preview
    assert 'value="import"' not in preview
    client.post(preview_url, {"action": "import"})
    assert not ExperimentPage.objects.exists()


def test_an_editors_import_is_submitted_for_moderation_even_when_asking_to_publish(client, editor):
    line = "GRI-1;Gribskov;Koordinerende sagsbehandler;Én indgang.;ansøgt;;"
    response = upload(client, csv_upload(line), "gribskov", publish="on")
    preview = client.get(response["Location"]).content.decode()
    assert "sendes til godkendelse" in preview
    client.post(response["Location"], {"action": "import"})
    experiment = ExperimentPage.objects.get()
    assert not experiment.live
    assert experiment.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


def test_an_upload_is_reachable_by_its_uploader_only(client, coordinator, make_user):
    response = upload(client, csv_upload(ONE_PLAN), "helsingor")
    preview_url = response["Location"]
    other = make_user("koordinator-helsingor-2", role="coordinators", municipality_slug="helsingor")
    client.force_login(other)
    assert client.get(preview_url).status_code == 404
    assert client.post(preview_url, {"action": "import"}).status_code == 404


def test_readers_without_editing_rights_have_no_import(client, make_user):
    client.force_login(make_user("medarbejder", role="staff", municipality_slug="helsingor"))
    assert client.get(reverse("experiments_import")).status_code in (302, 403)


def test_the_menu_item_is_shown_to_those_who_may_import_only(rf, make_user):
    from experiments.wagtail_hooks import ImportMenuItem

    item = ImportMenuItem("Importér forsøg", "/admin/importer-forsoeg/")
    request = rf.get("/admin/")
    request.user = make_user("redaktoer", role="editors", municipality_slug="gribskov")
    assert item.is_shown(request)
    request.user = make_user("ministeriet", role="ministry")
    assert not item.is_shown(request)


def test_a_file_that_cannot_be_read_is_explained_and_nothing_is_written(client, coordinator):
    line = "HLS-1;Helsingør;Én plan;Resumé;igangsat;;;ekstra"
    response = upload(client, csv_upload(line), "helsingor")
    preview = client.get(response["Location"]).content.decode()
    assert "rækken har 8 celler, men der er kun 7 kolonneoverskrifter" in preview
    assert 'value="import"' not in preview


def test_a_file_over_the_size_limit_is_refused_at_upload(client, coordinator, settings):
    settings.EXPERIMENT_IMPORT_MAX_BYTES = 100
    response = upload(client, csv_upload(ONE_PLAN, ONE_PLAN), "helsingor")
    assert response.status_code == 200
    assert "Filen er for stor" in response.content.decode()
    assert not PendingImport.objects.exists()


def test_confirming_checks_the_file_again(client, coordinator, add_experiment):
    VocabularyMapping.objects.create(
        municipality=municipality("helsingor"),
        kind=VocabularyKind.TARGET_GROUP,
        source_text="Unge 18–29 år",
        target_group=TargetGroup.objects.get(name="Unge 15–30 år uden uddannelse"),
    )
    response = upload(client, csv_upload(ONE_PLAN), "helsingor")
    preview_url = response["Location"]
    assert 'value="import"' in client.get(preview_url).content.decode()
    # Between preview and confirmation the mapping is removed: the confirmation finds the word open again.
    VocabularyMapping.objects.all().delete()
    response = client.post(preview_url, {"action": "import"})
    assert response.status_code == 200
    assert "Filen er ikke importeret" in response.content.decode()
    assert not ExperimentPage.objects.exists()


def test_own_words_are_listed_and_edited_for_ones_own_municipality_only(client, editor):
    helsingor = VocabularyMapping.objects.create(
        municipality=municipality("helsingor"),
        kind=VocabularyKind.TARGET_GROUP,
        source_text="Unge 18–29 år",
        target_group=TargetGroup.objects.first(),
    )
    gribskov = VocabularyMapping.objects.create(
        municipality=municipality("gribskov"),
        kind=VocabularyKind.TARGET_GROUP,
        source_text="Borgere med mange sager",
        target_group=TargetGroup.objects.first(),
    )
    listing = client.get(reverse("egne_betegnelser:index")).content.decode()
    assert "borgere med mange sager" in listing
    assert "unge 18 29 aar" not in listing
    assert client.get(reverse("egne_betegnelser:edit", args=[helsingor.pk])).status_code == 404
    assert client.get(reverse("egne_betegnelser:edit", args=[gribskov.pk])).status_code == 200
    add_form = client.get(reverse("egne_betegnelser:add")).content.decode()
    assert "Gribskov" in add_form and "Helsingør" not in add_form
    # An edit that names another municipality is refused.
    data = {
        "municipality": municipality("helsingor").pk,
        "kind": VocabularyKind.TARGET_GROUP,
        "source_text": "Borgere med mange sager",
        "target_group": TargetGroup.objects.first().pk,
    }
    client.post(reverse("egne_betegnelser:edit", args=[gribskov.pk]), data)
    gribskov.refresh_from_db()
    assert gribskov.municipality.slug == "gribskov"
