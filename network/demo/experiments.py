"""Demo experiments for the "Én plan" network, built from experiments.toml: the seven documented ones and demo
experiments marked as demo.

`load_demo_experiments` creates each page the way the admin does (a child of its municipality, a revision, an
audit-log entry, published) and skips a page that already exists, so loading twice changes nothing.
"""

from django.utils.html import escape
from wagtail.rich_text import RichText

from core.publishing import publish_new_page
from experiments.models import (
    Evaluation,
    ExemptionRequest,
    ExperimentPage,
    Learning,
    PartnerMunicipality,
    Provision,
    Result,
    ServiceArea,
    StatusEvent,
    TargetGroup,
)
from experiments.references import parse_reference
from municipalities.models import MunicipalityPage
from network.demo.loader import DemoExperiment, Section, read_experiments


def narrative(sections: tuple[Section, ...]) -> list[tuple]:
    """StreamField blocks of a heading and a paragraph per section."""
    return [
        block
        for section in sections
        for block in (("heading", section.heading), ("paragraph", RichText(f"<p>{escape(section.text)}</p>")))
    ]


def experiment_page(path: str) -> ExperimentPage:
    """The experiment at "<municipality>/<slug>"."""
    municipality, slug = path.split("/")
    return ExperimentPage.objects.child_of(MunicipalityPage.objects.get(slug=municipality)).get(slug=slug)


def _build(spec: DemoExperiment) -> ExperimentPage:
    page = ExperimentPage(
        title=spec.title,
        slug=spec.slug,
        summary=spec.summary,
        planned_start=spec.planned_start,
        planned_end=spec.planned_end,
        actual_start=spec.actual_start,
        actual_end=spec.actual_end,
        council_decision_date=spec.council_decision_date,
        challenge=spec.challenge,
        purpose=spec.purpose,
        content=narrative(spec.content),
        target_group_description=spec.target_group_description,
        citizens_count=spec.citizens_count,
        contact_name=spec.contact_name,
        evidence_rating=spec.evidence_rating,
        visibility=spec.visibility,
    )
    if spec.builds_on:
        page.builds_on = experiment_page(spec.builds_on)
    page.target_groups = list(TargetGroup.objects.filter(name__in=spec.target_groups))
    page.service_areas = list(ServiceArea.objects.filter(name__in=spec.service_areas))
    page.exemption_requests = [
        ExemptionRequest(
            provision=Provision.objects.resolve(parse_reference(exemption.reference)),
            basis=exemption.basis,
            application_round=exemption.application_round,
            applied_on=exemption.applied_on,
            decision=exemption.decision,
            decided_on=exemption.decided_on,
            ministry_reference=exemption.ministry_reference,
            legal_instrument=exemption.legal_instrument,
            barrier=exemption.barrier,
        )
        for exemption in spec.exemptions
    ]
    page.status_events = [
        StatusEvent(status=event.status, date=event.date, note=event.note, sort_order=order)
        for order, event in enumerate(spec.events)
    ]
    page.partners = [
        PartnerMunicipality(
            municipality=MunicipalityPage.objects.get(slug=partner.municipality), local_status=partner.local_status
        )
        for partner in spec.partners
    ]
    page.results = [
        Result(
            indicator=result.indicator,
            baseline=result.baseline,
            value=result.value,
            unit=result.unit,
            measured_on=result.measured_on,
            source=result.source,
            note=result.note,
        )
        for result in spec.results
    ]
    page.learnings = [Learning(**vars(learning)) for learning in spec.learnings]
    page.evaluations = [Evaluation(**vars(evaluation)) for evaluation in spec.evaluations]
    page.tags.add(*spec.tags)
    return page


def load_demo_experiments(*, user=None) -> list[ExperimentPage]:
    """Create the experiments that do not exist yet (looked up by slug under their municipality); return them.

    The whole file is read and checked first, so a mistake in the data writes nothing.
    """
    created = []
    for spec in read_experiments():
        municipality = MunicipalityPage.objects.get(slug=spec.municipality)
        if ExperimentPage.objects.child_of(municipality).filter(slug=spec.slug).exists():
            continue
        created.append(publish_new_page(municipality, _build(spec), user=user))
    return created
