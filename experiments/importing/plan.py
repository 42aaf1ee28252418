"""Matching checked rows to the experiments they are about and deciding what happens to each.

A row names its experiment by Id, or else by its municipality's own id (Kommunens id), or else by its
municipality and title (folded, so "Én plan" matches "en plan").
Each row is then compared with the latest revision of its experiment: a new experiment is created, one whose
values differ is updated (the plan names the columns that changed), and one that already says what the row says
is left alone. Nothing is written here.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _
from wagtail.models import Page

from core.text import ascii_fold
from experiments.importing.problems import ImportRejected, MappingToConfirm, Problem
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
        "local_id": lambda: page.local_id == row.local_id,
        "summary": lambda: clean_text(page.summary) == row.summary,
        "status": lambda: status_change(page, row, today) is None,
        "start": lambda: page.start == row.start,
        "end": lambda: page.end == row.end,
        "target_groups": lambda: (
            {g.pk for g in page.target_groups.all()} == {g.pk for g in row.target_groups}
            and not missing_own_words(page, row, ("target_groups",))
        ),
        "service_areas": lambda: (
            {a.pk for a in page.service_areas.all()} == {a.pk for a in row.service_areas}
            and not missing_own_words(page, row, ("service_areas",))
        ),
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


def missing_own_words(page: ExperimentPage, row: ExperimentRow, keys=("target_groups", "service_areas")) -> list:
    """The lines of the row's own words that the experiment's target_group_description does not have yet."""
    have = set(clean_text(page.target_group_description).split("\n"))
    return [line for line in row.own_word_lines(keys) if line not in have]


@dataclass
class Plan:
    """What happens to one checked row."""

    row: ExperimentRow
    action: str  # "create", "update" or "unchanged"
    changed: tuple[str, ...] = ()


@dataclass
class Preview:
    """What an import would do: a plan for every row that can be read, and what stands in the way of the others.

    `problems` name their row and column; `mappings` are the municipality's own words that must be confirmed first.
    The import can go ahead only when both are empty.
    """

    plans: list[Plan]
    problems: list[Problem]
    mappings: list[MappingToConfirm]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.mappings


class _Existing:
    """Every experiment's owner, and its folded titles and own id (as its latest revision says) per municipality."""

    def __init__(self, lookup: Lookup):
        self.owner = {}
        self.local_id = {}
        self.by_title: dict[tuple, list[int]] = {}
        self.by_local_id: dict[tuple, list[int]] = {}
        rows = ExperimentPage.objects.values_list(
            "pk",
            "path",
            "title",
            "draft_title",
            "local_id",
            "has_unpublished_changes",
            "latest_revision__content__local_id",
        )
        for pk, path, title, draft_title, local_id, draft, draft_local_id in rows.iterator(chunk_size=2000):
            municipality = lookup.municipality_by_path.get(path[: -Page.steplen])
            self.owner[pk] = municipality
            if draft and draft_local_id is not None:
                local_id = draft_local_id
            self.local_id[pk] = local_id
            if municipality is None:
                continue
            for name in {ascii_fold(title), ascii_fold(draft_title or title)}:
                self.by_title.setdefault((municipality.pk, name), []).append(pk)
            if local_id:
                self.by_local_id.setdefault((municipality.pk, local_id.casefold()), []).append(pk)


def _lock_municipalities(rows: list[ExperimentRow]) -> None:
    """Hold a transaction-level advisory lock for each municipality in the file, in one order to avoid deadlocks.

    Two imports into one municipality at the same time would each find an experiment missing and both create it;
    with the lock the second waits until the first has committed, and then finds it.
    """
    if not connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for pk in sorted({row.municipality.pk for row in rows}):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_LOCK_NAMESPACE, pk])


# An arbitrary number that keeps the importer's advisory locks apart from anyone else's.
IMPORT_LOCK_NAMESPACE = 4_711_001


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


