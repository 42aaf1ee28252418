"""The relevance set: Danish queries over the demo data, each with the results a member of staff expects on top.

`evaluate()` runs them through the search service and returns the mean reciprocal rank (of the first expected
result) and recall at 5 (the share of expected results among the first five). test_relevance.py prints and checks
them; run `pytest tests/search/test_relevance.py -s` to see the figures per query.
"""

import dataclasses

from search.query import SearchQuery
from search.service import search

HANDLEPLAN = "Én samlet handleplan på tværs af fagcentre"
SYGEDAGPENGE = "Fælles opfølgning for sygedagpengemodtagere med flere sager"
BALLERUP = "»En Plan« for en sammenhængende indsats sammen med borgeren"
FAMILIER_HILLEROD = "Én indgang for familier i BUF og JU"
UNGEKOORDINATOR = "Ungekoordinator i Særlig Social Indsats"
MIDTVEJS = "VIVE's midtvejsevaluering af Én plan (2019)"
SLUT = "VIVE's slutevaluering af Én plan (januar 2021)"
PARAGRAFNUMRE = "Nye paragrafnumre i LAB fra 1. januar 2020"
PLANKOORDINATOR = "Plankoordinator for borgere med psykiske vanskeligheder"
SAMTYKKE = "Læring: når borgerne ikke giver samtykke"
EN_SAGSBEHANDLER = "Én plan – én sagsbehandler for borgere med komplekse problemer"
KOORDINERENDE = "Koordinerende sagsbehandler for borgere i ressourceforløb"
BORGERKONSULENT = "Borgerkonsulent for sygemeldte med flere sager"
UNGE_KOORDINERET = "Koordineret indsats for unge"
UNGE_PAA_VEJ = "Unge på vej"
MENTOR = "Mentor og én plan for unge på uddannelseshjælp"
LAERING_FAMILIER = "Læring: én indgang for familier"
FAERRE_MOEDER = "Færre faste møder – mere tid med borgeren"
SUNDHED = "Sundhedsfaglig vurdering tidligt i sygeforløbet"


@dataclasses.dataclass(frozen=True)
class Case:
    kind: str
    params: dict
    expected: tuple[str, ...]


CASES = (
    # Inflection: the same stem in any form.
    Case("bøjning", {"q": "borger"}, ("Én borger – Én plan",)),
    Case("bøjning", {"q": "borgernes"}, ("Én borger – Én plan",)),
    Case("bøjning", {"q": "sygemeldte"}, ("Borgerkonsulent for sygemeldte med flere sager",)),
    Case("bøjning", {"q": "familierne"}, (FAMILIER_HILLEROD, "Læring: én indgang for familier")),
    Case("bøjning", {"q": "handleplanen"}, (HANDLEPLAN,)),
    Case("bøjning", {"q": "mentorer"}, ("Mentor og én plan for unge på uddannelseshjælp",)),
    # Compounds and their parts.
    Case("sammensat", {"q": "sygedagpenge"}, (SYGEDAGPENGE,)),
    Case("sammensat", {"q": "sygedagpengemodtagere"}, (SYGEDAGPENGE,)),
    Case("sammensat", {"q": "inddragelse"}, ("Borgerinddragelse i den helhedsorienterede plan",)),
    Case("sammensat", {"q": "koordinator"}, (PLANKOORDINATOR, UNGEKOORDINATOR)),
    Case("sammensat", {"q": "planmøde"}, ("Metodeguide: det første fælles planmøde",)),
    Case("sammensat", {"q": "progressionsmåling"}, ("Metodeguide: progressionsmåling sammen med borgeren",)),
    # Law names, abbreviations, the network's own abbreviations.
    Case("forkortelse", {"q": "sygedagpengeloven"}, (SYGEDAGPENGE,)),
    Case("forkortelse", {"q": "BUF"}, (FAMILIER_HILLEROD,)),
    Case("forkortelse", {"q": "SSI"}, (UNGEKOORDINATOR,)),
    Case("forkortelse", {"q": "JU"}, (FAMILIER_HILLEROD,)),
    Case("forkortelse", {"q": "VIVE evaluering"}, (MIDTVEJS, SLUT)),
    Case("forkortelse", {"q": "STU"}, ("STU og job: én plan for STU-elever",)),
    Case("forkortelse", {"q": "særlig social indsats"}, (UNGEKOORDINATOR,)),
    # § references, including renumbered LAB provisions.
    Case("paragraf", {"q": "SEL § 140"}, (UNGEKOORDINATOR, "Koordineret indsats for unge", "Sammen om ny velfærd")),
    Case("paragraf", {"q": "SEL 140"}, (UNGEKOORDINATOR, "Koordineret indsats for unge", "Sammen om ny velfærd")),
    Case(
        "paragraf", {"q": "LAB §§ 27-30"}, ("Fra forsøg til lov: den helhedsorienterede plan", PARAGRAFNUMRE, BALLERUP)
    ),
    Case("paragraf", {"q": "LAB § 40, stk. 1"}, (PARAGRAFNUMRE,)),
    Case("paragraf", {"q": "sygedagpengeloven § 13 a"}, (SYGEDAGPENGE, HANDLEPLAN, "Én borger – Én plan")),
    Case("paragraf", {"q": "barnets lov § 110"}, (PARAGRAFNUMRE,)),
    # Typos.
    Case("stavefejl", {"q": "sygedagpngemodtagere"}, (SYGEDAGPENGE,)),
    Case("stavefejl", {"q": "plankordinator"}, (PLANKOORDINATOR,)),
    Case("stavefejl", {"q": "samtyke"}, (SAMTYKKE,)),
    Case("stavefejl", {"q": "midtvejsevalurering"}, (MIDTVEJS,)),
    Case("stavefejl", {"q": "klientgørlse"}, (BALLERUP,)),
    # Facet filters together with words.
    Case("facet", {"q": "plan", "kommune": "furesoe"}, ("Borgerinddragelse i den helhedsorienterede plan",)),
    Case("facet", {"q": "samtykke", "type": "viden"}, (SAMTYKKE,)),
    Case("facet", {"q": "unge", "kommune": "gribskov"}, ("Unge på vej", "STU og job: én plan for STU-elever")),
    Case("facet", {"q": "evaluering", "type": "viden"}, (MIDTVEJS, SLUT)),
)

