"""Parse and print references to Danish law, such as "SEL § 140, stk. 3".

The admin, the CSV importer and search all read references typed by people, so the parser accepts
the many ways they are written ("§ 140 i serviceloven", "SEL§140,stk.3", "paragraf 140 SEL") and
`format_reference` prints one canonical form. `parse_reference` is strict and says in Danish what
it did not understand; `find_references` scans free text and never raises.
"""

import re
from dataclasses import dataclass, replace

from core.text import ascii_fold, transliterate


@dataclass(frozen=True)
class LawInfo:
    key: str
    abbreviation: str
    name: str
    aliases: tuple[str, ...]


def law_info(key: str, abbreviation: str, name: str, *aliases: str) -> LawInfo:
    """A law as the parser knows it: read by its key, abbreviation, name and aliases, each also transliterated."""
    # The key is an alias too, so that keys written by the exporter read back in.
    forms = [key.lower(), abbreviation.lower(), name.lower(), *aliases]
    forms += [transliterate(form) for form in forms]
    return LawInfo(key, abbreviation, name, tuple(dict.fromkeys(forms)))


KNOWN_LAWS = (
    law_info("SEL", "SEL", "Lov om social service", "serviceloven", "servicelov"),
    law_info(
        "LAB",
        "LAB",
        "Lov om en aktiv beskæftigelsesindsats",
        "beskæftigelsesloven",
        "beskæftigelseslov",
        "lov om aktiv beskæftigelsesindsats",
    ),
    # No official abbreviation exists, so the law is printed by its short name.
    law_info("SDPL", "sygedagpengeloven", "Lov om sygedagpenge", "sdp", "sygedagpengelov"),
    law_info("LAS", "LAS", "Lov om aktiv socialpolitik", "aktivloven", "aktivlov"),
    law_info("INL", "integrationsloven", "Lov om integration af udlændinge i Danmark", "integrationslov"),
    law_info(
        "ORG",
        "organiseringsloven",
        "Lov om organisering og understøttelse af beskæftigelsesindsatsen m.v.",
        "organiseringslov",
        "lov om organisering og understøttelse af beskæftigelsesindsatsen mv.",
        "lov om organisering og understøttelse af beskæftigelsesindsatsen",
    ),
    law_info(
        "RSL",
        "retssikkerhedsloven",
        "Lov om retssikkerhed og administration på det sociale område",
        "retssikkerhedslov",
    ),
    law_info("BL", "barnets lov", "Barnets lov"),
    law_info("FKL", "frikommuneloven", "Lov om frikommunenetværk", "frikommunelov"),
)

_LETTER = r"[^\W\d_]"  # any letter, including æ, ø and å


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


class LawCatalogue:
    """The laws a reference may name, with the patterns that find their names in text."""

    def __init__(self, laws: tuple[LawInfo, ...]):
        self.laws = laws
        self.by_alias = {}
        for law in laws:  # the first law to claim an alias keeps it: the built-in ones come first
            for alias in law.aliases:
                self.by_alias.setdefault(ascii_fold(alias), law)
        self.by_key = {}
        for law in laws:
            self.by_key.setdefault(law.key, law)
        aliases = "|".join(
            r"\s+".join(map(re.escape, alias.split()))
            for alias in sorted({a for law in laws for a in law.aliases}, key=len, reverse=True)
        )
        # A law name, also in the genitive ("servicelovens § 140"), but never part of a longer word.
        law = rf"(?<!{_LETTER})(?P<law>{aliases})(?:['’]?s)?(?!{_LETTER})"
        # Every pattern skips the whitespace before it, and group 1 is the part quoted in error messages.
        self.law_before = _compile(rf"\s*{law}")
        self.law_after = _compile(rf"\s*,?\s*(?:i\s+)?{law}")
        self.start = _compile(rf"{law}|§|(?<!{_LETTER})paragraf")


BUILT_IN = LawCatalogue(KNOWN_LAWS)
# More laws, such as those added in the admin: a callable that returns them (experiments.apps sets it), and the
# catalogue built from them, kept until they change.
_more_laws = None
_catalogue: tuple[tuple[LawInfo, ...], LawCatalogue] = ((), BUILT_IN)


def use_more_laws(source) -> None:
    """Let `source()` add laws to the built-in ones: it returns LawInfo and is called on every read, so it
    should be cheap (cached)."""
    global _more_laws, _catalogue
    _more_laws = source
    _catalogue = ((), BUILT_IN)


