"""A small registry served by a live server: the API is exercised over real HTTP.

Every test here only reads, so the registry is committed once for all of them and emptied after the last.
"""

import datetime
import re
from dataclasses import dataclass

import pytest
import requests

from tests.conftest import experiment_builder, restore_wagtail_base

# The account `network_reader` signs in with; created with the registry.
READER, READER_PASSWORD = "sagsbehandler", "test-password-1"

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


def build_registry(url: str) -> Registry:
    from django.contrib.auth.models import User

    from experiments.models import Provision, ServiceArea, TargetGroup
    from experiments.references import parse_reference
    from knowledge.models import KnowledgeArticlePage, KnowledgeIndexPage
    from network.setup import setup_network

    restore_wagtail_base()
    setup_network()
    User.objects.create_user(username=READER, password=READER_PASSWORD)
    add_experiment = experiment_builder()
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
def api(committed_server, committed_data, django_db_blocker):
    """The registry above, committed, behind a live server; the database is open to the test."""
    registry = committed_data.use("api", lambda: build_registry(committed_server.url))
    with django_db_blocker.unblock():
        yield registry


@pytest.fixture
def anonymous(api):
    # Closed after the test: an open keep-alive connection keeps a server thread's database connection open.
    with requests.Session() as session:
        yield session


@pytest.fixture
def network_reader(api):
    """A requests session of a network reader, logged in through the site's own login form as a browser would."""
    base_url = api.url
    session = requests.Session()
    form = session.get(f"{base_url}/log-ind/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    response = session.post(
        f"{base_url}/log-ind/",
        data={"username": READER, "password": READER_PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base_url}/log-ind/"},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    yield session
    session.close()
