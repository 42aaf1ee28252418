"""`manage.py backup` and `manage.py restore` give back the identical site: every row of every table (the project's,
Wagtail's and Django's), the sequences, and the bytes of every media file. Restoring replaces the database of the
current connection, so the test commits (transactional)."""

import io
import json
import tarfile
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from wagtail.documents.models import Document

from experiments.factories import ExperimentPageFactory
from knowledge.factories import ArticleDocumentFactory, KnowledgeArticlePageFactory
from municipalities.models import MunicipalityPage
from network.backup import media_files
from network.setup import setup_network
from tests.conftest import restore_wagtail_base


def publish(page):
    page.save_revision().publish()
    return page.specific_class.objects.get(pk=page.pk)


def site_state() -> dict:
    """Every row of every table in a canonical order, every sequence's position and every media file's bytes."""
    state = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT row_to_json(t)::text FROM "{table}" AS t')  # noqa: S608 (names from pg_tables)
            state[table] = sorted(row for (row,) in cursor.fetchall())
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        state["sequences"] = sorted(cursor.fetchall())
    state["media"] = {name: default_storage.open(name, "rb").read() for name in media_files()}
    return state


@pytest.fixture
def site():
    restore_wagtail_base()  # an earlier transactional test may have emptied the database
    setup_network()
    helsingor = MunicipalityPage.objects.get(slug="helsingor")
    experiments = [
        publish(ExperimentPageFactory(parent=helsingor, title=title, content=[]))
        for title in ("Én plan for familier", "Koordineret indsats for unge", "Sygedagpenge i én plan")
    ]
    article = publish(KnowledgeArticlePageFactory(title="VIVE: midtvejsevaluering", body=[]))
    attachment = ArticleDocumentFactory(
        article=article,
        document__title="Midtvejsevaluering",
        document__file__filename="midtvejsevaluering.txt",
        document__file__data="Borgerne oplever bedre sammenhæng.".encode(),
    )
    article = publish(article)
    user = get_user_model().objects.create_user("redaktoer-helsingor", password="test-password-1")
    return {"experiments": experiments, "article": article, "document": attachment.document, "user": user}


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_gives_back_the_site_exactly_as_it_was(site, tmp_path):
    before = site_state()
    assert before["wagtaildocs_document"] and site["document"].file.name in before["media"]
    archive = tmp_path / "site.tar"

    started = time.monotonic()
    output = io.StringIO()
    call_command("backup", str(archive), stdout=output)
    seconds = time.monotonic() - started

    # Things change and go after the backup: a page, a title, a document and its file, a user; new ones come.
    site["experiments"][0].delete()
    renamed = site["article"]
    renamed.title = "Omdøbt artikel"
    publish(renamed)
    Document.objects.get(pk=site["document"].pk).file.delete()
    Document.objects.filter(pk=site["document"].pk).delete()
    site["user"].delete()
    get_user_model().objects.create_user("ny-bruger", password="test-password-1")
    default_storage.save("documents/ny-fil.txt", ContentFile(b"Ny fil efter sikkerhedskopien."))
    assert site_state() != before

    with pytest.raises(CommandError, match="ikke tom"):
        call_command("restore", str(archive))
    restored_output = io.StringIO()
    call_command("restore", str(archive), "--force", stdout=restored_output)

    assert site_state() == before
    with tarfile.open(archive) as members:
        manifest = json.load(members.extractfile("manifest.json"))
    server_major = manifest["database"]["server_version"].split(".")[0]
    assert manifest["database"]["tool_version"].split(".")[0] == server_major
    assert f"PostgreSQL {manifest['database']['server_version']}: brugte pg_dump" in output.getvalue()
    print(  # noqa: T201 (figures for the record)
        f"backup {archive.stat().st_size / 1000:.0f} kB in {seconds:.1f} s; {output.getvalue().strip()}; "
        f"{restored_output.getvalue().strip()}"
    )
    # The restored site works: a page can be published and is found.
    page = publish(ExperimentPageFactory(parent=MunicipalityPage.objects.get(slug="allerod"), content=[]))
    assert page.live


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_before_anything_is_changed(site, tmp_path):
    archive = tmp_path / "site.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("media/"):
                data = data.replace(b"Borgerne", b"Borgerne ikke")
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    before = site_state()

    with pytest.raises(CommandError, match="beskadiget"):
        call_command("restore", str(damaged), "--force")

    assert site_state() == before


def test_the_tools_are_chosen_by_the_servers_major_version():
    from network.backup import BackupError, available_tools, tools_for

    for tool in available_tools():
        assert tools_for(tool.major).major == tool.major
    with pytest.raises(BackupError, match="ingen pg_dump til PostgreSQL 99"):
        tools_for(99)