def catalogue() -> LawCatalogue:
    """The built-in laws and those `use_more_laws` adds."""
    global _catalogue
    more = tuple(_more_laws()) if _more_laws else ()
    if more != _catalogue[0]:
        _catalogue = (more, LawCatalogue(KNOWN_LAWS + more) if more else BUILT_IN)
    return _catalogue[1]


def find_law(text: str) -> LawInfo | None:
    """Return the law `text` names (any alias, any case and spacing, æ/ø/å or ae/oe/aa), or None."""
    return catalogue().by_alias.get(ascii_fold(text))


@dataclass(frozen=True, order=True)
class LegalReference:
    law: str
    paragraph: str
    paragraph_end: str = ""
    stk: int | None = None
    nr: int | None = None

    def __str__(self) -> str:
        return format_reference(self)


class ReferenceError(ValueError):
    """A reference that could not be read; the message, in Danish, quotes the part at fault."""

    def __init__(self, message: str, text: str = "") -> None:
        super().__init__(message)
        self.text = text


_KEYWORD = rf"(?:stk|stykke|nr|nummer|til)(?!{_LETTER})"

_SIGN = _compile(rf"\s*(§§?|paragraf(?:fer)?(?!{_LETTER}))")
# A letter after the number is a suffix ("13 a"), except the preposition in "§ 140 i serviceloven".
# No Danish law numbers a paragraph, stk. or nr. past four digits; a longer number is not read as one.
MAX_DIGITS = 4
_PARAGRAPH = _compile(
    rf"\s*(\d{{1,{MAX_DIGITS}}})(?!\d)(?:\s*(?!i\s+(?!{_KEYWORD}){_LETTER})({_LETTER})(?!{_LETTER}))?"
)
_DASH = _compile(rf"\s*([-‐‑–—]|til(?!{_LETTER}))")
_STK = _compile(rf"\s*,?\s*((?:stykke|stk)(?!{_LETTER})\.?)")
_NR = _compile(rf"\s*,?\s*((?:nummer|nr)(?!{_LETTER})\.?)")
_NUMBER = _compile(rf"\s*(\d{{1,{MAX_DIGITS}}})(?!\d)")
_END = _compile(r"\s*\.?\s*\Z")


def _complaint(what: str, text: str, start: int, end: int) -> ReferenceError:
    """Blame the word after text[start:end], where a number was expected."""
    marker = text[start:end]
    word = re.match(r"\s*[^\s,;]{1,12}", text[end:])
    if word is None:
        return ReferenceError(f'Mangler {what} efter "{marker}"', text)
    ellipsis = "…" if re.match(r"[^\s,;]", text[end + word.end() :]) else ""
    return ReferenceError(f'Kunne ikke forstå "{marker}{word.group()}{ellipsis}"', text)


def _no_reference(text: str) -> ReferenceError:
    if not text.strip():
        return ReferenceError("Tom henvisning", text)
    found = re.search(rf"§|(?<!{_LETTER})(?:paragraf|\d)", text, re.IGNORECASE)
    if found is None:
        return ReferenceError(f'Ingen paragraf i "{text.strip()}"', text)
    if before := text[: found.start()].strip():
        return ReferenceError(f'Ukendt lov: "{before}"', text)
    return ReferenceError(f'Mangler "§" i "{text.strip()}"', text)


def _paragraph(match: re.Match[str]) -> tuple[int, str]:
    return int(match[1]), (match[2] or "").lower()


def _print_paragraph(number: int, letter: str) -> str:
    return f"{number} {letter}" if letter else str(number)


