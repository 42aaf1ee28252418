"""Browser tests: the real site on a free port (pytest-django's live server) driven by Debian's Chromium.

Playwright's own browser download is never used: the tests launch /usr/bin/chromium (`CHROMIUM` overrides) and are
skipped, with the reason printed by `-ra`, when it is not installed. One browser serves each test module; each test
gets a fresh context (cookies, storage) and saves a full-page screenshot under var/screenshots/.

The site is built once for all the tests here that only read it. A test that changes it (publishes a
page, say) is marked `@pytest.mark.django_db(transaction=True)` and gets a site of its own, emptied after it.
"""

import datetime
import os
from pathlib import Path

import pytest

from tests.browser.helpers import PASSWORD
from tests.conftest import restore_wagtail_base

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    skip = None
    if not CHROMIUM.exists():
        skip = pytest.mark.skip(
            reason=f"browser tests skipped: no Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)"
        )
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
            if skip:
                item.add_marker(skip)


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module.

    While Playwright's sync API is started, its event loop counts as running in the test thread, and Django refuses
    ORM calls there unless DJANGO_ALLOW_ASYNC_UNSAFE is set. The calls the fixtures make are synchronous and safe, so
    the variable is set for exactly as long as the browser lives: it must not leak into other tests or their
    subprocesses (`manage.py check --deploy` rejects it).
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def writes(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


@pytest.fixture
def site(request, committed_server, committed_data, django_db_blocker):
    """The network as setup_network makes it plus the experiments, articles and people the journeys need.

    The server reads committed data. A test that only reads shares one site with the others; a test marked
    `django_db(transaction=True)` builds its own in a transactional database that is emptied after it.
    """
    if writes(request):
        committed_data.discard()
        yield build_site(committed_server.url)
        return
    shared = committed_data.use("browser", lambda: build_site(committed_server.url))
    with django_db_blocker.unblock():
        yield shared


@pytest.fixture
def page(browser, site):
    context = browser.new_context(
        base_url=site.url, locale="da-DK", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.javascript_errors = errors
    yield page
    context.close()


class Site:
    """What build_site made: the live server's address, the people and the pages the journeys use."""

    def __init__(self, url, **things):
        self.url = url
        self.__dict__.update(things)


def _user(username, *groups, first_name="", last_name=""):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(
        username=username, password=PASSWORD, first_name=first_name, last_name=last_name, email=f"{username}@example.dk"
    )
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


def _administrator():
    from django.contrib.auth.models import User

    return User.objects.create_superuser(username="administrator", password=PASSWORD, email="admin@example.dk")


def _experiment(municipality, *, title, slug, summary, visibility="public", exemptions=(), status=None, **fields):
    from experiments.models import ExemptionRequest, ExperimentPage, Provision, StatusEvent
    from experiments.references import parse_reference

    experiment = ExperimentPage(title=title, slug=slug, summary=summary, visibility=visibility, **fields)
    for reference, decision in exemptions:
        experiment.exemption_requests.add(
            ExemptionRequest(provision=Provision.objects.resolve(parse_reference(reference)), decision=decision)
        )
    if status:
        experiment.status_events.add(StatusEvent(status=status, date=datetime.date(2017, 11, 1)))
    municipality.add_child(instance=experiment)
    experiment.save_revision().publish()
    return experiment


def build_site(url: str) -> Site:
    from experiments.models import ServiceArea, TargetGroup
    from experiments.models.choices import Decision, ExperimentStatus
    from knowledge.models import KnowledgeArticlePage, KnowledgeIndexPage
    from municipalities.models import MunicipalityPage
    from municipalities.permissions import (
        MINISTRY_GROUP,
        coordinators_group_name,
        editors_group_name,
        staff_group_name,
    )
    from network.setup import setup_network

    restore_wagtail_base()
    setup_network()
    helsingor = MunicipalityPage.objects.get(slug="helsingor")
    hillerod = MunicipalityPage.objects.get(slug="hillerod")
    ballerup = MunicipalityPage.objects.get(slug="ballerup")

    families = TargetGroup.objects.get(name="Familier med børn 0–15 år")
    young = TargetGroup.objects.get(name="Unge 15–30 år uden uddannelse")
    jobcenter = ServiceArea.objects.get(name="Jobcenter / Job og Uddannelse")
    children = ServiceArea.objects.get(name="Børn, Unge og Familier")

    family_plan = _experiment(
        helsingor,
        title="Én plan for familier med en ledig forælder",
        slug="en-plan-for-familier",
        summary="Familier, hvor en forælder er ledig, får én fælles plan med jobcentret og familieafdelingen.",
        challenge="Familierne har mange planer og mange sagsbehandlere, som ikke taler sammen.",
        purpose="At familien oplever én indsats og én plan.",
        target_group_description="Familier med børn, hvor mindst én forælder er ledig.",
        planned_start=datetime.date(2017, 11, 1),
        planned_end=datetime.date(2021, 6, 30),
        council_decision_date=datetime.date(2017, 9, 28),
        status=ExperimentStatus.STARTED,
        exemptions=[("SEL § 140", Decision.GRANTED), ("LAB § 30", Decision.PARTLY_GRANTED)],
    )
    family_plan.target_groups.set([families])
    family_plan.service_areas.set([jobcenter, children])
    family_plan.save_revision().publish()

    youth = _experiment(
        hillerod,
        title="Sammenhængende indsats for unge uden uddannelse",
        slug="unge-uden-uddannelse",
        summary="Unge uden uddannelse får én kontaktperson og én plan på tværs af forvaltningerne.",
        status=ExperimentStatus.APPROVED,
        exemptions=[("LAB § 30", Decision.GRANTED)],
    )
    youth.target_groups.set([young])
    youth.service_areas.set([jobcenter])
    youth.save_revision().publish()

    meeting = _experiment(
        ballerup,
        title="Fælles møde uden samtykke",
        slug="faelles-moede",
        summary="Familiemøder med alle myndigheder, også før familien har givet samtykke.",
        visibility="network",
        status=ExperimentStatus.IDEA,
    )

    knowledge_index = KnowledgeIndexPage.objects.get()
    article = KnowledgeArticlePage(
        title="Læring fra familieforsøgene",
        slug="laering-familieforsoeg",
        summary="Hvad netværket har lært om én plan for familier.",
    )
    knowledge_index.add_child(instance=article)
    article.experiments.set([family_plan])
    article.save_revision().publish()

    return Site(
        url,
        helsingor=helsingor,
        hillerod=hillerod,
        family_plan=family_plan,
        youth=youth,
        network_only=meeting,
        article=article,
        project_manager=_user(
            "projektleder-helsingor", editors_group_name("Helsingør"), first_name="Hanne", last_name="Holm"
        ),
        coordinator=_user(
            "koordinator-helsingor", coordinators_group_name("Helsingør"), first_name="Karsten", last_name="Krogh"
        ),
        staff=_user("medarbejder-ballerup", staff_group_name("Ballerup"), first_name="Bente", last_name="Berg"),
        ministry=_user("ministeriet", MINISTRY_GROUP, first_name="Mette", last_name="Møller"),
        administrator=_administrator(),
    )
