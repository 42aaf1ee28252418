"""Sending once only: every message is recorded in the Delivery ledger before it goes out and marked sent after.

A job that dies between the two leaves the row pending; the next run resends that same message (same window, same
Message-ID, so a mail client that already has it can tell) and only then moves on. A message is never recorded
twice for the same occurrence (`Delivery.key` is unique), and a subscription's high-water mark moves only together
with marking its message sent.
"""

import contextlib
import datetime
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Min
from django.utils import timezone
from django.utils.translation import ngettext

from alerts.mail import build_message, deliver, new_message_id, unsubscribe_url
from alerts.matching import alert_items
from alerts.models import Change, Delivery, Frequency, Subscription

logger = logging.getLogger(__name__)

# How long after its last covered moment a subscription is due again.
INTERVALS = {
    Frequency.IMMEDIATE: datetime.timedelta(0),
    Frequency.DAILY: datetime.timedelta(hours=23),
    Frequency.WEEKLY: datetime.timedelta(days=6, hours=23),
}


class SendingFailed(Exception):
    """Some messages could not be sent; they stay pending and the next run sends them."""


@contextlib.contextmanager
def job_lock(name: str):
    """One run of a job at a time across processes (cron and the worker): a PostgreSQL advisory lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [f"alerts.{name}"])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [f"alerts.{name}"])


def send_recorded(delivery: Delivery, message, *, on_sent=None) -> None:
    """Send the message of a pending delivery, then mark it sent (and run `on_sent`) in one transaction."""
    try:
        deliver(message)
    except Exception as error:
        Delivery.objects.filter(pk=delivery.pk).update(attempts=F("attempts") + 1, last_error=str(error)[:1000])
        raise
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1
        )
        if on_sent:
            on_sent()


def send_once(*, key: str, kind: str, recipient: str, build, **fields) -> bool:
    """Send the message `build(message_id)` for occurrence `key` unless it was sent already; True when sent now."""
    delivery, _created = Delivery.objects.get_or_create(
        key=key,
        defaults={"kind": kind, "recipient": recipient, "message_id": new_message_id(), **fields},
    )
    if delivery.state != Delivery.State.PENDING:
        return False
    send_recorded(delivery, build(delivery.message_id))
    return True


def _alert_subject(subscription: Subscription, count: int) -> str:
    return ngettext(
        "Nyt fra »%(name)s«: %(count)s side",
        "Nyt fra »%(name)s«: %(count)s sider",
        count,
    ) % {"name": subscription.name, "count": count}


def send_subscription_alert(subscription: Subscription, cutoff: datetime.datetime, now: datetime.datetime) -> bool:
    """Alert one subscription about what changed since its high-water mark; True when a message was sent."""
    pending = subscription.deliveries.filter(state=Delivery.State.PENDING).first()
    if pending:
        # Resume exactly the window a previous run recorded and did not finish.
        start, end = pending.period_start, pending.period_end
    else:
        start, end = subscription.covered_until, cutoff
        if end <= start or end - start < INTERVALS[subscription.frequency]:
            return False
    items = alert_items(subscription, start, end)
    if not items:
        with transaction.atomic():
            if pending:
                Delivery.objects.filter(pk=pending.pk).update(state=Delivery.State.SKIPPED)
            Subscription.objects.filter(pk=subscription.pk, covered_until__lt=end).update(covered_until=end)
        return False
    if pending is None:
        pending = Delivery.objects.create(
            key=f"alert:{subscription.pk}:{end.isoformat()}",
            kind=Delivery.Kind.ALERT,
            subscription=subscription,
            recipient=subscription.recipient,
            period_start=start,
            period_end=end,
            message_id=new_message_id(),
            item_count=len(items),
        )
    unsubscribe = unsubscribe_url(subscription=subscription)
    message = build_message(
        template="alert",
        context={"subscription": subscription, "items": items, "start": start, "end": end},
        to=pending.recipient,
        subject=_alert_subject(subscription, len(items)),
        unsubscribe=unsubscribe,
        message_id=pending.message_id,
    )

    def advance():
        Subscription.objects.filter(pk=subscription.pk).update(covered_until=end, last_sent_at=now)

    send_recorded(pending, message, on_sent=advance)
    return True


def send_alerts(*, frequency: str | None = None, now: datetime.datetime | None = None) -> int:
    """Send every due alert; returns how many messages went out. Raises SendingFailed after trying them all when
    any failed (those stay pending for the next run)."""
    now = now or timezone.now()
    # Changes are logged by publications still in their transaction; waiting a moment lets them commit first.
    cutoff = now - datetime.timedelta(seconds=settings.ALERTS_SETTLE_SECONDS)
    with job_lock("send_alerts") as acquired:
        if not acquired:
            logger.info("send_alerts is already running")
            return 0
        subscriptions = Subscription.objects.active().filter(email_alerts=True).select_related("user")
        if frequency:
            subscriptions = subscriptions.filter(frequency=frequency)
        earliest = subscriptions.aggregate(earliest=Min("covered_until"))["earliest"]
        nothing_new = not Change.objects.filter(created_at__gt=earliest or cutoff, created_at__lte=cutoff).exists()
        if nothing_new and not Delivery.objects.filter(state=Delivery.State.PENDING, kind=Delivery.Kind.ALERT).exists():
            # Nothing changed since the oldest high-water mark: no subscription has anything to send.
            return 0
        sent = 0
        failed = []
        for subscription in subscriptions.order_by("pk"):
            if not subscription.recipient:
                continue
            try:
                sent += send_subscription_alert(subscription, cutoff, now)
            except Exception as error:
                logger.exception("Alert for subscription %s failed", subscription.pk)
                failed.append(f"{subscription.pk}: {error}")
        if failed:
            raise SendingFailed("; ".join(failed))
        return sent
