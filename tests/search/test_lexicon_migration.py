"""The migration that gives the lexicon its count of public pages recounts every word from the indexed documents of
an existing database: nothing indexed is lost, and words the old counting kept for network-only pages are marked."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.visibility import Visibility
from network.setup import setup_network
from search.models import LexiconWord, SearchDocument
from tests.conftest import restore_wagtail_base

BEFORE = [("search", "0003_vector_storage_main")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_migrating_recounts_each_words_pages_and_public_pages():
    from experiments.factories import ExperimentPageFactory

    restore_wagtail_base()  # an earlier transactional test may have emptied the database
    setup_network()
    pages = (("Åbne ørkenkameler", Visibility.PUBLIC), ("Hemmeligholdte ørkenkameler", Visibility.NETWORK))
    for title, visibility in pages:
        ExperimentPageFactory(title=title, visibility=visibility).save_revision().publish()
    documents = SearchDocument.objects.count()

    try:
        migrate(BEFORE)
        with connection.cursor() as cursor:  # the old counting: one more for every publish
            cursor.execute("UPDATE search_lexiconword SET frequency = 7")
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert SearchDocument.objects.count() == documents
    word = LexiconWord.objects.get(word="ørkenkameler")
    assert (word.frequency, word.public_frequency) == (2, 1)
    hidden = LexiconWord.objects.get(word="hemmeligholdte")
    assert (hidden.frequency, hidden.public_frequency) == (1, 0)
