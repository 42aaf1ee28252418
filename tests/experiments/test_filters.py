"""experiments/filters.py: `kommune` and `aar` mean the same on every surface that lists experiments.

The same records are asked for through search's JSON API (which `/soeg/` and `/forsoeg/` share), the experiments
API, the CSV export and the selector behind `/fremdrift/`; each must answer with the same set.
"""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from experiments.filters import ExperimentFilter, FilterError, _values, years_running
from experiments.progress import ProgressFilter, filtered_experiments
from municipalities.models import MunicipalityPage
from tests.conftest import experiment_builder, rolled_back_after

D = datetime.date
THIS_YEAR = timezone.localdate().year


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        (D(2017, 1, 1), D(2019, 6, 30), [2017, 2018, 2019]),
        (D(2018, 3, 1), None, list(range(2018, THIS_YEAR + 1))),
        (None, D(2020, 5, 1), [2020]),
        (None, None, []),
        (D(2019, 5, 1), D(2018, 1, 1), [2019]),
        (D(THIS_YEAR + 2, 1, 1), None, [THIS_YEAR + 2]),
    ],
)
def test_an_experiment_runs_from_its_start_to_its_end_and_on_without_an_end(start, end, years):
    assert years_running(start, end) == years


@pytest.fixture(scope="module")
def registry_ids(django_db_setup, django_db_blocker):
    """Experiments whose periods and partners test each rule, published as editors do (so search indexes them).

    Built once for the module in a transaction that is rolled back after it; each test runs in a savepoint of it."""
    with rolled_back_after(django_db_blocker):
        yield build_registry(experiment_builder())


@pytest.fixture
def registry(registry_ids, db):
    return registry_ids


def build_registry(add_experiment) -> dict[str, int]:
    pages = {
        "dated": add_experiment("helsingor", "Dateret", planned_start=D(2017, 1, 1), planned_end=D(2019, 6, 30)),
        "open": add_experiment("ballerup", "Åben", actual_start=D(2018, 3, 1), partners=["helsingor"]),
        "end_only": add_experiment("helsingor", "Kun slut", planned_end=D(2020, 5, 1)),
        "undated": add_experiment("furesoe", "Udateret"),
        "actual_wins": add_experiment(
            "hillerod",
            "Faktisk før planlagt",
            actual_start=D(2016, 2, 1),
            actual_end=D(2016, 11, 1),
            planned_start=D(2018, 1, 1),
            planned_end=D(2021, 1, 1),
        ),
        "future": add_experiment("allerod", "Fremtidig", planned_start=D(THIS_YEAR + 2, 1, 1)),
        "hidden": add_experiment(
            "helsingor", "Kun netværket", planned_start=D(2018, 1, 1), partners=["ballerup"], visibility="network"
        ),
    }
    for page in pages.values():
        page.save_revision().publish()
    return {key: page.pk for key, page in pages.items()}


def search_ids(client, params) -> set[int]:
    response = client.get("/api/v1/search", {"type": "forsoeg", "antal": 50, **params})
    assert response.status_code == 200, response.content
    return {hit["id"] for hit in response.json()["hits"]}


def api_ids(client, params) -> set[int]:
    response = client.get("/api/v1/experiments/", params)
    assert response.status_code == 200, response.content
    return {record["id"] for record in response.json()["results"]}


def export_ids(client, params) -> set[int]:
    response = client.get("/eksport/forsoeg.csv", params)
    assert response.status_code == 200, response.content
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    return {int(row["Id"]) for row in rows}


def progress_ids(params) -> set[int]:
    municipality = MunicipalityPage.objects.get(slug=params["kommune"]) if "kommune" in params else None
    year = int(params["aar"]) if "aar" in params else None
    chosen = ProgressFilter(municipality=municipality, from_year=year, to_year=year)
    return set(filtered_experiments(AnonymousUser(), chosen).values_list("pk", flat=True))


