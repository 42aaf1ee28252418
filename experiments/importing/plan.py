"""Matching checked rows to the experiments they are about and deciding what happens to each.

A row names its experiment by Id, or else by its municipality and title (folded, so "Én plan" matches "en plan").
Each row is then compared with the latest revision of its experiment: a new experiment is created, one whose
values differ is updated (the plan names the columns that changed), and one that already says what the row says
is left alone. Nothing is written here.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from wagtail.models import Page

from core.text import ascii_fold
from experiments.importing.problems import ImportRejected, Problem
from experiments.importing.reading import Table
from experiments.importing.rows import ExperimentRow, Lookup, read_row
from experiments.models import ExperimentPage, Provision
from experiments.spreadsheet_format import (
    COLUMN_BY_KEY,
    ResultValues,
    clean_text,
    experiment_prefetches,
    learning_values,
)


def status_change(page: ExperimentPage | None, row: ExperimentRow, today: datetime.date):
    """The (status, date) event to add, or None when the experiment's timeline already says so."""
    if not row.status:
        return None
    events = [event for event in page.status_events.all() if event.date] if page else []
    latest = max(events, key=lambda e: (e.date, e.sort_order or 0), default=None)
    if latest and latest.status == row.status and (row.status_date is None or row.status_date == latest.date):
        return None
    date = row.status_date or today
    if any(event.status == row.status and event.date == date for event in events):
        return None
    return (row.status, date)


class _Known:
    """Provisions and tags by primary key, fetched once, so comparing a row costs no query of its own."""

    def __init__(self):
        from taggit.models import Tag

        self.references = {p.pk: p.reference for p in Provision.objects.select_related("law")}
        self.tags = dict(Tag.objects.values_list("pk", "name"))


def _changes(page: ExperimentPage, row: ExperimentRow, today: datetime.date, known: _Known) -> list[str]:
    """The column keys whose values in `row` differ from `page` (its latest revision)."""
    present = row.present
    comparisons = {
        "title": lambda: page.title == row.title,
        "summary": lambda: clean_text(page.summary) == row.summary,
        "status": lambda: status_change(page, row, today) is None,
        "start": lambda: page.start == row.start,
        "end": lambda: page.end == row.end,
        "target_groups": lambda: {g.pk for g in page.target_groups.all()} == {g.pk for g in row.target_groups},
        "service_areas": lambda: {a.pk for a in page.service_areas.all()} == {a.pk for a in row.service_areas},
        "provisions": lambda: (
            [(known.references.get(r.provision_id), r.decision) for r in page.exemption_requests.all()]
            == row.exemptions
        ),
        "partners": lambda: [p.municipality_id for p in page.partners.all()] == [m.pk for m in row.partners],
        "citizens_count": lambda: page.citizens_count == row.citizens_count,
        "contact_name": lambda: page.contact_name == row.contact_name,
        "contact_email": lambda: page.contact_email == row.contact_email,
        "results": lambda: (
            [ResultValues(r.indicator, r.baseline, r.value, r.unit).key() for r in page.results.all()]
            == [values.key() for values in row.results]
        ),
        "learnings": lambda: (
            [v for v in map(learning_values, page.learnings.all()) if any(v.values())] == row.learnings
        ),
        "tags": lambda: {known.tags.get(item.tag_id) for item in page.tagged_items.all()} == set(row.tags),
        "visibility": lambda: row.visibility is None or page.visibility == row.visibility,
    }
    return [key for key, same in comparisons.items() if (key in present or key == "title") and not same()]


@dataclass
class Plan:
    """What happens to one checked row."""

    row: ExperimentRow
    action: str  # "create", "update" or "unchanged"
    changed: tuple[str, ...] = ()


def _existing_experiments(lookup: Lookup):
    """(pk → (municipality, page data)) and ((municipality pk, folded title) → [pk]) of every experiment."""
    by_id = {}
    by_title = {}
    for pk, path, title, draft_title in ExperimentPage.objects.values_list("pk", "path", "title", "draft_title"):
        municipality = lookup.municipality_by_path.get(path[: -Page.steplen])
        by_id[pk] = municipality
        if municipality is None:
            continue
        for name in {ascii_fold(title), ascii_fold(draft_title or title)}:
            by_title.setdefault((municipality.pk, name), []).append(pk)
    return by_id, by_title