def plan_import(
    table: Table,
    *,
    user=None,
    publish: bool = False,
    today: datetime.date | None = None,
    municipality=None,
) -> Preview:
    """Read and look up every row and decide what happens to it; write nothing and raise nothing.

    With `municipality`, every row must belong to it (the admin imports for one municipality at a time). Inside a
    transaction the municipalities of the file stay locked until it ends (see `_lock_municipalities`).
    """
    today = today or datetime.date.today()
    present = frozenset(table.columns)
    lookup = Lookup(only=municipality)
    problems: list[Problem] = []
    rows = [row for source in table.rows if (row := read_row(source, present, lookup, problems))]
    _lock_municipalities(rows)

    existing = _Existing(lookup)
    seen: dict[object, int] = {}
    targets: list[tuple[ExperimentRow, int | None]] = []
    id_heading = COLUMN_BY_KEY["id"].heading
    local_heading = COLUMN_BY_KEY["local_id"].heading
    for row in rows:
        target = _target(row, existing, problems)
        if target is False:
            continue
        if target is not None:
            key = target
        elif row.local_id:
            key = ("new", row.municipality.pk, "local", row.local_id.casefold())
        else:
            key = ("new", row.municipality.pk, ascii_fold(row.title))
        if key in seen:
            heading = id_heading if row.page_id is not None else local_heading if row.local_id else None
            problems.append(
                Problem(
                    _("samme forsøg som i række %(row)s") % {"row": seen[key]},
                    row.number,
                    heading or COLUMN_BY_KEY["title"].heading,
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
    problems.sort(key=lambda p: p.row or 0)
    return Preview(plans, problems, list(lookup.mappings_to_confirm.values()))


def check_rows(table: Table, *, user=None, publish: bool = False, today=None, municipality=None) -> list[Plan]:
    """The plans of `plan_import`, or ImportRejected listing every problem and every mapping to confirm."""
    preview = plan_import(table, user=user, publish=publish, today=today, municipality=municipality)
    if not preview.ok:
        raise ImportRejected(preview.problems, preview.mappings)
    return preview.plans


def _target(row: ExperimentRow, existing: _Existing, problems: list[Problem]):
    """The pk of the experiment the row is about, None for a new one, or False (with a problem) when it is unclear."""
    municipality = row.municipality
    local_matches = existing.by_local_id.get((municipality.pk, row.local_id.casefold()), []) if row.local_id else []
    local_heading = COLUMN_BY_KEY["local_id"].heading

    def local_id_taken_by(other: int) -> bool:
        problems.append(
            Problem(
                _("%(municipality)s har allerede et andet forsøg med id %(local)s")
                % {"municipality": municipality.title, "local": row.local_id},
                row.number,
                local_heading,
            )
        )
        return False

    if row.page_id is not None:
        target = row.page_id
        if target not in existing.owner:
            message = _("der er intet forsøg med id %(id)s") % {"id": target}
            problems.append(Problem(message, row.number, COLUMN_BY_KEY["id"].heading))
            return False
        owner = existing.owner[target]
        if owner is not None and owner.pk != municipality.pk:
            problems.append(
                Problem(
                    _("forsøget med id %(id)s hører til %(owner)s, ikke %(municipality)s")
                    % {"id": target, "owner": owner.title, "municipality": municipality.title},
                    row.number,
                    COLUMN_BY_KEY["municipality"].heading,
                )
            )
            return False
        if any(pk != target for pk in local_matches):
            return local_id_taken_by(local_matches[0])
        return target
    if len(set(local_matches)) == 1:
        return local_matches[0]
    matches = existing.by_title.get((municipality.pk, ascii_fold(row.title)), [])
    if row.local_id:
        # An experiment known by its title that has no own id yet gets this one; one with another id is another.
        matches = [pk for pk in matches if not existing.local_id.get(pk)]
    if len(set(matches)) > 1:
        problems.append(
            Problem(
                _("%(municipality)s har flere forsøg med denne titel; angiv forsøgets id i kolonnen Id")
                % {"municipality": municipality.title},
                row.number,
                COLUMN_BY_KEY["title"].heading,
            )
        )
        return False
    return matches[0] if matches else None
