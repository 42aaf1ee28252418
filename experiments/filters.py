"""What the list filters mean, defined once for search, `/forsoeg/`, the API, the exports and `/fremdrift/`.

- **kommune**: the experiments a municipality owns *or* takes part in as a partner. A municipality's list is the
  work it is part of; the owner alone is one column of each record.
- **år**: an experiment runs in the years its period covers, from its start to its end, each the actual date
  where known and otherwise the planned one. Without an end it runs on until this year; with only an end it is
  placed in that year; with neither it is placed in no year.

The search index stores each experiment's years and municipalities as computed here (`years_running`,
`municipality_slugs`), and the querysets below filter the database by the same rules, so every surface answers
alike. `ExperimentFilter.from_params` reads the query parameters the API and the exports share.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import plain_number
from experiments.models import ExemptionRequest, ExperimentPage, ExperimentStatus, Provision, ServiceArea, TargetGroup
from experiments.models.choices import choice_by_label
from experiments.references import ReferenceError, find_law, parse_reference
from municipalities.models import MunicipalityPage

FIRST_YEAR, LAST_YEAR = 1990, 2100


# --- the rules, for one experiment (what the search index stores) ------------------------------------------------


def years_running(start: datetime.date | None, end: datetime.date | None, *, today: datetime.date | None = None):
    """The calendar years an experiment with this period runs in (see the module docstring), in order."""
    if start is None and end is None:
        return []
    if start is None:
        return [end.year]
    if end is None:
        this_year = (today or timezone.localdate()).year
        return list(range(start.year, max(start.year, this_year) + 1))
    return list(range(start.year, max(start.year, end.year) + 1))


def municipality_slugs(page: ExperimentPage) -> list[str]:
    """The owner's slug, then the partners' (the `kommune` filter matches any of them)."""
    owner = page.municipality
    partners = [partner.municipality.slug for partner in page.partners.all()]
    return list(dict.fromkeys(([owner.slug] if owner else []) + partners))


# --- the same rules as querysets ----------------------------------------------------------------------------------


def owned_or_joined_by(municipalities) -> Q:
    """Experiments that any of `municipalities` owns (the page is below it) or takes part in as a partner."""
    condition = Q(pk__in=[])
    for municipality in municipalities:
        condition |= Q(path__startswith=municipality.path)
    ids = [municipality.pk for municipality in municipalities]
    partnered = ExperimentPage.objects.filter(partners__municipality__in=ids).values("pk")
    return condition | Q(pk__in=partnered)


def running_between(experiments: QuerySet, first_year: int | None, last_year: int | None) -> QuerySet:
    """The experiments of `experiments` that run in at least one year from `first_year` to `last_year`.

    The SQL twin of `years_running`: an experiment's years go from its first day (start, else end) to its last
    (end, else the end of this year, never before the first day).
    """
    if first_year is None and last_year is None:
        return experiments
    start, end = Coalesce("actual_start", "planned_start"), Coalesce("actual_end", "planned_end")
    end_of_this_year = Value(datetime.date(timezone.localdate().year, 12, 31))
    experiments = experiments.annotate(period_first=Coalesce(start, end))
    experiments = experiments.annotate(period_last=Greatest("period_first", Coalesce(end, end_of_this_year)))
    # An experiment with neither date has no first day, so neither comparison holds and it is left out.
    if last_year is not None:
        experiments = experiments.filter(period_first__lte=datetime.date(last_year, 12, 31))
    if first_year is not None:
        experiments = experiments.filter(period_first__isnull=False, period_last__gte=datetime.date(first_year, 1, 1))
    return experiments


# --- the query parameters of the API and the exports ----------------------------------------------------------------

PARAMETERS = {
    "kommune": _(
        "Kommunens kortnavn (fx helsingor) eller kommunekode (fx 217): forsøg, som kommunen ejer eller deltager i "
        "som partner."
    ),
    "status": _("Status, som nøgle (fx started) eller som ord (fx igangsat)."),
    "maalgruppe": _("Målgruppens kortnavn."),
    "fagomraade": _("Fagområdets kortnavn."),
    "lov": _("Lov, som forkortelse eller navn (fx SEL, LAB, serviceloven): forsøg, der har søgt fritagelse fra den."),
    "paragraf": _(
        "Bestemmelse, som dansk henvisning (fx SEL § 140 eller LAB § 40, stk. 1) eller id: forsøg, der har søgt "
        "fritagelse fra den, en del af den eller den samme bestemmelse under et tidligere eller senere nummer "
        "(LAB § 30 a blev til § 40, stk. 2 og § 44)."
    ),
    "aar": _(
        "År, fx 2018: forsøg, der kører i året: perioden (faktiske datoer, ellers planlagte) omfatter året; uden "
        "slutdato kører forsøget til i år."
    ),
    "tag": _("Emneord."),
}


class FilterError(Exception):
    """Query parameters that name nothing: {parameter: [Danish messages]}."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(errors)


def _unknown(name: str, values) -> FilterError:
    return FilterError({name: [_("Ukendt værdi: %(values)s") % {"values": ", ".join(sorted(values))}]})


