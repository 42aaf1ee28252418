"""Fixtures shared by the whole suite. Every test that touches data runs on a real PostgreSQL.

Most tests run in a transaction that is rolled back. Tests that drive the site over HTTP (tests/browser/,
tests/api/) need committed data, since the server thread reads through its own connection: those that only read
share one data set per directory, committed once and emptied again when the next directory's set is built or the run
ends (`committed_data`); those that write are marked `django_db(transaction=True)` and get their own data, emptied
after the test.
"""

import contextlib
import itertools

import pytest
from django.contrib.auth.models import Group

from municipalities.models import MunicipalityPage
from municipalities.permissions import coordinators_group_name, editors_group_name, staff_group_name
from network.setup import setup_network


def restore_wagtail_base():
    """Wagtail's migrations make a root page, a root collection and a locale; a flushed database has none."""
    from wagtail.models import Collection, Locale, Page

    Locale.objects.get_or_create(language_code="da")
    if not Page.get_first_root_node():
        Page.add_root(instance=Page(title="Root", slug="root", live=True))
    if not Collection.get_first_root_node():
        Collection.add_root(name="Root")


def reset_database():
    """Every table emptied, as after a transactional test, then Wagtail's starting rows and the network put back."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    restore_wagtail_base()
    setup_network()


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """The network as `setup_network` makes it, once per test database; each test rolls back its own changes.

    A reused test database (--reuse-db) is emptied first: Django's test runner has already applied any new
    migration to it, and an interrupted run may have left committed rows behind.
    """
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    reused = request.config.getoption("reuse_db") and not request.config.getoption("create_db")
    own_databases = None
    with django_db_blocker.unblock():
        # pytest-django sets up a test database only when a collected test asks for the database. The read-only
        # browser and API tests ask for none (see CommittedData), so run on their own they would otherwise reach
        # the development database.
        if not connection.settings_dict["NAME"].startswith("test_"):
            own_databases = setup_databases(verbosity=0, interactive=False, aliases={"default"}, keepdb=reused)
        assert connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict["NAME"]
        if reused:
            reset_database()
        else:
            setup_network()
    yield
    if own_databases is not None and not reused:
        with django_db_blocker.unblock():
            teardown_databases(own_databases, verbosity=0)


@pytest.fixture(scope="session")
def committed_server(django_db_setup, django_db_blocker):
    """A live server for the tests that share committed data (see `CommittedData`).

    It is not pytest-django's `live_server`: a test that uses that one is made transactional, and its database is
    emptied after every test.
    """
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    yield server
    server.stop()
    # A request thread that a client left on a keep-alive connection still holds its database connection, and
    # the test database cannot be dropped while it does.
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


class CommittedData:
    """One committed data set at a time, shared by the read-only tests that ask for it by name.

    pytest-django runs tests with database access first, then the transactional ones, and tests without database
    access last; the read-only tests ask for none (the `site` and `api` fixtures open the database to them), so they
    run after every test that rolls back or empties the database and are never interleaved with them. Tests run in
    the order of their files, so each set is built once: tests/browser/ shares one, tests/api/ another.
    """

    def __init__(self, django_db_blocker):
        self._blocker = django_db_blocker
        self._name = None
        self._data = None

    def use(self, name, build):
        if self._name != name:
            self.discard()
            with self._blocker.unblock():
                self._data = build()
            self._name = name
        return self._data

    def discard(self):
        """Empty the database of the current set (as after a transactional test) and put the network back."""
        if self._name is not None:
            with self._blocker.unblock():
                reset_database()
            self._name = self._data = None


@pytest.fixture(scope="session")
def committed_data(committed_server, django_db_blocker):
    data = CommittedData(django_db_blocker)
    yield data
    data.discard()


@contextlib.contextmanager
def rolled_back_after(django_db_blocker):
    """For data built once for a module or class: built in a transaction that is rolled back when the scope ends.
    Each test runs in a savepoint of it, so whatever a test does is undone and nothing built outlives the scope."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo_network(django_db_setup, django_db_blocker):
    """The demo network (`load_demo_data`, no users), loaded once for the module and rolled back after it."""
    from django.core.management import call_command

    pytest.importorskip("network.demo.experiments", reason="the demo data (network/demo/) is not installed")
    with rolled_back_after(django_db_blocker):
        call_command("load_demo_data", stdout=None)
        yield


@pytest.fixture(autouse=True)
def fresh_cache():
    """The test cache lives in memory for the whole run: answers one test kept (search/cache.py) are not another's."""
    from django.core.cache import cache

    from experiments.models.provisions import laws_added_in_the_admin

    cache.clear()
    laws_added_in_the_admin.forget()  # a law one test added and rolled back is not another's


@contextlib.contextmanager
def parser_with_built_in_laws():
    """The reference parser with the laws it knows from code only, so that it reads no database (unit tests)."""
    from experiments.models.provisions import laws_added_in_the_admin
    from experiments.references import use_more_laws

    use_more_laws(None)
    try:
        yield
    finally:
        use_more_laws(laws_added_in_the_admin)


@pytest.fixture
def built_in_laws_only():
    with parser_with_built_in_laws():
        yield


