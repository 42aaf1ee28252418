"""Factories for experiments, their exemptions, status history, partners and results, and the catalogue they use.

`ExperimentPageFactory()` places a live experiment under Helsingør (the page `setup_network` made, or a new one in an
empty database). Its children come from the related factories below, or as in-memory rows passed to the page:
`ExperimentPageFactory(status_events=[StatusEvent(status=..., date=...)])`, which is how the admin saves them.
"""

import datetime
from decimal import Decimal

import factory
import wagtail_factories
from factory.django import DjangoModelFactory
from wagtail.rich_text import RichText

from core.text import danish_slug
from experiments.models import (
    ApplicationRound,
    Decision,
    Evaluation,
    ExemptionRequest,
    ExperimentPage,
    ExperimentStatus,
    Law,
    Learning,
    LegalBasis,
    PartnerMunicipality,
    Provision,
    Result,
    ServiceArea,
    StatusEvent,
    TargetGroup,
)
from experiments.references import KNOWN_LAWS, parse_reference
from municipalities.factories import MunicipalityPageFactory

EXPERIMENT_TITLES = (
    "Én samlet plan for familier med flere sager",
    "Koordineret indsats for unge i overgangen til voksenlivet",
    "Én borger – én plan",
    "Én indgang for borgere i ressourceforløb",
    "Fælles handleplan på tværs af fagcentre",
    "Færre møder, mere sammenhæng for sygemeldte",
)

TARGET_GROUP_NAMES = (
    "Aktivitetsparate kontanthjælpsmodtagere",
    "Unge 18–25 år uden uddannelse",
    "Forældre på uddannelseshjælp",
    "Borgere med psykiske vanskeligheder",
    "Sygemeldte i jobafklaringsforløb",
)

SERVICE_AREA_NAMES = (
    "Beskæftigelse",
    "Familie og Rådgivning",
    "Voksenstøtte",
    "Sundhed og Omsorg",
    "Ungeindsats",
)


def network_municipality(slug: str, title: str, code: str) -> factory.SubFactory:
    """A municipality of the network, found by its slug (as `setup_network` made it) or created if missing."""
    return factory.SubFactory(MunicipalityPageFactory, slug=slug, title=title, municipality_code=code)


class TargetGroupFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"{TARGET_GROUP_NAMES[n % len(TARGET_GROUP_NAMES)]} ({n + 1})")
    description = factory.Faker("sentence", locale="da_DK")

    class Meta:
        model = TargetGroup
        django_get_or_create = ("name",)


class ServiceAreaFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"{SERVICE_AREA_NAMES[n % len(SERVICE_AREA_NAMES)]} ({n + 1})")
    description = factory.Faker("sentence", locale="da_DK")

    class Meta:
        model = ServiceArea
        django_get_or_create = ("name",)


def _known_law(key: str):
    return next((info for info in KNOWN_LAWS if info.key == key), None)


class LawFactory(DjangoModelFactory):
    """Defaults to the catalogue's serviceloven; pass `key` and a `version_label` for another law or version."""

    key = "SEL"
    version_label = ""
    abbreviation = factory.LazyAttribute(lambda law: getattr(_known_law(law.key), "abbreviation", law.key))
    name = factory.LazyAttribute(lambda law: getattr(_known_law(law.key), "name", f"Lov om {law.key.lower()}"))

    class Meta:
        model = Law
        django_get_or_create = ("key", "version_label")


class ProvisionFactory(DjangoModelFactory):
    """A provision; the same law, paragraph, stk. and nr. give back the stored one, as the catalogue does."""

    law = factory.SubFactory(LawFactory)
    # The catalogue's SEL provisions are §§ 140–141; paragraphs from 300 leave them alone.
    paragraph = factory.Sequence(lambda n: str(300 + n))
    paragraph_end = ""
    stk = None
    nr = None
    heading = factory.Faker("sentence", nb_words=4, locale="da_DK")

    class Meta:
        model = Provision
        django_get_or_create = ("law", "paragraph", "paragraph_end", "stk", "nr")


