"""Submitting an import's new experiments to their municipalities' moderation, all at once.

Wagtail's `Workflow.start` submits one page in about 25 queries: each workflow state is validated against the
database before it is saved, and saved twice. A new page has no workflow state, so its workflow starts at the
workflow's first active task; `start_workflows` writes the same rows for every new page of an import in a few bulk
queries: a workflow state in progress, its first task's state on the page's revision, the "wagtail.workflow.start"
entry of the page's history, and the same signals (which mail the moderators) as `Workflow.start`.
"""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, Revision, Task, TaskState, WorkflowState
from wagtail.signals import task_submitted, workflow_submitted

from experiments.importing.new_pages import history_entry

BATCH_SIZE = 1000


def _first_task(workflow):
    """The task `WorkflowState.get_next_task` starts a workflow with, for a page that has passed no task yet."""
    task = Task.objects.filter(workflow_tasks__workflow=workflow, active=True).order_by("workflow_tasks__sort_order")
    task = task.first()
    return task.specific if task else None


def start_workflows(submitted: list[tuple[Page, Revision]], user) -> None:
    """Put each new page in its workflow, as `page.get_workflow().start(page, user)` would, one page after another.

    The pages are new: saved with their first revision, in no workflow yet. A page whose workflow has no active task,
    or whose task keeps its state in a model of its own, is started by Wagtail itself.
    """
    by_parent: dict[str, tuple] = {}
    bulk: list[tuple[Page, Revision, object, Task]] = []
    for page, revision in submitted:
        parent_path = page.path[: -page.steplen]
        if parent_path not in by_parent:
            workflow = page.get_workflow()
            by_parent[parent_path] = (workflow, _first_task(workflow) if workflow else None)
        workflow, task = by_parent[parent_path]
        if workflow is None:
            continue
        if task is None or task.get_task_state_class() is not TaskState:
            workflow.start(page, user)
            continue
        bulk.append((page, revision, workflow, task))
    if not bulk:
        return

    base_content_type = ContentType.objects.get_for_model(Page)
    states = [
        WorkflowState(
            content_type=ContentType.objects.get_for_model(page),
            base_content_type=base_content_type,
            object_id=str(page.pk),
            workflow=workflow,
            status=WorkflowState.STATUS_IN_PROGRESS,
            requested_by=user,
        )
        for page, _revision, workflow, _task in bulk
    ]
    WorkflowState.objects.bulk_create(states, batch_size=BATCH_SIZE)
    task_states = [
        TaskState(workflow_state=state, revision=revision, task=task, status=TaskState.STATUS_IN_PROGRESS)
        for state, (_page, revision, _workflow, task) in zip(states, bulk, strict=True)
    ]
    TaskState.objects.bulk_create(task_states, batch_size=BATCH_SIZE)
    for state, task_state in zip(states, task_states, strict=True):
        state.current_task_state = task_state
    WorkflowState.objects.bulk_update(states, ["current_task_state"], batch_size=BATCH_SIZE)

    now = timezone.now()
    PageLogEntry.objects.bulk_create(
        [
            history_entry(
                page,
                "wagtail.workflow.start",
                user=user,
                timestamp=now,
                revision=revision,
                data={
                    "workflow": {
                        "id": workflow.pk,
                        "title": workflow.name,
                        "status": state.status,
                        "next": {"id": task.pk, "title": task.name},
                        "task_state_id": task_state.pk,
                    }
                },
            )
            for state, task_state, (page, revision, workflow, task) in zip(states, task_states, bulk, strict=True)
        ],
        batch_size=BATCH_SIZE,
    )
    # In the order Workflow.start sends them: the task's start, then the workflow's.
    for state, task_state in zip(states, task_states, strict=True):
        task_submitted.send(sender=type(task_state), instance=task_state, user=user)
        workflow_submitted.send(sender=WorkflowState, instance=state, user=user)