# Situations in a member of staff's own words: who the citizen is and what happened, not the target group's name.
# Judged against network/demo/experiments.toml and articles.toml; the expected results are the experiments and
# articles about that situation, best first.
CITIZEN_CASES = (
    Case("situation", {"q": "enlig far der har mistet sit job"}, (FAMILIER_HILLEROD, LAERING_FAMILIER, BALLERUP)),
    Case("situation", {"q": "en ung der fylder 18 og mister sin sagsbehandler"}, (UNGEKOORDINATOR, UNGE_KOORDINERET)),
    Case(
        "situation",
        {"q": "familie hvor både mor og barn har sager i kommunen"},
        (FAMILIER_HILLEROD, "Sammen om ny velfærd", LAERING_FAMILIER, BALLERUP),
    ),
    Case("situation", {"q": "arbejdsløs mor med små børn"}, (FAMILIER_HILLEROD, BALLERUP, LAERING_FAMILIER)),
    Case("situation", {"q": "forældre på kontanthjælp"}, (FAMILIER_HILLEROD, BALLERUP, LAERING_FAMILIER)),
    Case(
        "situation", {"q": "barnet mistrives fordi far er arbejdsløs"}, (FAMILIER_HILLEROD, LAERING_FAMILIER, BALLERUP)
    ),
    Case("situation", {"q": "syg og kan ikke passe sit arbejde"}, (SYGEDAGPENGE, BORGERKONSULENT, SUNDHED)),
    Case("situation", {"q": "sygemeldt med mange sager i kommunen"}, (SYGEDAGPENGE, BORGERKONSULENT)),
    Case("situation", {"q": "psykisk syg borger der gerne vil i job"}, (PLANKOORDINATOR,)),
    Case("situation", {"q": "ung uden uddannelse på kontanthjælp"}, (UNGE_PAA_VEJ, MENTOR)),
    Case("situation", {"q": "anbragt teenager der bliver voksen"}, (UNGEKOORDINATOR, UNGE_KOORDINERET, UNGE_PAA_VEJ)),
    Case("situation", {"q": "handicappet ung der går ud af skolen"}, ("STU og job: én plan for STU-elever",)),
    Case("situation", {"q": "flygtningefamilie med børn"}, ("Integrationsplan og familieplan i ét",)),
    Case(
        "situation",
        {"q": "for mange møder på jobcentret"},
        (FAERRE_MOEDER, "Læring: færre faste møder, mere tid med borgerne"),
    ),
    Case(
        "situation",
        {"q": "borgeren har mange sagsbehandlere og ved ikke hvem hun skal ringe til"},
        (KOORDINERENDE, EN_SAGSBEHANDLER, BORGERKONSULENT),
    ),
    Case(
        "situation",
        {"q": "borgeren vil selv bestemme over sin plan"},
        ("Borgerinddragelse i den helhedsorienterede plan", "Metodeguide: det første fælles planmøde"),
    ),
    Case("situation", {"q": "langtidsledig med komplekse problemer"}, (EN_SAGSBEHANDLER, "Én borger – Én plan")),
    Case("situation", {"q": "kan ikke arbejde på grund af sygdom"}, (SYGEDAGPENGE, BORGERKONSULENT, SUNDHED)),
)


@dataclasses.dataclass
class Outcome:
    case: Case
    titles: list[str]
    reciprocal_rank: float
    recall_at_5: float


def evaluate(cases=CASES, *, user=None) -> tuple[float, float, list[Outcome]]:
    outcomes = []
    for case in cases:
        result = search(SearchQuery.from_querydict(case.params), user=user)
        titles = [hit.title for hit in result.hits]
        rank = next((i + 1 for i, title in enumerate(titles) if title in case.expected), None)
        top5 = set(titles[:5])
        wanted = case.expected[:5]
        outcomes.append(
            Outcome(
                case=case,
                titles=titles,
                reciprocal_rank=1 / rank if rank else 0.0,
                recall_at_5=sum(1 for title in wanted if title in top5) / len(wanted),
            )
        )
    mrr = sum(o.reciprocal_rank for o in outcomes) / len(outcomes)
    recall = sum(o.recall_at_5 for o in outcomes) / len(outcomes)
    return mrr, recall, outcomes
