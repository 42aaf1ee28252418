"""One e-mail per import to the moderators, not one per experiment.

Wagtail mails a page's moderators each time a page is submitted to a workflow. An import that submits 200
experiments would send each coordinator 200 mails, one SMTP round trip each, while the import holds its transaction.
`held_submission_mails()` holds Wagtail's submission mails in the thread that imports (other threads and every
submission outside an import are mailed as before) and, once the import has committed, sends each recipient one mail
that lists the experiments submitted to them.
"""

import contextlib

from asgiref.local import Local
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

_held = Local()
_installed = False


def _holding(notifier):
    def receive(sender, **kwargs):
        held = getattr(_held, "notifications", None)
        if held is None:
            return notifier(sender=sender, **kwargs)
        held.append((notifier, kwargs))
        return None

    return receive


def _install() -> None:
    """Put the holding receivers in place of Wagtail's submission mails, once per process (after every app is
    ready, so Wagtail's own receivers are connected by then)."""
    global _installed
    if _installed:
        return
    from wagtail.admin import signal_handlers as wagtail_mail
    from wagtail.models import TaskState, WorkflowState
    from wagtail.signals import task_submitted, workflow_submitted

    for signal, sender, uid, notifier in (
        (
            task_submitted,
            TaskState,
            "group_approval_task_submitted_email_notification",
            wagtail_mail.task_submission_email_notifier,
        ),
        (
            workflow_submitted,
            WorkflowState,
            "workflow_state_submitted_email_notification",
            wagtail_mail.workflow_submission_email_notifier,
        ),
    ):
        signal.disconnect(sender=sender, dispatch_uid=uid)
        signal.connect(_holding(notifier), sender=sender, dispatch_uid=uid, weak=False)
    _installed = True


@contextlib.contextmanager
def held_submission_mails():
    """Hold Wagtail's submission mails of this thread; after the surrounding transaction commits, send each
    recipient one mail listing the pages submitted to them (nothing if it rolls back)."""
    _install()
    notifications = []
    _held.notifications = notifications
    try:
        yield
    finally:
        del _held.notifications
    if notifications:
        transaction.on_commit(lambda: _send_summaries(notifications))


def _send_summaries(notifications) -> None:
    from wagtail.models import Page

    # Who is mailed depends on the notifier, the task (its groups) and who submitted, not on the page: asked once.
    recipients: dict[tuple, list[str]] = {}
    page_ids_by_email: dict[str, set[int]] = {}
    for notifier, sent in notifications:
        kwargs = dict(sent)
        instance = kwargs.pop("instance")
        key = (type(notifier), getattr(instance, "task_id", None), getattr(kwargs.get("user"), "pk", None))
        if key not in recipients:
            handled = notifier.can_handle(instance, **kwargs)
            users = notifier.get_valid_recipients(instance, **kwargs) if handled else ()
            recipients[key] = [user.email for user in users if user.email]
        state = getattr(instance, "workflow_state", instance)  # a task's state belongs to a workflow's state
        for email in recipients[key]:
            page_ids_by_email.setdefault(email, set()).add(int(state.object_id))
    pages = Page.objects.in_bulk({pk for ids in page_ids_by_email.values() for pk in ids})
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    for email, page_ids in page_ids_by_email.items():
        listed = sorted((pages[pk] for pk in page_ids if pk in pages), key=lambda page: page.title)
        subject = ngettext(
            "%(count)d forsøg er indsendt til godkendelse",
            "%(count)d forsøg er indsendt til godkendelse",
            len(listed),
        ) % {"count": len(listed)}
        lines = [f"- {page.title}: {base}{reverse('wagtailadmin_pages:edit', args=[page.pk])}" for page in listed]
        body = "\n".join([_("En import har indsendt disse forsøg til godkendelse:"), "", *lines, ""])
        send_mail(subject, body, None, [email])
