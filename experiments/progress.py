"""The ministry's view of progress across the network: selectors behind `/fremdrift/`.

Every selector takes the experiments the reader may see, already filtered (`filtered_experiments`), and answers
with one query whatever the number of experiments; the tables they return are what the page shows, and each
table carries the same numbers as the chart drawn from it.
"""

import datetime
import json
from dataclasses import dataclass, field

from django import forms
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils.translation import gettext_lazy as _

from experiments.filters import owned_or_joined_by, running_between
from experiments.models import Decision, Evaluation, ExemptionRequest, ExperimentPage, ExperimentStatus, Result
from experiments.models.choices import FINISHED_STATUSES
from experiments.models.taxonomy import TargetGroup
from experiments.selectors import (
    decision_counts,
    municipalities_by_path,
    municipality_path,
    visible_experiments,
    with_municipality,
)
from municipalities.models import MunicipalityPage

ATTENTION_LIMIT = 200
STALE_AFTER_MONTHS = 6
NO_STATUS_LABEL = _("uden status")


class Interval:
    YEAR = "aar"
    QUARTER = "kvartal"
    CHOICES = ((YEAR, _("År")), (QUARTER, _("Kvartal")))


class ProgressFilterForm(forms.Form):
    """The GET form above the dashboard; every field is optional."""

    kommune = forms.ModelChoiceField(
        label=_("Kommune"),
        queryset=MunicipalityPage.objects.live().order_by("title"),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle kommuner"),
        help_text=_("Forsøg, kommunen ejer eller deltager i som partner."),
        error_messages={"invalid_choice": _("Kommunen findes ikke i netværket.")},
    )
    fra = forms.IntegerField(
        label=_("Fra år"),
        required=False,
        min_value=1990,
        max_value=2100,
        error_messages={"invalid": _("Skriv et årstal, fx 2018.")},
    )
    til = forms.IntegerField(
        label=_("Til år"),
        required=False,
        min_value=1990,
        max_value=2100,
        error_messages={"invalid": _("Skriv et årstal, fx 2021.")},
    )
    maalgruppe = forms.ModelChoiceField(
        label=_("Målgruppe"),
        queryset=TargetGroup.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle målgrupper"),
        error_messages={"invalid_choice": _("Målgruppen findes ikke.")},
    )
    interval = forms.ChoiceField(
        label=_("Udvikling pr."),
        choices=Interval.CHOICES,
        required=False,
        error_messages={"invalid_choice": _("Vælg år eller kvartal.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, form_field in self.fields.items():
            css = "form-select" if isinstance(form_field.widget, forms.Select) else "form-input input-width-xs"
            form_field.widget.attrs["class"] = css
            if form_field.help_text:
                form_field.widget.attrs["aria-describedby"] = f"id_{name}-hint"

    def full_clean(self):
        super().full_clean()
        # Screen readers announce the message with the field it belongs to.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                described_by = " ".join(filter(None, [attrs.get("aria-describedby"), f"id_{name}-error"]))
                attrs.update({"aria-invalid": "true", "aria-describedby": described_by})

    def clean(self):
        data = super().clean()
        if data.get("fra") and data.get("til") and data["fra"] > data["til"]:
            self.add_error("til", _("Perioden slutter, før den begynder."))
        return data


@dataclass(frozen=True)
class ProgressFilter:
    municipality: MunicipalityPage | None = None
    from_year: int | None = None
    to_year: int | None = None
    target_group: TargetGroup | None = None
    interval: str = Interval.YEAR

    @classmethod
    def from_form(cls, form: ProgressFilterForm) -> "ProgressFilter":
        """The filter of a valid form; an invalid form filters nothing (its errors are shown instead)."""
        if not form.is_valid():
            return cls()
        data = form.cleaned_data
        return cls(
            municipality=data.get("kommune"),
            from_year=data.get("fra"),
            to_year=data.get("til"),
            target_group=data.get("maalgruppe"),
            interval=data.get("interval") or Interval.YEAR,
        )


@dataclass
class TableRow:
    label: str
    values: list[int]
    total: int
    url: str = ""
    key: str = ""


@dataclass
class Table:
    """A table of counts: rows × columns, with totals; `chart` gives the same numbers to a chart."""

    slug: str
    caption: str
    row_heading: str
    columns: list[str]
    rows: list[TableRow] = field(default_factory=list)
    chart_type: str = "bar"
    # Totals across rows add up counts of different things in a history of snapshots, so such tables have none.
    show_totals: bool = True

    @property
    def labelled_rows(self) -> list[tuple[TableRow, list[tuple[int, str]]]]:
        """Each row with its values paired with their column's heading, which a phone shows beside each value."""
        return [(row, list(zip(row.values, self.columns, strict=True))) for row in self.rows]

    @property
    def total_cells(self) -> list[tuple[int, str]]:
        return list(zip(self.column_totals, self.columns, strict=True))

    @property
    def column_totals(self) -> list[int]:
        return [sum(row.values[i] for row in self.rows) for i in range(len(self.columns))]

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)

    @property
    def chart_json(self) -> str:
        return json.dumps(self.chart)

    @property
    def chart(self) -> dict:
        return {
            "type": self.chart_type,
            "labels": [row.label for row in self.rows],
            "datasets": [
                {"label": column, "data": [row.values[i] for row in self.rows]} for i, column in enumerate(self.columns)
            ],
        }


def filtered_experiments(user, progress_filter: ProgressFilter) -> QuerySet[ExperimentPage]:
    """The experiments `user` may read that match the filter, by the rules of experiments.filters.

    A municipality's experiments are those it owns or takes part in as partner; an experiment belongs to a period
    of years when it runs in one of them (actual dates, else planned ones; an open end runs on to this year).
    """
    experiments = visible_experiments(user)
    f = progress_filter
    if f.municipality is not None:
        experiments = experiments.filter(owned_or_joined_by([f.municipality]))
    if f.target_group is not None:
        experiments = experiments.filter(target_groups=f.target_group)
    return running_between(experiments, f.from_year, f.to_year)


def _ids(experiments: QuerySet[ExperimentPage]) -> QuerySet:
    return experiments.order_by().values("pk")


def key_figures(experiments: QuerySet[ExperimentPage]) -> dict:
    """Experiments, their owner municipalities, citizens reached, and exemption requests per decision."""
    figures = experiments.order_by().aggregate(
        experiments=Count("pk", distinct=True),
        municipalities=Count(municipality_path(), distinct=True),
        citizens=Coalesce(Sum("citizens_count"), 0),
    )
    figures.update(ExemptionRequest.objects.filter(experiment__in=_ids(experiments)).aggregate(**decision_counts()))
    figures["granted"] = figures[f"decision_{Decision.GRANTED}"]
    figures["partly_granted"] = figures[f"decision_{Decision.PARTLY_GRANTED}"]
    return figures


def _status_label(status: str) -> str:
    return str(ExperimentStatus(status).label) if status else str(NO_STATUS_LABEL)


def _status_columns(statuses: set[str]) -> list[str]:
    """The statuses that occur, in the programme's order, with "no status" last."""
    ordered = [value for value in ExperimentStatus.values if value in statuses]
    return ordered + ([""] if "" in statuses else [])


def status_by_municipality(experiments: QuerySet[ExperimentPage], municipalities: dict | None = None) -> Table:
    """Experiments per owner municipality and current status."""
    counts = (
        experiments.order_by()
        .annotate(municipality=municipality_path())
        .values("municipality", "status")
        .annotate(n=Count("pk", distinct=True))
    )
    municipalities = municipalities if municipalities is not None else municipalities_by_path()
    by_path: dict[str, dict[str, int]] = {}
    for row in counts:
        by_path.setdefault(row["municipality"], {})[row["status"]] = row["n"]
    statuses = _status_columns({status for cells in by_path.values() for status in cells})
    table = Table(
        slug="status-by-municipality",
        caption=str(_("Forsøg pr. kommune og status")),
        row_heading=str(_("Kommune")),
        columns=[_status_label(status) for status in statuses],
    )
    for path, municipality in municipalities.items():
        if path in by_path:
            cells = by_path[path]
            values = [cells.get(status, 0) for status in statuses]
            table.rows.append(
                TableRow(municipality.title, values, sum(values), municipality.url or "", municipality.slug)
            )
    table.chart_type = "stacked-bar"
    return table


def exemptions_by_law(experiments: QuerySet[ExperimentPage]) -> Table:
    """Exemption requests per law (all versions of a law together) and decision."""
    rows = (
        ExemptionRequest.objects.filter(experiment__in=_ids(experiments))
        .values("provision__law__key")
        .annotate(label=Max("provision__law__abbreviation"), **decision_counts())
        .order_by("provision__law__key")
    )
    table = Table(
        slug="exemptions-by-law",
        caption=str(_("Paragraffritagelser pr. lov og afgørelse")),
        row_heading=str(_("Lov")),
        columns=[str(decision.label) for decision in Decision],
        chart_type="stacked-bar",
    )
    for row in rows:
        values = [row[f"decision_{decision.value}"] for decision in Decision]
        table.rows.append(TableRow(row["label"], values, row["requests"], key=row["provision__law__key"]))
    return table


_HISTORY_SQL = """
WITH events AS (
    SELECT event.experiment_id, event.status, event.date,
           LEAD(event.date) OVER (
               PARTITION BY event.experiment_id ORDER BY event.date, event.sort_order, event.id
           ) AS next_date
    FROM experiments_statusevent AS event
    WHERE event.experiment_id IN ({experiments})
),
periods AS (
    SELECT generate_series(
        date_trunc(%s, COALESCE(%s::date, (SELECT min(date) FROM events))),
        date_trunc(%s, COALESCE(%s::date, (SELECT max(date) FROM events))),
        %s::interval
    )::date AS start
)
SELECT periods.start, events.status, count(DISTINCT events.experiment_id)
FROM periods
JOIN events
  ON events.date < periods.start + %s::interval
 AND (events.next_date IS NULL OR events.next_date >= periods.start + %s::interval)
GROUP BY periods.start, events.status
ORDER BY periods.start
"""


def status_history(experiments: QuerySet[ExperimentPage], progress_filter: ProgressFilter) -> Table:
    """How many experiments were in each status at the end of each year or quarter, from the status events.

    An experiment's status at a moment is that of its latest event on or before it, so the table shows the
    network as it stood then, not as it stands now.
    """
    quarterly = progress_filter.interval == Interval.QUARTER
    unit, step = ("quarter", "3 months") if quarterly else ("year", "1 year")
    first = datetime.date(progress_filter.from_year, 1, 1) if progress_filter.from_year else None
    last = datetime.date(progress_filter.to_year, 12, 31) if progress_filter.to_year else None
    subquery, subquery_params = _ids(experiments).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            _HISTORY_SQL.format(experiments=subquery),
            [*subquery_params, unit, first, unit, last, step, step, step],
        )
        counts = cursor.fetchall()
    by_period: dict[datetime.date, dict[str, int]] = {}
    for start, status, n in counts:
        by_period.setdefault(start, {})[status] = n
    statuses = _status_columns({status for cells in by_period.values() for status in cells})
    table = Table(
        slug="status-history",
        show_totals=False,
        caption=str(
            _("Forsøg pr. status ved udgangen af hvert kvartal")
            if quarterly
            else _("Forsøg pr. status ved udgangen af hvert år")
        ),
        row_heading=str(_("Kvartal") if quarterly else _("År")),
        columns=[_status_label(status) for status in statuses],
        chart_type="line",
    )
    for start, cells in by_period.items():
        if quarterly:
            label = _("%(quarter)s. kvt. %(year)s") % {"quarter": (start.month - 1) // 3 + 1, "year": start.year}
        else:
            label = str(start.year)
        values = [cells.get(status, 0) for status in statuses]
        table.rows.append(TableRow(label, values, sum(values)))
    return table


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months earlier (the month's last day where it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in range(day.day, 0, -1):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class AttentionList:
    experiments: list
    total: int
    stale_since: datetime.date

    @property
    def truncated(self) -> bool:
        return self.total > len(self.experiments)


def needs_attention(
    experiments: QuerySet[ExperimentPage], *, today: datetime.date, limit: int = ATTENTION_LIMIT
) -> AttentionList:
    """Experiments the ministry should ask about, the longest silent first.

    - period ended without results or evaluation: the end date (actual, else planned) has passed and the experiment
      has neither a result nor an evaluation (experiments that never started are left out);
    - no update for six months: a running experiment (not in a finished status) whose last publication and latest
      status date are both older than six months.
    Each experiment carries `ended_without_results` and `stale` saying which applies; `total` counts them all.
    """
    stale_since = months_before(today, STALE_AFTER_MONTHS)
    ended = Q(period_end__lt=today, has_results=False, has_evaluation=False) & ~Q(status=ExperimentStatus.NOT_STARTED)
    stale = ~Q(status__in=FINISHED_STATUSES) & (Q(last_update__lt=stale_since) | Q(last_update__isnull=True))
    flagged = (
        with_municipality(experiments)
        .annotate(
            period_end=Coalesce("actual_end", "planned_end"),
            has_results=Exists(Result.objects.filter(experiment=OuterRef("pk"))),
            has_evaluation=Exists(Evaluation.objects.filter(experiment=OuterRef("pk"))),
            last_update=Greatest(TruncDate(Coalesce("last_published_at", "first_published_at")), "status_date"),
        )
        .filter(ended | stale)
        .annotate(
            ended_without_results=ExpressionWrapper(ended, output_field=BooleanField()),
            stale=ExpressionWrapper(stale, output_field=BooleanField()),
            total=Window(Count("pk")),
        )
        .order_by(
            Coalesce("last_update", "period_end").asc(nulls_first=True),
            "title",
        )
    )
    rows = list(flagged[:limit])
    return AttentionList(experiments=rows, total=rows[0].total if rows else 0, stale_since=stale_since)


def progress(user, progress_filter: ProgressFilter, *, today: datetime.date) -> dict:
    """Everything `/fremdrift/` shows, for `user` and the filter: a constant number of queries."""
    experiments = filtered_experiments(user, progress_filter)
    municipalities = municipalities_by_path()
    return {
        "figures": key_figures(experiments),
        "tables": [
            status_by_municipality(experiments, municipalities),
            exemptions_by_law(experiments),
            status_history(experiments, progress_filter),
        ],
        "attention": needs_attention(experiments, today=today),
    }