def _scan(text: str, start: int, *, strict: bool) -> tuple[LegalReference, int]:
    """Read the reference at text[start:] and return it with the offset where it ends.

    Raises ReferenceError if no reference starts there. An optional part that is garbled
    ("stk. x") raises in strict mode; otherwise the scan stops before it, so that prose
    such as "§ 140, stk. x" still yields "§ 140".
    """
    pos = start

    def take(pattern: re.Pattern[str]) -> re.Match[str] | None:
        nonlocal pos
        match = pattern.match(text, pos)
        if match:
            pos = match.end()
        return match

    def count(keyword: re.Pattern[str]) -> int | None:
        nonlocal pos
        before = pos
        if (marker := take(keyword)) is None:
            return None
        number = take(_NUMBER)
        if number and int(number[1]) > 0:
            return int(number[1])
        if strict:
            raise _complaint("nummer", text, marker.start(1), marker.end())
        pos = before
        return None

    laws = catalogue()
    law = take(laws.law_before)
    sign = take(_SIGN)
    if law is None and sign is None:
        raise _no_reference(text)
    marker_start, marker_end = (sign.start(1), sign.end()) if sign else (law.start("law"), law.end())
    first = take(_PARAGRAPH)
    if first is None or int(first[1]) == 0:
        raise _complaint("paragrafnummer", text, marker_start, marker_end)
    # Without "§", a law name followed by a year ("serviceloven 2018") is prose, not a paragraph.
    if sign is None and not strict and len(first[1]) > 3:
        raise ReferenceError("Årstal, ikke paragraf", text)

    paragraph_end = ""
    before = pos
    if dash := take(_DASH):
        last = take(_PARAGRAPH)
        if last is None:
            if strict:
                raise _complaint("paragrafnummer", text, dash.start(1), dash.end())
            pos = before
        elif _paragraph(last) < _paragraph(first):
            if strict:
                interval = text[first.start(1) : last.end()]
                raise ReferenceError(f'Intervallet "{interval}" går baglæns', text)
            pos = before
        elif _paragraph(last) > _paragraph(first):
            paragraph_end = _print_paragraph(*_paragraph(last))

    stk = count(_STK)
    nr = count(_NR)

    before = pos
    if after := take(laws.law_after):
        if law is None:
            law = after
        elif strict:
            raise ReferenceError(f'Loven er angivet to gange: "{law["law"]}" og "{after["law"]}"', text)
        else:
            pos = before

    if strict and not _END.match(text, pos):
        rest = text[pos:].strip()
        unknown_law = re.match(r",?\s*i\s+(.+)", rest, re.IGNORECASE)
        if unknown_law:
            raise ReferenceError(f'Ukendt lov: "{unknown_law[1]}"', text)
        raise ReferenceError(f'Uventet tekst efter henvisningen: "{rest}"', text)

    named = laws.by_alias.get(ascii_fold(law["law"])) if law else None
    reference = LegalReference(
        law=named.key if named else "",
        paragraph=_print_paragraph(*_paragraph(first)),
        paragraph_end=paragraph_end,
        stk=stk,
        nr=nr,
    )
    return reference, pos


def parse_reference(text: str, *, default_law: str | None = None) -> LegalReference:
    """Read `text` as exactly one reference, or raise ReferenceError.

    A law is required unless `default_law` (a key or any alias) is given; pass "" to accept
    references without a law, as a search box does.
    """
    reference, _ = _scan(text, 0, strict=True)
    if reference.law:
        return reference
    if default_law is None:
        raise ReferenceError(f'Mangler lov i "{text.strip()}"', text)
    if default_law == "":
        return reference
    if (law := find_law(default_law)) is None:
        raise ReferenceError(f'Ukendt lov: "{default_law}"', text)
    return replace(reference, law=law.key)


def parse_references(text: str, *, default_law: str | None = None) -> list[LegalReference]:
    """Read references separated by ";" or newlines, skipping empty items."""
    references = []
    for item in re.split(r"[;\n]", text):
        if not item.strip():
            continue
        try:
            references.append(parse_reference(item, default_law=default_law))
        except ReferenceError as error:
            raise ReferenceError(f'Kunne ikke læse "{item.strip()}": {error}', text) from error
    return references


def format_reference(ref: LegalReference) -> str:
    """Print `ref` in the canonical Danish form, e.g. "SEL § 140, stk. 3" or "LAB §§ 27–30"."""
    known = catalogue().by_key.get(ref.law)
    law = known.abbreviation if known else ref.law
    printed = f"§§ {ref.paragraph}–{ref.paragraph_end}" if ref.paragraph_end else f"§ {ref.paragraph}"
    if ref.stk is not None:
        printed += f", stk. {ref.stk}"
    if ref.nr is not None:
        printed += f", nr. {ref.nr}"
    return f"{law} {printed}" if law else printed


def find_references(text: str) -> list[tuple[LegalReference, tuple[int, int]]]:
    """Find every reference in free text, with its (start, end) span; never raises."""
    found = []
    covered = 0
    for candidate in catalogue().start.finditer(text):
        if candidate.start() < covered:
            continue
        try:
            reference, end = _scan(text, candidate.start(), strict=False)
        except ReferenceError:
            continue
        found.append((reference, (candidate.start(), end)))
        covered = end
    return found
