"""The experiment page: its rules (period, status from history) and what a reader sees with every field filled."""

import datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from wagtail.rich_text import RichText

from experiments.factories import (
    EvaluationFactory,
    ExemptionRequestFactory,
    ExperimentPageFactory,
    LearningFactory,
    PartnerMunicipalityFactory,
    ResultFactory,
    ServiceAreaFactory,
    StatusEventFactory,
    TargetGroupFactory,
)
from experiments.models import (
    ApplicationRound,
    Decision,
    Evaluation,
    EvidenceRating,
    ExperimentPage,
    ExperimentStatus,
    LegalBasis,
    StatusEvent,
)

pytestmark = pytest.mark.django_db


def text_of(element) -> str:
    return " ".join(element.get_text(" ").split())


def table_with_caption(soup, words: str):
    caption = soup.find("caption", string=lambda text: text and words in text)
    assert caption is not None, f"no table captioned {words!r}"
    return caption.find_parent("table")


@pytest.fixture
def complete_experiment():
    """An experiment as a project manager leaves it after the final evaluation: every field and child filled in."""
    earlier = ExperimentPageFactory(title="Det sammenhængende borgerforløb")
    experiment = ExperimentPageFactory(
        title="Én samlet handleplan på tværs af fagcentre",
        summary="Borgere med sager i flere fagcentre får én plan, som de selv er med til at lægge.",
        planned_start=datetime.date(2017, 10, 1),
        planned_end=datetime.date(2020, 7, 31),
        actual_start=datetime.date(2017, 11, 1),
        actual_end=datetime.date(2020, 7, 1),
        council_decision_date=datetime.date(2017, 5, 30),
        frikommunevedtaegt_url="https://www.helsingor.dk/frikommunevedtaegt",
        challenge="Borgerne har op til fem planer hos fem forvaltninger.",
        purpose="Færre møder og én fælles retning for borgeren.",
        content=[
            ("heading", "Sådan arbejder vi"),
            ("paragraph", RichText("<p>En <b>koordinerende sagsbehandler</b> samler planerne.</p>")),
        ],
        target_groups=[TargetGroupFactory(name="Borgere med komplekse sager")],
        target_group_description="Frivillig deltagelse for borgere med sager i mindst to fagcentre.",
        service_areas=[ServiceAreaFactory(name="Jobcenter"), ServiceAreaFactory(name="Voksenstøtte")],
        citizens_count=23,
        contact_name="Karen Holm",
        contact_email="karen.holm@helsingor.dk",
        builds_on=earlier,
        evidence_rating=EvidenceRating.MODERATE,
        tags=["én plan", "koordinering"],
    )
    ExemptionRequestFactory(
        experiment=experiment,
        reference="SEL § 140, stk. 3",
        basis=LegalBasis.DISPENSATION,
        application_round=ApplicationRound.FIRST,
        applied_on=datetime.date(2016, 12, 1),
        decision=Decision.GRANTED,
        decided_on=datetime.date(2017, 4, 7),
        ministry_reference="2017-4711",
        barrier="Handleplanen skal udarbejdes særskilt for hvert barn.",
        sort_order=0,
    )
    ExemptionRequestFactory(
        experiment=experiment,
        reference="LAB §§ 27–30",
        basis=LegalBasis.NEW_HJEMMEL,
        decision=Decision.PARTLY_GRANTED,
        decided_on=datetime.date(2017, 6, 8),
        sort_order=1,
    )
    # Recorded out of order, as happens when a history is filled in afterwards.
    for status, date in [
        (ExperimentStatus.STARTED, datetime.date(2017, 11, 1)),
        (ExperimentStatus.APPLIED, datetime.date(2016, 12, 1)),
        (ExperimentStatus.MIDTERM_EVALUATED, datetime.date(2019, 8, 30)),
        (ExperimentStatus.APPROVED, datetime.date(2017, 4, 7)),
    ]:
        StatusEventFactory(experiment=experiment, status=status, date=date, note="")
    PartnerMunicipalityFactory(
        experiment=experiment, local_status=ExperimentStatus.APPROVED, contact_name="Jens Vestergaard"
    )
    ResultFactory(
        experiment=experiment,
        indicator="Borgere i job eller uddannelse",
        baseline=Decimal("12"),
        value=Decimal("19.5"),
        unit="borgere",
    )
    LearningFactory(
        experiment=experiment,
        target_group="Borgere med sager i flere fagcentre.",
        method="Én koordinerende sagsbehandler og ét fælles møde.",
        implementation="Kræver fælles mødetid på tværs af centre.",
        effect="Borgerne oplever bedre sammenhæng.",
        economy="Flere timer i starten, færre møder senere.",
        what_worked="Det fælles møde med borgeren.",
        what_did_not_work="Deling af planer mellem it-systemerne.",
        preconditions="Ledelsesopbakning i alle centre.",
        legislation_recommendation="Gør én samlet plan mulig i loven.",
    )
    EvaluationFactory(experiment=experiment, kind=Evaluation.Kind.MIDTERM, evaluator="VIVE")
    return ExperimentPage.objects.get(pk=experiment.pk)


