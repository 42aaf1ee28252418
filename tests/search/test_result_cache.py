"""Search answers are kept and asked again without SQL, and a kept answer is never stale: every committed change of
the index (publish, unpublish, a page made network-only, a thesaurus edit) makes a new generation, and the reader
tiers never share an answer. These tests commit (transactional), as the site does at the end of a request."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from core.visibility import Visibility
from network.setup import setup_network
from search import cache as result_cache
from search.models import ThesaurusEntry
from search.query import SearchQuery
from tests.conftest import restore_wagtail_base
from tests.search.conftest import experiment

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def network():
    restore_wagtail_base()
    setup_network()
    cache.clear()


def kvante(**fields):
    return experiment(
        "helsingor",
        title="Kvantejournalen i Helsingør",
        summary="Tværfaglig kvantejournalisering af borgersager.",
        challenge="",
        purpose="",
        content=[],
        target_group_description="",
        **fields,
    )


def titles(client, text):
    return [hit["title"] for hit in client.get("/api/v1/search", {"q": text}).json()["hits"]]


def engine_queries(captured) -> list[str]:
    return [query["sql"] for query in captured if "search_searchdocument" in query["sql"]]


def test_the_same_search_asked_again_is_answered_without_asking_the_index(client):
    kvante()
    with CaptureQueriesContext(connection) as first:
        assert client.get("/soeg/", {"q": "kvantejournal"}).status_code == 200
    with CaptureQueriesContext(connection) as again:
        second = client.get("/soeg/", {"q": "kvantejournal"})
    assert engine_queries(first.captured_queries)
    assert not engine_queries(again.captured_queries)
    assert "Kvantejournalen i Helsingør" in second.content.decode()
    # Another page of results, another sort or another filter is another answer.
    with CaptureQueriesContext(connection) as sorted_by_date:
        client.get("/soeg/", {"q": "kvantejournal", "sort": "nyeste"})
    assert engine_queries(sorted_by_date.captured_queries)


def test_a_page_published_after_a_search_is_found_by_the_same_search_at_once(client):
    assert titles(client, "kvantejournal") == []
    kvante()
    assert titles(client, "kvantejournal") == ["Kvantejournalen i Helsingør"]


def test_a_page_unpublished_or_made_network_only_leaves_the_kept_answers_at_once(client):
    page = kvante()
    assert titles(client, "kvantejournal") == ["Kvantejournalen i Helsingør"]
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert titles(client, "kvantejournal") == []
    PageViewRestriction.objects.filter(page=page).delete()
    assert titles(client, "kvantejournal") == ["Kvantejournalen i Helsingør"]
    page.unpublish()
    assert titles(client, "kvantejournal") == []


def test_a_network_readers_answer_is_never_given_to_an_anonymous_reader(client, make_user):
    kvante(visibility=Visibility.NETWORK)
    reader = make_user("medarbejder-ballerup", role="staff", municipality_slug="ballerup")
    client.force_login(reader)
    assert titles(client, "kvantejournal") == ["Kvantejournalen i Helsingør"]
    client.logout()
    assert titles(client, "kvantejournal") == []
    assert "Kvantejournalen i Helsingør" not in client.get("/soeg/", {"q": "kvantejournal"}).content.decode()


def test_a_thesaurus_edit_changes_the_next_answer(client):
    kvante()
    assert titles(client, "fremtidsjournal") == []
    ThesaurusEntry.objects.create(term="fremtidsjournal", alternatives="kvantejournal")
    assert titles(client, "fremtidsjournal") == ["Kvantejournalen i Helsingør"]
    ThesaurusEntry.objects.all().delete()
    assert titles(client, "fremtidsjournal") == []


def test_a_search_in_a_transaction_that_changed_the_index_is_neither_read_nor_kept(client):
    from django.db import transaction

    query = SearchQuery.from_querydict({"q": "kvantejournal"})
    assert result_cache.key(query, reader=False, engine="postgres") is not None
    with transaction.atomic():
        kvante()
        # What this transaction sees may never be committed: no key, so no answer is read or kept.
        assert result_cache.key(query, reader=False, engine="postgres") is None
    assert result_cache.key(query, reader=False, engine="postgres") is not None


def test_a_lost_generation_starts_again_from_one_no_earlier_answer_used():
    before = result_cache.generation()
    cache.delete(result_cache.GENERATION_KEY)
    after = result_cache.generation()
    assert after > before
    result_cache._bump()
    assert result_cache.generation() == after + 1


@pytest.fixture
def database_cache(settings):
    """The cache of a site without Redis (config/settings/base.py), here with room for four entries, emptied first:
    its table is not one of the tables a transactional test empties."""
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ExpiryOrderedDatabaseCache",
            "LOCATION": "django_cache",
            "OPTIONS": {"MAX_ENTRIES": 4},
        }
    }
    cache.clear()


def database_cache_rows() -> dict[str, object]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, expires FROM django_cache")
        return dict(cursor.fetchall())


def test_the_database_cache_culls_the_oldest_answers_and_keeps_the_generation(database_cache):
    from search.service import search

    kvante()
    generation = result_cache.generation()
    words = ["kvantejournal", "borger", "plan", "familie", "unge", "job", "mentor", "trivsel"]
    for word in words:
        search(SearchQuery.from_querydict({"q": word}))
    assert len(database_cache_rows()) <= 4 + 1
    assert result_cache.generation() == generation
    # The newest answer is kept (a cull comes before the write); which of the others go is decided by their expiry,
    # to the second.
    with CaptureQueriesContext(connection) as newest:
        search(SearchQuery.from_querydict({"q": words[-1]}))
    assert not engine_queries(newest.captured_queries)


def test_a_change_of_the_index_keeps_the_generation_in_the_database_cache_for_good(database_cache):
    generation = result_cache.generation()
    kvante()
    assert result_cache.generation() == generation + 1
    assert database_cache_rows()[":1:" + result_cache.GENERATION_KEY].year == 9999


def test_two_changes_committed_at_once_make_two_generations_in_the_database_cache(database_cache):
    """The second change waits for the first one's count to commit, rather than writing the same next number."""
    import threading
    import time

    from django.db import connections, transaction

    generation = result_cache.generation()

    def bump():
        try:
            result_cache._bump()
        finally:
            connections.close_all()

    with transaction.atomic():
        result_cache._bump()
        other = threading.Thread(target=bump)
        other.start()
        time.sleep(0.5)  # the other change reads the generation while this one's count is not yet committed
    other.join(timeout=30)
    assert result_cache.generation() == generation + 2