def _current_pages(ids) -> dict[int, ExperimentPage]:
    """The latest revision of each experiment in `ids`, to compare rows with.

    A page without unpublished changes is its own latest revision, and its relations come in one query each. A
    draft is read from its revision's content without checking every foreign key (`check_fks=False`): the
    comparison reads only the keys (`provision_id`, `tag_id`), so it costs two queries for the many-to-many fields.
    """
    pages = (
        ExperimentPage.objects.filter(pk__in=ids)
        .select_related("latest_revision")
        .prefetch_related(*experiment_prefetches(), "tagged_items")
    )
    current = {}
    for page in pages:
        if page.has_unpublished_changes and page.latest_revision:
            draft = ExperimentPage.from_serializable_data(page.latest_revision.content, check_fks=False)
            draft.pk = page.pk
            current[page.pk] = draft
        else:
            current[page.pk] = page
    return current


def _check_permissions(plans: list[Plan], user, publish: bool, problems: list[Problem]) -> None:
    if user is None or user.is_superuser:
        return
    testers = {}
    for plan in plans:
        if plan.action == "unchanged":
            continue
        municipality = plan.row.municipality
        tester = testers.setdefault(municipality.pk, municipality.permissions_for_user(user))
        allowed = tester.can_add_subpage() if plan.action == "create" else tester.can_edit()
        if publish:
            allowed = allowed and tester.can_publish_subpage()
        if not allowed:
            message = (
                _("%(user)s må ikke udgive forsøg i %(municipality)s")
                if publish
                else _("%(user)s må ikke oprette eller redigere forsøg i %(municipality)s")
            )
            problems.append(
                Problem(
                    message % {"user": user.get_username(), "municipality": municipality.title},
                    plan.row.number,
                    COLUMN_BY_KEY["municipality"].heading,
                )
            )


def check_rows(table: Table, *, user=None, publish: bool = False, today: datetime.date | None = None) -> list[Plan]:
    """Read and look up every row and decide what happens to it; raise ImportRejected listing every problem."""
    today = today or datetime.date.today()
    present = frozenset(table.columns)
    lookup = Lookup()
    problems: list[Problem] = []
    rows = [row for source in table.rows if (row := read_row(source, present, lookup, problems))]

    by_id, by_title = _existing_experiments(lookup)
    seen: dict[object, int] = {}
    targets: list[tuple[ExperimentRow, int | None]] = []
    for row in rows:
        target = row.page_id
        id_heading = COLUMN_BY_KEY["id"].heading
        if target is not None:
            if target not in by_id:
                problems.append(
                    Problem(_("der er intet forsøg med id %(id)s") % {"id": target}, row.number, id_heading)
                )
                continue
            owner = by_id[target]
            if owner is not None and owner.pk != row.municipality.pk:
                problems.append(
                    Problem(
                        _("forsøget med id %(id)s hører til %(owner)s, ikke %(municipality)s")
                        % {"id": target, "owner": owner.title, "municipality": row.municipality.title},
                        row.number,
                        COLUMN_BY_KEY["municipality"].heading,
                    )
                )
                continue
        else:
            matches = by_title.get((row.municipality.pk, ascii_fold(row.title)), [])
            if len(set(matches)) > 1:
                problems.append(
                    Problem(
                        _("%(municipality)s har flere forsøg med denne titel; angiv forsøgets id i kolonnen Id")
                        % {"municipality": row.municipality.title},
                        row.number,
                        COLUMN_BY_KEY["title"].heading,
                    )
                )
                continue
            target = matches[0] if matches else None
        key = target if target is not None else ("new", row.municipality.pk, ascii_fold(row.title))
        if key in seen:
            problems.append(
                Problem(
                    _("samme forsøg som i række %(row)s") % {"row": seen[key]},
                    row.number,
                    id_heading if row.page_id is not None else COLUMN_BY_KEY["title"].heading,
                )
            )
            continue
        seen[key] = row.number
        row.page_id = target
        targets.append((row, target))

    current = _current_pages([target for _row, target in targets if target is not None])
    known = _Known()
    plans = []
    for row, target in targets:
        if target is None:
            if not row.status:
                problems.append(Problem(_("skal udfyldes"), row.number, COLUMN_BY_KEY["status"].heading))
                continue
            plans.append(Plan(row, "create"))
            continue
        page = current[target]
        start = row.start if "start" in row.present else page.start
        end = row.end if "end" in row.present else page.end
        if start and end and end < start:
            problems.append(
                Problem(
                    _("slutdatoen %(end)s ligger før startdatoen %(start)s") % {"end": end, "start": start},
                    row.number,
                    COLUMN_BY_KEY["end" if "end" in row.present else "start"].heading,
                )
            )
            continue
        changed = _changes(page, row, today, known)
        plans.append(Plan(row, "update" if changed else "unchanged", tuple(changed)))

    _check_permissions(plans, user, publish, problems)
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: p.row or 0))
    return plans
