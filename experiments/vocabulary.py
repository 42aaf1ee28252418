"""The network's words as search reads them: its abbreviations, and the provisions a § reference names.

Registered with search from ExperimentsConfig.ready() (see experiments/searchable.py), together with the law and
reference parsing of experiments/references.py.
"""

import re

from experiments.references import LegalReference

# The network's own abbreviations and what they stand for; a search for either finds both.
ABBREVIATIONS = {
    "buf": "Børn, Unge og Familier",
    "ssi": "Særlig Social Indsats",
    "ju": "Job og Uddannelse",
    "vr": "Voksenstøtte og Rehabilitering",
    "fr": "Familie og Rådgivning",
    "vive": "Det Nationale Forsknings- og Analysecenter for Velfærd",
    "stu": "særligt tilrettelagt ungdomsuddannelse",
    "kl": "Kommunernes Landsforening",
    "ks": "koordinerende sagsbehandler",
    "egu": "erhvervsgrunduddannelse",
    "fgu": "forberedende grunduddannelse",
    "ppr": "Pædagogisk Psykologisk Rådgivning",
}


def _paragraph_key(paragraph: str) -> tuple[int, str]:
    match = re.match(r"(\d+)\s*([^\W\d_]?)", paragraph or "")
    return (int(match.group(1)), match.group(2).lower()) if match else (0, "")


def resolve_provisions(reference: LegalReference) -> list[int]:
    """The stored provisions a reference names, widened to every version they were renumbered from or to."""
    from experiments.models import Provision

    start = _paragraph_key(reference.paragraph)
    end = _paragraph_key(reference.paragraph_end or reference.paragraph)
    candidates = Provision.objects.select_related("law").filter(
        paragraph_number__gte=start[0] - 1 if start[0] else 0,
    )
    if reference.law:
        candidates = candidates.filter(law__key=reference.law)
    matched = []
    for provision in candidates:
        p_start = _paragraph_key(provision.paragraph)
        p_end = _paragraph_key(provision.paragraph_end or provision.paragraph)
        if p_start > end or start > p_end:
            continue
        if reference.stk is not None and provision.stk is not None and provision.stk != reference.stk:
            continue
        if reference.nr is not None and provision.nr is not None and provision.nr != reference.nr:
            continue
        matched.append(provision)
    ids = []
    for provision in matched:
        for related in provision.lineage():
            if related.pk not in ids:
                ids.append(related.pk)
    return ids
