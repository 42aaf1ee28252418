"""Experiments from a spreadsheet (CSV or XLSX): reading the file, checking every row, then writing them as pages.

The format is described in docs/import-format.md and defined, column by column, in
`experiments.spreadsheet_format`, which `experiments.exporting` writes with, so that a file exported from the site
reads back without changes. `read_rows()` turns the bytes of a file into rows; `experiment_import()` checks all
rows before it writes anything and then creates or updates each experiment as a revision of its page, in one
transaction. Every problem is reported as "række N, kolonne X: …" with N the row number a spreadsheet program
shows (the headings are row 1).

A column that is missing from the file leaves that field of existing experiments alone; a column that is present
but empty clears it (except Synlighed, which an empty cell never changes).

The steps, one module each: `reading` (a file into rows of cells), `rows` (a row into a checked ExperimentRow),
`plan` (rows matched to experiments: new, changed or unchanged) and `apply` (the atomic write); `vocabulary` reads a
municipality's own words for target groups and service areas.
"""

from experiments.importing.apply import ImportReport, Outcome, experiment_import
from experiments.importing.plan import Plan, Preview, check_rows, plan_import
from experiments.importing.problems import ImportRejected, MappingToConfirm, Problem
from experiments.importing.reading import Table, read_rows
from experiments.spreadsheet_format import CellError, parse_learnings, parse_result

__all__ = [
    "CellError",
    "ImportRejected",
    "ImportReport",
    "MappingToConfirm",
    "Outcome",
    "Plan",
    "Preview",
    "Problem",
    "Table",
    "check_rows",
    "experiment_import",
    "parse_learnings",
    "parse_result",
    "plan_import",
    "read_rows",
]