class ExperimentPageFactory(wagtail_factories.PageFactory):
    parent = network_municipality("helsingor", "Helsingør", "217")
    title = factory.Iterator(EXPERIMENT_TITLES)
    slug = factory.LazyAttributeSequence(lambda page, n: f"{danish_slug(page.title)}-{n}")
    summary = factory.Faker("paragraph", nb_sentences=2, locale="da_DK")
    planned_start = factory.Faker(
        "date_between_dates",
        date_start=datetime.date(2017, 7, 1),
        date_end=datetime.date(2018, 6, 30),
    )
    planned_end = datetime.date(2020, 7, 1)
    council_decision_date = factory.LazyAttribute(lambda page: page.planned_start - datetime.timedelta(days=60))
    frikommunevedtaegt_url = factory.LazyAttribute(
        lambda page: f"{getattr(page.parent, 'website', '') or 'https://www.example.dk'}/frikommunevedtaegt"
    )
    challenge = factory.Faker("paragraph", nb_sentences=3, locale="da_DK")
    purpose = factory.Faker("paragraph", nb_sentences=2, locale="da_DK")
    content = factory.LazyAttribute(
        lambda page: [
            ("heading", "Sådan arbejder vi"),
            ("paragraph", RichText(f"<p>{page.purpose}</p>")),
        ]
    )
    target_group_description = factory.Faker("sentence", locale="da_DK")
    citizens_count = factory.Faker("random_int", min=10, max=250)
    contact_name = factory.Faker("name", locale="da_DK")
    contact_email = factory.Faker("email", locale="da_DK")

    class Meta:
        model = ExperimentPage
        skip_postgeneration_save = True

    @factory.post_generation
    def tags(page, create, extracted, **kwargs):
        if extracted:
            page.tags.add(*extracted)
            if create:
                page.save()


class ExperimentChildFactory(DjangoModelFactory):
    experiment = factory.SubFactory(ExperimentPageFactory)

    class Meta:
        abstract = True


class StatusEventFactory(ExperimentChildFactory):
    status = ExperimentStatus.STARTED
    date = factory.Faker(
        "date_between_dates", date_start=datetime.date(2017, 1, 1), date_end=datetime.date(2021, 12, 31)
    )
    note = ""

    class Meta:
        model = StatusEvent

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        event = super()._create(model_class, *args, **kwargs)
        # In the admin an event is saved together with its page, and the page's save keeps its status current.
        event.experiment.save(update_fields=["status", "status_date"])
        return event


class ExemptionRequestFactory(ExperimentChildFactory):
    """`ExemptionRequestFactory(reference="SEL § 140, stk. 3")` resolves the provision as the admin form does."""

    class Params:
        reference = None

    provision = factory.Maybe(
        "reference",
        yes_declaration=factory.LazyAttribute(
            lambda request: Provision.objects.resolve(parse_reference(request.reference))
        ),
        no_declaration=factory.SubFactory(ProvisionFactory),
    )
    basis = LegalBasis.DISPENSATION
    application_round = ApplicationRound.FIRST
    applied_on = datetime.date(2016, 12, 1)
    decision = Decision.GRANTED
    decided_on = datetime.date(2017, 4, 7)
    ministry_reference = factory.Sequence(lambda n: f"2017-{1000 + n}")
    legal_instrument = "Bekendtgørelse om frikommuneforsøg II"
    barrier = factory.Faker("sentence", nb_words=12, locale="da_DK")

    class Meta:
        model = ExemptionRequest


class PartnerMunicipalityFactory(ExperimentChildFactory):
    municipality = network_municipality("hillerod", "Hillerød", "219")
    local_status = ExperimentStatus.STARTED
    contact_name = factory.Faker("name", locale="da_DK")
    contact_email = factory.Faker("email", locale="da_DK")

    class Meta:
        model = PartnerMunicipality


class ResultFactory(ExperimentChildFactory):
    indicator = factory.Iterator(
        ("Borgere i job eller uddannelse", "Borgere med én samlet plan", "Møder pr. borger pr. halvår")
    )
    baseline = Decimal("12")
    value = Decimal("19")
    unit = "borgere"
    measured_on = datetime.date(2019, 8, 30)
    source = "VIVE, midtvejsevaluering"

    class Meta:
        model = Result


class LearningFactory(ExperimentChildFactory):
    target_group = factory.Faker("sentence", locale="da_DK")
    method = factory.Faker("sentence", locale="da_DK")
    implementation = factory.Faker("sentence", locale="da_DK")
    effect = factory.Faker("sentence", locale="da_DK")
    economy = factory.Faker("sentence", locale="da_DK")
    what_worked = factory.Faker("sentence", locale="da_DK")
    what_did_not_work = factory.Faker("sentence", locale="da_DK")
    preconditions = factory.Faker("sentence", locale="da_DK")
    legislation_recommendation = factory.Faker("sentence", locale="da_DK")

    class Meta:
        model = Learning


class EvaluationFactory(ExperimentChildFactory):
    kind = Evaluation.Kind.FINAL
    evaluator = "VIVE"
    design = "Procesevaluering med før- og eftermåling"
    completed_on = datetime.date(2021, 1, 15)
    summary = factory.Faker("paragraph", nb_sentences=2, locale="da_DK")
    url = "https://www.vive.dk/"

    class Meta:
        model = Evaluation
