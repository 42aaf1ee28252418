"""A row of a file read into an `ExperimentRow`: every cell read by its column, every name looked up.

Each cell is read as `experiments.spreadsheet_format` defines its column; the names of municipalities, target groups
and service areas are then looked up in the registry (without regard to case, accents or the spelling of æ, ø
and å). A cell that cannot be read becomes a Problem naming its row and column, and a row with any problem is left
out, so that every problem of every row is reported at once.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.text import ascii_fold
from experiments.importing.problems import Problem
from experiments.importing.reading import SourceRow
from experiments.models import ServiceArea, TargetGroup
from experiments.references import LegalReference
from experiments.spreadsheet_format import COLUMN_BY_KEY, MAX_TEXT, CellError, ResultValues
from municipalities.models import MunicipalityPage


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


class Lookup:
    """The vocabularies and municipalities rows refer to, each fetched once, by folded name."""

    def __init__(self):
        self.municipalities = {}
        for municipality in MunicipalityPage.objects.all():
            for name in (municipality.title, municipality.slug, municipality.municipality_code):
                self.municipalities[ascii_fold(name)] = municipality
        self.municipality_by_path = {m.path: m for m in self.municipalities.values()}
        self.target_groups = self._vocabulary(TargetGroup)
        self.service_areas = self._vocabulary(ServiceArea)

    @staticmethod
    def _vocabulary(model):
        found = {}
        for item in model.objects.all():
            found[ascii_fold(item.name)] = item
            found[ascii_fold(item.slug)] = item
        return found

    def municipality(self, text: str) -> MunicipalityPage:
        municipality = self.municipalities.get(ascii_fold(text))
        if municipality is None:
            names = ", ".join(sorted({m.title for m in self.municipalities.values()}))
            raise CellError(_('ukendt kommune "%(text)s"; kendte kommuner: %(names)s') % {"text": text, "names": names})
        return municipality


def _vocabulary_items(names: list[str], found: dict, what: str) -> list:
    items = []
    for name in names:
        item = found.get(ascii_fold(name))
        if item is None:
            raise CellError(_('ukendt %(what)s "%(name)s"') % {"what": what, "name": name})
        if item not in items:
            items.append(item)
    return items


def read_row(source: SourceRow, present: frozenset[str], lookup: Lookup, problems: list[Problem]):
    """The row as an ExperimentRow, or None with its problems added to `problems`."""
    before = len(problems)

    def read(key, then=None):
        try:
            value = COLUMN_BY_KEY[key].read(source.cells.get(key, ""))
            return then(value) if then else value
        except CellError as error:
            problems.append(Problem(str(error), source.number, COLUMN_BY_KEY[key].heading))
            return None

    municipality = read("municipality", lookup.municipality)
    title = read("title")
    if title and len(title) > MAX_TEXT:
        problems.append(
            Problem(_("titlen er over %(max)s tegn") % {"max": MAX_TEXT}, source.number, COLUMN_BY_KEY["title"].heading)
        )
    summary = read("summary")

    def partners(names):
        found = []
        for name in names:
            partner = lookup.municipality(name)
            if municipality is not None and partner.pk == municipality.pk:
                raise CellError(_("%(name)s ejer forsøget og kan ikke også være partner") % {"name": partner.title})
            if partner not in found:
                found.append(partner)
        return found

    row = ExperimentRow(
        number=source.number,
        present=present,
        municipality=municipality,
        title=title or "",
        page_id=read("id"),
        summary=summary or "",
        status=read("status") or "",
        status_date=read("status_date"),
        start=read("start"),
        end=read("end"),
        target_groups=read(
            "target_groups", lambda names: _vocabulary_items(names, lookup.target_groups, _("målgruppe"))
        )
        or [],
        service_areas=read(
            "service_areas", lambda names: _vocabulary_items(names, lookup.service_areas, _("fagområde"))
        )
        or [],
        exemptions=read("provisions") or [],
        partners=read("partners", partners) or [],
        citizens_count=read("citizens_count"),
        contact_name=read("contact_name") or "",
        contact_email=read("contact_email") or "",
        results=read("results") or [],
        learnings=read("learnings") or [],
        tags=read("tags") or [],
        visibility=read("visibility"),
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
