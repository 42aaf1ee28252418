"""Experiments from a spreadsheet (CSV or XLSX): reading the file, checking every row, then writing them as pages.

The format is described in docs/import-format.md and shares its columns with `experiments.exporting`, so that a
file exported from the site reads back without changes. `read_rows()` turns the bytes of a file into rows;
`experiment_import()` checks all rows before it writes anything and then creates or updates each experiment as a
revision of its page, in one transaction. Every problem is reported as "række N, kolonne X: …" with N the row
number a spreadsheet program shows (the headings are row 1).

A column that is missing from the file leaves that field of existing experiments alone; a column that is present
but empty clears it (except Synlighed, which an empty cell never changes).
"""

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Page, ReferenceIndex, WorkflowState
from wagtail.signal_handlers import disable_reference_index_auto_update

from core.visibility import Visibility
from experiments.exporting import (
    COLUMN_BY_KEY,
    COLUMNS,
    EXPERIMENT_SHEET,
    FORMULA_STARTS,
    LEARNING_SEPARATOR,
    experiment_prefetches,
)
from experiments.models import (
    Decision,
    ExemptionRequest,
    ExperimentPage,
    ExperimentStatus,
    Learning,
    PartnerMunicipality,
    Provision,
    Result,
    ServiceArea,
    StatusEvent,
    TargetGroup,
)
from experiments.models.choices import choice_by_label
from experiments.references import LegalReference, ReferenceError, parse_reference
from municipalities.models import MunicipalityPage

# Once an experiment has one of these statuses its Startdato and Slutdato are the actual dates, before it the
# planned ones.
STARTED_STATUSES = frozenset(ExperimentStatus) - {
    ExperimentStatus.IDEA,
    ExperimentStatus.APPLIED,
    ExperimentStatus.APPROVED,
    ExperimentStatus.NOT_STARTED,
}
# Læring text without a heading of its own is taken as what the experiment found worked.
DEFAULT_LEARNING_SECTION = "what_worked"
MAX_TEXT = 255


# --- problems ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(_("række %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("kolonne %(column)s") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}" if where else self.message


class ImportRejected(Exception):
    """The file or some rows are wrong; nothing was written. `problems` says what, one Problem each."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


# --- reading files -----------------------------------------------------------------------------------------------

_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


def fold(text: str) -> str:
    """Lower case, æ/ø/å as ae/oe/aa, accents dropped, whitespace collapsed: "Målgrupper" and "maalgrupper" match."""
    text = " ".join(str(text).casefold().split()).translate(_FOLD)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fold_heading(text: str) -> str:
    """A column heading without anything but letters and digits: "Kontakt e-mail" = "kontaktemail"."""
    return re.sub(r"[\W_]+", "", fold(text))


HEADING_TO_KEY = {fold_heading(column.heading): column.key for column in COLUMNS}


@dataclass
class SourceRow:
    """One data row of a file: its row number as a spreadsheet shows it, and its cells keyed by column key."""

    number: int
    cells: dict[str, object]


@dataclass
class Table:
    rows: list[SourceRow]
    columns: list[str]  # column keys present in the file, in file order
    ignored_headings: list[str] = field(default_factory=list)


_UTF8_AS_CP1252 = re.compile(
    "[ÂÃ][\u00a0-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]"
)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _looks_like_utf16(data: bytes) -> bool:
    sample = data[:200]
    if len(sample) < 8:
        return False
    even, odd = sample[0::2], sample[1::2]
    # Latin text in UTF-16 has a zero byte in every other position and almost none in the others.
    return any(a.count(0) >= 0.4 * len(a) and b.count(0) <= 0.05 * len(b) for a, b in ((even, odd), (odd, even)))


def decode_text(data: bytes) -> str:
    """The text of a CSV file in UTF-8 (with or without BOM) or Windows-1252; anything else is rejected."""
    unknown = Problem(_("filen er hverken i UTF-8 eller Windows-1252; gem den i Excel som »CSV UTF-8«"))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_like_utf16(data):
        raise ImportRejected([unknown])
    if b"\x00" in data:
        raise ImportRejected([_not_a_spreadsheet()])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportRejected([unknown]) from None
        if _UTF8_AS_CP1252.search(text):
            # Valid UTF-8 letters next to bytes that are not: the file mixes two encodings.
            raise ImportRejected([unknown]) from None
    if len(_CONTROL.findall(text[:10000])) > 0:
        raise ImportRejected([_not_a_spreadsheet()])
    return text


def _not_a_spreadsheet() -> Problem:
    return Problem(_("filen er hverken en CSV-fil eller et Excel-ark (.xlsx)"))


def _empty_file() -> Problem:
    return Problem(_("filen er tom: den har ingen kolonneoverskrifter og ingen forsøg"))


def detect_delimiter(text: str) -> str:
    """ ";", "," or tab: whichever separates the most headings in the first line (headings never contain them)."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {delimiter: unquoted.count(delimiter) for delimiter in (";", "\t", ",")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ";"