@dataclass
class ExperimentFilter:
    """The filters of one request; within one filter values are alternatives, across filters all must hold."""

    municipalities: list[MunicipalityPage] = field(default_factory=list)
    statuses: set[str] = field(default_factory=set)
    target_groups: list[int] = field(default_factory=list)
    service_areas: list[int] = field(default_factory=list)
    law_keys: set[str] = field(default_factory=set)
    provisions: Q | None = None
    years: list[int] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    @classmethod
    def from_params(cls, params) -> "ExperimentFilter":
        """Read a QueryDict (repeated or comma-separated values); raise FilterError naming what is unknown."""
        values = {name: _values(params, name) for name in PARAMETERS}
        chosen = cls()
        if slugs := values["kommune"]:
            found = list(MunicipalityPage.objects.filter(Q(slug__in=slugs) | Q(municipality_code__in=slugs)))
            known = {m.slug for m in found} | {m.municipality_code for m in found}
            if unknown := set(slugs) - known:
                raise _unknown("kommune", unknown)
            chosen.municipalities = found
        if statuses := values["status"]:
            by_value = {value: choice_by_label(ExperimentStatus, value) for value in statuses}
            if unknown := {value for value, status in by_value.items() if status is None}:
                raise _unknown("status", unknown)
            chosen.statuses = set(by_value.values())
        for name, model, attribute in (
            ("maalgruppe", TargetGroup, "target_groups"),
            ("fagomraade", ServiceArea, "service_areas"),
        ):
            if slugs := values[name]:
                found = dict(model.objects.filter(slug__in=slugs).values_list("slug", "pk"))
                if unknown := set(slugs) - set(found):
                    raise _unknown(name, unknown)
                setattr(chosen, attribute, list(found.values()))
        if names := values["lov"]:
            laws = {name: find_law(name) for name in names}
            if unknown := {name for name, law in laws.items() if law is None}:
                raise _unknown("lov", unknown)
            chosen.law_keys = {law.key for law in laws.values()}
        if references := values["paragraf"]:
            chosen.provisions = _provisions(references)
        for text in values["aar"]:
            if not (plain_number(text, max_digits=9) and FIRST_YEAR <= int(text) <= LAST_YEAR):
                raise FilterError({"aar": [_("Skriv et årstal mellem 1990 og 2100, fx 2018.")]})
            chosen.years.append(int(text))
        chosen.tags = values["tag"]
        return chosen

    def apply(self, experiments: QuerySet[ExperimentPage]) -> QuerySet[ExperimentPage]:
        if self.municipalities:
            experiments = experiments.filter(owned_or_joined_by(self.municipalities))
        if self.statuses:
            experiments = experiments.filter(status__in=self.statuses)
        if self.target_groups:
            experiments = experiments.filter(pk__in=_having(target_groups__in=self.target_groups))
        if self.service_areas:
            experiments = experiments.filter(pk__in=_having(service_areas__in=self.service_areas))
        if self.law_keys:
            requests = ExemptionRequest.objects.filter(provision__law__key__in=self.law_keys)
            experiments = experiments.filter(pk__in=requests.values("experiment_id"))
        if self.provisions is not None:
            # The old and the new number of a renumbered provision are one: "LAB § 40, stk. 2" finds "LAB § 30 a".
            family = Provision.objects.filter(self.provisions).with_renumbered()
            requests = ExemptionRequest.objects.filter(provision__in=family)
            experiments = experiments.filter(pk__in=requests.values("experiment_id"))
        if self.years:
            any_year = Q(pk__in=[])
            for year in self.years:
                any_year |= Q(pk__in=running_between(ExperimentPage.objects.all(), year, year).values("pk"))
            experiments = experiments.filter(any_year)
        if self.tags:
            any_tag = Q()
            for tag in self.tags:
                any_tag |= Q(tags__slug=tag) | Q(tags__name__iexact=tag)
            experiments = experiments.filter(pk__in=ExperimentPage.objects.filter(any_tag).values("pk"))
        return experiments


# A comma separates values, except the comma of a reference before its stk. or nr. ("LAB § 40, stk. 1").
_SEPARATOR = re.compile(r",(?!\s*(?:stk|nr|litra)\b)", re.IGNORECASE)


def _values(params, name: str) -> list[str]:
    """Every non-empty value of a repeated or comma-separated query parameter (at most 20, each at most 200 long).

    Control characters are refused: PostgreSQL cannot compare text holding NUL, and no name or number has them.
    """
    values = []
    for raw in params.getlist(name):
        values.extend(part.strip() for part in _SEPARATOR.split(raw) if part.strip())
    if any(len(value) > 200 or any(ord(ch) < 32 or ch == "\x7f" for ch in value) for value in values):
        raise FilterError({name: [_("Værdien er for lang eller indeholder ugyldige tegn.")]})
    if len(values) > 20:
        raise FilterError({name: [_("Højst 20 værdier.")]})
    return values


def _having(**relation) -> QuerySet:
    return ExperimentPage.objects.filter(**relation).values("pk")


def _provisions(references: list[str]) -> Q:
    from experiments.selectors import provisions_matching

    provisions = Q()
    for text in references:
        if plain_number(text, max_digits=9):
            provisions |= Q(pk=int(text))
            continue
        try:
            reference = parse_reference(text)
        except ReferenceError as error:
            raise FilterError({"paragraf": [str(error)]}) from error
        provisions |= Q(pk__in=provisions_matching(reference).values("pk"))
    return provisions
