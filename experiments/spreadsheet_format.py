"""The spreadsheet format of experiments, shared by export and import: the columns, how each cell is written and read.

The format is Danish by definition (docs/import-format.md), so the column headings are constants rather than
translated strings: a file written by `experiments.exporting` must read back through `experiments.importing`
whatever the site's language. Each `Column` says how an experiment's value is written into its cell (`write`) and
how a cell is read back (`read`), so that a column is defined once. List cells are joined with "; ", dates are ISO
dates, and Resultater and Læring are small text formats of their own (`format_results` and `parse_result`,
`format_learnings` and `parse_learnings`).

Reading is tolerant of what people type in a spreadsheet (dates as 01-11-2017 or 1.11.2017, "1.200" for a count,
any case and spelling of æ, ø and å for a choice) and raises `CellError` with a Danish explanation for a cell it
cannot read. Cells that name something in the registry (Kommune, Målgrupper, Fagområder, Partnerkommuner) are read
as names here; the importer looks them up.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from core.text import ascii_fold
from core.visibility import Visibility
from experiments.models import Decision, ExemptionRequest, ExperimentPage, ExperimentStatus, Learning, Result
from experiments.models.choices import choice_by_label
from experiments.references import LegalReference, ReferenceError, parse_reference

EXPERIMENT_SHEET = "Forsøg"
LIST_SEPARATOR = "; "
LEARNING_SEPARATOR = "---"
VISIBILITY_WORDS = {Visibility.PUBLIC: "offentlig", Visibility.NETWORK: "netværk"}
# A cell starting with one of these is taken for a formula by spreadsheet programs (CSV injection); the exporter
# puts an apostrophe before it and the importer removes it.
FORMULA_STARTS = ("=", "+", "-", "@")
# The length of the registry's short text fields (title, indicator, contact name).
MAX_TEXT = 255
# Læring text without a heading of its own is taken as what the experiment found worked.
DEFAULT_LEARNING_SECTION = "what_worked"
LEARNING_FIELDS = tuple(name for name, _heading in Learning.SECTIONS)


class CellError(ValueError):
    """A cell that cannot be read; the message is the Danish explanation."""


# --- plain cells -------------------------------------------------------------------------------------------------


def cell_text(value) -> str:
    """A cell as text: dates as ISO dates, surrounding whitespace stripped."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip() if value is not None else ""


def clean_text(text: str) -> str:
    """Text with Windows and old Mac line breaks as "\\n", stripped."""
    return str(text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def fold_heading(text: str) -> str:
    """A heading without anything but letters and digits, folded: "Kontakt e-mail" = "kontaktemail"."""
    return re.sub(r"[\W_]+", "", ascii_fold(text))


def join_list(items) -> str:
    return LIST_SEPARATOR.join(items)


def split_list(value) -> list[str]:
    """The items of a list cell, separated by ";" or line breaks, empty ones left out."""
    return [item.strip() for item in re.split(r"[;\n]", cell_text(value)) if item.strip()]


def required_text(value) -> str:
    text = clean_text(cell_text(value))
    if not text:
        raise CellError(_("skal udfyldes"))
    return text


def read_text(value) -> str:
    return clean_text(cell_text(value))


def read_contact_name(value) -> str:
    text = clean_text(cell_text(value))
    if len(text) > MAX_TEXT:
        raise CellError(_("navnet er over %(max)s tegn") % {"max": MAX_TEXT})
    return text


def read_email(value) -> str:
    text = cell_text(value)
    if text:
        try:
            EmailValidator()(text)
        except ValidationError:
            raise CellError(_('"%(text)s" er ikke en gyldig e-mailadresse') % {"text": text}) from None
    return text


def read_page_id(value) -> int | None:
    text = cell_text(value)
    if not text:
        return None
    if not re.fullmatch(r"\d+", text):
        raise CellError(_('"%(text)s" er ikke et forsøgs-id fra registret (et helt tal)') % {"text": text})
    return int(text)


MAX_LOCAL_ID = 100


def read_local_id(value) -> str:
    """The municipality's own id for an experiment ("HLS-2018-04"); empty for none."""
    text = " ".join(cell_text(value).split())
    if len(text) > MAX_LOCAL_ID:
        raise CellError(_("kommunens id er over %(max)s tegn") % {"max": MAX_LOCAL_ID})
    return text


def is_registry_id(value) -> bool:
    """Whether a cell of the Id column looks like the registry's id (a whole number) or is empty."""
    return isinstance(value, int) or bool(re.fullmatch(r"\d*", cell_text(value)))


# --- dates and numbers -------------------------------------------------------------------------------------------

_DATE_FORMATS = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?"), ("year", "month", "day")),
    (re.compile(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})"), ("day", "month", "year")),
)


