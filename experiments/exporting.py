"""Experiments as a spreadsheet: the columns shared with the importer, the selector and the CSV and XLSX writers.

The file format is Danish by definition (docs/import-format.md), so the column headings are constants rather than
translated strings: a file written here must read back through `experiments.importing` whatever the site's language.
List cells are joined with "; ", dates are ISO dates, and Resultater and Læring are written in the small text
formats the importer reads (`format_results`, `format_learnings`).
"""

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from wagtail.models import Page

from core.visibility import Visibility, visible_pages
from experiments.models import ExemptionRequest, ExperimentPage, Learning, Result
from municipalities.models import MunicipalityPage


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    required: bool = False


COLUMNS = (
    Column("id", "Id"),
    Column("municipality", "Kommune", required=True),
    Column("title", "Titel", required=True),
    Column("summary", "Resumé", required=True),
    Column("status", "Status", required=True),
    Column("status_date", "Statusdato"),
    Column("start", "Startdato"),
    Column("end", "Slutdato"),
    Column("target_groups", "Målgrupper"),
    Column("service_areas", "Fagområder"),
    Column("provisions", "Paragraffer"),
    Column("partners", "Partnerkommuner"),
    Column("citizens_count", "Antal borgere"),
    Column("contact_name", "Kontaktperson"),
    Column("contact_email", "Kontakt e-mail"),
    Column("results", "Resultater"),
    Column("learnings", "Læring"),
    Column("tags", "Tags"),
    Column("visibility", "Synlighed"),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}

EXEMPTION_COLUMNS = (
    "Forsøgs-id",
    "Kommune",
    "Titel",
    "Bestemmelse",
    "Lov",
    "Afgørelse",
    "Afgørelsesdato",
    "Hjemmel",
    "Ansøgningsrunde",
    "Journalnummer",
)

EXPERIMENT_SHEET = "Forsøg"
EXEMPTION_SHEET = "Paragraffritagelser"

LIST_SEPARATOR = "; "
LEARNING_SEPARATOR = "---"
VISIBILITY_WORDS = {Visibility.PUBLIC: "offentlig", Visibility.NETWORK: "netværk"}


# --- the text formats of the free-text cells -------------------------------------------------------------------


def format_number(value: Decimal | None) -> str:
    """A decimal as Danish spreadsheets write it: "12,5", "100", "-3"; "–" for no value."""
    if value is None:
        return "–"
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


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
    return LIST_SEPARATOR.join(format_result(result) for result in results)


def format_learning(learning: Learning) -> str:
    """One learning as "Overskrift: tekst" lines, one section after the other, empty sections left out."""
    return "\n".join(f"{heading}: {text.strip()}" for heading, text in learning.sections() if text.strip())


def format_learnings(learnings) -> str:
    blocks = [format_learning(learning) for learning in learnings]
    return f"\n{LEARNING_SEPARATOR}\n".join(block for block in blocks if block)


def format_exemption(request: ExemptionRequest) -> str:
    return f"{request.provision.reference_text} ({request.get_decision_display()})"


# --- the selector ------------------------------------------------------------------------------------------------


def experiments_for_export(user) -> list[ExperimentPage]:
    """Every live experiment `user` may read, with everything the columns show, ordered by municipality and title.

    Network-only experiments are included only for network readers (see core.visibility). The number of
    queries does not depend on the number of experiments: each relation is one prefetch, and the owner municipality
    is looked up by tree path among the municipalities fetched once.
    """
    experiments = visible_pages(ExperimentPage.objects.all(), user).prefetch_related(
        *experiment_prefetches(), "tagged_items__tag"
    )
    municipalities = {municipality.path: municipality for municipality in MunicipalityPage.objects.all()}
    rows = []
    for experiment in experiments:
        experiment.export_municipality = municipalities.get(experiment.path[: -Page.steplen])
        rows.append(experiment)
    rows.sort(key=lambda e: (_municipality_name(e).casefold(), e.title.casefold(), e.pk))
    return rows


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


