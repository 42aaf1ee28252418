"""What is wrong with a file, named by row and column as a spreadsheet program shows them."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Problem:
    """One thing wrong: "række N, kolonne X: …", with N the row number a spreadsheet shows (the headings are row 1)."""

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
