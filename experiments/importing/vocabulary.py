"""A municipality's own words for the registry's target groups and service areas.

Files say "Jobcenteret" where the registry says "Jobcenter / Job og Uddannelse". A word is read, in this order, as:
the registry's name or short name (folded: case, accents, æ/ø/å, dashes and spacing do not matter); a mapping the
municipality has confirmed before (`VocabularyMapping`); a clear match: the word is part of exactly one registry name
("Voksenstøtte" in "Særlig Social Indsats / Voksenstøtte og Rehabilitering") or is spelt closely like exactly one
("Jobcenteret", "Psykiatrien", "Sygedagpengemodtager"). Anything else is a mapping to confirm, offered with the
closest registry words.

Close spelling is difflib's ratio between the folded word and each registry name and each part of a name split at
"/". A match is clear at `CLEAR_RATIO` or more when the runner-up is at least `CLEAR_MARGIN` below: in the
network's vocabularies a definite ending or a plural ("Psykiatrien", "Sygedagpengemodtager") scores 0.9–0.98,
whereas different groups that share words ("Unge 18–29 år" against "Unge 15–30 år uden uddannelse", 0.5; "Borgere
med mange sager" against "Borgere med komplekse problemer", 0.63) stay well below (see tests/experiments/
test_import_mapping.py). The vocabularies have tens of entries, so this runs in Python; no trigram index is needed.
"""

import difflib
import re
from dataclasses import dataclass

from experiments.models.importing import VocabularyKind, fold_term

CLEAR_RATIO = 0.85
CLEAR_MARGIN = 0.1
# Below this a registry word is too unlike to be worth offering.
CANDIDATE_RATIO = 0.3
MAX_CANDIDATES = 3
# A word shorter than this ("og", "unge") is too general to be read as part of a registry name.
MIN_PART_LENGTH = 5


@dataclass(frozen=True)
class Reading:
    """How a word of a file was read: the registry item (None when it needs confirming) and the closest candidates."""

    item: object | None
    candidates: tuple = ()
    exact: bool = False


class Vocabulary:
    """One vocabulary (target groups or service areas) with the confirmed mappings of every municipality."""

    def __init__(self, kind: str, items, mappings):
        self.kind = kind
        self.items = list(items)
        self.exact = {}
        for item in self.items:
            self.exact[fold_term(item.name)] = item
            self.exact.setdefault(fold_term(item.slug), item)
        by_pk = {item.pk: item for item in self.items}
        self.mappings = {}
        for mapping in mappings:
            target_id = mapping.target_group_id if kind == VocabularyKind.TARGET_GROUP else mapping.service_area_id
            if target_id in by_pk:
                self.mappings[(mapping.municipality_id, mapping.source_text)] = by_pk[target_id]
        self._parts = [(item, [fold_term(part) for part in _name_parts(item.name)]) for item in self.items]
        self._item_parts = {item.pk: parts for item, parts in self._parts}
        self._cache = {}

    def read(self, text: str, municipality_id: int) -> Reading:
        folded = fold_term(text)
        if folded in self.exact:
            return Reading(self.exact[folded], exact=True)
        if (municipality_id, folded) in self.mappings:
            return Reading(self.mappings[(municipality_id, folded)])
        if folded not in self._cache:
            self._cache[folded] = self._match(folded)
        return self._cache[folded]

    def _match(self, folded: str) -> Reading:
        if len(folded) >= MIN_PART_LENGTH:
            containing = [item for item, parts in self._parts if any(_contains_words(part, folded) for part in parts)]
            if len(containing) == 1:
                return Reading(containing[0])
        scored = sorted(
            ((max(_ratio(folded, part) for part in parts), item) for item, parts in self._parts),
            key=lambda pair: (-pair[0], pair[1].name),
        )
        if scored:
            best, item = scored[0]
            runner_up = scored[1][0] if len(scored) > 1 else 0.0
            if best >= CLEAR_RATIO and best - runner_up >= CLEAR_MARGIN:
                return Reading(item)
        # Candidates are offered by shared words as well as by spelling: "Unge" is nearer "Unge 15–30 år uden
        # uddannelse" than "STU-elever", though the spelling alone says otherwise.
        words = set(folded.split()) - {"og", "i", "med", "af", "for", "til", "fra", "eller"}
        ranked = sorted(
            (
                (max(ratio, *(_word_score(words, part) for part in self._item_parts[item.pk])), ratio, item)
                for ratio, item in scored
            ),
            key=lambda entry: (-entry[0], -entry[1], entry[2].name),
        )
        candidates = tuple(item for score, _ratio_, item in ranked[:MAX_CANDIDATES] if score >= CANDIDATE_RATIO)
        return Reading(None, candidates)


def _name_parts(name: str) -> list[str]:
    """The whole name and, for "Jobcenter / Job og Uddannelse", each of its alternatives."""
    parts = [part for part in re.split(r"\s*/\s*", name) if part.strip()]
    return [name, *parts] if len(parts) > 1 else [name]


def _contains_words(haystack: str, needle: str) -> bool:
    return f" {needle} " in f" {haystack} "


def _word_score(words: set[str], name: str) -> float:
    """0.4 to 0.9 by the share of `words` that are words of `name`, 0 when none is."""
    shared = len(words & set(name.split()))
    return 0.4 + 0.5 * shared / len(words) if shared else 0.0


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
