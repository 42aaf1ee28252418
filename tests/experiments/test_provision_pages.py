"""`/paragraffer/` and `/paragraffer/<id>/`: what the network sought exemption from and what it learnt."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from experiments.models import Provision
from experiments.references import parse_reference


def provision(text):
    return Provision.objects.resolve(parse_reference(text))


@pytest.fixture
def sought(add_experiment):
    family = add_experiment(
        "helsingor",
        "Én plan for familier",
        exemptions=[("SEL § 140", "granted"), ("LAB §§ 27–30", "partly_granted")],
        results=1,
        learnings=1,
        statuses=[("started", datetime.date(2018, 1, 1))],
    )
    part = add_experiment("hillerod", "Handleplaner i ét", exemptions=[("SEL § 140, stk. 3", "refused")], learnings=1)
    second = add_experiment("hillerod", "Endnu en plan", exemptions=[("SEL § 140", "applied")])
    internal = add_experiment(
        "ballerup", "Internt forsøg", exemptions=[("SEL § 140", "granted")], visibility="network", learnings=1
    )
    return {"family": family, "part": part, "second": second, "internal": internal}


def rows(html, table_id):
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, flags=re.S).group()
    return [re.sub(r"<[^>]+>|\s+", " ", row).split() for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]]


def test_provision_list_counts_municipalities_and_decisions_of_what_the_reader_may_see(client, make_user, sought):
    html = client.get("/paragraffer/").content.decode()
    sel_140 = provision("SEL § 140")
    row = next(r for r in rows(html, "provisions-table") if r[:3] == ["SEL", "§", "140"])
    # municipalities, requests, then one column per decision: ansøgt, imødekommet, delvist, ikke, ikke nødv., trukket
    assert row[-8:] == ["2", "2", "1", "1", "0", "0", "0", "0"]
    assert f'href="/paragraffer/{sel_140.pk}/"' in html
    assert "SEL § 140, stk. 3" in html and "LAB §§ 27–30" in html
    assert "SEL § 141" not in html  # in the catalogue, but nobody sought it

    client.force_login(make_user("ministeriet", role="ministry"))
    html = client.get("/paragraffer/").content.decode()
    row = next(r for r in rows(html, "provisions-table") if r[:3] == ["SEL", "§", "140"])
    assert row[-8:] == ["3", "3", "1", "2", "0", "0", "0", "0"]


def test_provision_list_filters_by_law(client, sought):
    html = client.get("/paragraffer/", {"lov": "LAB"}).content.decode()
    assert [r[:1] for r in rows(html, "provisions-table")] == [["LAB"]]
    # An unknown law shows every provision rather than an error page.
    assert len(rows(client.get("/paragraffer/", {"lov": "XYZ"}).content.decode(), "provisions-table")) == 3


def test_provision_table_is_a_keyboard_reachable_region_and_reflows_on_a_phone(client, sought):
    html = client.get("/paragraffer/").content.decode()
    assert 'role="region" aria-labelledby="provisions-caption" tabindex="0"' in html
    wide = r'<table class="[^"]*table--responsive-headers[^"]*" id="provisions-table">.*?</table>'
    body = re.search(wide, html, re.S).group(0).split("<tbody>")[1]
    assert re.search(r"<t[dh](?! scope=\"col\")(?![^>]*data-title)", body) is None
    assert 'data-title="Imødekommet"' in body


def test_provision_page_gathers_experiments_results_learnings_and_articles(client, sought):
    from knowledge.models import KnowledgeArticlePage, KnowledgeIndexPage

    sel_140 = provision("SEL § 140")
    article = KnowledgeArticlePage(title="Hvad vi lærte om handleplaner", slug="handleplaner", summary="Læring.")
    article.provisions = [sel_140]
    KnowledgeIndexPage.objects.get().add_child(instance=article)

    html = client.get(f"/paragraffer/{sel_140.pk}/").content.decode()

    assert "<h1>SEL § 140</h1>" in html
    experiments = rows(html, "exemptions-table")
    assert {" ".join(r) for r in experiments} == {
        "Én plan for familier Helsingør SEL § 140 imødekommet – igangsat",
        "Handleplaner i ét Hillerød SEL § 140, stk. 3 ikke imødekommet – –",
        "Endnu en plan Hillerød SEL § 140 ansøgt – –",
    }
    assert "Internt forsøg" not in html
    assert 'data-figure="municipalities">2<' in html
    assert "Indikator 0" in html  # the family experiment's result
    assert html.count('<article class="learning">') == 2
    assert "Hvad vi lærte om handleplaner" in html


def test_provision_page_shows_law_version_eli_and_renumbering(client, sought):
    old = Provision.objects.get(law__key="LAB", paragraph="27", paragraph_end="30")
    (new,) = old.successors.all()
    html = client.get(f"/paragraffer/{new.pk}/").content.decode()
    assert "https://www.retsinformation.dk/eli/lta/2019/548" in html
    lineage = re.search(r'<ol id="lineage">.*?</ol>', html, flags=re.S).group()
    assert f'href="/paragraffer/{old.pk}/">LAB §§ 27–30</a>' in lineage
    assert '<strong aria-current="page">LAB § 40, stk. 1</strong>' in lineage
    # The experiment sought the old numbering; the new provision's page still shows it.
    assert "Én plan for familier" in html
    assert "delvist imødekommet" in html


def test_unknown_provision_is_404(client, db):
    assert client.get("/paragraffer/999999/").status_code == 404
    assert client.get("/paragraffer/abc/").status_code == 404


def test_provision_page_query_count_does_not_grow_with_the_experiments(client, add_experiment):
    sel_140 = provision("SEL § 140")

    def add(start, n):
        for i in range(start, start + n):
            add_experiment("furesoe", f"Forsøg {i}", exemptions=[("SEL § 140", "granted")], results=1, learnings=1)

    add(0, 2)
    client.get(f"/paragraffer/{sel_140.pk}/")
    with CaptureQueriesContext(connection) as small:
        client.get(f"/paragraffer/{sel_140.pk}/")
    add(2, 15)
    with CaptureQueriesContext(connection) as large:
        client.get(f"/paragraffer/{sel_140.pk}/")
    assert len(large) == len(small)


def test_a_renumbered_provision_is_shown_with_where_it_is_now(client, network):
    from tests.search.conftest import experiment

    page = experiment("ballerup", title="Rehabilitering i én plan", exemptions=["LAB § 30 a", "SEL § 140 a"])
    html = client.get(page.url).content.decode()
    assert "LAB § 30 a, nu § 40, stk. 2 og § 44" in html
    assert "SEL § 140 a, nu barnets lov § 110" in html
    listed = client.get("/paragraffer/").content.decode()
    assert "LAB § 30 a, nu § 40, stk. 2 og § 44" in listed
