"""`search_index rebuild` works in short transactions, batch by batch: an editor who publishes while it runs waits
for one batch at most, not for the whole rebuild, and a page deleted meanwhile is not brought back. Each thread has
its own database connection, so the test commits (transactional)."""

import threading
import time

import pytest
from django.db import connection

from experiments.factories import ExperimentPageFactory
from municipalities.models import MunicipalityPage
from network.setup import setup_network
from search import indexing
from search.models import SearchDocument
from tests.conftest import restore_wagtail_base

# Enough pages, each with enough text, that the rebuild takes a few seconds on a small machine.
PAGES = 160
TEXT = " ".join(f"borgerinddragelse{n} sagsbehandler koordinering helhedsorienteret plan" for n in range(400))


def build_corpus():
    restore_wagtail_base()  # an earlier transactional test may have emptied the database
    setup_network()
    parent = MunicipalityPage.objects.get(slug="helsingor")
    pages = [
        ExperimentPageFactory(parent=parent, title=f"Forsøg nummer {n}", summary=TEXT, challenge=TEXT, content=[])
        for n in range(PAGES)
    ]
    draft = ExperimentPageFactory(parent=parent, title="Nyt forsøg om qwertyplaner", live=False, content=[])
    return pages, draft


@pytest.mark.django_db(transaction=True)
def test_a_publish_during_a_rebuild_completes_before_the_rebuild_and_is_in_the_index():
    pages, draft = build_corpus()
    doomed = pages[-1]  # not reached by the rebuild when it is deleted
    started = threading.Event()
    timing = {}
    errors = []

    def run_rebuild():
        try:
            timing["rebuild_start"] = time.monotonic()
            timing["count"] = indexing.rebuild(progress=lambda n: started.set())
            timing["rebuild_end"] = time.monotonic()
        except BaseException as error:  # noqa: BLE001 (reported by the test)
            errors.append(error)
            started.set()
        finally:
            connection.close()

    rebuild = threading.Thread(target=run_rebuild)
    rebuild.start()
    assert started.wait(timeout=120)
    publish_start = time.monotonic()
    draft.save_revision().publish()
    timing["publish_end"] = time.monotonic()
    doomed.delete()
    rebuild.join(timeout=300)

    assert errors == []
    rebuild_seconds = timing["rebuild_end"] - timing["rebuild_start"]
    publish_seconds = timing["publish_end"] - publish_start
    print(f"rebuild {rebuild_seconds:.2f} s, publish during it {publish_seconds:.2f} s")  # noqa: T201
    assert rebuild_seconds > 1.0, "the corpus is too small to show anything"
    assert timing["publish_end"] < timing["rebuild_end"]
    assert publish_seconds < rebuild_seconds / 2
    indexed = set(SearchDocument.objects.values_list("page_id", flat=True))
    assert draft.pk in indexed
    assert doomed.pk not in indexed
    assert indexed == {page.pk for page in pages[:-1]} | {draft.pk}


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_removes_documents_of_pages_no_longer_live_and_keeps_the_lexicon_counts():
    from experiments.models import ExperimentPage
    from search.models import LexiconWord

    restore_wagtail_base()
    setup_network()
    parent = MunicipalityPage.objects.get(slug="helsingor")
    kept = ExperimentPageFactory(parent=parent, title="Forsøg med qwertyplaner", content=[])
    gone = ExperimentPageFactory(parent=parent, title="Forsøg med qwertyplaner og zymurgi", content=[])
    kept.save_revision().publish()
    gone.save_revision().publish()
    ExperimentPage.objects.filter(pk=gone.pk).update(live=False)  # unpublished behind the signals' back

    def vacuums():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, vacuum_count FROM pg_stat_user_tables WHERE relname = ANY(%s)",
                [[SearchDocument._meta.db_table, LexiconWord._meta.db_table]],
            )
            return dict(cursor.fetchall())

    vacuums_before = vacuums()
    indexing.rebuild()
    indexing.rebuild()  # twice: a rebuild of an index that is already right changes no count

    assert set(SearchDocument.objects.values_list("page_id", flat=True)) == {kept.pk}
    assert LexiconWord.objects.get(word="qwertyplaner").frequency == 1
    assert not LexiconWord.objects.filter(word="zymurgi").exists()
    # Outside a transaction the rebuild vacuums what it wrote, so the first searches find the rows all-visible.
    assert vacuums() == {table: count + 2 for table, count in vacuums_before.items()}


@pytest.mark.django_db
def test_a_page_made_network_only_while_the_rebuild_runs_stays_network_only(network):
    from wagtail.models import PageViewRestriction

    parent = MunicipalityPage.objects.get(slug="helsingor")
    first, second = (
        ExperimentPageFactory(parent=parent, title=title, content=[]) for title in ("Første forsøg", "Andet forsøg")
    )

    def restrict_the_second_after_the_first_batch(count):
        if not PageViewRestriction.objects.filter(page=second).exists():
            PageViewRestriction.objects.create(page=second, restriction_type=PageViewRestriction.LOGIN)

    indexing.rebuild(progress=restrict_the_second_after_the_first_batch, chunk_size=1)

    visibility = dict(SearchDocument.objects.values_list("page_id", "visibility"))
    assert visibility[first.pk] == "public"
    assert visibility[second.pk] == "network"