def parse_date(value) -> datetime.date | None:
    """A date cell: an Excel date, 2017-11-01, 01-11-2017 or 1.11.2017; None when empty."""
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
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
    """A whole number of at least 0: 1200, "1200", "1.200" or "1 200"; None when empty."""
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        raise CellError(_('"%(text)s" er ikke et helt tal') % {"text": value})
    else:
        text = cell_text(value)
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


def format_number(value: Decimal | None) -> str:
    """A decimal as Danish spreadsheets write it: "12,5", "100", "-3"; "–" for no value."""
    if value is None:
        return "–"
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def parse_decimal(original: str) -> Decimal | None:
    """`format_number` read back, and "1.200,5" or "1.200" as people write them."""
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
        number = None
    if number is None or number.is_nan():  # Decimal reads "NaN", which no comparison accepts
        raise CellError(_('"%(text)s" er ikke et tal') % {"text": original})
    # The size first: quantizing a number of more than 28 digits fails.
    if abs(number) >= Decimal("1e10") or number != number.quantize(Decimal("0.01")):
        raise CellError(_('"%(text)s" har for mange cifre (højst 10 før og 2 efter kommaet)') % {"text": original})
    return number


# --- choices -----------------------------------------------------------------------------------------------------


def find_choice(choices, text: str):
    """The choice whose label is `text`, matched without case, accents or the spelling of æ, ø and å."""
    found = choice_by_label(choices, text)
    if found is None:
        wanted = ascii_fold(text)
        found = next((choices(value) for value, label in choices.choices if ascii_fold(str(label)) == wanted), None)
    return found


def choice_words(choices) -> str:
    return ", ".join(str(label) for _value, label in choices.choices)


def parse_status(value) -> str:
    """A status by its label; blank for none (required only for a new experiment, which the importer checks)."""
    text = clean_text(cell_text(value))
    if not text:
        return ""
    found = find_choice(ExperimentStatus, text)
    if found is None:
        raise CellError(
            _('ukendt status "%(text)s"; brug en af: %(words)s')
            % {"text": text, "words": choice_words(ExperimentStatus)}
        )
    return found


def format_visibility(visibility: str) -> str:
    return VISIBILITY_WORDS.get(visibility, visibility)


def parse_visibility(value) -> str | None:
    """offentlig or netværk (also in English); None for an empty cell, which leaves the visibility alone."""
    text = fold_heading(cell_text(value))
    if not text:
        return None
    if text in {"offentlig", "public"}:
        return Visibility.PUBLIC
    if text in {"netvaerk", "kunnetvaerket", "kunnetvaerk", "network"}:
        return Visibility.NETWORK
    raise CellError(_('ukendt synlighed "%(text)s"; skriv offentlig eller netværk') % {"text": cell_text(value)})


# --- Paragraffer: "SEL § 140, stk. 3 (imødekommet); LAB §§ 27–30" ---------------------------------------------------


def format_exemption(request: ExemptionRequest) -> str:
    return f"{request.provision.reference_text} ({request.get_decision_display()})"