CASES = [
    ({"kommune": "helsingor"}, {"dated", "open", "end_only"}),
    ({"kommune": "ballerup"}, {"open"}),
    ({"kommune": "furesoe"}, {"undated"}),
    ({"aar": "2016"}, {"actual_wins"}),
    ({"aar": "2017"}, {"dated"}),
    ({"aar": "2019"}, {"dated", "open"}),
    ({"aar": "2020"}, {"open", "end_only"}),
    ({"aar": str(THIS_YEAR)}, {"open"}),
    ({"aar": str(THIS_YEAR + 2)}, {"future"}),
    ({"kommune": "helsingor", "aar": "2020"}, {"open", "end_only"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"), CASES, ids=lambda value: str(sorted(value) if isinstance(value, set) else value)
)
def test_search_api_export_and_progress_agree_on_the_same_records(client, registry, params, expected):
    wanted = {registry[key] for key in expected}
    assert search_ids(client, params) == wanted, "search"
    assert api_ids(client, params) == wanted, "API"
    assert export_ids(client, params) == wanted, "export"
    assert progress_ids(params) == wanted, "/fremdrift/"


@pytest.mark.django_db
def test_a_network_reader_finds_the_network_only_experiment_by_its_partner_everywhere(client, registry, make_user):
    client.force_login(make_user("sagsbehandler"))
    assert registry["hidden"] in search_ids(client, {"kommune": "ballerup"})
    assert registry["hidden"] in api_ids(client, {"kommune": "ballerup"})
    assert registry["hidden"] in export_ids(client, {"kommune": "ballerup"})


@pytest.mark.django_db
def test_an_export_with_an_unknown_filter_value_says_which_and_exports_nothing(client, registry):
    response = client.get("/eksport/forsoeg.csv", {"kommune": "atlantis"})
    assert response.status_code == 400
    assert "kommune: Ukendt værdi: atlantis" in response.content.decode()

    response = client.get("/eksport/forsoeg.xlsx", {"aar": "²"})
    assert response.status_code == 400
    assert "aar: Skriv et årstal mellem 1990 og 2100" in response.content.decode()


@pytest.mark.django_db
def test_a_filter_reads_repeated_and_comma_separated_values_and_municipality_codes():
    from django.http import QueryDict

    chosen = ExperimentFilter.from_params(QueryDict("kommune=217,ballerup&aar=2018&aar=2019&paragraf=12"))
    assert sorted(m.slug for m in chosen.municipalities) == ["ballerup", "helsingor"]
    assert chosen.years == [2018, 2019]
    # The comma of a reference before its stk. or nr. is the reference's own.
    references = QueryDict(query_string=None, mutable=True)
    references["paragraf"] = "LAB § 40, stk. 1,SEL § 140, Stk. 3, nr. 2, 12"
    assert _values(references, "paragraf") == ["LAB § 40, stk. 1", "SEL § 140, Stk. 3, nr. 2", "12"]
    for query, name in (("status=ukendt", "status"), ("paragraf=²", "paragraf"), ("aar=99999999999999", "aar")):
        with pytest.raises(FilterError) as error:
            ExperimentFilter.from_params(QueryDict(query))
        assert list(error.value.errors) == [name]


@pytest.mark.django_db
def test_progress_page_counts_a_partners_experiments_and_says_so_beside_the_field(client, registry):
    response = client.get("/fremdrift/", {"kommune": "helsingor"})
    html = response.content.decode()
    assert 'data-figure="experiments">3<' in html
    assert 'id="id_kommune-hint">Forsøg, kommunen ejer eller deltager i som partner.<' in html
    assert 'aria-describedby="id_kommune-hint"' in html


@pytest.fixture
def renumbered(add_experiment):
    """One experiment under the old number (LAB § 30 a), one under a new one (LAB § 44), one under neither."""
    pages = {
        "old": add_experiment("helsingor", "Før 2020", exemptions=[("LAB § 30 a", "granted")]),
        "new": add_experiment("ballerup", "Efter 2020", exemptions=[("LAB § 44", "applied")]),
        "other": add_experiment("furesoe", "Andet", exemptions=[("SEL § 140", "granted")]),
    }
    for page in pages.values():
        page.save_revision().publish()
    return {key: page.pk for key, page in pages.items()}


@pytest.mark.django_db
def test_the_old_and_the_new_number_of_a_provision_are_one_family_on_every_surface(client, renumbered):
    """LAB § 30 a became § 40, stk. 2 and § 44 in 2020: a filter of either number finds both experiments in search,
    the API and the export, and search counts both under each number's facet value."""
    from experiments.models import Provision

    both = {renumbered["old"], renumbered["new"]}
    for reference in ("LAB § 30 a", "LAB § 44", "LAB § 40, stk. 2"):
        assert api_ids(client, {"paragraf": reference}) == both, reference
        assert export_ids(client, {"paragraf": reference}) == both, reference
    old = Provision.objects.get(law__key="LAB", paragraph="30 a", stk=None)
    new = Provision.objects.get(law__key="LAB", paragraph="44", stk=None)
    for provision in (old, new):
        assert search_ids(client, {"paragraf": provision.pk}) == both, provision
    response = client.get("/api/v1/search", {"type": "forsoeg"})
    counts = {value["value"]: value["count"] for value in response.json()["facets"]["paragraf"]}
    assert counts[str(old.pk)] == counts[str(new.pk)] == 2


@pytest.mark.django_db
def test_a_renumbering_added_in_the_admin_reaches_the_search_facets_at_once(client, renumbered):
    from experiments.models import Provision

    sel_140 = Provision.objects.get(law__key="SEL", paragraph="140", stk=None)
    old = Provision.objects.get(law__key="LAB", paragraph="30 a", stk=None)
    assert search_ids(client, {"paragraf": sel_140.pk}) == {renumbered["other"]}

    old.successors.add(sel_140)  # as the admin's "erstattet af" saves it
    assert search_ids(client, {"paragraf": sel_140.pk}) == set(renumbered.values())

    old.successors.remove(sel_140)
    assert search_ids(client, {"paragraf": sel_140.pk}) == {renumbered["other"]}
