"""A small corpus for the search tests, published the way editors publish (so the index signals run).

It is built once per test module, in a transaction that is rolled back after the module; each test runs in a
savepoint of it, so whatever a test changes is undone before the next, and gets its own copies of the pages.
"""

import datetime

import pytest
from wagtail.rich_text import RichText

from core.visibility import Visibility
from experiments.factories import ExemptionRequestFactory, ExperimentPageFactory, LearningFactory
from experiments.models import ExperimentStatus, ServiceArea, StatusEvent, TargetGroup
from knowledge.factories import KnowledgeArticlePageFactory
from municipalities.models import MunicipalityPage
from tests.conftest import rolled_back_after


def publish(page):
    page.save_revision().publish()
    return page.specific_class.objects.get(pk=page.pk)


def experiment(municipality: str, **fields):
    exemptions = fields.pop("exemptions", [])
    learnings = fields.pop("learnings", [])
    status = fields.pop("status", None)
    target_groups = fields.pop("target_groups", [])
    service_areas = fields.pop("service_areas", [])
    tags = fields.pop("tags", [])
    parent = MunicipalityPage.objects.get(slug=municipality)
    page = ExperimentPageFactory(parent=parent, **fields)
    for reference in exemptions:
        ExemptionRequestFactory(experiment=page, reference=reference, barrier="Reglen kræver separate planer.")
    for text in learnings:
        LearningFactory(
            experiment=page,
            what_worked=text,
            method="",
            effect="",
            economy="",
            implementation="",
            target_group="",
            what_did_not_work="",
            preconditions="",
            legislation_recommendation="",
        )
    if status:
        page.status_events.add(StatusEvent(status=status, date=datetime.date(2019, 3, 1)))
    page.target_groups.set(TargetGroup.objects.filter(name__in=target_groups))
    page.service_areas.set(ServiceArea.objects.filter(name__in=service_areas))
    if tags:
        page.tags.add(*tags)
    page.save()
    return publish(page)


@pytest.fixture(scope="module")
def shared_corpus(django_db_setup, django_db_blocker):
    with rolled_back_after(django_db_blocker):
        yield {key: (type(page), page.pk) for key, page in build_corpus().items()}


@pytest.fixture
def corpus(shared_corpus, db):
    """Five experiments and two articles with known words, references, facets and one network-only page."""
    return {key: model.objects.get(pk=pk) for key, (model, pk) in shared_corpus.items()}


def build_corpus():
    pages = {}
    pages["familier"] = experiment(
        "ballerup",
        title="Én plan for familier med flere sager",
        summary="Forældre på uddannelseshjælp og deres børn får én samlet plan og én koordinerende sagsbehandler.",
        challenge="Borgerne oplever mange planer og mange møder.",
        purpose="Færre møder og bedre trivsel for børnene.",
        content=[("paragraph", RichText("<p>Borgerinddragelse er kernen i forsøget.</p>"))],
        target_group_description="Aktivitetsparate uddannelseshjælpsmodtagere med børn 0–15 år.",
        planned_start=datetime.date(2017, 11, 1),
        planned_end=datetime.date(2020, 7, 1),
        exemptions=["LAB §§ 27-30", "SEL § 140"],
        status=ExperimentStatus.STARTED,
        target_groups=["Familier med børn 0–15 år"],
        service_areas=["Børn, Unge og Familier"],
        tags=["familie"],
    )
    pages["sygedagpenge"] = experiment(
        "fredensborg",
        title="Opfølgning for sygedagpengemodtagere i én plan",
        summary="Sygemeldte får opfølgning samlet i en helhedsorienteret plan i stedet for faste samtaler.",
        challenge="Faste samtaleintervaller passer ikke til borgere med komplekse problemer.",
        purpose="Beskæftigelsesindsatsen skal hænge sammen med behandlingen.",
        content=[],
        target_group_description="Borgere på sygedagpenge med komplekse problemer.",
        planned_start=datetime.date(2018, 1, 1),
        planned_end=datetime.date(2020, 12, 31),
        exemptions=["SDPL § 13 c, stk. 2"],
        status=ExperimentStatus.EVALUATED,
        target_groups=["Sygedagpengemodtagere"],
        service_areas=["Jobcenter / Job og Uddannelse"],
    )
    pages["unge"] = experiment(
        "frederikssund",
        title="Koordineret indsats for unge",
        summary="Unge mellem 16 og 22 år i overgangen fra barn til voksen får én indgang til kommunen.",
        challenge="Overgangen til voksenlivet giver brud i indsatsen.",
        purpose="Sammenhængende støtte fra børne- til voksenområdet.",
        content=[],
        target_group_description="Unge 16–22 år.",
        planned_start=datetime.date(2018, 1, 1),
        planned_end=datetime.date(2020, 7, 1),
        exemptions=["SEL § 141, stk. 7"],
        status=ExperimentStatus.SPREAD,
        learnings=["Én fast kontaktperson gav ro for de unge."],
        service_areas=["Særlig Social Indsats / Voksenstøtte og Rehabilitering"],
    )
    pages["skjult"] = experiment(
        "helsingor",
        title="Intern afprøvning af fælles journal",
        summary="Et netværksforsøg med fælles journal på tværs af fagcentre.",
        challenge="",
        purpose="",
        content=[],
        target_group_description="",
        planned_start=datetime.date(2019, 1, 1),
        planned_end=datetime.date(2021, 1, 1),
        visibility=Visibility.NETWORK,
    )
    pages["ressource"] = experiment(
        "allerod",
        title="Én borger – én plan",
        summary="Borgere i ressourceforløb får en plankoordinator, der samler indsatsen.",
        challenge="",
        purpose="",
        content=[],
        target_group_description="",
        planned_start=datetime.date(2017, 6, 1),
        planned_end=datetime.date(2021, 6, 1),
        exemptions=["LAB § 30 b"],
        status=ExperimentStatus.STARTED,
    )
    pages["artikel_vive"] = publish(
        KnowledgeArticlePageFactory(
            title="VIVE: midtvejsevaluering af Én plan",
            summary="Borgerne oplever bedre sammenhæng, og tre ud af fire ledere ser kontinuitet.",
            body=[("paragraph", RichText("<p>Evalueringen bygger på interview med borgere og medarbejdere.</p>"))],
        )
    )
    pages["artikel_jura"] = publish(
        KnowledgeArticlePageFactory(
            title="Juridisk notat om handleplaner",
            summary="Hvordan en helhedsorienteret plan erstatter handleplanen efter serviceloven.",
            body=[],
        )
    )
    return pages
