"""Two editors publishing at once: pages that share words update the same lexicon rows, and must wait for each
other rather than deadlock. Each thread has its own database connection, so the tests commit (transactional)."""

import itertools
import threading

import pytest
from django.db import connection, transaction

from network.setup import setup_network
from search.indexing import update_lexicon
from search.models import LexiconWord
from tests.conftest import restore_wagtail_base

# Enough shared words that two upserts running at once would cross each other if their orders differed.
WORDS = ["".join(letters) + "ning" for letters in itertools.islice(itertools.product("bdfgklmnprstv", repeat=3), 1500)]


def run_at_once(*jobs) -> list[BaseException]:
    """Run each job in its own thread and transaction, all starting together; the errors they raised."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            with transaction.atomic():
                barrier.wait(timeout=30)
                job()
        except BaseException as error:  # noqa: BLE001 (reported by the test)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.django_db(transaction=True)
def test_lexicon_updates_with_the_same_words_in_opposite_orders_wait_for_each_other():
    forward = dict.fromkeys(WORDS, (1, 1))
    backward = dict.fromkeys(reversed(WORDS), (1, 0))
    update_lexicon(forward)  # rows that exist, so both updates take row locks

    errors = run_at_once(lambda: update_lexicon(forward), lambda: update_lexicon(backward))

    assert errors == []
    counts = dict(LexiconWord.objects.filter(word__in=WORDS).values_list("word", "frequency"))
    assert set(counts.values()) == {3}


@pytest.mark.django_db(transaction=True)
def test_two_pages_with_shared_words_published_at_once_both_reach_the_lexicon():
    from experiments.factories import ExperimentPageFactory

    restore_wagtail_base()  # an earlier transactional test may have emptied the database
    setup_network()
    pages = [
        ExperimentPageFactory(title=f"Forsøg nummer {n}", summary=" ".join(words), content=[])
        for n, words in ((1, WORDS), (2, list(reversed(WORDS))))
    ]

    errors = run_at_once(*[lambda page=page: page.save_revision().publish() for page in pages])

    assert errors == []
    assert set(LexiconWord.objects.filter(word__in=WORDS).values_list("frequency", flat=True)) == {2}
