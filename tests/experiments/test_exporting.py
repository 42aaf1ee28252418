"""experiments/exporting.py and the /eksport/ addresses: what a reader may see, as CSV and XLSX, read back unchanged."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from wagtail.models import Revision

from core.visibility import Visibility
from experiments.exporting import experiments_for_export, write_csv, write_xlsx
from experiments.factories import (
    ExemptionRequestFactory,
    ExperimentPageFactory,
    LearningFactory,
    PartnerMunicipalityFactory,
    ResultFactory,
    StatusEventFactory,
)
from experiments.importing import experiment_import, read_rows
from experiments.models import Decision, ExperimentStatus, Provision, ServiceArea, StatusEvent, TargetGroup
from experiments.spreadsheet_format import COLUMNS
from municipalities.models import MunicipalityPage

HEADINGS = [column.heading for column in COLUMNS]


def rich_experiment(title, *, municipality="helsingor", visibility=Visibility.PUBLIC, **fields):
    """A live experiment with every column filled in, made the way the admin stores one."""
    parent = MunicipalityPage.objects.get(slug=municipality)
    page = ExperimentPageFactory(
        parent=parent, title=title, visibility=visibility, tags=["én plan", "familier"], **fields
    )
    page.target_groups.set(TargetGroup.objects.order_by("name")[:2])
    page.service_areas.set(ServiceArea.objects.order_by("name")[:1])
    page.save()
    StatusEventFactory(experiment=page, status=ExperimentStatus.APPROVED, date=datetime.date(2017, 5, 1))
    StatusEventFactory(experiment=page, status=ExperimentStatus.STARTED, date=datetime.date(2017, 11, 1))
    ExemptionRequestFactory(experiment=page, reference="SEL § 140, stk. 3", decision=Decision.GRANTED)
    ExemptionRequestFactory(experiment=page, reference="SDPL §§ 13 a–13 c", decision=Decision.APPLIED)
    # A provision of the law before it was renumbered in 2019 stays that version's provision.
    old_lab = Provision.objects.get(law__version_label__startswith="før", paragraph="27", paragraph_end="30")
    ExemptionRequestFactory(experiment=page, provision=old_lab, decision=Decision.PARTLY_GRANTED)
    PartnerMunicipalityFactory(experiment=page, municipality=MunicipalityPage.objects.get(slug="hillerod"))
    ResultFactory(experiment=page, indicator="Borgere i job", baseline=12, value=19, unit="borgere")
    ResultFactory(experiment=page, indicator="Møder pr. borger", baseline=None, value="3.5", unit="")
    ResultFactory(experiment=page, indicator="Tilfredshed (kvalitativt)", baseline=None, value=None, unit="")
    LearningFactory(experiment=page)
    LearningFactory(experiment=page, method="Én plan\nmed to linjer", economy="", effect="")
    return page


@pytest.fixture
def experiments(db):
    return [
        rich_experiment("Én plan for familier"),
        rich_experiment("-Forsøg der ligner en formel", municipality="gribskov", citizens_count=None),
        rich_experiment("Kun for netværket", municipality="allerod", visibility=Visibility.NETWORK),
    ]


def read_csv(content: bytes) -> list[dict]:
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def test_csv_export_opens_in_danish_excel_and_shows_only_public_experiments_to_visitors(client, experiments):
    response = client.get("/eksport/forsoeg.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="forsoeg.csv"' in response["Content-Disposition"]
    assert "private" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    rows = read_csv(response.content)
    assert list(rows[0].keys()) == HEADINGS
    assert [row["Titel"] for row in rows] == ["'-Forsøg der ligner en formel", "Én plan for familier"]
    first = rows[1]
    assert first["Kommune"] == "Helsingør"
    assert first["Id"] == str(experiments[0].pk)
    assert (first["Status"], first["Statusdato"]) == ("igangsat", "2017-11-01")
    assert first["Paragraffer"] == (
        "SEL § 140, stk. 3 (imødekommet); sygedagpengeloven §§ 13 a–13 c (ansøgt); LAB §§ 27–30 (delvist imødekommet)"
    )
    assert first["Partnerkommuner"] == "Hillerød"
    assert first["Resultater"] == ("Borgere i job: 12 → 19 borgere; Møder pr. borger: 3,5; Tilfredshed (kvalitativt)")
    assert first["Læring"].count("\n---\n") == 1
    assert "Metode: Én plan\nmed to linjer" in first["Læring"]
    assert first["Tags"] == "familier; én plan"
    assert first["Synlighed"] == "offentlig"


def test_network_readers_also_get_network_only_experiments(client, experiments, make_user):
    client.force_login(make_user("medarbejder", role="staff", municipality_slug="allerod"))
    rows = read_csv(client.get("/eksport/forsoeg.csv").content)
    assert [row["Titel"] for row in rows][0] == "Kun for netværket"
    assert rows[0]["Synlighed"] == "netværk"


def test_drafts_and_unpublished_experiments_are_not_exported(client, experiments):
    experiments[0].unpublish()
    assert [row["Titel"] for row in read_csv(client.get("/eksport/forsoeg.csv").content)] == [
        "'-Forsøg der ligner en formel"
    ]


def test_xlsx_export_has_the_experiments_and_a_sheet_of_exemption_requests(client, experiments):
    response = client.get("/eksport/forsoeg.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Forsøg", "Paragraffritagelser"]
    sheet = list(workbook["Forsøg"].iter_rows(values_only=True))
    assert list(sheet[0]) == HEADINGS
    assert [row[2] for row in sheet[1:]] == ["-Forsøg der ligner en formel", "Én plan for familier"]
    assert workbook["Forsøg"]["C2"].data_type == "s"  # text that looks like a formula stays text
    assert sheet[2][5] == datetime.datetime(2017, 11, 1)
    requests = list(workbook["Paragraffritagelser"].iter_rows(values_only=True))
    assert requests[0] == (
        "Forsøgs-id",
        "Kommune",
        "Titel",
        "Bestemmelse",
        "Lov",
        "Afgørelse",
        "Afgørelsesdato",
        "Hjemmel",
        "Ansøgningsrunde",
        "Journalnummer",
    )
    assert len(requests) == 1 + 2 * 3
    first = requests[4]
    assert first[:6] == (
        experiments[0].pk,
        "Helsingør",
        "Én plan for familier",
        "SEL § 140, stk. 3",
        "Lov om social service",
        "imødekommet",
    )
    assert first[6] == datetime.datetime(2017, 4, 7)
    assert first[7:9] == ("dispensation", "1. runde (1. december 2016)")
    assert first[9].startswith("2017-")
    assert requests[6][4] == "Lov om en aktiv beskæftigelsesindsats (før lov nr. 548 af 7. maj 2019)"


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_an_exported_file_imports_back_unchanged(experiments, make_user, writer):
    reader = make_user("koordinator", role="ministry")
    content = writer(experiments_for_export(reader))
    revisions, events = Revision.objects.count(), StatusEvent.objects.count()

    report = experiment_import(
        rows=read_rows(content, filename=f"forsoeg.{'csv' if writer is write_csv else 'xlsx'}"), publish=True
    )

    assert [(o.title, o.changed) for o in report.updated] == []
    assert len(report.unchanged) == 3
    assert report.created == []
    assert (Revision.objects.count(), StatusEvent.objects.count()) == (revisions, events)


def test_an_edited_export_imports_back_as_exactly_those_changes(experiments, make_user):
    rows = read_csv(write_csv(experiments_for_export(make_user("minister", role="ministry"))))
    by_title = {row["Titel"]: row for row in rows}
    by_title["Kun for netværket"].update(Status="afsluttet", Statusdato="2020-07-01")
    one_plan = by_title["Én plan for familier"]
    one_plan["Paragraffer"] = one_plan["Paragraffer"].replace("(ansøgt)", "(ikke imødekommet)")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADINGS, delimiter=";")
    writer.writeheader()
    writer.writerows(rows)

    report = experiment_import(rows=read_rows(buffer.getvalue().encode("utf-8")), publish=True)

    assert sorted(o.changed for o in report.updated) == [("provisions",), ("status",)]
    assert len(report.unchanged) == 1
    sdpl = experiments[0].exemption_requests.get(provision__law__key="SDPL")
    assert sdpl.decision == Decision.REFUSED
    assert sdpl.ministry_reference.startswith("2017-")  # what the file does not show is kept


def _export_queries(user, writer) -> int:
    with CaptureQueriesContext(connection) as queries:
        writer(experiments_for_export(user))
    return len(queries)


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_export_queries_do_not_grow_with_the_number_of_experiments(db, writer, django_assert_max_num_queries):
    rich_experiment("Det første forsøg")
    few = _export_queries(None, writer)
    for number in range(12):
        rich_experiment(f"Forsøg nummer {number}", municipality=("gribskov", "halsnaes", "ballerup")[number % 3])
    with django_assert_max_num_queries(few):
        rows = experiments_for_export(None)
        writer(rows)
    assert len(rows) == 13
