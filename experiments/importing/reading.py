"""Reading a file: CSV (UTF-8 or Windows-1252, ";", "," or tab) or XLSX into rows of cells keyed by column key.

Only the file's shape is checked here: its size, its encoding, its headings (each known column at most once, the
required ones present) and that no row has more cells than there are headings. What a cell says is read row by row
in `experiments.importing.rows`.

A file is read within limits, so that no upload keeps the server busy: at most `max_file_bytes()` (the setting
EXPERIMENT_IMPORT_MAX_BYTES, 10 MB), `max_rows()` data rows (EXPERIMENT_IMPORT_MAX_ROWS, 20,000), `MAX_COLUMNS`
columns and `MAX_CELL_CHARS` characters in a cell. An XLSX file is read as it is stored, whatever size its sheet
claims to be (Excel and other programs may record A1:XFD1048576), and a workbook that unpacks to more than
`MAX_UNPACKED_BYTES` is refused before it is parsed.
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from experiments.importing.problems import ImportRejected, Problem
from experiments.spreadsheet_format import COLUMNS, EXPERIMENT_SHEET, FORMULA_STARTS, fold_heading, is_registry_id

HEADING_TO_KEY = {fold_heading(column.heading): column.key for column in COLUMNS}

MAX_COLUMNS = 60
# Excel's own limit for the text of a cell.
MAX_CELL_CHARS = 32_767
MAX_UNPACKED_BYTES = 250 * 1024 * 1024


def max_file_bytes() -> int:
    return getattr(settings, "EXPERIMENT_IMPORT_MAX_BYTES", 10 * 1024 * 1024)


def max_rows() -> int:
    return getattr(settings, "EXPERIMENT_IMPORT_MAX_ROWS", 20_000)


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
        # The recorded dimension is not to be trusted: A1:XFD1048576 would pad every row to 16,384 cells and add
        # rows up to a million. Without it the rows are as long as their last cell, and end with the last row.
        sheet.reset_dimensions()
        yield from (list(row) for row in sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def read_rows(data: bytes, *, filename: str = "") -> Table:
    """Read a CSV or XLSX file into rows keyed by column key, or raise ImportRejected for a file that is wrong."""
    if len(data) > max_file_bytes():
        raise ImportRejected(
            [
                Problem(
                    _("filen er for stor (%(size)s MB); højst %(max)s MB kan importeres, så del den op")
                    % {"size": _megabytes(len(data)), "max": _megabytes(max_file_bytes())}
                )
            ]
        )
    if not data.strip().removeprefix(b"\xef\xbb\xbf").strip():
        raise ImportRejected([_empty_file()])
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRejected([Problem(_("gamle Excel-filer (.xls) kan ikke læses; gem filen som .xlsx eller CSV"))])
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith(".xlsx"):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise ImportRejected([_not_a_spreadsheet()])
        _check_unpacked_size(data)
        records = _xlsx_records(data)
    else:
        records = _csv_records(data)
    return _table(records)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def _check_unpacked_size(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportRejected(
            [Problem(_("Excel-filen fylder %(size)s MB udpakket; det er for meget") % {"size": _megabytes(unpacked)})]
        )


def _table(records: Iterable[list]) -> Table:
    problems = []
    header = None
    header_number = 0
    rows = []
    limit = max_rows()
    for number, record in enumerate(records, start=1):
        if len(record) > MAX_COLUMNS:
            if any(value not in (None, "") for value in record[MAX_COLUMNS:]):
                raise ImportRejected(
                    [
                        Problem(
                            _("rækken har flere end %(max)s kolonner; det har en forsøgsliste ikke")
                            % {"max": MAX_COLUMNS},
                            number,
                        )
                    ]
                )
            record = record[:MAX_COLUMNS]
        values = [_cell_value(value) for value in record]
        if not any(value != "" for value in values):
            continue
        if header is None:
            header, header_number = values, number
            continue
        if len(rows) >= limit:
            raise ImportRejected(
                [
                    Problem(
                        _("filen har flere end %(max)s forsøg; del den op i flere filer")
                        % {"max": f"{limit:,}".replace(",", ".")}
                    )
                ]
            )
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
    if "id" in seen and "local_id" not in seen:
        # A municipality's own list calls its own ids "Id" ("HLS-2018-04"): they are read as Kommunens id.
        position = seen["id"]
        if not all(is_registry_id(values[position]) for _number, values in rows if position < len(values)):
            keys[position] = "local_id"

    table_rows = []
    for number, values in rows:
        for position, value in enumerate(values):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS and position < len(keys):
                problems.append(
                    Problem(
                        _("cellen har %(length)s tegn; højst %(max)s kan læses")
                        % {"length": len(value), "max": MAX_CELL_CHARS},
                        number,
                        str(header[position]),
                    )
                )
        if problems and problems[-1].row == number:
            continue
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