def _cell_value(value) -> object:
    """A cell as the importer reads it: text stripped, dates as dates, whole numbers as int."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, int):
        return value
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text


def _csv_records(data: bytes) -> Iterable[list]:
    text = decode_text(data)
    if not text.strip():
        raise ImportRejected([_empty_file()])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text))
    try:
        yield from reader
    except csv.Error as error:
        raise ImportRejected([Problem(_("filen kan ikke læses som CSV: %(error)s") % {"error": error})]) from None


def _xlsx_records(data: bytes) -> Iterable[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (BadZipFile, KeyError, ValueError…) for a broken workbook
        raise ImportRejected([Problem(_("Excel-filen kan ikke læses; er den gemt som .xlsx?"))]) from None
    try:
        sheet = workbook[EXPERIMENT_SHEET] if EXPERIMENT_SHEET in workbook.sheetnames else workbook.worksheets[0]
        yield from (list(row) for row in sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def read_rows(data: bytes, *, filename: str = "") -> Table:
    """Read a CSV or XLSX file into rows keyed by column key, or raise ImportRejected for a file that is wrong."""
    if not data.strip().removeprefix(b"\xef\xbb\xbf").strip():
        raise ImportRejected([_empty_file()])
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRejected([Problem(_("gamle Excel-filer (.xls) kan ikke læses; gem filen som .xlsx eller CSV"))])
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith(".xlsx"):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise ImportRejected([_not_a_spreadsheet()])
        records = _xlsx_records(data)
    else:
        records = _csv_records(data)
    return _table(records)


def _table(records: Iterable[list]) -> Table:
    problems = []
    header = None
    header_number = 0
    rows = []
    for number, record in enumerate(records, start=1):
        values = [_cell_value(value) for value in record]
        if not any(value != "" for value in values):
            continue
        if header is None:
            header, header_number = values, number
            continue
        rows.append((number, values))
    if header is None:
        raise ImportRejected([_empty_file()])

    keys: list[str | None] = []
    ignored = []
    seen = {}
    for position, heading in enumerate(header):
        text = str(heading).strip()
        key = HEADING_TO_KEY.get(fold_heading(text)) if text else None
        if text and key is None:
            ignored.append(text)
        if key is not None and key in seen:
            problems.append(
                Problem(
                    _("kolonnen står to gange (kolonne %(first)s og %(second)s)")
                    % {
                        "first": seen[key] + 1,
                        "second": position + 1,
                    },
                    header_number,
                    text,
                )
            )
        elif key is not None:
            seen[key] = position
        keys.append(key)
    for column in COLUMNS:
        if column.required and column.key not in seen:
            problems.append(Problem(_("kolonnen mangler; den skal være der"), header_number, column.heading))
    if not rows and not problems:
        problems.append(Problem(_("filen har kolonneoverskrifter, men ingen forsøg")))
    if problems:
        raise ImportRejected(problems)

    table_rows = []
    for number, values in rows:
        if len(values) > len(keys) and any(value != "" for value in values[len(keys) :]):
            problems.append(
                Problem(
                    _("rækken har %(cells)s celler, men der er kun %(headings)s kolonneoverskrifter")
                    % {
                        "cells": len(values),
                        "headings": len(keys),
                    },
                    number,
                )
            )
            continue
        cells = {key: (values[i] if i < len(values) else "") for i, key in enumerate(keys) if key is not None}
        table_rows.append(SourceRow(number, cells))
    if problems:
        raise ImportRejected(problems)
    return Table(table_rows, [key for key in keys if key is not None], ignored)


# --- reading cells -----------------------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read; the message is the Danish explanation."""


def _text(value) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip() if value is not None else ""


def _items(value) -> list[str]:
    return [item.strip() for item in re.split(r"[;\n]", _text(value)) if item.strip()]


_DATE_FORMATS = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?"), ("year", "month", "day")),
    (re.compile(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})"), ("day", "month", "year")),
)


def parse_date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern, order in _DATE_FORMATS:
        if match := pattern.fullmatch(text):
            parts = dict(zip(order, map(int, match.groups()), strict=True))
            try:
                return datetime.date(**parts)
            except ValueError:
                raise CellError(_('datoen "%(text)s" findes ikke') % {"text": text}) from None
    raise CellError(
        _('kan ikke læse datoen "%(text)s"; skriv den som 2017-11-01, 01-11-2017 eller 1.11.2017') % {"text": text}
    )