def _municipality_name(experiment) -> str:
    municipality = getattr(experiment, "export_municipality", None)
    return municipality.title if municipality else ""


# --- rows --------------------------------------------------------------------------------------------------------


def experiment_row(experiment: ExperimentPage) -> dict[str, object]:
    """The values of one experiment keyed by column key; dates stay dates and numbers stay numbers."""
    tags = sorted((item.tag.name for item in experiment.tagged_items.all()), key=str.casefold)
    return {
        "id": experiment.pk,
        "municipality": _municipality_name(experiment),
        "title": experiment.title,
        "summary": experiment.summary,
        "status": experiment.get_status_display() if experiment.status else "",
        "status_date": experiment.status_date,
        "start": experiment.start,
        "end": experiment.end,
        "target_groups": LIST_SEPARATOR.join(
            sorted((g.name for g in experiment.target_groups.all()), key=str.casefold)
        ),
        "service_areas": LIST_SEPARATOR.join(
            sorted((a.name for a in experiment.service_areas.all()), key=str.casefold)
        ),
        "provisions": LIST_SEPARATOR.join(format_exemption(request) for request in experiment.exemption_requests.all()),
        "partners": LIST_SEPARATOR.join(partner.municipality.title for partner in experiment.partners.all()),
        "citizens_count": experiment.citizens_count,
        "contact_name": experiment.contact_name,
        "contact_email": experiment.contact_email,
        "results": format_results(experiment.results.all()),
        "learnings": format_learnings(experiment.learnings.all()),
        "tags": LIST_SEPARATOR.join(tags),
        "visibility": VISIBILITY_WORDS.get(experiment.visibility, experiment.visibility),
    }


def exemption_rows(experiment: ExperimentPage):
    for request in experiment.exemption_requests.all():
        yield [
            experiment.pk,
            _municipality_name(experiment),
            experiment.title,
            request.provision.reference_text,
            str(request.provision.law),
            request.get_decision_display(),
            request.decided_on,
            request.get_basis_display() if request.basis else "",
            request.get_application_round_display() if request.application_round else "",
            request.ministry_reference,
        ]


# --- writers -----------------------------------------------------------------------------------------------------

# A cell starting with one of these is taken for a formula by spreadsheet programs (CSV injection); the importer
# removes the apostrophe put before it.
FORMULA_STARTS = ("=", "+", "-", "@")


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def write_csv(experiments) -> bytes:
    """UTF-8 with a BOM and ";" between cells, which is what Danish Excel opens without asking."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(column.heading for column in COLUMNS)
    for experiment in experiments:
        row = experiment_row(experiment)
        writer.writerow(_csv_value(row[column.key]) for column in COLUMNS)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_row(worksheet, values):
    from openpyxl.cell import WriteOnlyCell

    for value in values:
        cell = WriteOnlyCell(worksheet, value)
        if cell.data_type == "f":
            # Text that looks like a formula stays text, as in Wagtail's SpreadsheetExportMixin.
            cell.data_type = "s"
        if isinstance(value, datetime.date):
            cell.number_format = "yyyy-mm-dd"
        yield cell


def write_xlsx(experiments) -> bytes:
    """A workbook with the experiments on the first sheet and one row per exemption request on the second."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(EXPERIMENT_SHEET)
    sheet.append([column.heading for column in COLUMNS])
    for experiment in experiments:
        row = experiment_row(experiment)
        sheet.append(list(_xlsx_row(sheet, [row[column.key] for column in COLUMNS])))

    exemptions = workbook.create_sheet(EXEMPTION_SHEET)
    exemptions.append(list(EXEMPTION_COLUMNS))
    for experiment in experiments:
        for values in exemption_rows(experiment):
            exemptions.append(list(_xlsx_row(exemptions, values)))

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
