"""The laws, provisions and vocabularies a deployment starts with, from the domain brief.

Each entry is installed with get_or_create, so installing twice changes nothing and edits made in the admin to
fields not used as keys survive.
"""

import datetime

from django.db import transaction

from experiments.models import Law, Provision, ServiceArea, TargetGroup
from experiments.references import KNOWN_LAWS, parse_reference

LAB_2019_IN_FORCE = datetime.date(2020, 1, 1)

# (key, version label, ELI link, in force from, repealed on)
LAW_VERSIONS = (
    ("LAB", "før lov nr. 548 af 7. maj 2019", "", None, LAB_2019_IN_FORCE),
    (
        "LAB",
        "lov nr. 548 af 7. maj 2019",
        "https://www.retsinformation.dk/eli/lta/2019/548",
        LAB_2019_IN_FORCE,
        None,
    ),
    ("SEL", "", "", None, None),
    ("SDPL", "", "", None, None),
    ("LAS", "", "", None, None),
    ("INL", "", "", None, None),
    (
        "ORG",
        "lov nr. 1482 af 23. december 2014",
        "https://www.retsinformation.dk/eli/lta/2014/1482",
        None,
        None,
    ),
    ("RSL", "", "", None, None),
    (
        "BL",
        "lov nr. 721 af 14. juni 2023",
        "https://www.retsinformation.dk/eli/lta/2023/721",
        datetime.date(2024, 1, 1),
        None,
    ),
    ("FKL", "lov nr. 658 af 8. juni 2017", "https://www.retsinformation.dk/eli/lta/2017/658", None, None),
)

# (law version label or "" for the only version, reference, heading, successor references separated by "; " or "")
PROVISIONS = (
    ("før lov nr. 548 af 7. maj 2019", "LAB § 2, nr. 3", "Målgruppe", "LAB § 6, nr. 3"),
    ("før lov nr. 548 af 7. maj 2019", "LAB § 2, nr. 11", "Målgruppe: borgere i ressourceforløb", ""),
    (
        "før lov nr. 548 af 7. maj 2019",
        "LAB § 2, nr. 13",
        "Målgruppe: aktivitetsparate uddannelseshjælpsmodtagere",
        "LAB § 6, nr. 5",
    ),
    (
        "før lov nr. 548 af 7. maj 2019",
        "LAB §§ 27–30",
        "»Min Plan«, herunder uddannelsespålæg",
        "LAB § 40, stk. 1",
    ),
    (
        "før lov nr. 548 af 7. maj 2019",
        "LAB § 30 a",
        "Rehabiliteringsplanens indsatsdel",
        "LAB § 40, stk. 2; LAB § 44",
    ),
    ("før lov nr. 548 af 7. maj 2019", "LAB § 30 b", "Helhedsorienteret plan", "LAB § 40, stk. 3"),
    ("før lov nr. 548 af 7. maj 2019", "LAB § 68 c", "Koordinerende sagsbehandler", "LAB § 36, stk. 3"),
    ("før lov nr. 548 af 7. maj 2019", "LAB § 68 g", "Koordinerende sagsbehandler", "LAB § 36, stk. 3"),
    ("før lov nr. 548 af 7. maj 2019", "LAB § 116", "Forsøg på beskæftigelsesområdet", ""),
    ("lov nr. 548 af 7. maj 2019", "LAB § 6, nr. 3", "Målgruppe", ""),
    (
        "lov nr. 548 af 7. maj 2019",
        "LAB § 6, nr. 5",
        "Målgruppe: aktivitetsparate uddannelseshjælpsmodtagere",
        "",
    ),
    ("lov nr. 548 af 7. maj 2019", "LAB § 36, stk. 3", "Koordinerende sagsbehandler", ""),
    ("lov nr. 548 af 7. maj 2019", "LAB § 40, stk. 1", "»Min Plan«", ""),
    ("lov nr. 548 af 7. maj 2019", "LAB § 40, stk. 2", "Rehabiliteringsplanens indsatsdel", ""),
    ("lov nr. 548 af 7. maj 2019", "LAB § 40, stk. 3", "Helhedsorienteret plan", ""),
    ("lov nr. 548 af 7. maj 2019", "LAB § 44", "Rehabiliteringsplan", ""),
    ("", "SDPL §§ 13 a–13 c", "Opfølgning", ""),
    ("", "SDPL § 13 c, stk. 2", "Aftale om opfølgning", "SDPL § 13 e"),
    ("", "SDPL § 13 e", "Opfølgning i en helhedsorienteret plan", ""),
    ("", "SDPL § 80", "Forsøg på sygedagpengeområdet", ""),
    ("", "SEL § 140", "Handleplan for børn og unge", ""),
    ("", "SEL § 140 a", "Handleplan ved helhedsorienteret indsats for børn og unge", "BL § 110"),
    ("", "SEL § 141", "Handleplan for voksne", ""),
    ("", "SEL § 141, stk. 7", "Handleplan for voksne i en helhedsorienteret plan", ""),
    ("lov nr. 721 af 14. juni 2023", "BL § 110", "Barnets plan", ""),
    ("", "LAS § 110", "Forsøg efter lov om aktiv socialpolitik", ""),
    ("lov nr. 1482 af 23. december 2014", "organiseringsloven § 55", "Forsøg", ""),
    ("", "RSL § 1", "Formål: tidlig og sammenhængende hjælp", ""),
    ("", "RSL § 5", "Helhedsvurdering", ""),
)

