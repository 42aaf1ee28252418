"""Demo experiments for the "Én plan" network: the seven documented ones and demo experiments marked as demo.

The documented experiments carry only what public sources say (title, period, council decision date, target
group, what is known; VIVE's evaluations of the network). Everything else on them, and every demo experiment,
says plainly that it is demo data, so nobody mistakes an invented local detail for a fact.

`load_demo_experiments` creates each page the way the admin does (a child of its municipality, a revision, an
audit-log entry, published) and skips a page that already exists, so loading twice changes nothing.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from wagtail.rich_text import RichText

from core.publishing import publish_new_page
from core.visibility import Visibility
from experiments.models import (
    Decision,
    Evaluation,
    EvidenceRating,
    ExemptionRequest,
    ExperimentPage,
    ExperimentStatus,
    Learning,
    LegalBasis,
    PartnerMunicipality,
    Provision,
    Result,
    ServiceArea,
    StatusEvent,
    TargetGroup,
)
from experiments.references import parse_reference
from municipalities.models import MunicipalityPage

date = datetime.date
S = ExperimentStatus
D = Decision

# Catalogue names (experiments/catalogue.py), shortened here because the data below repeats them often.
JU = "Jobcenter / Job og Uddannelse"
BUF = "Børn, Unge og Familier"
SSI = "Særlig Social Indsats / Voksenstøtte og Rehabilitering"
SUNDHED = "Sundhed"
HANDICAP = "Handicap"
PSYKIATRI = "Psykiatri"
INTEGRATION = "Integration"

UDDANNELSESHJAELP = "Aktivitetsparate uddannelseshjælpsmodtagere"
KONTANTHJAELP = "Aktivitetsparate kontanthjælpsmodtagere"
RESSOURCEFORLOEB = "Borgere i ressourceforløb"
SYGEDAGPENGE = "Sygedagpengemodtagere"
FAMILIER = "Familier med børn 0–15 år"
UNGE_UDEN_UDDANNELSE = "Unge 15–30 år uden uddannelse"
UNGE_OVERGANG = "Unge 16–22 år i overgangen fra barn til voksen"
ANBRAGTE = "Børn og unge anbragt eller med forebyggende foranstaltninger"
STU = "STU-elever"
INTEGRATIONSYDELSE = "Modtagere af integrationsydelse"
KOMPLEKSE = "Borgere med komplekse problemer"

# The employment exemptions came by this order, issued under LAB § 116 and sygedagpengeloven § 80.
EMPLOYMENT_ORDER = "Bekendtgørelse om frikommuneforsøg II på beskæftigelses- og sygedagpengeområdet"
FRIKOMMUNE_LAW = "Lov nr. 658 af 8. juni 2017 om frikommunenetværk"
ROUND_DATES = {1: date(2016, 12, 1), 2: date(2017, 5, 1), 3: date(2017, 11, 1)}


@dataclass(frozen=True)
class DemoExemption:
    reference: str
    decision: str
    basis: str = ""
    application_round: int | None = None
    decided_on: datetime.date | None = None
    ministry_reference: str = ""
    legal_instrument: str = ""
    barrier: str = ""


@dataclass(frozen=True)
class DemoPartner:
    municipality: str
    local_status: str


@dataclass(frozen=True)
class DemoResult:
    indicator: str
    baseline: str | None
    value: str | None
    unit: str
    measured_on: datetime.date | None = None
    source: str = "Demodata"
    note: str = ""


@dataclass(frozen=True)
class DemoEvaluation:
    kind: str
    evaluator: str
    design: str
    completed_on: datetime.date
    summary: str


@dataclass(frozen=True)
class DemoExperiment:
    municipality: str
    slug: str
    title: str
    summary: str
    target_groups: tuple[str, ...]
    service_areas: tuple[str, ...]
    exemptions: tuple[DemoExemption, ...]
    events: tuple[tuple[str, datetime.date, str], ...]
    tags: tuple[str, ...]
    planned_start: datetime.date | None = None
    planned_end: datetime.date | None = None
    actual_start: datetime.date | None = None
    actual_end: datetime.date | None = None
    council_decision_date: datetime.date | None = None
    challenge: str = ""
    purpose: str = ""
    content: tuple[tuple[str, str], ...] = ()
    target_group_description: str = ""
    citizens_count: int | None = None
    contact_name: str = ""
    partners: tuple[DemoPartner, ...] = ()
    results: tuple[DemoResult, ...] = ()
    learnings: tuple[dict, ...] = ()
    evaluations: tuple[DemoEvaluation, ...] = ()
    evidence_rating: str = EvidenceRating.NOT_RATED
    builds_on: tuple[str, str] | None = None
    visibility: str = Visibility.PUBLIC


# VIVE evaluated the network as a whole; these are its documented findings.
VIVE_MIDTERM = DemoEvaluation(
    kind=Evaluation.Kind.MIDTERM,
    evaluator="VIVE",
    design="Ekstern proces- og midtvejsevaluering af netværket i tre klynger: familier, voksne og unge",
    completed_on=date(2019, 8, 30),
    summary=(
        "Fremlagt 30. august 2019. Borgerne oplevede markant bedre samarbejde, kontinuitet og tempo. Tre ud af fire "
        "ledere og medarbejdere så sammenhæng og kontinuitet for borgeren. Fritagelserne fra proceskrav, fx faste "
        "mødeintervaller, betød noget. Arbejdsformen kræver tid og ressourcer."
    ),
)
VIVE_FINAL = DemoEvaluation(
    kind=Evaluation.Kind.FINAL,
    evaluator="VIVE",
    design="Ekstern slutevaluering af netværket",
    completed_on=date(2021, 1, 1),
    summary=(
        "Januar 2021, sendt til Folketinget som BEU Alm.del Bilag 134 (2020-21). Kerneelementerne er én plan, "
        "færre indgange, progressionsmåling og integreret arbejde på tværs af fagområder. Nogle borgere kom i job "
        "eller uddannelse eller fik det bedre med trivsel og helbred; for andre skete der ingen ændring. Den "
        "generelle lov fra 2018 om en helhedsorienteret plan tilskrives netværket."
    ),
)
VIVE_EVENTS = (
    (S.MIDTERM_EVALUATED, date(2019, 8, 30), "VIVE's midtvejsevaluering af netværket fremlagt."),
    (S.EVALUATED, date(2021, 1, 1), "VIVE's slutevaluering af netværket (januar 2021; dagen er ikke oplyst)."),
)

ABOUT_DOCUMENTED = (
    "Om oplysningerne",
    "Titel, periode, forsøgsbeslutning, målgruppe og det, der vides om forsøget, stammer fra offentlige kilder "
    "(kommunens frikommunevedtægt, netværkets ansøgning og VIVE's evalueringer). Paragraffritagelserne er "
    "netværkets fælles planbestemmelser og er demodata for denne kommune; fagområder, afgørelser, datoer og tal, "
    "som ikke er nævnt i kilderne, er også demodata.",
)
PLAN_BARRIER = (
    "Demodata: borgeren har en plan efter hver lov, og planerne hænger ikke sammen; én fælles plan kræver "
    "fritagelse fra kravet om en særskilt plan."
)


def _documented_exemption(reference: str) -> DemoExemption:
    return DemoExemption(reference, D.GRANTED, barrier=PLAN_BARRIER)


DOCUMENTED_EXPERIMENTS = (
    DemoExperiment(
        municipality="ballerup",
        slug="en-plan-familier",
        title="»En Plan« for en sammenhængende indsats sammen med borgeren",
        summary=(
            "Familier, hvor en forælder er aktivitetsparat uddannelseshjælpsmodtager med børn på 0–15 år eller er i "
            "ressourceforløb, arbejder med kommunen ud fra én samlet plan. Målet er forældre i arbejde, børn i "
            "trivsel og mindre klientgørelse."
        ),
        planned_start=date(2017, 11, 1),
        planned_end=date(2020, 7, 1),
        council_decision_date=date(2017, 5, 30),
        purpose="Forældrene kommer i arbejde, børnene trives, og familien oplever mindre klientgørelse.",
        content=(ABOUT_DOCUMENTED,),
        target_groups=(UDDANNELSESHJAELP, RESSOURCEFORLOEB, FAMILIER),
        target_group_description=(
            "Aktivitetsparate uddannelseshjælpsmodtagere med børn i alderen 0–15 år og borgere i ressourceforløb."
        ),
        service_areas=(JU, BUF),
        exemptions=tuple(map(_documented_exemption, ("LAB §§ 27–30", "LAB § 30 a", "SEL § 140"))),
        events=(
            (S.APPROVED, date(2017, 5, 30), "Kommunalbestyrelsens forsøgsbeslutning."),
            (S.STARTED, date(2017, 11, 1), "Forsøgsperiodens start."),
            VIVE_EVENTS[0],
            (S.ENDED, date(2020, 7, 1), "Forsøgsperiodens planlagte slut."),
            VIVE_EVENTS[1],
        ),
        evaluations=(VIVE_MIDTERM, VIVE_FINAL),
        tags=("familier", "én plan", "klientgørelse", "uddannelseshjælp", "ressourceforløb"),
    ),
    DemoExperiment(
        municipality="fredensborg",
        slug="en-plan-en-sagsbehandler",
        title="Én plan – én sagsbehandler for borgere med komplekse problemer",
        summary=(
            "Borgere med komplekse problemer får én sagsbehandler og én plan. I 2018 havde 23 borgere én samlet "
            "plan. Manglende IT på tværs af fagsystemerne var en barriere."
        ),
        planned_start=date(2017, 10, 1),
        planned_end=date(2020, 7, 1),
        content=(ABOUT_DOCUMENTED,),
        target_groups=(RESSOURCEFORLOEB, UDDANNELSESHJAELP, KONTANTHJAELP, KOMPLEKSE),
        target_group_description=(
            "Borgere i ressourceforløb og aktivitetsparate modtagere af uddannelses- eller kontanthjælp."
        ),
        service_areas=(JU,),
        citizens_count=23,
        exemptions=tuple(map(_documented_exemption, ("LAB §§ 27–30", "LAB § 30 a", "LAB § 68 c"))),
        events=(
            (S.STARTED, date(2017, 10, 1), "Forsøgsperiodens start."),
            VIVE_EVENTS[0],
            (S.ENDED, date(2020, 7, 1), "Forsøgsperiodens planlagte slut."),
            VIVE_EVENTS[1],
        ),
        results=(
            DemoResult(
                "Borgere med én samlet plan",
                None,
                "23",
                "borgere",
                source="Kommunens status",
                note="Opgjort i 2018.",
            ),
        ),
        learnings=(
            {
                "target_group": "Borgere i ressourceforløb og aktivitetsparate på uddannelses- eller kontanthjælp.",
                "method": "Én sagsbehandler og én plan for borgeren.",
                "what_did_not_work": "Der var ingen IT på tværs af fagsystemerne.",
            },
        ),
        evaluations=(VIVE_MIDTERM, VIVE_FINAL),
        tags=("én sagsbehandler", "komplekse sager", "it", "fagsystemer"),
    ),
    DemoExperiment(
        municipality="frederikssund",
        slug="koordineret-indsats-for-unge",
        title="Koordineret indsats for unge",
        summary=(
            "Unge på 16–22 år, der går fra børne- til voksenområdet, får en koordineret indsats, hvor Jobcenter, "
            "Center for Familie og Rådgivning og Center for Voksenstøtte og Rehabilitering arbejder sammen."
        ),
        planned_start=date(2018, 1, 1),
        planned_end=date(2020, 7, 1),
        content=(
            (
                "Hvem arbejder sammen",
                "Jobcentret, Center for Familie og Rådgivning og Center for Voksenstøtte og Rehabilitering.",
            ),
            ABOUT_DOCUMENTED,
        ),
        target_groups=(UNGE_OVERGANG,),
        target_group_description="Unge på 16–22 år i overgangen fra børne- til voksenområdet.",
        service_areas=(JU, BUF, SSI),
        exemptions=tuple(map(_documented_exemption, ("SEL § 140", "SEL § 141", "LAB §§ 27–30"))),
        events=(
            (S.STARTED, date(2018, 1, 1), "Forsøgsperiodens start."),
            VIVE_EVENTS[0],
            (S.ENDED, date(2020, 7, 1), "Forsøgsperiodens planlagte slut."),
            VIVE_EVENTS[1],
        ),
        evaluations=(VIVE_MIDTERM, VIVE_FINAL),
        tags=("unge", "overgang til voksenlivet", "tværfagligt samarbejde"),
    ),
    DemoExperiment(
        municipality="gribskov",
        slug="unge-paa-vej",
        title="Unge på vej",
        summary=(
            "Unge på 15–30 år uden uddannelse på uddannelseshjælp eller integrationsydelse, unge på 15–23 år, der er "
            "anbragt eller har forebyggende foranstaltninger, og STU-elever får én plan på tværs af kommunen."
        ),
        planned_start=date(2017, 7, 1),
        planned_end=date(2020, 7, 1),
        content=(ABOUT_DOCUMENTED,),
        target_groups=(UNGE_UDEN_UDDANNELSE, INTEGRATIONSYDELSE, ANBRAGTE, STU),
        target_group_description=(
            "Unge på 15–30 år uden uddannelse, som modtager uddannelseshjælp eller integrationsydelse; unge på "
            "15–23 år, der er anbragt eller har forebyggende foranstaltninger; elever på STU."
        ),
        service_areas=(JU, BUF, INTEGRATION),
        exemptions=tuple(map(_documented_exemption, ("LAB §§ 27–30", "SEL § 140", "LAB § 2, nr. 13"))),
        events=(
            (S.STARTED, date(2017, 7, 1), "Forsøgsperiodens start."),
            VIVE_EVENTS[0],
            (S.ENDED, date(2020, 7, 1), "Forsøgsperiodens planlagte slut."),
            VIVE_EVENTS[1],
        ),
        evaluations=(VIVE_MIDTERM, VIVE_FINAL),
        tags=("unge", "uddannelse", "stu", "integration"),
    ),
    DemoExperiment(
        municipality="allerod",
        slug="en-borger-en-plan",
        title="Én borger – Én plan",
        summary=(
            "Borgere med komplekse problemer får én plan og en plankoordinator. Forsøget løb fra 2017 til 2020/21, "
            "og rollen som plankoordinator blev gjort permanent."
        ),
        content=(("Forsøgsperiode", "2017 – 2020/21. De præcise datoer er ikke oplyst i kilderne."), ABOUT_DOCUMENTED),
        target_groups=(KOMPLEKSE,),
        target_group_description="Borgere med komplekse problemer.",
        service_areas=(JU, SSI),
        exemptions=tuple(map(_documented_exemption, ("LAB § 30 a", "SEL § 141", "SDPL §§ 13 a–13 c"))),
        events=(
            (S.STARTED, date(2017, 1, 1), "Forsøget startede i 2017 (demodata: dagen er ikke oplyst)."),
            VIVE_EVENTS[0],
            VIVE_EVENTS[1],
            (
                S.SPREAD,
                date(2021, 6, 30),
                "Rollen som plankoordinator blev gjort permanent (demodata: datoen er ikke oplyst).",
            ),
        ),
        learnings=(
            {
                "target_group": "Borgere med komplekse problemer.",
                "method": "Én plan for borgeren, holdt sammen af en plankoordinator.",
                "what_worked": "Rollen som plankoordinator blev gjort permanent efter forsøget.",
            },
        ),
        evaluations=(VIVE_MIDTERM, VIVE_FINAL),
        tags=("plankoordinator", "komplekse sager", "én plan"),
    ),
    DemoExperiment(
        municipality="helsingor",
        slug="en-samlet-handleplan",
        title="Én samlet handleplan på tværs af fagcentre",
        summary=(
            "Borgere med komplekse sager kan frivilligt vælge én samlet handleplan på tværs af kommunens fagcentre. "
            "Forsøget bygger på det lokale projekt »det sammenhængende borgerforløb«."
        ),
        content=(
            (
                "Forsøgsperiode",
                "Fra 2017. Kommunens status går til 31. juli 2020; frikommunevedtægten angiver en længere periode.",
            ),
            ABOUT_DOCUMENTED,
        ),
        target_groups=(KOMPLEKSE,),
        target_group_description="Borgere med komplekse sager, der deltager frivilligt.",
        service_areas=(JU, BUF, SSI),
        exemptions=tuple(map(_documented_exemption, ("SEL § 141", "LAB §§ 27–30", "SDPL §§ 13 a–13 c"))),
        events=(
            (S.STARTED, date(2017, 1, 1), "Forsøget startede i 2017 (demodata: dagen er ikke oplyst)."),
            VIVE_EVENTS[0],
            VIVE_EVENTS[1],
        ),
        learnings=(
            {
                "target_group": "Borgere med komplekse sager; deltagelse er frivillig.",
                "preconditions": "Forsøget bygger videre på det lokale projekt »det sammenhængende borgerforløb«.",
            },
        ),
        evaluations=(VIVE_MIDTERM, VIVE_FINAL),
        tags=("handleplan", "fagcentre", "frivillighed"),
    ),
    DemoExperiment(
        municipality="halsnaes",
        slug="sammen-om-ny-velfaerd",
        title="Sammen om ny velfærd",
        summary=(
            "Borgere og familier med sager hos flere myndigheder får én borgerkonsulent. Et lokalt projekt fra 2016, "
            "knyttet til Én plan i 2017; ministeriet nævnte det blandt forbillederne for lov nr. 707 af 8. juni 2018."
        ),
        content=(ABOUT_DOCUMENTED,),
        target_groups=(KOMPLEKSE, FAMILIER),
        target_group_description="Borgere og familier, der er i kontakt med flere myndigheder.",
        service_areas=(JU, BUF, SSI),
        exemptions=tuple(map(_documented_exemption, ("LAB §§ 27–30", "SEL § 140", "SEL § 141"))),
        events=(
            (
                S.STARTED,
                date(2017, 1, 1),
                "Lokalt projekt siden 2016, knyttet til Én plan i 2017 (demodata: dagen er ikke oplyst).",
            ),
            VIVE_EVENTS[0],
            VIVE_EVENTS[1],
        ),
        learnings=(
            {
                "target_group": "Borgere og familier på tværs af myndigheder.",
                "method": "Én borgerkonsulent pr. borger.",
                "legislation_recommendation": (
                    "Ministeriet nævnte modellen blandt forbillederne for L 232 (2017-18), lov nr. 707 af 8. juni "
                    "2018 om en helhedsorienteret plan til borgere med komplekse og sammensatte problemer."
                ),
            },
        ),
        evaluations=(VIVE_MIDTERM, VIVE_FINAL),
        tags=("borgerkonsulent", "velfærd", "l 232"),
    ),
)


def _demo(reference, decision, basis="", round_=None, decided_on=None, number="", barrier=""):
    """A demo exemption; the legal instrument follows from the law and basis, as in the programme."""
    if basis == LegalBasis.DISPENSATION:
        instrument = EMPLOYMENT_ORDER
    elif basis == LegalBasis.NEW_HJEMMEL:
        instrument = FRIKOMMUNE_LAW
    else:
        instrument = ""
    return DemoExemption(
        reference,
        decision,
        basis=basis,
        application_round=round_,
        decided_on=decided_on,
        ministry_reference=f"DEMO-{number}" if number else "",
        legal_instrument=instrument,
        barrier=barrier,
    )


DISP = LegalBasis.DISPENSATION
NEW = LegalBasis.NEW_HJEMMEL
EXTENDED_2021 = (
    S.EXTENDED,
    date(2021, 12, 28),
    "Forsøgshjemlen forlænget til 31. december 2022 ved lov nr. 2598 af 28. december 2021.",
)

DEMO_EXPERIMENTS = (
    DemoExperiment(
        municipality="furesoe",
        slug="faelles-opfoelgning-sygedagpenge",
        title="Fælles opfølgning for sygedagpengemodtagere med flere sager",
        summary=(
            "Demodata: Sygedagpengemodtagere, der også har en sag i Særlig Social Indsats (SSI), får én "
            "opfølgningsplan i stedet for opfølgning efter sygedagpengelovens §§ 13 a–13 c og en handleplan efter "
            "serviceloven."
        ),
        planned_start=date(2018, 1, 15),
        planned_end=date(2020, 12, 31),
        actual_start=date(2018, 1, 15),
        actual_end=date(2020, 12, 31),
        council_decision_date=date(2017, 10, 26),
        challenge=(
            "Den sygemeldte borger mødte til opfølgningssamtaler i jobcentret med faste intervaller og til møder i "
            "SSI om det samme forløb. Borgerens tid gik med møder frem for med at komme tilbage i arbejde."
        ),
        purpose=(
            "Borgeren vender hurtigere tilbage til arbejdet, og beskæftigelsesindsatsen og den sociale indsats "
            "trækker i samme retning."
        ),
        content=(
            (
                "Sådan arbejder vi",
                "En sagsbehandler fra Job og Uddannelse (JU) og en fra SSI holder det første møde sammen med "
                "borgeren inden for fire uger. Derefter aftales opfølgningen efter borgerens behov i stedet for "
                "faste intervaller.",
            ),
        ),
        target_groups=(SYGEDAGPENGE, KOMPLEKSE),
        target_group_description="Sygedagpengemodtagere med mindst én sag mere i kommunen.",
        service_areas=(JU, SSI, SUNDHED),
        citizens_count=64,
        exemptions=(
            _demo(
                "SDPL §§ 13 a–13 c",
                D.GRANTED,
                DISP,
                2,
                date(2017, 9, 15),
                "2017-0215",
                "De faste opfølgningsintervaller passer ikke til borgere, der samtidig har en social sag.",
            ),
            _demo(
                "SDPL § 13 c, stk. 2",
                D.PARTLY_GRANTED,
                DISP,
                2,
                date(2017, 9, 15),
                "2017-0216",
                "Aftalen om opfølgning skal indgås særskilt; kommunen ville lade den indgå i den fælles plan.",
            ),
            _demo(
                "SEL § 141",
                D.GRANTED,
                NEW,
                2,
                date(2017, 10, 2),
                "2017-0217",
                "Handleplanen efter serviceloven § 141 kommer oven i opfølgningsplanen.",
            ),
        ),
        events=(
            (S.IDEA, date(2016, 10, 15), "Drøftet i netværkets styregruppe."),
            (S.APPLIED, date(2017, 5, 1), "Sendt i 2. ansøgningsrunde."),
            (S.APPROVED, date(2017, 10, 2), ""),
            (S.STARTED, date(2018, 1, 15), ""),
            (S.MIDTERM_EVALUATED, date(2019, 6, 20), "Kommunens egen midtvejsopgørelse."),
            (S.ENDED, date(2020, 12, 31), ""),
            (S.EVALUATED, date(2021, 4, 15), ""),
            (S.SPREAD, date(2021, 9, 1), "Arbejdsformen er gjort til fast praksis i jobcentret."),
        ),
        partners=(DemoPartner("allerod", S.ENDED),),
        results=(
            DemoResult("Dage fra sygemelding til første fælles møde", "38", "21", "dage", date(2019, 12, 31)),
            DemoResult("Borgere tilbage i arbejde efter 26 uger", "41", "52", "procent", date(2020, 12, 31)),
            DemoResult("Møder pr. borger de første tre måneder", "7", "4", "møder", date(2020, 12, 31)),
        ),
        learnings=(
            {
                "target_group": "Sygemeldte borgere med en sag i både jobcentret og SSI.",
                "method": "Fælles første møde og opfølgning efter behov i stedet for faste intervaller.",
                "implementation": "Sagsbehandlerne fik fælles mødetid hver uge; lederne fulgte op månedligt.",
                "effect": "Kortere tid til første møde og flere borgere tilbage i arbejde efter et halvt år.",
                "economy": "Ingen merudgift til personale; færre møder frigav tid.",
                "what_worked": "Det fælles første møde, hvor borgeren kun skal fortælle sin historie én gang.",
                "what_did_not_work": "Registreringen i to fagsystemer tog stadig tid.",
                "preconditions": "Ledelsesopbakning i begge afdelinger og fælles mødetid i kalenderen.",
                "legislation_recommendation": (
                    "Lad opfølgningen efter sygedagpengeloven indgå i en helhedsorienteret plan, som § 13 e nu "
                    "tillader."
                ),
            },
        ),
        evaluations=(
            DemoEvaluation(
                Evaluation.Kind.FINAL,
                "Furesø Kommune (demodata)",
                "Før/efter-måling med sammenligningsgruppe",
                date(2021, 4, 15),
                "Demodata: borgerne i forsøget kom hurtigere i gang og oftere tilbage i arbejde end "
                "sammenligningsgruppen.",
            ),
        ),
        evidence_rating=EvidenceRating.MODERATE,
        tags=("sygedagpenge", "opfølgning", "fastholdelse", "færre møder"),
    ),
    DemoExperiment(
        municipality="furesoe",
        slug="borgerinddragelse-i-planen",
        title="Borgerinddragelse i den helhedsorienterede plan",
        summary=(
            "Demodata: Borgeren skriver selv første del af sin helhedsorienterede plan efter LAB § 40, stk. 3. "
            "Forsøget afprøver borgerinddragelse i planarbejdet og kræver ingen fritagelse, fordi den generelle lov "
            "nu tillader én plan."
        ),
        planned_start=date(2025, 2, 1),
        planned_end=date(2026, 12, 31),
        actual_start=date(2025, 2, 1),
        challenge="Selv med én plan oplever mange borgere, at planen er kommunens og ikke deres egen.",
        purpose="Borgernes egne mål står først i planen, og borgerne oplever, at de bliver hørt.",
        content=(
            (
                "Sådan arbejder vi",
                "Før første møde får borgeren tre spørgsmål: Hvad vil du gerne? Hvad står i vejen? Hvem skal være "
                "med? Svarene bliver planens første afsnit.",
            ),
        ),
        target_groups=(KOMPLEKSE, RESSOURCEFORLOEB),
        service_areas=(JU, SSI, PSYKIATRI),
        citizens_count=30,
        exemptions=(
            _demo(
                "LAB § 40, stk. 3",
                D.NOT_NEEDED,
                decided_on=date(2024, 11, 20),
                barrier=(
                    "Ingen: den helhedsorienterede plan er hjemlet i den generelle lov, så fritagelse var ikke "
                    "nødvendig."
                ),
            ),
        ),
        events=(
            (S.IDEA, date(2024, 6, 1), "Idé fra et netværksmøde om borgerinddragelse."),
            (S.STARTED, date(2025, 2, 1), ""),
        ),
        partners=(DemoPartner("hillerod", S.STARTED),),
        results=(DemoResult("Planer, hvor borgerens egne mål står først", None, "18", "planer", date(2025, 9, 30)),),
        learnings=(
            {
                "method": "Borgeren besvarer tre spørgsmål før første møde; svarene indleder planen.",
                "implementation": "Spørgsmålene sendes med mødeindkaldelsen og kan besvares på papir eller digitalt.",
            },
        ),
        tags=("borgerinddragelse", "samskabelse", "helhedsorienteret plan"),
    ),
    DemoExperiment(
        municipality="furesoe",
        slug="digital-plan",
        title="Én digital plan på tværs af fagsystemer",
        summary=(
            "Demodata: Planen skulle ligge ét sted, som borgeren, jobcentret og BUF alle kunne se. Forsøget blev "
            "ikke iværksat, fordi fagsystemerne ikke kunne dele planen i tide."
        ),
        planned_start=date(2018, 6, 1),
        planned_end=date(2020, 12, 31),
        challenge="Planerne ligger i hvert sit fagsystem, og borgeren kan ikke se dem samlet.",
        purpose="Én digital plan, som borgeren selv kan læse og kommentere.",
        target_groups=(KOMPLEKSE, FAMILIER),
        service_areas=(JU, BUF),
        exemptions=(
            _demo(
                "RSL § 5",
                D.NOT_NEEDED,
                round_=3,
                decided_on=date(2018, 3, 1),
                barrier="Helhedsvurderingen kunne allerede deles med borgerens samtykke.",
            ),
            _demo(
                "LAB §§ 27–30",
                D.WITHDRAWN,
                DISP,
                3,
                date(2018, 9, 1),
                barrier="Trukket tilbage, da forsøget ikke kunne iværksættes.",
            ),
        ),
        events=(
            (S.APPLIED, date(2017, 11, 1), "Sendt i 3. ansøgningsrunde."),
            (
                S.NOT_STARTED,
                date(2018, 10, 1),
                "Forsøg på beskæftigelsesområdet skulle være iværksat senest 1. oktober 2018; IT-løsningen var ikke "
                "klar.",
            ),
        ),
        learnings=(
            {
                "what_did_not_work": "Fagsystemerne kunne ikke udveksle planen, og en manuel løsning var for usikker.",
                "preconditions": (
                    "En fælles digital plan kræver, at fagsystemerne kan udveksle data, og at borgerens samtykke "
                    "registreres ét sted."
                ),
            },
        ),
        builds_on=("fredensborg", "en-plan-en-sagsbehandler"),
        tags=("it", "digital plan", "samtykke", "fagsystemer"),
    ),
    DemoExperiment(
        municipality="hillerod",
        slug="en-indgang-for-familier",
        title="Én indgang for familier i BUF og JU",
        summary=(
            "Demodata: Familier, hvor en forælder er ledig, og et barn har en sag i Børn, Unge og Familier (BUF), får "
            "én indgang og én familieplan sammen med Job og Uddannelse (JU)."
        ),
        planned_start=date(2018, 3, 1),
        planned_end=date(2020, 12, 31),
        actual_start=date(2018, 3, 1),
        actual_end=date(2020, 12, 31),
        council_decision_date=date(2017, 8, 28),
        challenge=(
            "Forældrene havde »Min Plan« efter LAB §§ 27–30 i jobcentret, og barnet havde en handleplan efter "
            "serviceloven § 140. Familien skulle fortælle sin historie to steder, og ingen så hele familiens "
            "situation."
        ),
        purpose="Én plan for hele familien, færre møder og forældre tættere på arbejdsmarkedet.",
        content=(
            (
                "Familiemødet",
                "Familiens rådgiver fra BUF og sagsbehandleren fra JU holder familiemødet sammen. Barnets perspektiv "
                "og forældrenes mål skrives i samme plan.",
            ),
            ("Hvad familierne siger", "Familierne fremhæver, at de kun skal fortælle deres historie én gang."),
        ),
        target_groups=(FAMILIER, KONTANTHJAELP, UDDANNELSESHJAELP),
        service_areas=(BUF, JU),
        citizens_count=41,
        exemptions=(
            _demo(
                "SEL § 140",
                D.GRANTED,
                NEW,
                1,
                date(2017, 6, 20),
                "2017-0101",
                "Barnets handleplan og forældrenes plan skulle skrives hver for sig.",
            ),
            _demo(
                "LAB §§ 27–30",
                D.PARTLY_GRANTED,
                DISP,
                1,
                date(2017, 6, 20),
                "2017-0102",
                "Kravet om »Min Plan« for hver forælder; uddannelsespålægget skal fortsat gives særskilt.",
            ),
        ),
        events=(
            (S.IDEA, date(2016, 9, 1), ""),
            (S.APPLIED, date(2016, 12, 1), "Sendt i 1. ansøgningsrunde."),
            (S.APPROVED, date(2017, 6, 20), ""),
            (S.STARTED, date(2018, 3, 1), ""),
            (S.MIDTERM_EVALUATED, date(2019, 8, 30), ""),
            (S.ENDED, date(2020, 12, 31), ""),
            (S.EVALUATED, date(2021, 6, 1), ""),
            (
                S.PARTLY_SPREAD,
                date(2022, 1, 1),
                "Familiemødet er gjort permanent; den fælles plan bruges kun i udvalgte sager.",
            ),
        ),
        partners=(DemoPartner("ballerup", S.EVALUATED),),
        results=(
            DemoResult("Familier med én fælles plan", "0", "41", "familier", date(2020, 12, 31)),
            DemoResult("Forældre i job eller uddannelse efter 12 måneder", "9", "17", "procent", date(2020, 12, 31)),
            DemoResult("Møder pr. familie pr. kvartal", "6", "3", "møder", date(2020, 12, 31)),
        ),
        learnings=(
            {
                "target_group": "Familier med en ledig forælder og et barn med en sag i BUF.",
                "method": "Fælles familiemøde og én familieplan for BUF og JU.",
                "implementation": "Rådgivere og sagsbehandlere blev parret to og to og delte kalender.",
                "effect": "Færre møder og lidt flere forældre i job eller uddannelse.",
                "economy": "Ekstra tid til fælles møder det første år; derefter neutralt.",
                "what_worked": "Familierne skal kun fortælle deres historie én gang.",
                "what_did_not_work": "Uddannelsespålægget kunne ikke indgå i familieplanen.",
                "preconditions": "Fælles mødetid og en fælles skabelon for familieplanen.",
                "legislation_recommendation": "Lad uddannelsespålægget indgå i en helhedsorienteret plan.",
            },
        ),
        evaluations=(
            DemoEvaluation(
                Evaluation.Kind.FINAL,
                "Hillerød Kommune (demodata)",
                "Procesevaluering med interview af familier og medarbejdere",
                date(2021, 6, 1),
                "Demodata: familierne oplevede færre møder og mere sammenhæng; effekten på beskæftigelsen er usikker.",
            ),
        ),
        evidence_rating=EvidenceRating.WEAK,
        builds_on=("ballerup", "en-plan-familier"),
        tags=("familier", "familieplan", "børns trivsel", "ledighed"),
    ),
    DemoExperiment(
        municipality="hillerod",
        slug="koordinerende-sagsbehandler-ressourceforloeb",
        title="Koordinerende sagsbehandler for borgere i ressourceforløb",
        summary=(
            "Demodata: Borgere i ressourceforløb får én koordinerende sagsbehandler, der også holder sammen på den "
            "sociale indsats. Forsøget er forlænget to gange."
        ),
        planned_start=date(2018, 2, 1),
        planned_end=date(2025, 12, 31),
        actual_start=date(2018, 2, 1),
        challenge=(
            "Rehabiliteringsplanens indsatsdel (LAB § 30 a, fra 2020 LAB § 40, stk. 2) og handleplanen efter "
            "serviceloven § 141 blev skrevet hver for sig. Borgerens ressourceforløb og den sociale støtte trak ikke "
            "i samme retning."
        ),
        purpose="Én sagsbehandler og én plan, så borgeren kommer tættere på arbejdsmarkedet.",
        target_groups=(RESSOURCEFORLOEB,),
        service_areas=(JU, SSI, SUNDHED, PSYKIATRI),
        citizens_count=57,
        exemptions=(
            _demo("LAB § 30 a", D.GRANTED, DISP, 2, date(2017, 9, 15), "2017-0231"),
            _demo("LAB § 68 c", D.GRANTED, DISP, 2, date(2017, 9, 15), "2017-0232"),
            _demo("SEL § 141", D.GRANTED, NEW, 2, date(2017, 10, 2), "2017-0233"),
            _demo(
                "LAB § 36, stk. 3",
                D.GRANTED,
                DISP,
                decided_on=date(2021, 12, 28),
                barrier="Forlængelsen henviser til de nye paragrafnumre i LAB.",
            ),
        ),
        events=(
            (S.APPLIED, date(2017, 5, 1), "Sendt i 2. ansøgningsrunde."),
            (S.APPROVED, date(2017, 9, 15), ""),
            (S.STARTED, date(2018, 2, 1), ""),
            (S.MIDTERM_EVALUATED, date(2019, 8, 30), ""),
            EXTENDED_2021,
            (S.EXTENDED, date(2024, 12, 1), "Forlænget til udgangen af 2025."),
        ),
        results=(
            DemoResult("Borgere med én koordinerende sagsbehandler", "0", "57", "borgere", date(2024, 12, 31)),
            DemoResult(
                "Borgere med fremgang i progressionsmålingen",
                None,
                "46",
                "procent",
                date(2024, 12, 31),
                note="Målt med kommunens progressionsværktøj hvert halve år.",
            ),
        ),
        learnings=(
            {
                "target_group": "Borgere i ressourceforløb med en social sag.",
                "method": "Koordinerende sagsbehandler med mandat i både jobcentret og SSI.",
                "what_worked": "Borgerne ved, hvem de skal ringe til.",
                "what_did_not_work": "Sagsbehandlerne havde for mange sager det første år.",
                "preconditions": "Højst 25 sager pr. koordinerende sagsbehandler.",
            },
        ),
        builds_on=("allerod", "en-borger-en-plan"),
        visibility=Visibility.NETWORK,
        tags=("ressourceforløb", "koordinerende sagsbehandler", "rehabiliteringsteam", "progressionsmåling"),
    ),
    DemoExperiment(
        municipality="hillerod",
        slug="sundhedsfaglig-vurdering",
        title="Sundhedsfaglig vurdering tidligt i sygeforløbet",
        summary=(
            "Demodata: Sygemeldte borgere med flere diagnoser får en sundhedsfaglig vurdering i jobcentret inden for "
            "de første otte uger. Forsøget gav ikke de ventede resultater og udbredes ikke."
        ),
        planned_start=date(2018, 6, 1),
        planned_end=date(2020, 6, 30),
        actual_start=date(2018, 6, 1),
        actual_end=date(2020, 6, 30),
        challenge="Sygemeldte med flere diagnoser venter længe på en samlet vurdering af, hvad de kan.",
        purpose="En tidlig sundhedsfaglig vurdering, der gør opfølgningen mere målrettet.",
        target_groups=(SYGEDAGPENGE,),
        service_areas=(JU, SUNDHED),
        citizens_count=120,
        exemptions=(
            _demo("SDPL §§ 13 a–13 c", D.GRANTED, DISP, 3, date(2018, 4, 10), "2018-0310"),
            _demo(
                "SDPL § 13 c, stk. 2",
                D.REFUSED,
                DISP,
                3,
                date(2018, 4, 10),
                "2018-0311",
                "Ønsket om at udskyde aftalen om opfølgning til efter vurderingen blev ikke imødekommet.",
            ),
        ),
        events=(
            (S.APPLIED, date(2017, 11, 1), "Sendt i 3. ansøgningsrunde."),
            (S.APPROVED, date(2018, 4, 10), ""),
            (S.STARTED, date(2018, 6, 1), ""),
            (S.ENDED, date(2020, 6, 30), ""),
            (S.EVALUATED, date(2020, 11, 1), ""),
            (S.NOT_SPREAD, date(2021, 8, 15), "Ingen målbar effekt på tilbagevenden til arbejde."),
        ),
        partners=(DemoPartner("allerod", S.NOT_STARTED), DemoPartner("furesoe", S.ENDED)),
        results=(DemoResult("Sygemeldte tilbage i arbejde efter 22 uger", "48", "47", "procent", date(2020, 6, 30)),),
        learnings=(
            {
                "effect": "Ingen forskel i tilbagevenden til arbejde.",
                "what_did_not_work": "Vurderingen kom ofte samtidig med lægens, så den gav sjældent ny viden.",
            },
        ),
        evaluations=(
            DemoEvaluation(
                Evaluation.Kind.FINAL,
                "Hillerød Kommune (demodata)",
                "Før/efter-måling uden sammenligningsgruppe",
                date(2020, 11, 1),
                "Demodata: ingen målbar effekt.",
            ),
        ),
        evidence_rating=EvidenceRating.WEAK,
        tags=("sygemelding", "sundhed", "tidlig indsats", "sygedagpenge"),
    ),
    DemoExperiment(
        municipality="allerod",
        slug="plankoordinator-psykiske-vanskeligheder",
        title="Plankoordinator for borgere med psykiske vanskeligheder",
        summary=(
            "Demodata: Borgere i socialpsykiatrien med en sag i jobcentret skulle have én plankoordinator. Forsøget "
            "blev indstillet, fordi for få borgere gav samtykke til at deltage."
        ),
        planned_start=date(2018, 8, 1),
        planned_end=date(2020, 12, 31),
        actual_start=date(2018, 8, 1),
        actual_end=date(2019, 10, 31),
        target_groups=(KOMPLEKSE,),
        target_group_description=(
            "Borgere med psykiske vanskeligheder, der både har støtte i socialpsykiatrien og en sag i jobcentret."
        ),
        service_areas=(PSYKIATRI, JU, SSI),
        citizens_count=9,
        exemptions=(
            _demo("SEL § 141", D.GRANTED, NEW, 3, date(2018, 4, 10), "2018-0320"),
            _demo(
                "RSL § 5",
                D.REFUSED,
                NEW,
                3,
                date(2018, 4, 10),
                "2018-0321",
                "Ønsket om at dele helhedsvurderingen uden fornyet samtykke blev ikke imødekommet af hensyn til "
                "borgerens retssikkerhed.",
            ),
        ),
        events=(
            (S.IDEA, date(2017, 6, 1), ""),
            (S.APPLIED, date(2017, 11, 1), "Sendt i 3. ansøgningsrunde."),
            (S.APPROVED, date(2018, 4, 10), ""),
            (S.STARTED, date(2018, 8, 1), ""),
            (S.DISCONTINUED, date(2019, 10, 31), "Kun ni borgere gav samtykke."),
        ),
        results=(
            DemoResult(
                "Borgere, der gav samtykke", None, "9", "borgere", date(2019, 10, 31), note="Der var planlagt 40."
            ),
        ),
        learnings=(
            {
                "target_group": "Borgere i socialpsykiatrien med en sag i jobcentret.",
                "what_did_not_work": "Samtykket blev bedt om skriftligt ved første møde, før tilliden var der.",
                "preconditions": "Tid til at opbygge tillid, før borgeren bliver bedt om samtykke.",
            },
        ),
        builds_on=("allerod", "en-borger-en-plan"),
        tags=("psykiatri", "socialpsykiatri", "samtykke", "plankoordinator"),
    ),
    DemoExperiment(
        municipality="ballerup",
        slug="mentor-og-en-plan-for-unge",
        title="Mentor og én plan for unge på uddannelseshjælp",
        summary=(
            "Demodata: Unge aktivitetsparate uddannelseshjælpsmodtagere får en fast mentor og én plan, hvor "
            "uddannelsespålægget indgår. Forsøget er afsluttet; den afsluttende opgørelse mangler."
        ),
        planned_start=date(2017, 9, 1),
        planned_end=date(2020, 7, 1),
        actual_start=date(2017, 9, 1),
        actual_end=date(2020, 7, 1),
        target_groups=(UDDANNELSESHJAELP, UNGE_UDEN_UDDANNELSE),
        service_areas=(JU, BUF),
        citizens_count=75,
        exemptions=(
            _demo(
                "LAB §§ 27–30",
                D.GRANTED,
                DISP,
                1,
                date(2017, 6, 20),
                "2017-0110",
                "Uddannelsespålægget og mentorens plan var to forskellige dokumenter.",
            ),
            _demo("LAB § 68 g", D.GRANTED, DISP, 1, date(2017, 6, 20), "2017-0111"),
        ),
        events=(
            (S.APPLIED, date(2016, 12, 1), "Sendt i 1. ansøgningsrunde."),
            (S.APPROVED, date(2017, 6, 20), ""),
            (S.STARTED, date(2017, 9, 1), ""),
            (S.MIDTERM_EVALUATED, date(2019, 8, 30), ""),
            (S.ENDED, date(2020, 7, 1), ""),
        ),
        partners=(DemoPartner("frederikssund", S.ENDED), DemoPartner("gribskov", S.NOT_SPREAD)),
        results=(
            DemoResult("Unge i uddannelse eller job efter 12 måneder", "22", "31", "procent", date(2019, 12, 31)),
        ),
        learnings=({"what_worked": "Den faste mentor, som den unge selv var med til at vælge."},),
        tags=("unge", "mentor", "uddannelsespålæg", "uddannelseshjælp"),
    ),
    DemoExperiment(
        municipality="fredensborg",
        slug="faelles-overblik",
        title="Fælles overblik over borgerens forløb",
        summary=(
            "Demodata: Et fælles overblik over borgerens møder, mål og ydelser på tværs af Jobcenter, BUF og SSI. "
            "Ansøgningen er sendt; ministeriets afgørelse er ikke registreret."
        ),
        target_groups=(KOMPLEKSE,),
        service_areas=(JU, BUF, SSI),
        exemptions=(
            _demo("RSL § 5", D.APPLIED, NEW, 2, barrier="Helhedsvurderingen skal kunne deles på tværs."),
            _demo("SEL § 141", D.APPLIED, NEW, 2),
        ),
        events=(
            (S.IDEA, date(2017, 2, 1), ""),
            (S.APPLIED, date(2017, 5, 1), "Sendt i 2. ansøgningsrunde."),
        ),
        builds_on=("fredensborg", "en-plan-en-sagsbehandler"),
        visibility=Visibility.NETWORK,
        tags=("overblik", "data", "it", "samtykke"),
    ),
    DemoExperiment(
        municipality="frederikssund",
        slug="ungekoordinator-ssi",
        title="Ungekoordinator i Særlig Social Indsats",
        summary=(
            "Demodata: Unge, der fylder 18 og går fra BUF til SSI, får en ungekoordinator fra de er 17½ år. "
            "Erfaringerne følges op i andet regi, nu hvor barnets plan hører under barnets lov § 110."
        ),
        planned_start=date(2018, 9, 1),
        planned_end=date(2022, 12, 31),
        actual_start=date(2018, 9, 1),
        actual_end=date(2022, 12, 31),
        challenge=(
            "Ved 18-årsovergangen slutter handleplanen efter serviceloven § 140, og en ny efter § 141 begynder, ofte "
            "med en ny sagsbehandler og et hul i indsatsen."
        ),
        purpose="Ingen unge mister støtten ved overgangen til voksenlivet.",
        target_groups=(UNGE_OVERGANG, ANBRAGTE),
        service_areas=(BUF, SSI, HANDICAP),
        citizens_count=38,
        exemptions=(
            _demo("SEL § 140", D.GRANTED, NEW, 3, date(2018, 4, 10), "2018-0330"),
            _demo("SEL § 141", D.GRANTED, NEW, 3, date(2018, 4, 10), "2018-0331"),
        ),
        events=(
            (S.APPLIED, date(2017, 11, 1), "Sendt i 3. ansøgningsrunde."),
            (S.APPROVED, date(2018, 4, 10), ""),
            (S.STARTED, date(2018, 9, 1), ""),
            (S.MIDTERM_EVALUATED, date(2019, 11, 15), ""),
            EXTENDED_2021,
            (S.ENDED, date(2022, 12, 31), ""),
            (S.EVALUATED, date(2023, 3, 15), ""),
            (
                S.FOLLOWED_UP_ELSEWHERE,
                date(2023, 6, 1),
                "Indgår i kommunens arbejde med barnets lov (lov nr. 721 af 14. juni 2023).",
            ),
        ),
        results=(
            DemoResult("Unge med en plan for overgangen senest ved 17½ år", "35", "88", "procent", date(2022, 12, 31)),
        ),
        learnings=(
            {
                "target_group": "Unge på 17½–22 år med støtte fra BUF, som fortsat har brug for støtte som voksne.",
                "method": "En ungekoordinator fra SSI deltager i møderne et halvt år før det fyldte 18. år.",
                "what_worked": "De unge mødte deres nye sagsbehandler, før de fyldte 18.",
                "legislation_recommendation": "Lad planen følge den unge på tværs af barnets lov og serviceloven.",
            },
        ),
        evaluations=(
            DemoEvaluation(
                Evaluation.Kind.FINAL,
                "Frederikssund Kommune (demodata)",
                "Procesevaluering med interview af unge og sagsbehandlere",
                date(2023, 3, 15),
                "Demodata: færre unge oplevede et hul i støtten ved 18-årsovergangen.",
            ),
        ),
        evidence_rating=EvidenceRating.WEAK,
        builds_on=("frederikssund", "koordineret-indsats-for-unge"),
        tags=("unge", "18-årsovergangen", "efterværn", "barnets lov"),
    ),
    DemoExperiment(
        municipality="gribskov",
        slug="stu-og-job",
        title="STU og job: én plan for STU-elever",
        summary=(
            "Demodata: Elever på den særligt tilrettelagte ungdomsuddannelse (STU) får én plan, der følger dem fra "
            "STU til job, så beskæftigelsesindsatsen ikke starter forfra, når uddannelsen slutter."
        ),
        planned_start=date(2018, 2, 1),
        planned_end=date(2022, 12, 31),
        actual_start=date(2018, 2, 1),
        actual_end=date(2022, 12, 31),
        target_groups=(STU, UNGE_UDEN_UDDANNELSE),
        service_areas=(JU, HANDICAP, BUF),
        citizens_count=26,
        exemptions=(
            _demo("LAB § 30 a", D.GRANTED, DISP, 2, date(2017, 9, 15), "2017-0240"),
            _demo("SEL § 141", D.GRANTED, NEW, 2, date(2017, 10, 2), "2017-0241"),
        ),
        events=(
            (S.APPLIED, date(2017, 5, 1), "Sendt i 2. ansøgningsrunde."),
            (S.APPROVED, date(2017, 10, 2), ""),
            (S.STARTED, date(2018, 2, 1), ""),
            (S.MIDTERM_EVALUATED, date(2019, 8, 30), ""),
            EXTENDED_2021,
            (S.ENDED, date(2022, 12, 31), ""),
            (S.EVALUATED, date(2023, 3, 1), ""),
        ),
        partners=(DemoPartner("halsnaes", S.ENDED),),
        results=(
            DemoResult(
                "STU-elever med aftale om job eller praktik ved afslutning", "15", "38", "procent", date(2022, 12, 31)
            ),
        ),
        learnings=(
            {
                "method": "Jobcentret deltager i STU-elevens sidste statusmøde og skriver planen videre.",
                "what_worked": "Eleverne kendte deres kontaktperson i jobcentret, før STU sluttede.",
                "economy": "Færre måneder på ydelse efter STU; besparelsen er ikke opgjort.",
            },
        ),
        evaluations=(
            DemoEvaluation(
                Evaluation.Kind.FINAL,
                "Gribskov Kommune (demodata)",
                "Før/efter-måling",
                date(2023, 3, 1),
                "Demodata: flere elever havde en aftale om job eller praktik, da STU sluttede.",
            ),
        ),
        evidence_rating=EvidenceRating.WEAK,
        tags=("stu", "handicap", "overgang", "job"),
    ),
    DemoExperiment(
        municipality="gribskov",
        slug="integrationsplan-og-familieplan",
        title="Integrationsplan og familieplan i ét",
        summary=(
            "Demodata: Nyankomne familier på integrationsydelse får én plan, hvor integrationsprogrammet og "
            "familiens støtte efter serviceloven står sammen. Midtvejsevalueringen er registreret; den videre "
            "status mangler."
        ),
        planned_start=date(2018, 9, 1),
        planned_end=date(2020, 12, 31),
        actual_start=date(2018, 9, 1),
        target_groups=(INTEGRATIONSYDELSE, FAMILIER),
        service_areas=(INTEGRATION, JU, BUF),
        citizens_count=19,
        exemptions=(
            _demo("LAB §§ 27–30", D.GRANTED, DISP, 3, date(2018, 3, 15), "2018-0340"),
            _demo(
                "SEL § 140",
                D.WITHDRAWN,
                NEW,
                3,
                date(2018, 3, 1),
                barrier="Trukket tilbage: handleplanen efter serviceloven § 140 kunne samordnes uden fritagelse.",
            ),
        ),
        events=(
            (S.APPLIED, date(2017, 11, 1), "Sendt i 3. ansøgningsrunde."),
            (S.APPROVED, date(2018, 3, 15), ""),
            (S.STARTED, date(2018, 9, 1), ""),
            (S.MIDTERM_EVALUATED, date(2019, 11, 1), ""),
        ),
        visibility=Visibility.NETWORK,
        tags=("integration", "nyankomne", "familier", "integrationsplan"),
    ),
    DemoExperiment(
        municipality="halsnaes",
        slug="borgerkonsulent-for-sygemeldte",
        title="Borgerkonsulent for sygemeldte med flere sager",
        summary=(
            "Demodata: Sygemeldte borgere med sager i flere afdelinger får én borgerkonsulent, som tager borgerens "
            "sag med til de andre. Modellen er udbredt til hele jobcentret."
        ),
        planned_start=date(2018, 8, 1),
        planned_end=date(2020, 12, 31),
        actual_start=date(2018, 8, 1),
        actual_end=date(2020, 12, 31),
        target_groups=(SYGEDAGPENGE, KOMPLEKSE),
        service_areas=(JU, SUNDHED, SSI),
        citizens_count=88,
        exemptions=(
            _demo("SDPL §§ 13 a–13 c", D.GRANTED, DISP, 2, date(2017, 9, 15), "2017-0250"),
            _demo("SDPL § 13 c, stk. 2", D.GRANTED, DISP, 2, date(2017, 9, 15), "2017-0251"),
        ),
        events=(
            (S.APPLIED, date(2017, 5, 1), "Sendt i 2. ansøgningsrunde."),
            (S.APPROVED, date(2017, 9, 15), ""),
            (S.STARTED, date(2018, 8, 1), ""),
            (S.ENDED, date(2020, 12, 31), ""),
            (S.EVALUATED, date(2021, 3, 1), ""),
            (S.SPREAD, date(2021, 8, 15), "Alle sygemeldte med flere sager får nu en borgerkonsulent."),
        ),
        partners=(DemoPartner("gribskov", S.NOT_SPREAD),),
        results=(
            DemoResult("Sygedagpengemodtagere tilbage i job efter 26 uger", "44", "51", "procent", date(2020, 12, 31)),
            DemoResult("Borgeroplevet kvalitet (1–5)", "3.1", "4.2", "point", date(2020, 12, 31)),
        ),
        learnings=(
            {
                "method": "Én borgerkonsulent, der deltager i borgerens møder i de andre afdelinger.",
                "effect": "Højere borgeroplevet kvalitet og lidt flere tilbage i job.",
                "what_worked": "Borgerne skulle ikke selv koordinere mellem afdelingerne.",
                "preconditions": "Borgerkonsulenten skal have mandat til at indkalde de andre afdelinger.",
            },
        ),
        evaluations=(
            DemoEvaluation(
                Evaluation.Kind.FINAL,
                "Halsnæs Kommune (demodata)",
                "Før/efter-måling og brugerundersøgelse",
                date(2021, 3, 1),
                "Demodata: borgerne oplevede bedre sammenhæng.",
            ),
        ),
        evidence_rating=EvidenceRating.MODERATE,
        builds_on=("halsnaes", "sammen-om-ny-velfaerd"),
        tags=("borgerkonsulent", "sygedagpenge", "borgeroplevet kvalitet"),
    ),
    DemoExperiment(
        municipality="helsingor",
        slug="helhedsorienteret-plan-i-praksis",
        title="Helhedsorienteret plan i praksis",
        summary=(
            "Demodata: Helsingør afprøver den helhedsorienterede plan efter LAB § 30 b (fra 2020 LAB § 40, stk. 3) "
            "og servicelovens § 141, stk. 7 i praksis, med borgeren for bordenden."
        ),
        planned_start=date(2019, 1, 15),
        planned_end=date(2023, 12, 31),
        actual_start=date(2019, 1, 15),
        actual_end=date(2023, 12, 31),
        council_decision_date=date(2018, 10, 30),
        challenge="Den nye lov tillader én plan, men ingen vidste, hvordan den skulle bruges i hverdagen.",
        purpose="Én helhedsorienteret plan for alle borgere med sager i mindst tre afdelinger.",
        content=(
            (
                "Borgeren for bordenden",
                "Borgeren leder selv det første planmøde med støtte fra en plankoordinator. Borgernes egne mål står "
                "øverst i planen, og progressionen måles hvert kvartal.",
            ),
        ),
        target_groups=(KOMPLEKSE, RESSOURCEFORLOEB, SYGEDAGPENGE),
        service_areas=(JU, SSI, PSYKIATRI, SUNDHED),
        citizens_count=112,
        exemptions=(
            _demo(
                "LAB § 30 b",
                D.NOT_NEEDED,
                decided_on=date(2019, 2, 1),
                barrier="Ingen: planen er hjemlet i den generelle lov.",
            ),
            _demo("SEL § 141, stk. 7", D.NOT_NEEDED, decided_on=date(2019, 2, 1)),
            _demo(
                "SDPL § 13 c, stk. 2",
                D.GRANTED,
                DISP,
                decided_on=date(2018, 11, 15),
                number="2018-0450",
                barrier="Aftalen om opfølgning skulle fortsat indgås særskilt.",
            ),
        ),
        events=(
            (S.IDEA, date(2018, 6, 1), ""),
            (S.APPROVED, date(2018, 11, 15), ""),
            (S.STARTED, date(2019, 1, 15), ""),
            (S.MIDTERM_EVALUATED, date(2020, 3, 1), ""),
            EXTENDED_2021,
            (S.ENDED, date(2023, 12, 31), ""),
            (S.EVALUATED, date(2024, 4, 1), ""),
        ),
        partners=(DemoPartner("fredensborg", S.EVALUATED),),
        results=(
            DemoResult("Borgere med én helhedsorienteret plan", "0", "112", "borgere", date(2023, 12, 31)),
            DemoResult("Borgere i job eller uddannelse efter 18 måneder", "11", "19", "procent", date(2023, 12, 31)),
            DemoResult("Planer pr. borger", "3.2", "1.3", "planer", date(2023, 12, 31)),
        ),
        learnings=(
            {
                "target_group": "Borgere med sager i mindst tre afdelinger.",
                "method": "Borgeren leder planmødet; progressionsmåling hvert kvartal.",
                "implementation": "Plankoordinatorerne blev uddannet i mødeledelse sammen med borgerne.",
                "effect": "Færre planer pr. borger og flere i job eller uddannelse.",
                "economy": "Plankoordinatorerne blev finansieret af færre dobbeltindsatser.",
                "what_worked": "Borgernes egne mål øverst i planen.",
                "what_did_not_work": "Sygedagpengelovens særskilte aftale om opfølgning.",
                "preconditions": "Fælles mødeskabelon og ét fagsystem, hvor planen ligger.",
                "legislation_recommendation": "Lad aftalen efter sygedagpengeloven § 13 c, stk. 2 indgå i planen.",
            },
        ),
        evaluations=(
            DemoEvaluation(
                Evaluation.Kind.FINAL,
                "Helsingør Kommune (demodata)",
                "Før/efter-måling og interview",
                date(2024, 4, 1),
                "Demodata: færre planer pr. borger og flere i job eller uddannelse.",
            ),
        ),
        evidence_rating=EvidenceRating.MODERATE,
        builds_on=("helsingor", "en-samlet-handleplan"),
        tags=("helhedsorienteret plan", "l 232", "bordenden", "progressionsmåling"),
    ),
    DemoExperiment(
        municipality="helsingor",
        slug="faerre-faste-moeder",
        title="Færre faste møder – mere tid med borgeren",
        summary=(
            "Demodata: Jobcentret fritages fra de faste mødeintervaller i sygedagpengeloven og lov om en aktiv "
            "beskæftigelsesindsats, så sagsbehandleren kan bruge tiden, hvor borgeren har brug for den."
        ),
        planned_start=date(2017, 10, 1),
        planned_end=date(2020, 7, 1),
        actual_start=date(2017, 10, 1),
        actual_end=date(2020, 7, 1),
        target_groups=(SYGEDAGPENGE, KONTANTHJAELP),
        service_areas=(JU,),
        citizens_count=140,
        exemptions=(
            _demo(
                "SDPL §§ 13 a–13 c",
                D.GRANTED,
                DISP,
                1,
                date(2017, 6, 20),
                "2017-0120",
                "Faste mødeintervaller uanset borgerens situation.",
            ),
            _demo("LAB §§ 27–30", D.GRANTED, DISP, 1, date(2017, 6, 20), "2017-0121"),
        ),
        events=(
            (S.APPLIED, date(2016, 12, 1), "Sendt i 1. ansøgningsrunde."),
            (S.APPROVED, date(2017, 6, 20), ""),
            (S.STARTED, date(2017, 10, 1), ""),
            (S.MIDTERM_EVALUATED, date(2019, 8, 30), ""),
            (S.ENDED, date(2020, 7, 1), ""),
        ),
        results=(DemoResult("Samtaler pr. borger pr. år", "12", "7", "samtaler", date(2020, 7, 1)),),
        learnings=(
            {
                "what_worked": "Sagsbehandlerne brugte den sparede tid på borgere i krise.",
                "what_did_not_work": "Nogle borgere savnede den faste rytme.",
                "legislation_recommendation": "Gør mødeintervallerne vejledende for borgere med flere sager.",
            },
        ),
        tags=("mødekrav", "proceskrav", "færre møder", "sygedagpenge"),
    ),
)

EXPERIMENTS = DOCUMENTED_EXPERIMENTS + DEMO_EXPERIMENTS


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
        content=[
            block
            for heading, text in spec.content
            for block in (("heading", heading), ("paragraph", RichText(f"<p>{escape(text)}</p>")))
        ],
        target_group_description=spec.target_group_description,
        citizens_count=spec.citizens_count,
        contact_name=spec.contact_name,
        evidence_rating=spec.evidence_rating,
        visibility=spec.visibility,
    )
    if spec.builds_on:
        parent_slug, slug = spec.builds_on
        owner = MunicipalityPage.objects.get(slug=parent_slug)
        page.builds_on = ExperimentPage.objects.child_of(owner).get(slug=slug)
    page.target_groups = list(TargetGroup.objects.filter(name__in=spec.target_groups))
    page.service_areas = list(ServiceArea.objects.filter(name__in=spec.service_areas))
    page.exemption_requests = [
        ExemptionRequest(
            provision=Provision.objects.resolve(parse_reference(exemption.reference)),
            basis=exemption.basis,
            application_round=exemption.application_round,
            applied_on=ROUND_DATES.get(exemption.application_round),
            decision=exemption.decision,
            decided_on=exemption.decided_on,
            ministry_reference=exemption.ministry_reference,
            legal_instrument=exemption.legal_instrument,
            barrier=exemption.barrier,
        )
        for exemption in spec.exemptions
    ]
    page.status_events = [
        StatusEvent(status=status, date=when, note=note, sort_order=order)
        for order, (status, when, note) in enumerate(spec.events)
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
            baseline=None if result.baseline is None else Decimal(result.baseline),
            value=None if result.value is None else Decimal(result.value),
            unit=result.unit,
            measured_on=result.measured_on,
            source=result.source,
            note=result.note,
        )
        for result in spec.results
    ]
    page.learnings = [Learning(**learning) for learning in spec.learnings]
    page.evaluations = [
        Evaluation(
            kind=evaluation.kind,
            evaluator=evaluation.evaluator,
            design=evaluation.design,
            completed_on=evaluation.completed_on,
            summary=evaluation.summary,
        )
        for evaluation in spec.evaluations
    ]
    page.tags.add(*spec.tags)
    return page


def load_demo_experiments(*, user=None) -> list[ExperimentPage]:
    """Create the experiments that do not exist yet (looked up by slug under their municipality); return them."""
    created = []
    for spec in EXPERIMENTS:
        municipality = MunicipalityPage.objects.get(slug=spec.municipality)
        if ExperimentPage.objects.child_of(municipality).filter(slug=spec.slug).exists():
            continue
        created.append(publish_new_page(municipality, _build(spec), user=user))
    return created
