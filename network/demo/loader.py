"""Read and check the demo data files (experiments.toml, articles.toml) into typed, validated specs.

Everything is checked before anything is written: a missing, unknown or mistyped key, an unknown choice, municipality,
target group or law reference, or a link to an experiment that is not in the data raises DemoDataError naming the
file and the entry. The files sit next to this module, so they are found wherever the project runs from.
"""

from __future__ import annotations

import dataclasses
import datetime
import tomllib
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import models

from core.visibility import Visibility
from experiments.catalogue import SERVICE_AREAS, TARGET_GROUPS
from experiments.models import (
    Decision,
    Evaluation,
    EvidenceRating,
    ExperimentStatus,
    LegalBasis,
)
from experiments.models.choices import choice_by_label
from experiments.references import ReferenceError, parse_reference
from knowledge.models import ArticleKind
from municipalities.network import MUNICIPALITIES

DATA_DIR = Path(__file__).resolve().parent
EXPERIMENTS_FILE = DATA_DIR / "experiments.toml"
ARTICLES_FILE = DATA_DIR / "articles.toml"

# The summary of every experiment and article that is not documented in public sources starts with this marker.
DEMO_MARKER = "Demodata: "


class DemoDataError(ValueError):
    """A demo data file does not say what the loader needs; the message names the file and the entry."""


def choice(choices: type[models.TextChoices], *, default: str | None = None):
    """A dataclass field whose data is a choice's Danish label (or key), stored as the choice's value; required
    unless it has a default."""
    if default is None:
        return field(metadata={"choices": choices})
    return field(default=default, metadata={"choices": choices})


def catalogue(names: tuple[str, ...]):
    """A dataclass field whose items must be names from the catalogue (experiments/catalogue.py)."""
    return field(default=(), metadata={"catalogue": names})


@dataclass(frozen=True, kw_only=True)
class Section:
    """A heading and a paragraph of an experiment's content or an article's body."""

    heading: str
    text: str


@dataclass(frozen=True, kw_only=True)
class DemoExemption:
    reference: str
    decision: str = choice(Decision)
    basis: str = choice(LegalBasis, default="")
    application_round: int | None = None
    # Follows from the round (application_rounds in experiments.toml) unless given.
    applied_on: datetime.date | None = None
    decided_on: datetime.date | None = None
    ministry_reference: str = ""
    # Follows from the basis (legal_instruments in experiments.toml) unless given.
    legal_instrument: str = ""
    barrier: str = ""


@dataclass(frozen=True, kw_only=True)
class DemoEvent:
    status: str = choice(ExperimentStatus)
    date: datetime.date
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class DemoPartner:
    municipality: str
    local_status: str = choice(ExperimentStatus)


@dataclass(frozen=True, kw_only=True)
class DemoResult:
    indicator: str
    baseline: Decimal | None = None
    value: Decimal | None = None
    unit: str
    measured_on: datetime.date | None = None
    source: str
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class DemoLearning:
    """Målgruppe – Metode – Implementering – Effekt – Økonomi, and what worked, as on the Learning model."""

    target_group: str = ""
    method: str = ""
    implementation: str = ""
    effect: str = ""
    economy: str = ""
    what_worked: str = ""
    what_did_not_work: str = ""
    preconditions: str = ""
    legislation_recommendation: str = ""


@dataclass(frozen=True, kw_only=True)
class DemoEvaluation:
    kind: str = choice(Evaluation.Kind)
    evaluator: str
    design: str
    completed_on: datetime.date
    summary: str


@dataclass(frozen=True, kw_only=True)
class DemoExperiment:
    municipality: str
    slug: str
    title: str
    summary: str
    tags: tuple[str, ...]
    events: tuple[DemoEvent, ...]
    # True for the experiments whose facts come from public sources; the others are demo data and say so.
    documented: bool = False
    planned_start: datetime.date | None = None
    planned_end: datetime.date | None = None
    actual_start: datetime.date | None = None
    actual_end: datetime.date | None = None
    council_decision_date: datetime.date | None = None
    challenge: str = ""
    purpose: str = ""
    content: tuple[Section, ...] = ()
    target_groups: tuple[str, ...] = catalogue(TARGET_GROUPS)
    target_group_description: str = ""
    service_areas: tuple[str, ...] = catalogue(SERVICE_AREAS)
    citizens_count: int | None = None
    contact_name: str = ""
    exemptions: tuple[DemoExemption, ...] = ()
    partners: tuple[DemoPartner, ...] = ()
    results: tuple[DemoResult, ...] = ()
    learnings: tuple[DemoLearning, ...] = ()
    evaluations: tuple[DemoEvaluation, ...] = ()
    evidence_rating: str = choice(EvidenceRating, default=EvidenceRating.NOT_RATED)
    # "<municipality>/<slug>" of an experiment earlier in the file
    builds_on: str = ""
    visibility: str = choice(Visibility, default=Visibility.PUBLIC)

    @property
    def path(self) -> str:
        return f"{self.municipality}/{self.slug}"