def parse_exemptions(value) -> list[tuple[LegalReference, str]]:
    """(reference, decision) of each item; an item without a decision in brackets is "ansøgt"."""
    items = []
    for item in split_list(value):
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
            decision = find_choice(Decision, match["decision"])
            if decision is None:
                raise CellError(
                    _('ukendt afgørelse "%(text)s"; brug en af: %(words)s')
                    % {"text": match["decision"].strip(), "words": choice_words(Decision)}
                )
        if any(reference == other for other, _decision in items):
            raise CellError(_('"%(reference)s" står to gange') % {"reference": reference})
        items.append((reference, decision))
    return items


# --- Resultater: "indikator: [udgangspunkt → ]værdi [enhed]; …" ---------------------------------------------------


@dataclass(frozen=True)
class ResultValues:
    indicator: str
    baseline: Decimal | None = None
    value: Decimal | None = None
    unit: str = ""

    def key(self):
        return (self.indicator, self.baseline, self.value, self.unit)


_NUMBER = r"[-−]?\d+(?:[.,]\d+)*"
# What follows the colon of "indikator: [udgangspunkt → ]værdi [enhed]", up to the unit. Tried at each colon in
# turn; it reads only the spaces and digits right after its colon, so a whole cell is read in linear time (a single
# pattern with a lazy indicator, ".+?\s*:", was quadratic in runs of spaces).
_MEASURE = re.compile(rf"\s*(?:(?P<baseline>{_NUMBER})\s*(?:→|->)\s*)?(?P<value>{_NUMBER}|[–-])(?=\s|\Z)")


def format_result(result: Result) -> str:
    """One Resultater item: "indikator: [udgangspunkt → ]værdi [enhed]", or the indicator alone when unmeasured."""
    if result.value is None and result.baseline is None and not result.unit:
        return result.indicator
    measure = format_number(result.value)
    if result.baseline is not None:
        measure = f"{format_number(result.baseline)} → {measure}"
    if result.unit:
        measure = f"{measure} {result.unit}"
    return f"{result.indicator}: {measure}"


def format_results(results) -> str:
    return join_list(format_result(result) for result in results)


def parse_result(item: str) -> ResultValues:
    """ "Indikator: 30 → 45 procent", "Indikator: 42 borgere" or just "Indikator"."""
    item = item.strip()
    values = ResultValues(item)
    colon = item.find(":", 1)
    while colon != -1:
        if match := _MEASURE.match(item, colon + 1):
            values = ResultValues(
                item[:colon].strip(),
                parse_decimal(match["baseline"]) if match["baseline"] else None,
                parse_decimal(match["value"]),
                item[match.end() :].strip(),
            )
            break
        colon = item.find(":", colon + 1)
    if len(values.indicator) > MAX_TEXT:
        raise CellError(_("en indikator må højst være %(max)s tegn lang") % {"max": MAX_TEXT})
    if len(values.unit) > 60:
        raise CellError(_('enheden "%(unit)s" er længere end 60 tegn') % {"unit": values.unit})
    return values


def parse_results(value) -> list[ResultValues]:
    return [parse_result(item) for item in split_list(value)]


# --- Læring: "Overskrift: tekst" sections, learnings separated by a line "---" -----------------------------------

_LEARNING_HEADINGS = {fold_heading(str(heading)): name for name, heading in Learning.SECTIONS}
_LEARNING_HEADING_LINE = re.compile(r"\s*([^:\n]{1,40}?)\s*:(?:[ \t]*)(.*)")


def format_learning(learning: Learning) -> str:
    """One learning as "Overskrift: tekst" lines, one section after the other, empty sections left out."""
    return "\n".join(f"{heading}: {text.strip()}" for heading, text in learning.sections() if text.strip())


def format_learnings(learnings) -> str:
    blocks = [format_learning(learning) for learning in learnings]
    return f"\n{LEARNING_SEPARATOR}\n".join(block for block in blocks if block)


def parse_learnings(value) -> list[dict[str, str]]:
    """Læring: blocks separated by a line "---", each with "Overskrift: tekst" sections (Metode, Effekt, …)."""
    learnings = []
    for block in re.split(rf"\n\s*{re.escape(LEARNING_SEPARATOR)}\s*(?:\n|$)", "\n" + clean_text(cell_text(value))):
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
    """The sections of a stored learning as `parse_learnings` reads them, to compare the two."""
    return {name: clean_text(getattr(learning, name)) for name in LEARNING_FIELDS}