def test_the_experiment_page_shows_the_exemption_table_with_typed_references_and_danish_decisions(
    client, complete_experiment
):
    soup = BeautifulSoup(client.get(complete_experiment.url).content, "html.parser")

    rows = table_with_caption(soup, "fritagelse").find("tbody").find_all("tr")
    assert len(rows) == 2
    sel, lab = (text_of(row) for row in rows)
    assert text_of(rows[0].find("th")).startswith("SEL § 140, stk. 3")
    assert "dispensation" in sel
    assert "1. runde (1. december 2016)" in sel
    assert "7. april 2017" in sel
    assert "imødekommet" in sel and "delvist" not in sel
    assert "J.nr. 2017-4711" in sel
    assert "særskilt for hvert barn" in sel
    assert text_of(rows[1].find("th")).startswith("LAB §§ 27–30")
    assert "»Min Plan«, herunder uddannelsespålæg" in lab
    assert "ny hjemmel" in lab
    assert "delvist imødekommet" in lab


def test_the_status_timeline_lists_events_by_date_with_the_programmes_status_words(client, complete_experiment):
    soup = BeautifulSoup(client.get(complete_experiment.url).content, "html.parser")

    timeline = next(ol for ol in soup.find_all("ol") if ol.find("time"))
    items = timeline.find_all("li")
    assert [item.find("time")["datetime"] for item in items] == ["2016-12-01", "2017-04-07", "2017-11-01", "2019-08-30"]
    assert [text_of(item.find("strong")).casefold() for item in items] == [
        "ansøgt",
        "godkendt",
        "igangsat",
        "midtvejsevalueret",
    ]
    assert text_of(items[0].find("time")) == "1. december 2016"


def test_the_experiment_page_shows_every_field_in_danish(client, complete_experiment):
    response = client.get(complete_experiment.url)
    soup = BeautifulSoup(response.content, "html.parser")
    page_text = text_of(soup.find("main"))

    assert text_of(soup.find("h1")) == "Én samlet handleplan på tværs af fagcentre"
    assert soup.find("a", href="/kommuner/helsingor/")
    assert "Borgere med sager i flere fagcentre får én plan" in page_text
    assert "Midtvejsevalueret (30. august 2019)".casefold() in page_text.casefold()
    assert "1. oktober 2017 – 31. juli 2020" in page_text
    assert "1. november 2017 – 1. juli 2020" in page_text
    assert "30. maj 2017" in page_text
    assert soup.find("a", href="https://www.helsingor.dk/frikommunevedtaegt")
    citizens = soup.find("dt", string="Antal borgere").find_next_sibling("dd")
    assert text_of(citizens).startswith("23")
    assert "Jobcenter" in page_text and "Voksenstøtte" in page_text
    assert soup.find("a", string="Det sammenhængende borgerforløb")
    assert "moderat" in page_text
    assert "Karen Holm" in page_text and soup.find("a", href="mailto:karen.holm@helsingor.dk")
    assert "Borgerne har op til fem planer hos fem forvaltninger." in page_text
    assert "Færre møder og én fælles retning for borgeren." in page_text
    assert soup.find("h3", string="Sådan arbejder vi")
    assert soup.find("b", string="koordinerende sagsbehandler")
    assert "Borgere med komplekse sager" in page_text
    assert "Frivillig deltagelse for borgere med sager i mindst to fagcentre." in page_text
    assert "én plan" in page_text and "koordinering" in page_text


