"""The network's thesaurus: the everyday words staff use for a situation, and the words the records use for it.

An entry says "a search for this term also searches for these alternatives" (arbejdsløs → ledig, kontanthjælp,
job). Terms and alternatives are Danish words or phrases, stemmed with the index's own Danish stemmer when the
entry is saved, so a query meets them in any inflection ("arbejdsløse", "mistet sit job"). search/understanding.py
adds the alternatives of the terms found in a query as weaker alternatives of those words: they widen what matches
and rank below the words themselves.

The thesaurus is content-neutral public data, edited in the admin ("Synonymer i søgningen") and seeded from the
network's own list (network/thesaurus.toml) by `load_thesaurus`. An alternative says nothing about any page.
"""

import dataclasses
import json
import re
import tomllib
from pathlib import Path

from django.db import connection, transaction

from core.text import fold

# The alternatives ("ledig" for "arbejdsløs") score apart and lighter than the words searched for, on either engine.
ALTERNATIVES_WEIGHT = 0.6

# The longest term, in words that are not stop words ("overgang til voksenlivet" is two).
MAX_TERM_WORDS = 4
# The shortest one-word term found as the head or tail of a compound of the query.
MIN_PART_LENGTH = 4
_WORD = re.compile(r"[^\W_]+")
_SEPARATOR = re.compile(r"[,;\n]+")


@dataclasses.dataclass(frozen=True)
class Alternative:
    """One alternative as the user reads it and as the index has it: a word, or a phrase in sequence."""

    text: str
    lexemes: tuple[str, ...]


def lexemes(text: str) -> tuple[str, ...]:
    """The stems of the words of `text`, in order, as the index has them; stop words are left out."""
    words = [word[:60] for word in _WORD.findall(fold(text))]
    if not words:
        return ()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (ts_lexize('danish_stem', w))[1] FROM unnest(%s::text[]) WITH ORDINALITY AS u(w, n) ORDER BY n",
            [words],
        )
        return tuple(stem for (stem,) in cursor.fetchall() if stem)


def term_problem(term: str) -> str:
    """Why `term` cannot be a term of the thesaurus, or ""."""
    from django.utils.translation import gettext as _

    stems = lexemes(term)
    if not stems:
        return _("Skriv mindst ét ord, der ikke er et meget almindeligt ord.")
    if len(stems) > MAX_TERM_WORDS:
        return _("Et udtryk kan højst have %(n)s ord, ud over meget almindelige ord.") % {"n": MAX_TERM_WORDS}
    if len(stems) == 1 and len(_WORD.findall(term)) > 1:
        # "mange møder" without "mange" would give every search for "møder" the alternatives.
        return _("Udtrykket er kun ét ord, når meget almindelige ord (som »mange« og »bliver«) er trukket fra.")
    return ""


def split_alternatives(text: str) -> list[str]:
    """The alternatives of an entry as written, one per comma, semicolon or line; repeats left out."""
    parts = (" ".join(part.split()) for part in _SEPARATOR.split(text or ""))
    return list(dict.fromkeys(part for part in parts if part))


def lookup(keys: list[str], compounds: list[str]) -> dict[str, list[Alternative]]:
    """The alternatives of each key ("mist job": stems joined by a space) that is a term of the thesaurus, and of
    each stem in `compounds` that is no term itself but begins or ends with a one-word term: the stemmer never
    splits compounds, so "flygtningefamilie" meets "flygtning" and "familie" only this way. One query."""
    from search.models import ThesaurusEntry

    compounds = [stem for stem in dict.fromkeys(compounds) if len(stem) >= MIN_PART_LENGTH + 3]
    if not keys and not compounds:
        return {}
    table = ThesaurusEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT 'term', term_lexemes, alternative_lexemes, 0 FROM {table} WHERE term_lexemes = ANY(%s)
            UNION ALL
            SELECT 'part', u.w, t.alternative_lexemes, strpos(u.w, t.term_lexemes) FROM unnest(%s::text[]) AS u(w)
            JOIN {table} AS t ON strpos(t.term_lexemes, ' ') = 0
                AND length(t.term_lexemes) >= %s AND length(u.w) >= length(t.term_lexemes) + 3
                AND (left(u.w, length(t.term_lexemes)) = t.term_lexemes
                     OR right(u.w, length(t.term_lexemes)) = t.term_lexemes)
            """,  # noqa: S608 (the table name from the model)
            [sorted(set(keys)), compounds, MIN_PART_LENGTH],
        )
        # Whole terms first, then a compound's head before its tail.
        rows = sorted(cursor.fetchall(), key=lambda row: (row[0] != "term", row[1], row[3]))
    found: dict[str, list[Alternative]] = {}
    terms = {key for kind, key, _alternatives, _at in rows if kind == "term"}
    for kind, key, alternatives, _at in rows:
        if kind == "part" and key in terms:
            continue  # a word that is a term itself keeps that term's alternatives only
        if isinstance(alternatives, str):
            alternatives = json.loads(alternatives)
        found.setdefault(key, []).extend(Alternative(text=t, lexemes=tuple(ls)) for t, ls in alternatives)
    return found


@transaction.atomic
def load_thesaurus(path: Path) -> int:
    """Add the entries of a thesaurus file (`[[entry]]` with `term` and `alternatives`) that are not there yet;
    returns how many were added.

    An entry already in the thesaurus is left as it is, so the administrators' edits survive every run.
    """
    from search.models import ThesaurusEntry

    with open(path, "rb") as file:
        entries = tomllib.load(file).get("entry", [])
    existing = {fold(term) for term in ThesaurusEntry.objects.values_list("term", flat=True)}
    added = 0
    for entry in entries:
        term = " ".join(entry["term"].split())
        if fold(term) in existing:
            continue
        if problem := term_problem(term):
            raise ValueError(f"{path}: »{term}«: {problem}")
        ThesaurusEntry.objects.create(term=term, alternatives=", ".join(entry["alternatives"]))
        existing.add(fold(term))
        added += 1
    return added


def synonym_rules() -> list[str]:
    """The thesaurus as Elasticsearch synonym rules ("arbejdsløs => arbejdsløs, ledig, job"), for an engine that
    wants them in its analyser; the term itself stays among what it matches."""
    from search.models import ThesaurusEntry

    rules = []
    for term, alternatives in ThesaurusEntry.objects.order_by("term").values_list("term", "alternatives"):
        words = [fold(term), *(fold(a) for a in split_alternatives(alternatives))]
        rules.append(f"{words[0]} => {', '.join(dict.fromkeys(words))}")
    return rules
