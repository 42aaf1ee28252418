"""`/fremdrift/`: the ministry's figures, checked against counts made here from the data the test created."""

import datetime
import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from experiments.models import ExperimentStatus, TargetGroup
from experiments.progress import months_before

D = datetime.date
TODAY = datetime.date.today()
LONG_AGO = D(2018, 1, 1)


@pytest.fixture
def registry(add_experiment):
    """Experiments in three municipalities: public, network-only and one unpublished draft."""
    youth = TargetGroup.objects.order_by("name").first()
    specs = [
        dict(
            municipality_slug="helsingor",
            title="Én plan for familier",
            statuses=[("idea", D(2017, 3, 1)), ("started", D(2018, 6, 1)), ("ended", D(2019, 12, 31))],
            exemptions=[("SEL § 140", "granted"), ("LAB § 40, stk. 1", "partly_granted")],
            citizens_count=120,
            planned_start=D(2018, 6, 1),
            planned_end=D(2019, 12, 31),
            target_groups=[youth],
        ),
        dict(
            municipality_slug="helsingor",
            title="Færre møder i jobcentret",
            statuses=[("applied", D(2018, 2, 1)), ("approved", D(2018, 2, 1))],
            exemptions=[("LAB § 40, stk. 1", "granted"), ("SDPL § 13", "refused")],
            citizens_count=30,
            planned_start=D(2018, 3, 1),
            results=1,
        ),
        dict(
            municipality_slug="hillerod",
            title="Sygedagpenge uden opfølgningssamtaler",
            statuses=[("started", D(2019, 1, 15))],
            exemptions=[("SDPL § 13", "applied")],
            citizens_count=45,
            actual_start=D(2019, 1, 15),
            actual_end=D(2020, 6, 30),
            target_groups=[youth],
        ),
        dict(
            municipality_slug="hillerod",
            title="Netværkets interne forsøg",
            statuses=[("started", D(2020, 5, 1))],
            exemptions=[("SEL § 140", "withdrawn")],
            citizens_count=7,
            planned_start=D(2020, 5, 1),
            visibility="network",
        ),
        dict(
            municipality_slug="gribskov",
            title="Kladde, der ikke er udgivet",
            statuses=[("idea", D(2021, 1, 1))],
            exemptions=[("SEL § 140", "granted")],
            citizens_count=1000,
            live=False,
        ),
    ]
    pages = [add_experiment(**spec) for spec in specs]
    return list(zip(pages, specs, strict=True))


def visible_specs(registry, *, network: bool):
    return [
        spec
        for _page, spec in registry
        if spec.get("live", True) and (network or spec.get("visibility", "public") == "public")
    ]


def figure(html: str, name: str) -> int:
    return int(re.search(rf'data-figure="{name}">(\d+)<', html).group(1))


@pytest.mark.parametrize("network", [False, True], ids=["anonymous", "ministry"])
def test_key_figures_match_counts_of_what_the_reader_may_see(client, make_user, registry, network):
    if network:
        client.force_login(make_user("ministeriet", role="ministry"))
    specs = visible_specs(registry, network=network)
    exemptions = [decision for spec in specs for _text, decision in spec["exemptions"]]

    html = client.get("/fremdrift/").content.decode()

    assert figure(html, "experiments") == len(specs)
    assert figure(html, "municipalities") == len({spec["municipality_slug"] for spec in specs})
    assert figure(html, "citizens") == sum(spec["citizens_count"] for spec in specs)
    assert figure(html, "requests") == len(exemptions)
    assert figure(html, "granted") == exemptions.count("granted")
    assert figure(html, "partly_granted") == exemptions.count("partly_granted")
    assert "Kladde, der ikke er udgivet" not in html
    if not network:
        assert "Netværkets interne forsøg" not in html


def test_progress_links_to_the_exports(client, registry):
    html = client.get("/fremdrift/").content.decode()

    assert 'href="/eksport/forsoeg.xlsx"' in html
    assert 'href="/eksport/forsoeg.csv"' in html


def test_status_per_municipality_and_exemptions_per_law_match_independent_counts(client, make_user, registry):
    client.force_login(make_user("ministeriet", role="ministry"))
    specs = visible_specs(registry, network=True)

    response = client.get("/fremdrift/")
    by_municipality, by_law, _history = response.context["tables"]

    expected = Counter((spec["municipality_slug"], spec["statuses"][-1][0]) for spec in specs)
    assert {row.key for row in by_municipality.rows} == {spec["municipality_slug"] for spec in specs}
    for row in by_municipality.rows:
        slug = row.key
        for column, value in zip(by_municipality.columns, row.values, strict=True):
            status = next(s for s in ExperimentStatus if s.label == column)
            assert value == expected[(slug, status.value)], (row.label, column)
    assert by_municipality.total == len(specs)

    laws = Counter((text.split()[0], decision) for spec in specs for text, decision in spec["exemptions"])
    decisions = {"ansøgt": "applied", "imødekommet": "granted", "delvist imødekommet": "partly_granted"}
    decisions |= {"ikke imødekommet": "refused", "ikke nødvendig": "not_needed", "trukket tilbage": "withdrawn"}
    assert sorted(row.key for row in by_law.rows) == sorted({law for law, _decision in laws})
    for row in by_law.rows:
        for column, value in zip(by_law.columns, row.values, strict=True):
            assert value == laws[(row.key, decisions[column])], (row.key, column)

    html = response.content.decode()
    assert '<caption id="status-by-municipality-caption">Forsøg pr. kommune og status</caption>' in html
    assert '<th scope="row" data-title="Kommune"><a href="/kommuner/helsingor/">Helsingør</a></th>' in html
    assert 'data-chart="{&quot;type&quot;: &quot;stacked-bar&quot;' in html