TARGET_GROUPS = (
    "Aktivitetsparate uddannelseshjælpsmodtagere",
    "Aktivitetsparate kontanthjælpsmodtagere",
    "Borgere i ressourceforløb",
    "Sygedagpengemodtagere",
    "Familier med børn 0–15 år",
    "Unge 15–30 år uden uddannelse",
    "Unge 16–22 år i overgangen fra barn til voksen",
    "Børn og unge anbragt eller med forebyggende foranstaltninger",
    "STU-elever",
    "Modtagere af integrationsydelse",
    "Borgere med komplekse problemer",
)

SERVICE_AREAS = (
    "Jobcenter / Job og Uddannelse",
    "Børn, Unge og Familier",
    "Særlig Social Indsats / Voksenstøtte og Rehabilitering",
    "Sundhed",
    "Handicap",
    "Psykiatri",
    "Integration",
)


@transaction.atomic
def install_catalogue() -> None:
    laws = {}
    for key, label, eli_url, in_force_from, repealed_on in LAW_VERSIONS:
        info = next(law for law in KNOWN_LAWS if law.key == key)
        laws[(key, label)], _created = Law.objects.get_or_create(
            key=key,
            version_label=label,
            defaults={
                "abbreviation": info.abbreviation,
                "name": info.name,
                "eli_url": eli_url,
                "in_force_from": in_force_from,
                "repealed_on": repealed_on,
            },
        )
    old_lab, new_lab = laws[("LAB", LAW_VERSIONS[0][1])], laws[("LAB", LAW_VERSIONS[1][1])]
    if old_lab.successor_id is None:
        old_lab.successor = new_lab
        old_lab.save(update_fields=["successor"])

    provisions = {}
    for label, text, heading, _successor in PROVISIONS:
        reference = parse_reference(text)
        provisions[text], _created = Provision.objects.get_or_create(
            law=laws[(reference.law, label)],
            paragraph=reference.paragraph,
            paragraph_end=reference.paragraph_end,
            stk=reference.stk,
            nr=reference.nr,
            defaults={"heading": heading},
        )
    for _label, text, _heading, successors in PROVISIONS:
        provision = provisions[text]
        # Only where none is set: successors edited in the admin stay as they are.
        if successors and not provision.successors.exists():
            provision.successors.add(*(provisions[successor] for successor in successors.split("; ")))

    for name in TARGET_GROUPS:
        TargetGroup.objects.get_or_create(name=name)
    for name in SERVICE_AREAS:
        ServiceArea.objects.get_or_create(name=name)
