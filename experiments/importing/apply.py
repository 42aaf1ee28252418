"""Writing the plan: each new or changed experiment saved as one revision of its page, all in one transaction.

`experiment_import()` is the service: it checks every row (`experiments.importing.plan.check_rows`) before it
writes anything, and raises ImportRejected, having written nothing, when a row is wrong.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.models import Revision, WorkflowState

from core.text import danish_slug
from core.visibility import Visibility
from experiments.importing.indexes import held_index_updates
from experiments.importing.moderation import start_workflows
from experiments.importing.new_pages import NewPages
from experiments.importing.notifications import held_submission_mails
from experiments.importing.plan import Plan, check_rows, missing_own_words, status_change
from experiments.importing.problems import ImportRejected, Problem
from experiments.importing.reading import Table
from experiments.importing.rows import ExperimentRow
from experiments.models import (
    ExemptionRequest,
    ExperimentPage,
    ExperimentStatus,
    Learning,
    PartnerMunicipality,
    Provision,
    Result,
    StatusEvent,
)
from experiments.spreadsheet_format import clean_text, learning_values
from experiments.tasks import update_admin_search_index, update_reference_index
from municipalities.models import MunicipalityPage

# Once an experiment has one of these statuses its Startdato and Slutdato are the actual dates, before it the
# planned ones.
STARTED_STATUSES = frozenset(ExperimentStatus) - {
    ExperimentStatus.IDEA,
    ExperimentStatus.APPLIED,
    ExperimentStatus.APPROVED,
    ExperimentStatus.NOT_STARTED,
}


@dataclass
class Outcome:
    """What became of one row: its experiment and, for an update, the keys of the columns that changed."""

    row: int
    municipality: str
    title: str
    page_id: int | None = None
    changed: tuple[str, ...] = ()

    def __str__(self):
        return f"{self.title} ({self.municipality})"


@dataclass
class ImportReport:
    """The rows of an import by outcome, and the headings that were not read."""

    created: list[Outcome] = field(default_factory=list)
    updated: list[Outcome] = field(default_factory=list)
    unchanged: list[Outcome] = field(default_factory=list)
    ignored_headings: list[str] = field(default_factory=list)
    dry_run: bool = False
    published: bool = False


# --- applying a row to a page (in memory, before the revision is saved) --------------------------------------------


def _apply(page: ExperimentPage, row: ExperimentRow, today: datetime.date, *, new: bool, provisions: dict) -> None:
    present = row.present
    page.title = row.title
    if "local_id" in present:
        page.local_id = row.local_id
    if own_words := missing_own_words(page, row):
        page.target_group_description = "\n".join(
            line for line in (clean_text(page.target_group_description), *own_words) if line
        )
    if "summary" in present:
        page.summary = row.summary
    if change := status_change(None if new else page, row, today):
        events = list(page.status_events.all())
        next_order = max((event.sort_order or 0 for event in events), default=-1) + 1
        page.status_events = [*events, StatusEvent(status=change[0], date=change[1], sort_order=next_order)]
    started = row.status in STARTED_STATUSES
    for key, planned, actual in (("start", "planned_start", "actual_start"), ("end", "planned_end", "actual_end")):
        value = getattr(row, key)
        if key not in present or getattr(page, key) == value:
            continue
        if value is None:
            setattr(page, planned, None)
            setattr(page, actual, None)
        elif getattr(page, actual) or started:
            setattr(page, actual, value)
        else:
            setattr(page, planned, value)
    if "target_groups" in present:
        page.target_groups = row.target_groups
    if "service_areas" in present:
        page.service_areas = row.service_areas
    if "provisions" in present:
        existing = {request.provision.reference: request for request in page.exemption_requests.all()}
        requests = []
        for order, (reference, decision) in enumerate(row.exemptions):
            if reference not in provisions:
                provisions[reference] = Provision.objects.resolve(reference)
            request = existing.get(reference) or ExemptionRequest(provision=provisions[reference])
            request.decision = decision
            request.sort_order = order
            requests.append(request)
        page.exemption_requests = requests
    if "partners" in present:
        existing = {partner.municipality_id: partner for partner in page.partners.all()}
        partners = []
        for order, municipality in enumerate(row.partners):
            partner = existing.get(municipality.pk) or PartnerMunicipality(municipality=municipality)
            partner.sort_order = order
            partners.append(partner)
        page.partners = partners
    for key in ("citizens_count", "contact_name", "contact_email"):
        if key in present:
            setattr(page, key, getattr(row, key))
    if "results" in present:
        unused = list(page.results.all())
        results = []
        for order, values in enumerate(row.results):
            result = next((r for r in unused if r.indicator.casefold() == values.indicator.casefold()), None)
            if result is None:
                result = Result()
            else:
                unused.remove(result)
            result.indicator, result.baseline, result.value, result.unit = values.key()
            result.sort_order = order
            results.append(result)
        page.results = results
    if "learnings" in present:
        existing = [learning for learning in page.learnings.all() if any(learning_values(learning).values())]
        learnings = []
        for order, values in enumerate(row.learnings):
            learning = existing[order] if order < len(existing) else Learning()
            for name, text in values.items():
                setattr(learning, name, text)
            learning.sort_order = order
            learnings.append(learning)
        page.learnings = learnings
    if "tags" in present:
        page.tags.set(row.tags)
    if row.visibility is not None:
        page.visibility = row.visibility
    elif new:
        page.visibility = Visibility.PUBLIC


def _unique_slug(parent: MunicipalityPage, title: str, taken: set[str]) -> str:
    base = danish_slug(title)[:80] or "forsoeg"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


def _resubmit(page: ExperimentPage, user, *, workflows: dict) -> None:
    """Put the saved draft of an existing experiment in its municipality's moderation workflow, as "Indsend til
    godkendelse" does (new experiments are submitted together, by `start_workflows`).

    Every experiment of a municipality has the municipality's workflow, so it is looked up once per parent.
    """
    parent_path = page.path[: -page.steplen]
    if parent_path not in workflows:
        workflows[parent_path] = page.get_workflow()
    workflow = workflows[parent_path]
    if workflow is None:
        return
    state = page.current_workflow_state
    if state is None:
        workflow.start(page, user)
    elif state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
    # A workflow in progress goes on and will be decided on the newest revision.


def _write(plan: Plan, *, user, publish: bool, today: datetime.date, cache: dict) -> tuple[ExperimentPage, Revision]:
    """Save the row's experiment as a new revision: published with `publish`, otherwise a draft, which is put in its
    workflow here when the experiment existed, and by the caller when it is new."""
    row = plan.row
    provisions = cache.setdefault("provisions", {})
    new = plan.action == "create"
    if new:
        parent = row.municipality
        taken = cache.setdefault(("slugs", parent.pk), set(parent.get_children().values_list("slug", flat=True)))
        page = ExperimentPage(title=row.title, slug=_unique_slug(parent, row.title, taken), live=False, owner=user)
        _apply(page, row, today, new=True, provisions=provisions)
        page.locale_id = parent.locale_id  # as Wagtail would set it, without a query per page
        new_pages = cache["new_pages"]
        new_pages.add(parent, page, children_now=publish)
        # The page's save derived its status before its events were back in memory: `finish` writes it.
        page.set_status_from_events()
        new_pages.changed_after_save(page, ["status", "status_date"])
        # The row was checked as a whole by the importer (the title is there, the slug free, the dates in order,
        # the own id unique): the revision's full validation would only repeat that, at a dozen queries a page.
        # A draft's revision is written with the others, at the end.
        revision = page.save_revision(user=user, clean=False) if publish else new_pages.first_revision(page, user)
    else:
        page = ExperimentPage.objects.get(pk=row.page_id).get_latest_revision_as_object()
        _apply(page, row, today, new=False, provisions=provisions)
        if not page.live:
            page.save()
        revision = page.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
    elif not new:
        _resubmit(page, user, workflows=cache.setdefault("workflows", {}))
    return page, revision


def experiment_import(
    *,
    rows: Table,
    user=None,
    publish: bool = False,
    dry_run: bool = False,
    progress: Callable[[Iterable], Iterable] | None = None,
    today: datetime.date | None = None,
    municipality=None,
) -> ImportReport:
    """Create or update the experiments of `rows`, or raise ImportRejected and write nothing.

    Every row is checked before anything is written. Each experiment that changes gets one new revision, logged in
    its history, by `user` (None for the system): published with `publish`, otherwise saved as a draft and
    submitted to its municipality's moderation workflow. Rows equal to their experiment's latest revision are left
    alone, so importing the same file twice changes nothing. With `dry_run` nothing is written and the report says
    what would happen. `progress` wraps the iteration over the rows being written (a tqdm bar, for instance).
    With `municipality`, a row of any other municipality is a problem (the admin imports for one at a time).
    """
    today = today or datetime.date.today()
    with transaction.atomic():
        plans = check_rows(rows, user=user, publish=publish, today=today, municipality=municipality)
        report = ImportReport(ignored_headings=rows.ignored_headings, dry_run=dry_run, published=publish)
        cache: dict = {"new_pages": NewPages()}
        to_write = [] if dry_run else [plan for plan in plans if plan.action != "unchanged"]
        written = []
        submitted = []
        # Wagtail queues an update of its reference index and its search index on every save of the page (and the
        # reference index on every save of its revision, log entry and workflow state); one job of each for all
        # written pages gives the same indexes for a fraction of the work. One mail to each moderator for the whole
        # import, after it commits, instead of one per experiment.
        with held_index_updates(), held_submission_mails():
            for plan in progress(to_write) if progress else to_write:
                try:
                    page, revision = _write(plan, user=user, publish=publish, today=today, cache=cache)
                except ValidationError as error:
                    messages = "; ".join(error.messages)
                    raise ImportRejected([Problem(messages, plan.row.number)]) from error
                plan.row.page_id = page.pk
                written.append(page.pk)
                if not publish and plan.action == "create":
                    submitted.append((page, revision))
            cache["new_pages"].finish()
            start_workflows(submitted, user)
        if written:
            # Queued with the pages (nothing is queued if the import is rolled back), for the worker.
            update_reference_index.enqueue(written)
            update_admin_search_index.enqueue(written)
        for plan in plans:
            outcome = Outcome(
                plan.row.number, plan.row.municipality.title, plan.row.title, plan.row.page_id, plan.changed
            )
            {"create": report.created, "update": report.updated, "unchanged": report.unchanged}[plan.action].append(
                outcome
            )
    return report
