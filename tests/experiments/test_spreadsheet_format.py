"""experiments/spreadsheet_format.py: every column reads back what it writes, and cells read as people type them."""

import datetime

import pytest

from core.visibility import Visibility
from experiments.factories import (
    ExemptionRequestFactory,
    ExperimentPageFactory,
    LearningFactory,
    PartnerMunicipalityFactory,
    ResultFactory,
    StatusEventFactory,
)
from experiments.models import Decision, ExperimentPage, ExperimentStatus, ServiceArea, TargetGroup
from experiments.spreadsheet_format import (
    COLUMNS,
    CellError,
    experiment_prefetches,
    fold_heading,
    learning_values,
    parse_count,
    parse_date,
    parse_status,
    parse_visibility,
)
from municipalities.models import MunicipalityPage


@pytest.fixture
def experiment(db):
    """An experiment with every column filled in, fetched as the exporter fetches it."""
    owner = MunicipalityPage.objects.get(slug="helsingor")
    page = ExperimentPageFactory(
        parent=owner,
        title="Én plan for familier",
        visibility=Visibility.NETWORK,
        tags=["én plan", "Familier"],
        citizens_count=1200,
        contact_name="Mette Hansen",
        local_id="HLS-2018-04",
        contact_email="meha@helsingor.dk",
        planned_start=datetime.date(2017, 11, 1),
        planned_end=datetime.date(2019, 10, 31),
    )
    page.target_groups.set(TargetGroup.objects.order_by("name")[:2])
    page.service_areas.set(ServiceArea.objects.order_by("name")[:1])
    page.save()
    StatusEventFactory(experiment=page, status=ExperimentStatus.STARTED, date=datetime.date(2017, 11, 1))
    ExemptionRequestFactory(experiment=page, reference="SEL § 140, stk. 3", decision=Decision.GRANTED)
    ExemptionRequestFactory(experiment=page, reference="LAB §§ 27–30", decision=Decision.APPLIED)
    PartnerMunicipalityFactory(experiment=page, municipality=MunicipalityPage.objects.get(slug="hillerod"))
    ResultFactory(experiment=page, indicator="Borgere i job", baseline=12, value=19, unit="borgere")
    ResultFactory(experiment=page, indicator="Møder pr. borger", baseline=None, value="4.5", unit="")
    ResultFactory(experiment=page, indicator="Tilfredshed", baseline=None, value=None, unit="")
    LearningFactory(experiment=page, method="Én plan\nmed to linjer")
    fetched = ExperimentPage.objects.prefetch_related(*experiment_prefetches(), "tagged_items__tag").get(pk=page.pk)
    fetched.export_municipality = owner
    return fetched


def expected_value(experiment: ExperimentPage, key: str):
    """What the importer should read back from the cell of column `key`, from the experiment itself."""
    return {
        "id": experiment.pk,
        "municipality": experiment.export_municipality.title,
        "title": experiment.title,
        "summary": experiment.summary,
        "status": experiment.status,
        "status_date": experiment.status_date,
        "start": experiment.start,
        "end": experiment.end,
        "target_groups": sorted(g.name for g in experiment.target_groups.all()),
        "service_areas": sorted(a.name for a in experiment.service_areas.all()),
        "provisions": [(r.provision.reference, r.decision) for r in experiment.exemption_requests.all()],
        "partners": [p.municipality.title for p in experiment.partners.all()],
        "citizens_count": experiment.citizens_count,
        "contact_name": experiment.contact_name,
        "local_id": "HLS-2018-04",
        "contact_email": experiment.contact_email,
        "results": [(r.indicator, r.baseline, r.value, r.unit) for r in experiment.results.all()],
        "learnings": [learning_values(learning) for learning in experiment.learnings.all()],
        "tags": sorted((item.tag.name for item in experiment.tagged_items.all()), key=str.casefold),
        "visibility": experiment.visibility,
    }[key]


def comparable(key: str, value):
    if key in {"target_groups", "service_areas"}:
        return sorted(value)
    if key == "results":
        return [values.key() for values in value]
    return value


def as_csv_text(value) -> str:
    """A written value as a CSV file holds it."""
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


@pytest.mark.parametrize("column", COLUMNS, ids=lambda column: column.key)
def test_every_column_reads_back_what_it_writes(experiment, column):
    written = column.write(experiment)
    expected = expected_value(experiment, column.key)
    assert expected not in (None, "", []), "the experiment should fill in every column"
    assert comparable(column.key, column.read(written)) == expected
    assert comparable(column.key, column.read(as_csv_text(written))) == expected


def test_every_heading_is_its_own_after_folding():
    folded = [fold_heading(column.heading) for column in COLUMNS]
    assert len(set(folded)) == len(COLUMNS)
    assert fold_heading("Kontakt e-mail") == fold_heading(" KONTAKT EMAIL ") == "kontaktemail"
    assert fold_heading("Målgrupper") == fold_heading("maalgrupper")
    assert fold_heading("Resumé") == fold_heading("resume")


def test_choices_match_without_case_accents_or_the_spelling_of_danish_letters():
    assert parse_status("Idé") == parse_status("ide") == ExperimentStatus.IDEA
    assert parse_status("Følges op i andet regi") == parse_status("FOELGES  OP I ANDET REGI")
    assert parse_visibility("Netværk") == parse_visibility("netvaerk") == Visibility.NETWORK
    assert parse_visibility("") is None
    with pytest.raises(CellError, match='ukendt status "afsluttet og glemt"'):
        parse_status("afsluttet og glemt")


def test_dates_and_counts_read_as_people_type_them():
    day = datetime.date(2017, 11, 1)
    assert parse_date("2017-11-01") == parse_date("01-11-2017") == parse_date("1.11.2017") == day
    assert parse_date(datetime.datetime(2017, 11, 1).date()) == day
    assert parse_date("") is None
    with pytest.raises(CellError, match='datoen "31-02-2018" findes ikke'):
        parse_date("31-02-2018")
    assert parse_count("1.200") == parse_count("1 200") == parse_count(1200) == 1200
    with pytest.raises(CellError, match="ikke et helt tal"):
        parse_count(12.5)