@dataclass(frozen=True, kw_only=True)
class DemoDocument:
    """A plain-text document attached to an article; its text becomes the file."""

    title: str
    filename: str
    text: str
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class DemoArticle:
    slug: str
    kind: str = choice(ArticleKind)
    title: str
    summary: str
    tags: tuple[str, ...]
    # True for articles that state only what public sources say; the others are demo data and say so.
    documented: bool = False
    body: tuple[Section, ...] = ()
    # a municipality's slug, or "" for the whole network
    author: str = ""
    # "<municipality>/<slug>" of experiments in experiments.toml
    experiments: tuple[str, ...] = ()
    provisions: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = catalogue(TARGET_GROUPS)
    documents: tuple[DemoDocument, ...] = ()
    visibility: str = choice(Visibility, default=Visibility.PUBLIC)


def read_experiments(path: Path | None = None) -> tuple[DemoExperiment, ...]:
    """The experiments of `path` (experiments.toml) in file order, checked; raises DemoDataError naming the file
    and the entry."""
    path = path or EXPERIMENTS_FILE
    data = _load(path)
    rounds, instruments = _rules(data, path.name)
    shared = data.pop("shared", {})
    if not isinstance(shared, dict) or not all(isinstance(posts, dict) for posts in shared.values()):
        raise DemoDataError(f"{path.name}: »shared« skal skrives som [shared.<liste>.<navn>]-tabeller")
    entries = data.pop("experiment", [])
    _no_unknown(data, path.name, ("application_rounds", "legal_instruments"))
    experiments: list[DemoExperiment] = []
    seen: set[str] = set()
    municipalities = {facts.slug for facts in MUNICIPALITIES}
    for number, entry in enumerate(_tables(entries, path.name, "experiment"), start=1):
        where = f"{path.name}: forsøg {number} ({entry.get('municipality', '?')}/{entry.get('slug', '?')})"
        spec = _record(DemoExperiment, _with_shared(entry, shared, where), where)
        if spec.municipality not in municipalities:
            raise DemoDataError(f"{where}: ukendt kommune »{spec.municipality}«")
        if spec.path in seen:
            raise DemoDataError(f"{where}: forsøget findes allerede tidligere i filen")
        if spec.builds_on and spec.builds_on not in seen:
            raise DemoDataError(f"{where}: builds_on »{spec.builds_on}« er ikke et forsøg tidligere i filen")
        for partner in spec.partners:
            if partner.municipality not in municipalities:
                raise DemoDataError(f"{where}: ukendt partnerkommune »{partner.municipality}«")
        _check_marker(spec.documented, spec.summary, where)
        exemptions = []
        for exemption in spec.exemptions:
            _check_reference(exemption.reference, where)
            if exemption.application_round is not None and exemption.application_round not in rounds:
                raise DemoDataError(f"{where}: ukendt ansøgningsrunde {exemption.application_round}")
            exemptions.append(
                dataclasses.replace(
                    exemption,
                    applied_on=exemption.applied_on or rounds.get(exemption.application_round),
                    legal_instrument=exemption.legal_instrument or instruments.get(exemption.basis, ""),
                )
            )
        seen.add(spec.path)
        experiments.append(dataclasses.replace(spec, exemptions=tuple(exemptions)))
    return tuple(experiments)


def read_articles(
    path: Path | None = None, *, experiments: tuple[DemoExperiment, ...] | None = None
) -> tuple[DemoArticle, ...]:
    """The articles of `path` (articles.toml) in file order, checked; their experiment links must name
    `experiments` (those of experiments.toml unless given)."""
    path = path or ARTICLES_FILE
    if experiments is None:
        experiments = read_experiments()
    known = {spec.path for spec in experiments}
    municipalities = {facts.slug for facts in MUNICIPALITIES}
    data = _load(path)
    entries = data.pop("article", [])
    _no_unknown(data, path.name, ())
    articles: list[DemoArticle] = []
    seen: set[str] = set()
    for number, entry in enumerate(_tables(entries, path.name, "article"), start=1):
        where = f"{path.name}: artikel {number} ({entry.get('slug', '?')})"
        spec = _record(DemoArticle, entry, where)
        if spec.slug in seen:
            raise DemoDataError(f"{where}: artiklen findes allerede tidligere i filen")
        if spec.author and spec.author not in municipalities:
            raise DemoDataError(f"{where}: ukendt kommune »{spec.author}«")
        for link in spec.experiments:
            if link not in known:
                raise DemoDataError(f"{where}: forsøget »{link}« findes ikke i demodataene")
        for reference in spec.provisions:
            _check_reference(reference, where)
        _check_marker(spec.documented, spec.summary, where)
        seen.add(spec.slug)
        articles.append(spec)
    return tuple(articles)