def parse_count(value) -> int | None:
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        raise CellError(_('"%(text)s" er ikke et helt tal') % {"text": value})
    else:
        text = _text(value)
        if not text:
            return None
        compact = re.sub(r"[\s.]", "", text) if re.fullmatch(r"[-−]?\d{1,3}([ .]\d{3})+", text) else text
        if not re.fullmatch(r"[-−]?\d+", compact):
            raise CellError(_('"%(text)s" er ikke et helt tal') % {"text": text})
        number = int(compact.replace("−", "-"))
    if number < 0:
        raise CellError(_("antallet kan ikke være negativt (%(number)s)") % {"number": number})
    if number > 2_147_483_647:
        raise CellError(_("antallet er for stort (%(number)s)") % {"number": number})
    return number


_NUMBER = r"[-−]?\d+(?:[.,]\d+)*"
_RESULT = re.compile(
    rf"(?P<indicator>.+?)\s*:\s*(?:(?P<baseline>{_NUMBER})\s*(?:→|->)\s*)?(?P<value>{_NUMBER}|[–-])(?:\s+(?P<unit>\S.*))?",
    re.DOTALL,
)


def parse_decimal(original: str) -> Decimal | None:
    text = original.replace("−", "-")
    if text in {"–", "-"}:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(_('"%(text)s" er ikke et tal') % {"text": original}) from None
    if number != number.quantize(Decimal("0.01")) or abs(number) >= Decimal("1e10"):
        raise CellError(_('"%(text)s" har for mange cifre (højst 10 før og 2 efter kommaet)') % {"text": original})
    return number


@dataclass(frozen=True)
class ResultValues:
    indicator: str
    baseline: Decimal | None = None
    value: Decimal | None = None
    unit: str = ""

    def key(self):
        return (self.indicator, self.baseline, self.value, self.unit)


def parse_result(item: str) -> ResultValues:
    """ "Indikator: 30 → 45 procent", "Indikator: 42 borgere" or just "Indikator"."""
    match = _RESULT.fullmatch(item.strip())
    if match is None:
        values = ResultValues(item.strip())
    else:
        values = ResultValues(
            match["indicator"].strip(),
            parse_decimal(match["baseline"]) if match["baseline"] else None,
            parse_decimal(match["value"]),
            (match["unit"] or "").strip(),
        )
    if len(values.indicator) > MAX_TEXT:
        raise CellError(_("en indikator må højst være %(max)s tegn lang") % {"max": MAX_TEXT})
    if len(values.unit) > 60:
        raise CellError(_('enheden "%(unit)s" er længere end 60 tegn') % {"unit": values.unit})
    return values


_LEARNING_HEADINGS = {fold_heading(str(heading)): name for name, heading in Learning.SECTIONS}
_LEARNING_HEADING_LINE = re.compile(r"\s*([^:\n]{1,40}?)\s*:(?:[ \t]*)(.*)")
LEARNING_FIELDS = tuple(name for name, _heading in Learning.SECTIONS)


