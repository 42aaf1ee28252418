"""Danish text as people type it: one way to fold case and accents, one way to spell æ, ø and å in ASCII."""

import re
import unicodedata

_DANISH_LETTERS = set("æøåÆØÅ")
_ACCENTED = re.compile(r"[^\x00-\x7fæøå]")
# Characters XML 1.0 cannot hold (most C0 controls, such as a pasted vertical tab); feeds and workbooks drop them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_TRANSLITERATION = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def _fold_char(ch: str) -> str:
    if ch in _DANISH_LETTERS:
        return ch
    return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower-case and strip accents (idé → ide) but keep æ, ø and å, which are letters of their own in Danish."""
    lowered = str(text).lower()
    if not _ACCENTED.search(lowered):
        return lowered  # the common case: plain Danish text, nothing to fold
    return unicodedata.normalize("NFC", _ACCENTED.sub(lambda m: _fold_char(m.group()), lowered))


def transliterate(text: str) -> str:
    """æ, ø and å spelt as keyboards without them do: ae, oe and aa."""
    return text.translate(_TRANSLITERATION)


def ascii_fold(text: str) -> str:
    """`fold`, then æ/ø/å as ae/oe/aa and whitespace collapsed: "Målgrupper" and " maalgrupper" compare equal."""
    return " ".join(transliterate(fold(text)).split())


def plain_number(text: str, *, max_digits: int | None = None) -> bool:
    """ASCII digits only, at most `max_digits` of them: `str.isdigit` also accepts "²", which `int` refuses."""
    return text.isascii() and text.isdigit() and (max_digits is None or len(text) <= max_digits)


def danish_slug(text: str) -> str:
    """An ASCII slug for a Danish name, with æ, ø and å spelt out (Brøndby Strand → broendby-strand)."""
    from django.utils.text import slugify

    return slugify(transliterate(str(text).lower()))


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold, for Atom feeds and XLSX cells."""
    return _NOT_XML.sub("", text)