# --- Tags --------------------------------------------------------------------------------------------------------


def parse_tags(value) -> list[str]:
    names = []
    for name in split_list(value):
        if len(name) > 100:
            raise CellError(_('emneordet "%(name)s" er over 100 tegn') % {"name": name})
        if name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names


def _sorted_names(items) -> str:
    return join_list(sorted((item.name for item in items), key=str.casefold))


# --- the columns -------------------------------------------------------------------------------------------------


def municipality_name(experiment: ExperimentPage) -> str:
    """The owner municipality's name, as looked up by `experiments.exporting.experiments_for_export`."""
    municipality = getattr(experiment, "export_municipality", None)
    return municipality.title if municipality else ""


@dataclass(frozen=True)
class Column:
    """One column of the file: its key, its Danish heading, how an experiment's value is written and how a cell is
    read. `required` columns must be in every file that is imported."""

    key: str
    heading: str
    write: Callable[[ExperimentPage], object]
    read: Callable[[object], object]
    required: bool = False


COLUMNS = (
    Column("id", "Id", lambda e: e.pk, read_page_id),
    Column("municipality", "Kommune", municipality_name, required_text, required=True),
    Column("title", "Titel", lambda e: e.title, required_text, required=True),
    Column("summary", "Resumé", lambda e: e.summary, required_text, required=True),
    Column("status", "Status", lambda e: e.get_status_display() if e.status else "", parse_status, required=True),
    Column("status_date", "Statusdato", lambda e: e.status_date, parse_date),
    Column("start", "Startdato", lambda e: e.start, parse_date),
    Column("end", "Slutdato", lambda e: e.end, parse_date),
    Column("target_groups", "Målgrupper", lambda e: _sorted_names(e.target_groups.all()), split_list),
    Column("service_areas", "Fagområder", lambda e: _sorted_names(e.service_areas.all()), split_list),
    Column(
        "provisions",
        "Paragraffer",
        lambda e: join_list(format_exemption(request) for request in e.exemption_requests.all()),
        parse_exemptions,
    ),
    Column(
        "partners",
        "Partnerkommuner",
        lambda e: join_list(partner.municipality.title for partner in e.partners.all()),
        split_list,
    ),
    Column("citizens_count", "Antal borgere", lambda e: e.citizens_count, parse_count),
    Column("contact_name", "Kontaktperson", lambda e: e.contact_name, read_contact_name),
    Column("contact_email", "Kontakt e-mail", lambda e: e.contact_email, read_email),
    Column("results", "Resultater", lambda e: format_results(e.results.all()), parse_results),
    Column("learnings", "Læring", lambda e: format_learnings(e.learnings.all()), parse_learnings),
    Column("tags", "Tags", lambda e: _sorted_names(item.tag for item in e.tagged_items.all()), parse_tags),
    Column("visibility", "Synlighed", lambda e: format_visibility(e.visibility), parse_visibility),
    # Last, so that the columns of files written before it keep their places.
    Column("local_id", "Kommunens id", lambda e: e.local_id, read_local_id),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}


def experiment_prefetches() -> list:
    """What the columns read of an experiment, each relation in the order the file lists it.

    Rows added outside a form may have no sort_order, so the primary key breaks ties: the importer compares lists in
    this same order, and a file exported and imported again must compare equal.
    """
    from experiments.models import PartnerMunicipality

    return [
        "target_groups",
        "service_areas",
        "status_events",
        Prefetch("results", queryset=Result.objects.order_by("sort_order", "pk")),
        Prefetch("learnings", queryset=Learning.objects.order_by("sort_order", "pk")),
        Prefetch(
            "partners", queryset=PartnerMunicipality.objects.select_related("municipality").order_by("sort_order", "pk")
        ),
        Prefetch(
            "exemption_requests",
            queryset=ExemptionRequest.objects.select_related("provision__law").order_by("sort_order", "pk"),
        ),
    ]