def _clean_text(text: str) -> str:
    return str(text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def parse_learnings(value) -> list[dict[str, str]]:
    """Læring: blocks separated by a line "---", each with "Overskrift: tekst" sections (Metode, Effekt, …)."""
    learnings = []
    for block in re.split(rf"\n\s*{re.escape(LEARNING_SEPARATOR)}\s*(?:\n|$)", "\n" + _clean_text(_text(value))):
        sections = {name: [] for name in LEARNING_FIELDS}
        current = DEFAULT_LEARNING_SECTION
        for line in block.split("\n"):
            heading = _LEARNING_HEADING_LINE.fullmatch(line)
            if heading and fold_heading(heading[1]) in _LEARNING_HEADINGS:
                current = _LEARNING_HEADINGS[fold_heading(heading[1])]
                line = heading[2]
            sections[current].append(line)
        learning = {name: "\n".join(lines).strip() for name, lines in sections.items()}
        if any(learning.values()):
            learnings.append(learning)
    return learnings


def learning_values(learning: Learning) -> dict[str, str]:
    return {name: _clean_text(getattr(learning, name)) for name in LEARNING_FIELDS}


def parse_visibility(value) -> str | None:
    text = fold_heading(_text(value))
    if not text:
        return None
    if text in {"offentlig", "public"}:
        return Visibility.PUBLIC
    if text in {"netvaerk", "kunnetvaerket", "kunnetvaerk", "network"}:
        return Visibility.NETWORK
    raise CellError(_('ukendt synlighed "%(text)s"; skriv offentlig eller netværk') % {"text": _text(value)})


def _choice(choices, text: str):
    found = choice_by_label(choices, text)
    if found is None:
        wanted = fold(text)
        found = next((choices(value) for value, label in choices.choices if fold(str(label)) == wanted), None)
    return found


def _choice_words(choices) -> str:
    return ", ".join(str(label) for _value, label in choices.choices)


# --- the rows as the importer means them -------------------------------------------------------------------------


@dataclass
class ExperimentRow:
    """A checked row: every value read, looked up and ready to compare with the experiment it belongs to."""

    number: int
    present: frozenset[str]
    municipality: MunicipalityPage
    title: str
    page_id: int | None = None
    summary: str = ""
    status: str = ""
    status_date: datetime.date | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    target_groups: list = field(default_factory=list)
    service_areas: list = field(default_factory=list)
    exemptions: list[tuple[LegalReference, str]] = field(default_factory=list)
    partners: list = field(default_factory=list)
    citizens_count: int | None = None
    contact_name: str = ""
    contact_email: str = ""
    results: list[ResultValues] = field(default_factory=list)
    learnings: list[dict[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    visibility: str | None = None


@dataclass
class Outcome:
    row: int
    municipality: str
    title: str
    page_id: int | None = None
    changed: tuple[str, ...] = ()

    def __str__(self):
        return f"{self.title} ({self.municipality})"


@dataclass
class ImportReport:
    created: list[Outcome] = field(default_factory=list)
    updated: list[Outcome] = field(default_factory=list)
    unchanged: list[Outcome] = field(default_factory=list)
    ignored_headings: list[str] = field(default_factory=list)
    dry_run: bool = False
    published: bool = False


class _Lookup:
    """The vocabularies and municipalities rows refer to, each fetched once."""

    def __init__(self):
        self.municipalities = {}
        for municipality in MunicipalityPage.objects.all():
            for name in (municipality.title, municipality.slug, municipality.municipality_code):
                self.municipalities[fold(name)] = municipality
        self.municipality_by_path = {m.path: m for m in self.municipalities.values()}
        self.target_groups = self._vocabulary(TargetGroup)
        self.service_areas = self._vocabulary(ServiceArea)

    @staticmethod
    def _vocabulary(model):
        found = {}
        for item in model.objects.all():
            found[fold(item.name)] = item
            found[fold(item.slug)] = item
        return found

    def municipality(self, text: str) -> MunicipalityPage:
        municipality = self.municipalities.get(fold(text))
        if municipality is None:
            names = ", ".join(sorted({m.title for m in self.municipalities.values()}))
            raise CellError(_('ukendt kommune "%(text)s"; kendte kommuner: %(names)s') % {"text": text, "names": names})
        return municipality


def _read_row(source: SourceRow, present: frozenset[str], lookup: _Lookup, problems: list[Problem]):
    cells = source.cells

    def cell(key):
        return cells.get(key, "")

    def read(key, reader):
        try:
            return reader(cell(key))
        except CellError as error:
            problems.append(Problem(str(error), source.number, COLUMN_BY_KEY[key].heading))
            return None

    before = len(problems)

    def required_text(key):
        text = _clean_text(_text(cell(key)))
        if not text:
            raise CellError(_("skal udfyldes"))
        return text

    municipality = read("municipality", lambda value: lookup.municipality(required_text("municipality")))
    title = read("title", lambda value: required_text("title"))
    if title and len(title) > MAX_TEXT:
        problems.append(Problem(_("titlen er over %(max)s tegn") % {"max": MAX_TEXT}, source.number, "Titel"))
    summary = read("summary", lambda value: required_text("summary"))

    def status(value):
        # Required for a new experiment (checked once the row is matched); blank leaves a timeline alone.
        text = _clean_text(_text(value))
        if not text:
            return ""
        found = _choice(ExperimentStatus, text)
        if found is None:
            raise CellError(
                _('ukendt status "%(text)s"; brug en af: %(words)s')
                % {"text": text, "words": _choice_words(ExperimentStatus)}
            )
        return found

    def page_id(value):
        text = _text(value)
        if not text:
            return None
        if not re.fullmatch(r"\d+", text):
            raise CellError(_('"%(text)s" er ikke et forsøgs-id fra registret (et helt tal)') % {"text": text})
        return int(text)

    def vocabulary(key, found, what):
        def reader(value):
            items = []
            for name in _items(value):
                item = found.get(fold(name))
                if item is None:
                    raise CellError(_('ukendt %(what)s "%(name)s"') % {"what": what, "name": name})
                if item not in items:
                    items.append(item)
            return items

        return reader

    def exemptions(value):
        items = []
        for item in _items(value):
            match = re.fullmatch(r"(?P<reference>[^()]*?)\s*(?:\((?P<decision>[^()]*)\))?", item)
            if match is None:
                raise CellError(_('kan ikke læse "%(item)s"') % {"item": item})
            try:
                reference = parse_reference(match["reference"])
            except ReferenceError as error:
                raise CellError(
                    _('kan ikke læse henvisningen "%(item)s": %(error)s') % {"item": match["reference"], "error": error}
                ) from None
            decision = Decision.APPLIED
            if match["decision"] and match["decision"].strip():
                decision = _choice(Decision, match["decision"])
                if decision is None:
                    raise CellError(
                        _('ukendt afgørelse "%(text)s"; brug en af: %(words)s')
                        % {"text": match["decision"].strip(), "words": _choice_words(Decision)}
                    )
            if any(reference == other for other, _decision in items):
                raise CellError(_('"%(reference)s" står to gange') % {"reference": reference})
            items.append((reference, decision))
        return items

    def partners(value):
        found = []
        for name in _items(value):
            partner = lookup.municipality(name)
            if municipality is not None and partner.pk == municipality.pk:
                raise CellError(_("%(name)s ejer forsøget og kan ikke også være partner") % {"name": partner.title})
            if partner not in found:
                found.append(partner)
        return found

    def email(value):
        text = _text(value)
        if text:
            try:
                EmailValidator()(text)
            except ValidationError:
                raise CellError(_('"%(text)s" er ikke en gyldig e-mailadresse') % {"text": text}) from None
        return text

    def contact_name(value):
        text = _clean_text(_text(value))
        if len(text) > MAX_TEXT:
            raise CellError(_("navnet er over %(max)s tegn") % {"max": MAX_TEXT})
        return text

    def results(value):
        return [parse_result(item) for item in _items(value)]

    def tags(value):
        names = []
        for name in _items(value):
            if len(name) > 100:
                raise CellError(_('emneordet "%(name)s" er over 100 tegn') % {"name": name})
            if name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
        return names

    row = ExperimentRow(
        number=source.number,
        present=present,
        municipality=municipality,
        title=title or "",
        page_id=read("id", page_id),
        summary=summary or "",
        status=read("status", status) or "",
        status_date=read("status_date", parse_date),
        start=read("start", parse_date),
        end=read("end", parse_date),
        target_groups=read("target_groups", vocabulary("target_groups", lookup.target_groups, _("målgruppe"))) or [],
        service_areas=read("service_areas", vocabulary("service_areas", lookup.service_areas, _("fagområde"))) or [],
        exemptions=read("provisions", exemptions) or [],
        partners=read("partners", partners) or [],
        citizens_count=read("citizens_count", parse_count),
        contact_name=read("contact_name", contact_name) or "",
        contact_email=read("contact_email", email) or "",
        results=read("results", results) or [],
        learnings=read("learnings", parse_learnings) or [],
        tags=read("tags", tags) or [],
        visibility=read("visibility", parse_visibility),
    )
    if row.start and row.end and row.end < row.start:
        problems.append(
            Problem(
                _("slutdatoen %(end)s ligger før startdatoen %(start)s") % {"end": row.end, "start": row.start},
                source.number,
                COLUMN_BY_KEY["end"].heading,
            )
        )
    return row if len(problems) == before else None


# --- comparing a row with its experiment ---------------------------------------------------------------------------


def _status_change(page: ExperimentPage | None, row: ExperimentRow, today: datetime.date):
    """The (status, date) event to add, or None when the experiment's timeline already says so."""
    if not row.status:
        return None
    events = [event for event in page.status_events.all() if event.date] if page else []
    latest = max(events, key=lambda e: (e.date, e.sort_order or 0), default=None)
    if latest and latest.status == row.status and (row.status_date is None or row.status_date == latest.date):
        return None
    date = row.status_date or today
    if any(event.status == row.status and event.date == date for event in events):
        return None
    return (row.status, date)


class _Known:
    """Provisions and tags by primary key, fetched once, so comparing a row costs no query of its own."""

    def __init__(self):
        from taggit.models import Tag

        self.references = {p.pk: p.reference for p in Provision.objects.select_related("law")}
        self.tags = dict(Tag.objects.values_list("pk", "name"))


def _changes(page: ExperimentPage, row: ExperimentRow, today: datetime.date, known: _Known) -> list[str]:
    """The column keys whose values in `row` differ from `page` (its latest revision)."""
    present = row.present
    comparisons = {
        "title": lambda: page.title == row.title,
        "summary": lambda: _clean_text(page.summary) == row.summary,
        "status": lambda: _status_change(page, row, today) is None,
        "start": lambda: page.start == row.start,
        "end": lambda: page.end == row.end,
        "target_groups": lambda: {g.pk for g in page.target_groups.all()} == {g.pk for g in row.target_groups},
        "service_areas": lambda: {a.pk for a in page.service_areas.all()} == {a.pk for a in row.service_areas},
        "provisions": lambda: (
            [(known.references.get(r.provision_id), r.decision) for r in page.exemption_requests.all()]
            == row.exemptions
        ),
        "partners": lambda: [p.municipality_id for p in page.partners.all()] == [m.pk for m in row.partners],
        "citizens_count": lambda: page.citizens_count == row.citizens_count,
        "contact_name": lambda: page.contact_name == row.contact_name,
        "contact_email": lambda: page.contact_email == row.contact_email,
        "results": lambda: (
            [ResultValues(r.indicator, r.baseline, r.value, r.unit).key() for r in page.results.all()]
            == [values.key() for values in row.results]
        ),
        "learnings": lambda: (
            [v for v in map(learning_values, page.learnings.all()) if any(v.values())] == row.learnings
        ),
        "tags": lambda: {known.tags.get(item.tag_id) for item in page.tagged_items.all()} == set(row.tags),
        "visibility": lambda: row.visibility is None or page.visibility == row.visibility,
    }
    return [key for key, same in comparisons.items() if (key in present or key == "title") and not same()]


# --- applying a row to a page (in memory, before the revision is saved) --------------------------------------------


def _apply(page: ExperimentPage, row: ExperimentRow, today: datetime.date, *, new: bool, provisions: dict) -> None:
    present = row.present
    page.title = row.title
    if "summary" in present:
        page.summary = row.summary
    if change := _status_change(None if new else page, row, today):
        events = list(page.status_events.all())
        next_order = max((event.sort_order or 0 for event in events), default=-1) + 1
        page.status_events = [*events, StatusEvent(status=change[0], date=change[1], sort_order=next_order)]
    started = row.status in STARTED_STATUSES
    for key, planned, actual in (("start", "planned_start", "actual_start"), ("end", "planned_end", "actual_end")):
        value = getattr(row, key)
        if key not in present or getattr(page, key) == value:
            continue
        if value is None:
            setattr(page, planned, None)
            setattr(page, actual, None)
        elif getattr(page, actual) or started:
            setattr(page, actual, value)
        else:
            setattr(page, planned, value)
    if "target_groups" in present:
        page.target_groups = row.target_groups
    if "service_areas" in present:
        page.service_areas = row.service_areas
    if "provisions" in present:
        existing = {request.provision.reference: request for request in page.exemption_requests.all()}
        requests = []
        for order, (reference, decision) in enumerate(row.exemptions):
            if reference not in provisions:
                provisions[reference] = Provision.objects.resolve(reference)
            request = existing.get(reference) or ExemptionRequest(provision=provisions[reference])
            request.decision = decision
            request.sort_order = order
            requests.append(request)
        page.exemption_requests = requests
    if "partners" in present:
        existing = {partner.municipality_id: partner for partner in page.partners.all()}
        partners = []
        for order, municipality in enumerate(row.partners):
            partner = existing.get(municipality.pk) or PartnerMunicipality(municipality=municipality)
            partner.sort_order = order
            partners.append(partner)
        page.partners = partners
    for key in ("citizens_count", "contact_name", "contact_email"):
        if key in present:
            setattr(page, key, getattr(row, key))
    if "results" in present:
        unused = list(page.results.all())
        results = []
        for order, values in enumerate(row.results):
            result = next((r for r in unused if r.indicator.casefold() == values.indicator.casefold()), None)
            if result is None:
                result = Result()
            else:
                unused.remove(result)
            result.indicator, result.baseline, result.value, result.unit = values.key()
            result.sort_order = order
            results.append(result)
        page.results = results
    if "learnings" in present:
        existing = [learning for learning in page.learnings.all() if any(learning_values(learning).values())]
        learnings = []
        for order, values in enumerate(row.learnings):
            learning = existing[order] if order < len(existing) else Learning()
            for name, text in values.items():
                setattr(learning, name, text)
            learning.sort_order = order
            learnings.append(learning)
        page.learnings = learnings
    if "tags" in present:
        page.tags.set(row.tags)
    if row.visibility is not None:
        page.visibility = row.visibility
    elif new:
        page.visibility = Visibility.PUBLIC


# --- the service ---------------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    row: ExperimentRow
    action: str  # "create", "update" or "unchanged"
    changed: tuple[str, ...] = ()


def _existing_experiments(lookup: _Lookup):
    """(pk → (municipality, page data)) and ((municipality pk, folded title) → [pk]) of every experiment."""
    by_id = {}
    by_title = {}
    for pk, path, title, draft_title in ExperimentPage.objects.values_list("pk", "path", "title", "draft_title"):
        municipality = lookup.municipality_by_path.get(path[: -Page.steplen])
        by_id[pk] = municipality
        if municipality is None:
            continue
        for name in {fold(title), fold(draft_title or title)}:
            by_title.setdefault((municipality.pk, name), []).append(pk)
    return by_id, by_title


def _current_pages(ids) -> dict[int, ExperimentPage]:
    """The latest revision of each experiment in `ids`, to compare rows with.

    A page without unpublished changes is its own latest revision, and its relations come in one query each. A
    draft is read from its revision's content without checking every foreign key (`check_fks=False`): the
    comparison reads only the keys (`provision_id`, `tag_id`), so it costs two queries for the many-to-many fields.
    """
    pages = (
        ExperimentPage.objects.filter(pk__in=ids)
        .select_related("latest_revision")
        .prefetch_related(*experiment_prefetches(), "tagged_items")
    )
    current = {}
    for page in pages:
        if page.has_unpublished_changes and page.latest_revision:
            draft = ExperimentPage.from_serializable_data(page.latest_revision.content, check_fks=False)
            draft.pk = page.pk
            current[page.pk] = draft
        else:
            current[page.pk] = page
    return current


def _check_permissions(plans: list[_Plan], user, publish: bool, problems: list[Problem]) -> None:
    if user is None or user.is_superuser:
        return
    testers = {}
    for plan in plans:
        if plan.action == "unchanged":
            continue
        municipality = plan.row.municipality
        tester = testers.setdefault(municipality.pk, municipality.permissions_for_user(user))
        allowed = tester.can_add_subpage() if plan.action == "create" else tester.can_edit()
        if publish:
            allowed = allowed and tester.can_publish_subpage()
        if not allowed:
            message = (
                _("%(user)s må ikke udgive forsøg i %(municipality)s")
                if publish
                else _("%(user)s må ikke oprette eller redigere forsøg i %(municipality)s")
            )
            problems.append(
                Problem(
                    message % {"user": user.get_username(), "municipality": municipality.title},
                    plan.row.number,
                    COLUMN_BY_KEY["municipality"].heading,
                )
            )


def check_rows(table: Table, *, user=None, publish: bool = False, today: datetime.date | None = None) -> list[_Plan]:
    """Read and look up every row and decide what happens to it; raise ImportRejected listing every problem."""
    today = today or datetime.date.today()
    present = frozenset(table.columns)
    lookup = _Lookup()
    problems: list[Problem] = []
    rows = [row for source in table.rows if (row := _read_row(source, present, lookup, problems))]

    by_id, by_title = _existing_experiments(lookup)
    seen: dict[object, int] = {}
    targets: list[tuple[ExperimentRow, int | None]] = []
    for row in rows:
        target = row.page_id
        id_heading = COLUMN_BY_KEY["id"].heading
        if target is not None:
            if target not in by_id:
                problems.append(
                    Problem(_("der er intet forsøg med id %(id)s") % {"id": target}, row.number, id_heading)
                )
                continue
            owner = by_id[target]
            if owner is not None and owner.pk != row.municipality.pk:
                problems.append(
                    Problem(
                        _("forsøget med id %(id)s hører til %(owner)s, ikke %(municipality)s")
                        % {"id": target, "owner": owner.title, "municipality": row.municipality.title},
                        row.number,
                        COLUMN_BY_KEY["municipality"].heading,
                    )
                )
                continue
        else:
            matches = by_title.get((row.municipality.pk, fold(row.title)), [])
            if len(set(matches)) > 1:
                problems.append(
                    Problem(
                        _("%(municipality)s har flere forsøg med denne titel; angiv forsøgets id i kolonnen Id")
                        % {"municipality": row.municipality.title},
                        row.number,
                        COLUMN_BY_KEY["title"].heading,
                    )
                )
                continue
            target = matches[0] if matches else None
        key = target if target is not None else ("new", row.municipality.pk, fold(row.title))
        if key in seen:
            problems.append(
                Problem(
                    _("samme forsøg som i række %(row)s") % {"row": seen[key]},
                    row.number,
                    id_heading if row.page_id is not None else COLUMN_BY_KEY["title"].heading,
                )
            )
            continue
        seen[key] = row.number
        row.page_id = target
        targets.append((row, target))

    current = _current_pages([target for _row, target in targets if target is not None])
    known = _Known()
    plans = []
    for row, target in targets:
        if target is None:
            if not row.status:
                problems.append(Problem(_("skal udfyldes"), row.number, COLUMN_BY_KEY["status"].heading))
                continue
            plans.append(_Plan(row, "create"))
            continue
        page = current[target]
        start = row.start if "start" in row.present else page.start
        end = row.end if "end" in row.present else page.end
        if start and end and end < start:
            problems.append(
                Problem(
                    _("slutdatoen %(end)s ligger før startdatoen %(start)s") % {"end": end, "start": start},
                    row.number,
                    COLUMN_BY_KEY["end" if "end" in row.present else "start"].heading,
                )
            )
            continue
        changed = _changes(page, row, today, known)
        plans.append(_Plan(row, "update" if changed else "unchanged", tuple(changed)))

    _check_permissions(plans, user, publish, problems)
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: p.row or 0))
    return plans


def _unique_slug(parent: MunicipalityPage, title: str, taken: set[str]) -> str:
    base = slugify(title.translate(_FOLD).replace("Æ", "Ae").replace("Ø", "Oe").replace("Å", "Aa"))[:80] or "forsoeg"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


def _submit_for_moderation(page: ExperimentPage, user) -> None:
    """Put the saved draft in its municipality's moderation workflow, as "Indsend til godkendelse" does."""
    workflow = page.get_workflow()
    if workflow is None:
        return
    state = page.current_workflow_state
    if state is None:
        workflow.start(page, user)
    elif state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
    # A workflow in progress goes on and will be decided on the newest revision.


def _write(plan: _Plan, *, user, publish: bool, today: datetime.date, slugs: dict, provisions: dict) -> ExperimentPage:
    row = plan.row
    if plan.action == "create":
        parent = row.municipality
        taken = slugs.setdefault(parent.pk, set(parent.get_children().values_list("slug", flat=True)))
        page = ExperimentPage(title=row.title, slug=_unique_slug(parent, row.title, taken), live=False, owner=user)
        _apply(page, row, today, new=True, provisions=provisions)
        parent.add_child(instance=page)
        revision = page.save_revision(user=user)
    else:
        page = ExperimentPage.objects.get(pk=row.page_id).get_latest_revision_as_object()
        _apply(page, row, today, new=False, provisions=provisions)
        if not page.live:
            page.save()
        revision = page.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
    else:
        _submit_for_moderation(page, user)
    return page


def experiment_import(
    *,
    rows: Table,
    user=None,
    publish: bool = False,
    dry_run: bool = False,
    progress: Callable[[Iterable], Iterable] | None = None,
    today: datetime.date | None = None,
) -> ImportReport:
    """Create or update the experiments of `rows`, or raise ImportRejected and write nothing.

    Every row is checked before anything is written. Each experiment that changes gets one new revision, logged in
    its history, by `user` (None for the system): published with `publish`, otherwise saved as a draft and
    submitted to its municipality's moderation workflow. Rows equal to their experiment's latest revision are left
    alone, so importing the same file twice changes nothing. With `dry_run` nothing is written and the report says
    what would happen. `progress` wraps the iteration over the rows being written (a tqdm bar, for instance).
    """
    today = today or datetime.date.today()
    with transaction.atomic():
        plans = check_rows(rows, user=user, publish=publish, today=today)
        report = ImportReport(ignored_headings=rows.ignored_headings, dry_run=dry_run, published=publish)
        slugs: dict = {}
        provisions: dict = {}
        to_write = [] if dry_run else [plan for plan in plans if plan.action != "unchanged"]
        written = []
        # Wagtail updates its reference index on every save of the page, its revision, log entry and workflow
        # state; once per written page, at the end, gives the same index for a fraction of the queries.
        with disable_reference_index_auto_update():
            for plan in progress(to_write) if progress else to_write:
                try:
                    page = _write(plan, user=user, publish=publish, today=today, slugs=slugs, provisions=provisions)
                except ValidationError as error:
                    messages = "; ".join(error.messages)
                    raise ImportRejected([Problem(messages, plan.row.number)]) from error
                plan.row.page_id = page.pk
                written.append(page.pk)
        for page in ExperimentPage.objects.filter(pk__in=written):
            ReferenceIndex.create_or_update_for_object(page)
        for plan in plans:
            outcome = Outcome(
                plan.row.number, plan.row.municipality.title, plan.row.title, plan.row.page_id, plan.changed
            )
            {"create": report.created, "update": report.updated, "unchanged": report.unchanged}[plan.action].append(
                outcome
            )
    return report
