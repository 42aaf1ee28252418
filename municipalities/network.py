"""The facts of the "Én plan" network that a deployment starts from (see the domain brief)."""

import datetime
from dataclasses import dataclass

NETWORK = {
    "name": "En plan for en sammenhængende indsats sammen med borgeren",
    "short_name": "Én plan",
    "theme": "Én samlet plan for borgere og familier, der er i kontakt med flere myndigheder på én gang.",
    "legal_basis": "Lov nr. 658 af 8. juni 2017 om frikommunenetværk",
    "ministry_name": "Indenrigs- og Boligministeriet",
    "approved_on": datetime.date(2016, 10, 10),
}


@dataclass(frozen=True)
class MunicipalityFacts:
    name: str
    slug: str
    code: str
    website: str


MUNICIPALITIES = (
    MunicipalityFacts("Allerød", "allerod", "201", "https://www.alleroed.dk"),
    MunicipalityFacts("Ballerup", "ballerup", "151", "https://www.ballerup.dk"),
    MunicipalityFacts("Fredensborg", "fredensborg", "210", "https://www.fredensborg.dk"),
    MunicipalityFacts("Frederikssund", "frederikssund", "250", "https://www.frederikssund.dk"),
    MunicipalityFacts("Furesø", "furesoe", "190", "https://www.furesoe.dk"),
    MunicipalityFacts("Gribskov", "gribskov", "270", "https://www.gribskov.dk"),
    MunicipalityFacts("Halsnæs", "halsnaes", "260", "https://www.halsnaes.dk"),
    MunicipalityFacts("Helsingør", "helsingor", "217", "https://www.helsingor.dk"),
    MunicipalityFacts("Hillerød", "hillerod", "219", "https://www.hillerod.dk"),
)
