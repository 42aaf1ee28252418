"""What is wrong with a file, named by row and column as a spreadsheet program shows them."""

from collections.abc import Iterable
from dataclasses import dataclass, field

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


@dataclass
class MappingToConfirm:
    """A municipality's own word for a target group or service area that the registry cannot read by itself.

    `candidates` are the closest registry items (at most three, closest first); `rows` the rows that use the word.
    Once the municipality confirms what it stands for (a `VocabularyMapping`), its next files are read with it.
    """

    kind: str
    municipality: object
    text: str
    candidates: tuple = ()
    rows: list[int] = field(default_factory=list)


class ImportRejected(Exception):
    """The file or some rows are wrong; nothing was written. `problems` says what, one Problem each, and
    `mappings` lists the words that the municipality must confirm before the rows that use them can be read."""

    def __init__(self, problems: Iterable[Problem], mappings: Iterable[MappingToConfirm] = ()):
        self.problems = list(problems)
        self.mappings = list(mappings)
        super().__init__("\n".join(str(problem) for problem in self.problems))
