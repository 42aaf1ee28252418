"""A row of a file read into an `ExperimentRow`: every cell read by its column, every name looked up.

Each cell is read as `experiments.spreadsheet_format` defines its column; the names of municipalities are then
looked up in the registry (without regard to case, accents or the spelling of æ, ø and å), and target groups and
service areas are read as `experiments.importing.vocabulary` explains: the registry's words, the municipality's
confirmed mappings, or a clear match. A word that needs confirming becomes a `MappingToConfirm` as well as a
problem. A cell that cannot be read becomes a Problem naming its row and column, and a row with any problem is left
out, so that every problem of every row is reported at once.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.text import ascii_fold
from experiments.importing.problems import MappingToConfirm, Problem
from experiments.importing.reading import SourceRow
from experiments.importing.vocabulary import Vocabulary
from experiments.models import ServiceArea, TargetGroup, VocabularyKind, VocabularyMapping
from experiments.models.importing import fold_term
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
    local_id: str = ""
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
    # The file's own words for target groups and service areas that the registry calls otherwise, by column key:
    # kept on the experiment (in target_group_description) so that nothing the file said is lost.
    own_words: dict[str, list[str]] = field(default_factory=dict)

    def own_word_lines(self, keys=("target_groups", "service_areas")) -> list[str]:
        labels = {"target_groups": _("Målgruppe i kommunens ord"), "service_areas": _("Fagområde i kommunens ord")}
        return [f"{labels[key]}: {word}" for key in keys if key in self.present for word in self.own_words.get(key, [])]


class Lookup:
    """The vocabularies and municipalities rows refer to, each fetched once, by folded name."""

    def __init__(self, *, only=None):
        # With `only`, the rows of any other municipality are problems (the admin imports for one at a time).
        self.only = only
        self.municipalities = {}
        for municipality in MunicipalityPage.objects.all():
            for name in (municipality.title, municipality.slug, municipality.municipality_code):
                self.municipalities[ascii_fold(name)] = municipality
        self.municipality_by_path = {m.path: m for m in self.municipalities.values()}
        mappings = list(VocabularyMapping.objects.all())
        self.vocabularies = {
            "target_groups": Vocabulary(VocabularyKind.TARGET_GROUP, TargetGroup.objects.all(), mappings),
            "service_areas": Vocabulary(VocabularyKind.SERVICE_AREA, ServiceArea.objects.all(), mappings),
        }
        # (municipality pk, kind, folded word) → the mapping to confirm, with every row that uses the word.
        self.mappings_to_confirm: dict[tuple, MappingToConfirm] = {}

    def municipality(self, text: str) -> MunicipalityPage:
        municipality = self.municipalities.get(ascii_fold(text))
        if municipality is None:
            names = ", ".join(sorted({m.title for m in self.municipalities.values()}))
            raise CellError(_('ukendt kommune "%(text)s"; kendte kommuner: %(names)s') % {"text": text, "names": names})
        return municipality


VOCABULARY_WORDS = {"target_groups": _("målgruppe"), "service_areas": _("fagområde")}


def _vocabulary_items(key: str, names: list[str], row: int, municipality, lookup: Lookup, own_words: dict) -> list:
    """The registry items `names` stand for; the words it calls otherwise go to `own_words[key]`."""
    vocabulary = lookup.vocabularies[key]
    items, unknown = [], []
    for name in names:
        reading = vocabulary.read(name, municipality.pk if municipality else None)
        if reading.item is None:
            unknown.append((name, reading.candidates))
            continue
        if not reading.exact:
            own_words.setdefault(key, []).append(name)
        if reading.item not in items:
            items.append(reading.item)
    if unknown:
        messages = []
        for name, candidates in unknown:
            if municipality is not None:
                mapping = lookup.mappings_to_confirm.setdefault(
                    (municipality.pk, vocabulary.kind, fold_term(name)),
                    MappingToConfirm(vocabulary.kind, municipality, name, candidates),
                )
                mapping.rows.append(row)
            suggestion = "; ".join(candidate.name for candidate in candidates)
            messages.append(
                _('ukendt %(what)s "%(name)s"; bekræft, hvad det svarer til i registret (forslag: %(candidates)s)')
                % {"what": VOCABULARY_WORDS[key], "name": name, "candidates": suggestion}
                if suggestion
                else _('ukendt %(what)s "%(name)s"') % {"what": VOCABULARY_WORDS[key], "name": name}
            )
        raise CellError("; ".join(messages))
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
    if lookup.only is not None and municipality is not None and municipality.pk != lookup.only.pk:
        problems.append(
            Problem(
                _("forsøget hører til %(other)s; her importeres kun forsøg for %(municipality)s")
                % {"other": municipality.title, "municipality": lookup.only.title},
                source.number,
                COLUMN_BY_KEY["municipality"].heading,
            )
        )
        return None
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

    own_words: dict[str, list[str]] = {}

    def vocabulary(key):
        return lambda names: _vocabulary_items(key, names, source.number, municipality, lookup, own_words)

    row = ExperimentRow(
        number=source.number,
        present=present,
        municipality=municipality,
        title=title or "",
        page_id=read("id"),
        local_id=read("local_id") or "",
        summary=summary or "",
        status=read("status") or "",
        status_date=read("status_date"),
        start=read("start"),
        end=read("end"),
        target_groups=read("target_groups", vocabulary("target_groups")) or [],
        service_areas=read("service_areas", vocabulary("service_areas")) or [],
        exemptions=read("provisions") or [],
        partners=read("partners", partners) or [],
        citizens_count=read("citizens_count"),
        contact_name=read("contact_name") or "",
        contact_email=read("contact_email") or "",
        results=read("results") or [],
        learnings=read("learnings") or [],
        tags=read("tags") or [],
        visibility=read("visibility"),
        own_words=own_words,
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
