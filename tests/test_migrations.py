"""Migrations keep an existing database's content: the home page moved from the municipalities app to the network app,
and a provision's one successor became a set of successors.

The test goes back to the schema before the move (municipalities 0001, no network app), checks the home page is
there as the old schema kept it, migrates forward and finds the same page, row and content type in its new place.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Page, Site

from network.models import HomePage
from network.setup import setup_network

BEFORE_THE_MOVE = [("municipalities", "0001_initial"), ("network", None)]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def table_exists(name: str) -> bool:
    return name in connection.introspection.table_names()


def content_type_of(page_id: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ct.app_label, ct.model FROM wagtailcore_page p JOIN django_content_type ct "
            "ON ct.id = p.content_type_id WHERE p.id = %s",
            [page_id],
        )
        return cursor.fetchone()


@pytest.mark.django_db(transaction=True)
def test_the_home_page_keeps_its_row_and_content_type_through_the_move_to_the_network_app():
    from tests.conftest import restore_wagtail_base

    restore_wagtail_base()  # an earlier transactional test may have emptied the database
    home = setup_network()
    home.intro = "<p>Netværkets egen forside.</p>"
    home.save_revision().publish()
    ContentType.objects.clear_cache()

    try:
        migrate(BEFORE_THE_MOVE)
        assert table_exists("municipalities_homepage") and not table_exists("network_homepage")
        assert content_type_of(home.pk) == ("municipalities", "homepage")
        with connection.cursor() as cursor:
            cursor.execute("SELECT intro FROM municipalities_homepage WHERE page_ptr_id = %s", [home.pk])
            assert cursor.fetchone() == ("<p>Netværkets egen forside.</p>",)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        ContentType.objects.clear_cache()

    assert table_exists("network_homepage") and not table_exists("municipalities_homepage")
    assert content_type_of(home.pk) == ("network", "homepage")
    moved = Page.objects.get(pk=home.pk).specific
    assert isinstance(moved, HomePage)
    assert moved.intro == "<p>Netværkets egen forside.</p>"
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert moved.revisions.count() == 1
    # Nothing is left for Django to create or change.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_a_provisions_one_successor_becomes_its_set_of_successors_and_back():
    from experiments.models import Provision
    from tests.conftest import restore_wagtail_base

    restore_wagtail_base()
    setup_network()
    old = Provision.objects.get(law__key="LAB", paragraph="27", paragraph_end="30")
    (new,) = old.successors.all()

    try:
        migrate([("experiments", "0004_import_local_id_and_mappings")])
        with connection.cursor() as cursor:
            cursor.execute("SELECT successor_id FROM experiments_provision WHERE id = %s", [old.pk])
            assert cursor.fetchone() == (new.pk,)
            # A provision renumbered under the one-successor schema.
            cursor.execute("UPDATE experiments_provision SET successor_id = %s WHERE id = %s", [new.pk, new.pk - 1])
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert list(Provision.objects.get(pk=old.pk).successors.all()) == [new]
    assert list(Provision.objects.get(pk=new.pk - 1).successors.all()) == [new]