def status_at(statuses, moment):
    """The status of an experiment at `moment`: its latest event on or before it (the last one of a day wins)."""
    before = [status for status, date in statuses if date <= moment]
    return before[-1] if before else None


@pytest.mark.parametrize("interval", ["aar", "kvartal"])
def test_status_history_counts_each_experiment_in_its_status_at_the_end_of_each_period(
    client, make_user, registry, interval
):
    client.force_login(make_user("ministeriet", role="ministry"))
    specs = visible_specs(registry, network=True)

    history = client.get("/fremdrift/", {"interval": interval}).context["tables"][2]

    dates = [date for spec in specs for _status, date in spec["statuses"]]
    if interval == "aar":
        periods = [(str(year), D(year, 12, 31)) for year in range(min(dates).year, max(dates).year + 1)]
    else:
        periods = []
        for year in range(min(dates).year, max(dates).year + 1):
            for quarter in range(1, 5):
                start = D(year, 3 * quarter - 2, 1)
                end = (D(year + 1, 1, 1) if quarter == 4 else D(year, 3 * quarter + 1, 1)) - datetime.timedelta(1)
                if start >= D(min(dates).year, (min(dates).month - 1) // 3 * 3 + 1, 1) and start <= max(dates):
                    periods.append((f"{quarter}. kvt. {year}", end))
    assert [row.label for row in history.rows] == [label for label, _end in periods]
    for row, (_label, end) in zip(history.rows, periods, strict=True):
        expected = Counter(status_at(spec["statuses"], end) for spec in specs)
        expected.pop(None, None)
        got = {
            next(s.value for s in ExperimentStatus if s.label == column): value
            for column, value in zip(history.columns, row.values, strict=True)
            if value
        }
        assert got == dict(expected), row.label


def test_history_of_2018_shows_the_later_event_of_a_day(client, make_user, registry):
    client.force_login(make_user("ministeriet", role="ministry"))
    history = client.get("/fremdrift/", {"fra": 2018, "til": 2018}).context["tables"][2]
    (row,) = history.rows
    assert dict(zip(history.columns, row.values, strict=True)) == {"igangsat": 1, "godkendt": 1}


def test_filters_by_municipality_period_and_target_group(client, make_user, registry):
    client.force_login(make_user("ministeriet", role="ministry"))
    youth = TargetGroup.objects.order_by("name").first()

    def count(**params):
        return client.get("/fremdrift/", params).context["figures"]["experiments"]

    assert count(kommune="helsingor") == 2
    assert count(kommune="hillerod") == 2
    assert count(maalgruppe=youth.slug) == 2
    assert count(maalgruppe=youth.slug, kommune="hillerod") == 1
    # Periods: 2018-06..2019-12, 2018-03.., 2019-01..2020-06, 2020-05..
    assert count(fra=2020, til=2020) == 3
    assert count(til=2018) == 2
    assert count(fra=2021) == 2


def test_bad_filter_input_gets_a_danish_message_and_no_error(db, client):
    response = client.get("/fremdrift/", {"kommune": "atlantis", "fra": "2020", "til": "2019", "interval": "uge"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kommunen findes ikke i netværket." in html
    assert "Perioden slutter, før den begynder." in html
    assert "Vælg år eller kvartal." in html
    response = client.get("/fremdrift/", {"fra": "sidste år"})
    assert "Skriv et årstal, fx 2018." in response.content.decode()


def test_needs_attention_lists_ended_experiments_without_results_and_silent_running_ones(add_experiment, client):
    recent = TODAY - datetime.timedelta(days=10)
    ended_silent = add_experiment(
        "furesoe", "Slut uden resultater", statuses=[("started", LONG_AGO)], planned_end=D(2019, 1, 1)
    )
    add_experiment(
        "furesoe", "Slut med resultater", statuses=[("ended", LONG_AGO)], planned_end=D(2019, 1, 1), results=1
    )
    add_experiment(
        "furesoe", "Slut med evaluering", statuses=[("evaluated", LONG_AGO)], planned_end=D(2019, 1, 1), evaluations=1
    )
    stale = add_experiment("furesoe", "Ingen nyt længe", statuses=[("started", LONG_AGO)], planned_end=D(2099, 1, 1))
    add_experiment(
        "furesoe",
        "Opdateret for nylig",
        statuses=[("started", LONG_AGO), ("midterm_evaluated", recent)],
        planned_end=D(2099, 1, 1),
    )
    add_experiment(
        "furesoe", "Afsluttet for længe siden", statuses=[("evaluated", LONG_AGO)], planned_end=D(2099, 1, 1)
    )
    add_experiment("furesoe", "Aldrig iværksat", statuses=[("not_started", LONG_AGO)], planned_end=D(2019, 1, 1))

    response = client.get("/fremdrift/", {"kommune": "furesoe"})
    attention = response.context["attention"]

    flagged = {page.title: (page.ended_without_results, page.stale) for page in attention.experiments}
    assert flagged == {ended_silent.title: (True, True), stale.title: (False, True)}
    assert attention.total == 2
    html = response.content.decode()
    assert "Perioden er slut uden resultater eller evaluering" in html
    assert "Ikke opdateret i 6 måneder" in html


def test_months_before_handles_short_months():
    assert months_before(D(2024, 8, 31), 6) == D(2024, 2, 29)
    assert months_before(D(2024, 3, 15), 6) == D(2023, 9, 15)


def test_every_table_has_a_caption_and_scoped_headers(client, registry):
    html = client.get("/fremdrift/").content.decode()
    tables = re.findall(r"<table.*?</table>", html, flags=re.S)
    assert len(tables) >= 3
    for table in tables:
        caption = re.search(r'<caption id="([^"]+)">', table).group(1)
        assert '<th scope="col"' in table and '<th scope="row"' in table
        # The table's scroll container is a labelled region a keyboard user can reach (and scroll) with Tab.
        assert f'role="region" aria-labelledby="{caption}" tabindex="0"' in html
        # On a phone every cell is read with its column's heading.
        assert re.search(r"<td(?![^>]*data-title)", table) is None
    assert html.count("<canvas") == 3


def _queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/fremdrift/", "/fremdrift/?interval=kvartal&fra=2017&maalgruppe=", "/paragraffer/"])
def test_query_count_does_not_grow_with_the_number_of_experiments(
    client, make_user, add_experiment, django_assert_max_num_queries, path
):
    client.force_login(make_user("ministeriet", role="ministry"))

    def add(n):
        for i in range(n):
            add_experiment(
                ["allerod", "ballerup", "halsnaes"][i % 3],
                f"Forsøg {i}",
                statuses=[("approved", D(2017, 1, 1 + i % 20)), ("started", D(2018, 1 + i % 12, 1))],
                exemptions=[("SEL § 140", "granted"), (f"LAB § {40 + i % 3}", "applied")],
                planned_end=D(2019, 1, 1),
                results=i % 2,
                visibility=["public", "network"][i % 2],
            )

    add(3)
    client.get(path)  # fills the cache of the site's root paths that page URLs are built from
    small = _queries(client, path)
    add(20)
    with django_assert_max_num_queries(small):
        client.get(path)
    assert small <= 20


def test_visible_experiments_follow_wagtails_rule_for_restrictions_on_pages_and_ancestors(add_experiment):
    from wagtail.models import PageViewRestriction

    from core.visibility import visible_pages
    from experiments.models import ExperimentPage
    from experiments.selectors import visible_experiments
    from municipalities.models import MunicipalityPage

    add_experiment("helsingor", "Offentligt", statuses=[("idea", LONG_AGO)])
    add_experiment("helsingor", "Netværk", visibility="network")
    add_experiment("gribskov", "Under en lukket kommune")
    add_experiment("allerod", "Med adgangskode")
    add_experiment("allerod", "Kladde", live=False)
    gribskov = MunicipalityPage.objects.get(slug="gribskov")
    PageViewRestriction.objects.create(page=gribskov, restriction_type=PageViewRestriction.LOGIN)
    protected = ExperimentPage.objects.get(title="Med adgangskode")
    PageViewRestriction.objects.create(page=protected, restriction_type=PageViewRestriction.PASSWORD, password="x")

    def titles(queryset):
        return set(queryset.values_list("title", flat=True))

    anonymous = titles(visible_experiments(None))
    assert anonymous == titles(visible_pages(ExperimentPage.objects.all(), None)) == {"Offentligt"}


def test_network_readers_see_every_live_experiment(add_experiment, make_user):
    from core.visibility import visible_pages
    from experiments.models import ExperimentPage
    from experiments.selectors import visible_experiments

    add_experiment("helsingor", "Offentligt")
    add_experiment("helsingor", "Netværk", visibility="network")
    add_experiment("allerod", "Kladde", live=False)
    reader = make_user("sagsbehandler")
    expected = set(visible_pages(ExperimentPage.objects.all(), reader).values_list("pk", flat=True))
    assert set(visible_experiments(reader).values_list("pk", flat=True)) == expected
    assert {"Offentligt", "Netværk"} <= set(visible_experiments(reader).values_list("title", flat=True))