def _load(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise DemoDataError(f"{path.name}: kan ikke læses som TOML: {error}") from error


def _rules(data: dict, filename: str) -> tuple[dict[int, datetime.date], dict[str, str]]:
    """The dates of the application rounds and the legal instrument of each basis."""
    rounds = {}
    for key, when in data.get("application_rounds", {}).items():
        if not key.isdigit() or type(when) is not datetime.date:
            raise DemoDataError(f"{filename}: application_rounds: »{key}« skal være et rundenummer med en dato")
        rounds[int(key)] = when
    instruments = {}
    for label, instrument in data.get("legal_instruments", {}).items():
        basis = choice_by_label(LegalBasis, label)
        if basis is None or not isinstance(instrument, str):
            raise DemoDataError(f"{filename}: legal_instruments: »{label}« er ikke et retsgrundlag med en tekst")
        instruments[str(basis)] = instrument
    return rounds, instruments


def _tables(entries, filename: str, name: str) -> list[dict]:
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise DemoDataError(f"{filename}: »{name}« skal skrives som [[{name}]]-tabeller")
    return entries


def _with_shared(entry: dict, shared: dict, where: str) -> dict:
    """`entry` with each child record that says `shared = "<name>"` filled in from [shared.<list>.<name>]."""
    entry = dict(entry)
    for key, items in entry.items():
        if not isinstance(items, list):
            continue
        filled = []
        for number, item in enumerate(items, start=1):
            if isinstance(item, dict) and "shared" in item:
                name = item["shared"]
                template = shared.get(key, {}).get(name) if isinstance(name, str) else None
                if template is None:
                    raise DemoDataError(f"{where}, {key} {number}: ukendt fælles post »{name}« (shared.{key})")
                item = {**template, **{k: v for k, v in item.items() if k != "shared"}}
            filled.append(item)
        entry[key] = filled
    return entry


def _no_unknown(data: dict, filename: str, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise DemoDataError(f"{filename}: ukendt nøgle »{unknown[0]}« øverst i filen")


def _record(cls, table: dict, where: str):
    """An instance of the dataclass `cls` from `table`, every key known, present when required, and of its type."""
    if not isinstance(table, dict):
        raise DemoDataError(f"{where}: skal være en tabel")
    fields = {spec.name: spec for spec in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    unknown = sorted(set(table) - set(fields))
    if unknown:
        raise DemoDataError(f"{where}: ukendt nøgle »{unknown[0]}«")
    values = {}
    for name, spec in fields.items():
        if name not in table:
            if spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
                raise DemoDataError(f"{where}: mangler nøglen »{name}«")
            continue
        value = _value(table[name], hints[name], f"{where}, {name}")
        if "choices" in spec.metadata:
            found = choice_by_label(spec.metadata["choices"], value)
            if found is None:
                raise DemoDataError(f"{where}: ukendt værdi »{value}« for »{name}«")
            value = str(found)
        if "catalogue" in spec.metadata:
            for item in value:
                if item not in spec.metadata["catalogue"]:
                    raise DemoDataError(f"{where}: »{item}« i »{name}« findes ikke i kataloget")
        values[name] = value
    return cls(**values)


def _value(value, hint, where: str):
    """`value` as read from TOML, checked against the type `hint` and converted (lists to tuples, Decimal)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    if typing.get_origin(hint) is tuple:
        if not isinstance(value, list):
            raise DemoDataError(f"{where}: skal være en liste")
        item_hint = typing.get_args(hint)[0]
        return tuple(_value(item, item_hint, f"{where} {number}") for number, item in enumerate(value, start=1))
    if dataclasses.is_dataclass(hint):
        return _record(hint, value, where)
    if hint is Decimal:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise DemoDataError(f"{where}: skal være et tal")
        return Decimal(str(value))
    expected = {str: "en tekst", bool: "true eller false", int: "et heltal", datetime.date: "en dato"}[hint]
    # type() rather than isinstance: a bool is not a count, and a date-time is not a date.
    if type(value) is not hint:
        raise DemoDataError(f"{where}: skal være {expected}")
    return value


def _check_marker(documented: bool, summary: str, where: str) -> None:
    if not documented and not summary.startswith(DEMO_MARKER):
        raise DemoDataError(f"{where}: resuméet skal begynde med »{DEMO_MARKER.strip()}«, når det ikke er dokumenteret")
    if documented and summary.startswith(DEMO_MARKER.strip()):
        raise DemoDataError(f"{where}: er markeret som dokumenteret, men resuméet begynder med »Demodata«")


def _check_reference(reference: str, where: str) -> None:
    try:
        parse_reference(reference)
    except ReferenceError as error:
        raise DemoDataError(f"{where}: kan ikke læse paragraffen »{reference}«: {error}") from error