def test_partners_results_and_learnings_are_shown(client, complete_experiment):
    soup = BeautifulSoup(client.get(complete_experiment.url).content, "html.parser")
    page_text = text_of(soup.find("main"))

    partner_row = next(row for row in soup.find_all("tr") if "Hillerød" in text_of(row))
    assert "godkendt" in text_of(partner_row) and "Jens Vestergaard" in text_of(partner_row)

    result_row = table_with_caption(soup, "resultater").find("tbody").find("tr")
    assert text_of(result_row).startswith("Borgere i job eller uddannelse 12 19,50 borgere")

    for heading, text in [
        ("Målgruppe", "Borgere med sager i flere fagcentre."),
        ("Metode", "Én koordinerende sagsbehandler og ét fælles møde."),
        ("Implementering", "Kræver fælles mødetid på tværs af centre."),
        ("Effekt", "Borgerne oplever bedre sammenhæng."),
        ("Økonomi", "Flere timer i starten, færre møder senere."),
        ("Hvad virkede", "Det fælles møde med borgeren."),
        ("Hvad virkede ikke", "Deling af planer mellem it-systemerne."),
        ("Forudsætninger", "Ledelsesopbakning i alle centre."),
        ("Anbefaling til lovgivningen", "Gør én samlet plan mulig i loven."),
    ]:
        section_heading = soup.find("h3", string=heading)
        assert section_heading is not None, heading
        assert text_of(section_heading.find_next_sibling("p")) == text
    assert "Midtvejsevaluering: VIVE (januar 2021)" in page_text


def test_an_end_before_the_start_is_rejected_with_a_danish_message():
    experiment = ExperimentPageFactory(planned_start=datetime.date(2018, 1, 1))

    experiment.planned_end = datetime.date(2017, 12, 31)
    experiment.actual_start = datetime.date(2018, 3, 1)
    experiment.actual_end = datetime.date(2018, 2, 28)
    with pytest.raises(ValidationError) as error:
        experiment.full_clean()

    assert error.value.message_dict["planned_end"] == ["Slutdatoen ligger før startdatoen."]
    assert error.value.message_dict["actual_end"] == ["Slutdatoen ligger før startdatoen."]


def test_a_one_day_experiment_and_an_open_end_are_allowed():
    experiment = ExperimentPageFactory(planned_start=datetime.date(2018, 1, 1), planned_end=datetime.date(2018, 1, 1))
    experiment.actual_start = datetime.date(2018, 1, 1)
    experiment.full_clean()


def test_an_experiment_cannot_build_on_itself():
    experiment = ExperimentPageFactory()
    experiment.builds_on = experiment

    with pytest.raises(ValidationError) as error:
        experiment.full_clean()

    assert error.value.message_dict["builds_on"] == ["Et forsøg kan ikke bygge på sig selv."]


def test_status_follows_the_latest_event_whatever_order_events_are_entered_in():
    experiment = ExperimentPageFactory(
        status_events=[
            StatusEvent(status=ExperimentStatus.STARTED, date=datetime.date(2017, 11, 1)),
            StatusEvent(status=ExperimentStatus.APPLIED, date=datetime.date(2016, 12, 1)),
        ]
    )
    experiment = ExperimentPage.objects.get(pk=experiment.pk)
    assert (experiment.status, experiment.status_date) == (ExperimentStatus.STARTED, datetime.date(2017, 11, 1))
    assert experiment.get_status_display() == "igangsat"

    experiment.status_events.filter(status=ExperimentStatus.STARTED).delete()
    experiment.save()

    experiment = ExperimentPage.objects.get(pk=experiment.pk)
    assert (experiment.status, experiment.status_date) == (ExperimentStatus.APPLIED, datetime.date(2016, 12, 1))


def test_an_experiment_without_events_has_no_status():
    experiment = ExperimentPageFactory()

    assert ExperimentPage.objects.filter(pk=experiment.pk, status="", status_date=None).exists()


def test_a_draft_event_changes_the_status_only_when_the_revision_is_published():
    experiment = ExperimentPageFactory(
        status_events=[StatusEvent(status=ExperimentStatus.STARTED, date=datetime.date(2017, 11, 1))]
    )
    experiment.save_revision().publish()

    draft = ExperimentPage.objects.get(pk=experiment.pk)
    draft.status_events.add(StatusEvent(status=ExperimentStatus.ENDED, date=datetime.date(2020, 7, 1)))
    revision = draft.save_revision()

    stored = ExperimentPage.objects.get(pk=experiment.pk)
    assert stored.status == ExperimentStatus.STARTED
    assert stored.status_events.count() == 1

    revision.publish()

    stored = ExperimentPage.objects.get(pk=experiment.pk)
    assert (stored.status, stored.status_date) == (ExperimentStatus.ENDED, datetime.date(2020, 7, 1))
    assert stored.status_events.count() == 2
