"""Strange input gets an answer or a polite message, never a server error.

A deterministic sweep sends the nastiest values to every parameter of every public address (Django's test client,
real PostgreSQL); a seeded run of scripts/hostile_requests.py then drives a live server over real HTTP. The full
run (10,000 requests) is `make hostile`; the suite runs a short one.
"""

import datetime
import importlib.util
from pathlib import Path

import pytest
from openpyxl import load_workbook

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "hostile_requests.py"
spec = importlib.util.spec_from_file_location("hostile_requests", SCRIPT)
hostile = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hostile)

# The values that broke something once: a digit int() refuses, NUL and a vertical tab, a number no column holds,
# a malformed escape, a reference with an impossible stk., and a very long word.
NASTIEST = ["²", "\x00", "\x0b", "99999999999999999999999999", "%zz", "SEL § 1, stk. 99999", "a" * 3000]


@pytest.fixture
def records(add_experiment):
    """Experiments whose texts hold control characters, with exemptions, partners and results."""
    pages = [
        add_experiment(
            "helsingor",
            "Forsøg med \x0blodret tabulator",
            summary="Resumé med \x0b og \x1f i teksten.",
            exemptions=[("SEL § 140, stk. 3", "granted")],
            partners=["ballerup"],
            results=1,
            learnings=1,
            planned_start=datetime.date(2018, 1, 1),
            tags=["familie"],
        ),
        add_experiment("ballerup", "Netværksforsøg", visibility="network"),
    ]
    for page in pages:
        page.save_revision().publish()
    return pages


def addresses(records):
    experiment = records[0]
    provision = experiment.exemption_requests.first().provision_id
    for path, params in hostile.TARGETS:
        path = path.replace("{provision}", str(provision)).replace("{municipality}", "helsingor")
        path = path.replace("{id}", str(experiment.pk))
        if path.startswith("/api/v1/provisions/") and path != "/api/v1/provisions/":
            path = f"/api/v1/provisions/{provision}/"
        yield path, params


@pytest.mark.django_db
def test_every_parameter_of_every_address_survives_the_nastiest_values(client, records):
    failures = []
    for path, params in addresses(records):
        assert client.get(path).status_code < 500, path
        for name in params:
            for value in NASTIEST:
                response = client.get(path, {name: value})
                if response.status_code >= 500:
                    failures.append((path, name, repr(value[:20]), response.status_code))
    assert failures == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("/soeg/?side=%C2%B2", "Sidetallet skal være et positivt heltal"),
        ("/api/v1/search?side=%C2%B2", "Sidetallet skal være et positivt heltal"),
        ("/api/v1/experiments/?aar=%C2%B2", "Skriv et årstal"),
        ("/api/v1/experiments/?paragraf=%C2%B2", "Ingen paragraf"),
        ("/api/v1/experiments/?kommune=%00", "ugyldige tegn"),
        ("/eksport/forsoeg.csv?tag=%00", "ugyldige tegn"),
        ("/api/v1/search?aar=99999999999999999999", "aar"),
    ],
)
def test_a_malformed_parameter_gets_a_danish_message(client, records, address, message):
    response = client.get(address)
    assert response.status_code in (200, 400)
    assert message in response.content.decode()


@pytest.mark.django_db
def test_the_xlsx_export_drops_control_characters_instead_of_failing_for_everyone(client, records):
    import io

    response = client.get("/eksport/forsoeg.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    titles = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Forsøg med lodret tabulator" in titles


def test_a_seeded_run_over_real_http_gets_no_server_error_and_no_dropped_connection(live_server, transactional_db):
    from network.setup import setup_network
    from tests.conftest import restore_wagtail_base

    restore_wagtail_base()
    setup_network()
    report = hostile.run(live_server.url, count=150, seed=20261202, time_limit=240, verbose=False)
    assert report["sent"] == 150
    assert report["failures"] == []
    assert report["statuses"].get("no answer", 0) == 0
