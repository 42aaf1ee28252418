"""Experiments as a spreadsheet: the selector and the CSV and XLSX writers.

The columns, and how each value is written, are those of `experiments.spreadsheet_format`, which the importer reads
with, so that a file exported here reads back through `experiments.importing` unchanged. The XLSX workbook has a
second sheet with one row per exemption request, for reading only.
"""

import csv
import datetime
import io

from wagtail.models import Page

from core.text import xml_text
from core.visibility import visible_pages
from experiments.models import ExperimentPage
from experiments.spreadsheet_format import (
    COLUMNS,
    EXPERIMENT_SHEET,
    FORMULA_STARTS,
    experiment_prefetches,
    municipality_name,
)
from municipalities.models import MunicipalityPage

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
EXEMPTION_SHEET = "Paragraffritagelser"


# --- the selector ------------------------------------------------------------------------------------------------


def experiments_for_export(user, experiment_filter=None) -> list[ExperimentPage]:
    """Every live experiment `user` may read, with everything the columns show, ordered by municipality and title.

    `experiment_filter` (an experiments.filters.ExperimentFilter) narrows them as the API's filters do.

    Network-only experiments are included only for network readers (see core.visibility). The number of
    queries does not depend on the number of experiments: each relation is one prefetch, and the owner municipality
    is looked up by tree path among the municipalities fetched once.
    """
    experiments = visible_pages(ExperimentPage.objects.all(), user)
    if experiment_filter is not None:
        experiments = experiment_filter.apply(experiments)
    experiments = experiments.prefetch_related(*experiment_prefetches(), "tagged_items__tag")
    municipalities = {municipality.path: municipality for municipality in MunicipalityPage.objects.all()}
    rows = []
    for experiment in experiments:
        experiment.export_municipality = municipalities.get(experiment.path[: -Page.steplen])
        rows.append(experiment)
    rows.sort(key=lambda e: (municipality_name(e).casefold(), e.title.casefold(), e.pk))
    return rows


# --- rows --------------------------------------------------------------------------------------------------------


def experiment_row(experiment: ExperimentPage) -> dict[str, object]:
    """The values of one experiment keyed by column key; dates stay dates and numbers stay numbers."""
    return {column.key: column.write(experiment) for column in COLUMNS}


def exemption_rows(experiment: ExperimentPage):
    for request in experiment.exemption_requests.all():
        yield [
            experiment.pk,
            municipality_name(experiment),
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
        if isinstance(value, str):
            value = xml_text(value)  # a pasted control character would make the whole workbook fail
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