@pytest.fixture
def network(db):
    """The network's home page, as `setup_network` makes it. A test that rolls back starts from the network that
    `django_db_setup` made; a transactional test after another starts from an emptied database and gets it made."""
    from network.models import HomePage

    return HomePage.objects.first() or setup_network()


def municipality(slug: str) -> MunicipalityPage:
    return MunicipalityPage.objects.get(slug=slug)


@pytest.fixture
def make_user(db, django_user_model):
    """make_user("redaktoer-helsingor", role="editors", municipality="helsingor") or role="ministry"."""

    def make(username: str, *, role: str | None = None, municipality_slug: str | None = None, **fields):
        user = django_user_model.objects.create_user(username=username, password="test-password-1", **fields)
        if role == "ministry":
            user.groups.add(Group.objects.get(name="Ministeriet"))
        elif role == "administrators":
            user.groups.add(Group.objects.get(name="Netværksadministratorer"))
        elif role:
            name = municipality(municipality_slug).title
            group_name = {
                "editors": editors_group_name,
                "coordinators": coordinators_group_name,
                "staff": staff_group_name,
            }[role](name)
            user.groups.add(Group.objects.get(name=group_name))
        return user

    return make


@pytest.fixture
def experiment_form_data():
    """The POST data of Wagtail's add/edit form for an ExperimentPage, as the admin's browser would send it.

    experiment_form_data("Én plan", "en-plan", exemptions=["SEL § 140, stk. 3"], status_events=[("applied",
    "2017-05-01")]) ; `extra` overrides or adds top-level fields (e.g. {"action-submit": "1"}).
    """
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

    def build(title, slug, *, exemptions=(), status_events=(), visibility="public", extra=None, initial=None):
        initial = initial or {}
        data = {
            "title": title,
            "slug": slug,
            "summary": f"{title}: kort resumé.",
            "challenge": "Borgere med mange sager møder mange planer.",
            "purpose": "Én plan pr. borger.",
            "content": streamfield(
                [
                    ("heading", "Forsøgets indhold"),
                    ("paragraph", rich_text("<p>Én fælles plan.</p>", features=["bold", "italic", "link"])),
                ]
            ),
            "visibility": visibility,
            "tags": "",
            "exemption_requests": inline_formset(
                [
                    {"reference": reference, "basis": "dispensation", "decision": "applied", "application_round": "2"}
                    for reference in exemptions
                ],
                initial=initial.get("exemption_requests", 0),
            ),
            "status_events": inline_formset(
                [{"status": status, "date": date, "note": ""} for status, date in status_events],
                initial=initial.get("status_events", 0),
            ),
        }
        for relation in ("results", "learnings", "evaluations", "partners", "comments"):
            data[relation] = inline_formset([])
        data.update(extra or {})
        return nested_form_data(data)

    return build


@pytest.fixture
def add_experiment(db):
    """add_experiment("helsingor", "Én plan", statuses=[("started", date)], exemptions=[("SEL § 140", "granted")],
    visibility="network", published=datetime, live=True, **fields): an experiment page built straight from the
    models, with results=N, learnings=N, evaluations=N, partners=[slug], target_groups=[TargetGroup], tags=[name].
    """
    return experiment_builder()


# One numbering for every builder, so that a test's experiments never take the slug of a wider fixture's.
SLUG_NUMBERS = itertools.count(1)


def experiment_builder():
    """The `add_experiment` function, for fixtures of a wider scope than a test."""
    import datetime as dt

    from django.utils import timezone

    from experiments.models import (
        Evaluation,
        ExemptionRequest,
        ExperimentPage,
        Learning,
        PartnerMunicipality,
        Provision,
        Result,
        StatusEvent,
    )
    from experiments.references import parse_reference

    def add(
        municipality_slug,
        title,
        *,
        statuses=(),
        exemptions=(),
        results=0,
        learnings=0,
        evaluations=0,
        partners=(),
        target_groups=(),
        service_areas=(),
        tags=(),
        published=None,
        live=True,
        **fields,
    ):
        parent = municipality(municipality_slug)
        page = ExperimentPage(
            title=title,
            slug=f"{municipality_slug}-forsoeg-{next(SLUG_NUMBERS)}",
            summary=fields.pop("summary", f"{title}: resumé."),
            live=live,
            status_events=[
                StatusEvent(status=status, date=date, sort_order=i) for i, (status, date) in enumerate(statuses)
            ],
            exemption_requests=[
                ExemptionRequest(provision=Provision.objects.resolve(parse_reference(text)), decision=decision)
                for text, decision in exemptions
            ],
            results=[Result(indicator=f"Indikator {i}", value=i) for i in range(results)],
            learnings=[Learning(what_worked=f"Det virkede {i}") for i in range(learnings)],
            evaluations=[Evaluation(evaluator=f"Evaluator {i}") for i in range(evaluations)],
            partners=[PartnerMunicipality(municipality=municipality(slug)) for slug in partners],
            **fields,
        )
        page.target_groups = list(target_groups)
        page.service_areas = list(service_areas)
        for tag in tags:
            page.tags.add(tag)
        parent.add_child(instance=page)
        published = published or timezone.make_aware(dt.datetime(2024, 1, 1, 12))
        if live:
            ExperimentPage.objects.filter(pk=page.pk).update(first_published_at=published, last_published_at=published)
            page.refresh_from_db()
        return page

    return add
