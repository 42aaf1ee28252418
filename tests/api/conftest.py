"""A small registry served by a live server: the API is exercised over real HTTP."""

import datetime
import re
from dataclasses import dataclass

import pytest
import requests

D = datetime.date


@dataclass
class Registry:
    url: str
    family: object  # public, Helsingør, SEL § 140 granted, LAB § 40, stk. 1 applied, results and learnings
    sickness: object  # public, Hillerød, SDPL § 13 refused
    internal: object  # network-only, Helsingør, SEL § 140 partly granted
    draft: object  # never published
    article: object  # public, about family, internal and SEL § 140
    network_article: object


def restore_wagtail_base():
    """Wagtail's migrations make a root page, a root collection and a locale; a flushed database has none."""
    from wagtail.models import Collection, Locale, Page

    Locale.objects.get_or_create(language_code="da")
    if not Page.get_first_root_node():
        Page.add_root(instance=Page(title="Root", slug="root", live=True))
    if not Collection.get_first_root_node():
        Collection.add_root(name="Root")


def build_registry(add_experiment, url: str) -> Registry:
    from experiments.models import Provision, ServiceArea, TargetGroup
    from experiments.references import parse_reference
    from knowledge.models import KnowledgeArticlePage, KnowledgeIndexPage

    families, youth = TargetGroup.objects.order_by("name")[:2]
    jobcenter = ServiceArea.objects.order_by("name").first()
    family = add_experiment(
        "helsingor",
        "Én plan for familier",
        statuses=[("approved", D(2017, 5, 1)), ("started", D(2018, 1, 1))],
        exemptions=[("SEL § 140", "granted"), ("LAB § 40, stk. 1", "applied")],
        results=2,
        learnings=1,
        evaluations=1,
        partners=["hillerod"],
        target_groups=[families],
        service_areas=[jobcenter],
        tags=["familie"],
        planned_start=D(2018, 1, 1),
        planned_end=D(2019, 12, 31),
        citizens_count=120,
    )
    # A draft of new content on a live page must not leak.
    family.title = "Kladdetitel, ikke udgivet"
    family.save_revision()
    sickness = add_experiment(
        "hillerod",
        "Sygedagpenge uden samtaler",
        statuses=[("started", D(2020, 2, 1))],
        exemptions=[("SDPL § 13", "refused")],
        target_groups=[youth],
        tags=["sygedagpenge"],
        planned_start=D(2020, 2, 1),
        planned_end=D(2021, 6, 30),
    )
    internal = add_experiment(
        "helsingor",
        "Internt netværksforsøg",
        statuses=[("idea", D(2021, 1, 1))],
        exemptions=[("SEL § 140", "partly_granted")],
        visibility="network",
    )
    draft = add_experiment("gribskov", "Upubliceret forsøg", exemptions=[("SEL § 140", "granted")], live=False)

    index = KnowledgeIndexPage.objects.get()
    article = KnowledgeArticlePage(title="Hvad vi lærte om SEL § 140", slug="sel-140", summary="Læring om planer.")
    article.experiments = [family, internal]
    article.provisions = [Provision.objects.resolve(parse_reference("SEL § 140"))]
    index.add_child(instance=article)
    network_article = KnowledgeArticlePage(
        title="Referat fra netværksmøde", slug="referat", summary="Kun for netværket.", visibility="network"
    )
    index.add_child(instance=network_article)
    for page in (article, network_article):
        page.save_revision().publish()
    return Registry(url, family, sickness, internal, draft, article, network_article)


@pytest.fixture
def api(live_server, transactional_db, add_experiment):
    """The registry above, committed, behind a live server; emptied again after the test."""
    from network.setup import setup_network

    restore_wagtail_base()
    setup_network()
    return build_registry(add_experiment, live_server.url)


@pytest.fixture
def anonymous(api) -> requests.Session:
    return requests.Session()


@pytest.fixture
def network_reader(api) -> requests.Session:
    """A requests session of a network reader, logged in through the site's own login form as a browser would."""
    from django.contrib.auth.models import User

    base_url, username = api.url, "sagsbehandler"
    User.objects.create_user(username=username, password="test-password-1")
    session = requests.Session()
    form = session.get(f"{base_url}/log-ind/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    response = session.post(
        f"{base_url}/log-ind/",
        data={"username": username, "password": "test-password-1", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base_url}/log-ind/"},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    return session
