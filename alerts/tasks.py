"""The background jobs, run by `manage.py db_worker` (django-tasks with its database backend).

Cron runs the same work through `send_alerts`, `send_reminders` and `send_digest` (see the README).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task


@task
def send_alerts_task(frequency: str | None = None) -> int:
    from alerts.sending import send_alerts

    return send_alerts(frequency=frequency)


@task
def send_reminders_task() -> int:
    from alerts.reminders import send_reminders

    return send_reminders()


@task
def send_digest_task() -> int:
    from alerts.digest import send_digest

    return send_digest()


@task
def send_confirmation_task(subscription_id: int) -> bool:
    from alerts.subscribing import send_confirmation

    return send_confirmation(subscription_id)


def enqueue_immediate_alerts() -> None:
    """After a publication commits: alerts for "straks" subscriptions, once the change is past the settle time.

    Queued once per transaction (an import that publishes thousands of pages queues one job), and not at all while
    no one subscribes at once.
    """
    from django.db import connection

    from alerts.models import Frequency, Subscription

    if any(getattr(callback, "queues_alerts", False) for _ids, callback, _robust in connection.run_on_commit):
        return
    if not Subscription.objects.active().filter(frequency=Frequency.IMMEDIATE, email_alerts=True).exists():
        return

    def enqueue():
        delay = settings.ALERTS_SETTLE_SECONDS
        job = send_alerts_task
        if delay:
            job = job.using(run_after=timezone.now() + datetime.timedelta(seconds=delay + 1))
        job.enqueue(frequency="immediate")

    enqueue.queues_alerts = True
    transaction.on_commit(enqueue)
