"""Writes: saving a search, following, the double opt-in of e-mail-only subscribers, unsubscribing."""

from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.mail import absolute, confirm_token, unsubscribe_url
from alerts.models import Delivery, OptOut, Subscription
from core.visibility import is_network_reader
from search.query import SearchQuery

# Parameters of the search page that are not part of what is searched for.
NOT_SAVED = {"side", "csrfmiddlewaretoken"}


def clean_query_string(raw: str) -> str:
    """The search's own parameters, in the order of the address, without the page number."""
    params = QueryDict(raw.lstrip("?"), mutable=True)
    for key in NOT_SAVED:
        params.pop(key, None)
    return params.urlencode()


def describe_query(query_string: str) -> str:
    query = SearchQuery.from_querydict(QueryDict(query_string))
    parts = [f"»{query.text}«"] if query.text else []
    parts += [f"{param}: {', '.join(values)}" for param, values in query.filters.items()]
    return "; ".join(parts) or _("Alle sider")


def subscribe(*, user=None, email: str = "", **fields) -> tuple[Subscription, bool]:
    """A subscription for a network reader (confirmed at once) or an e-mail address (confirmed by a link).

    Following the same thing again with the same address revives the existing follow. Returns the subscription and
    whether a confirmation e-mail is needed.
    """
    reader = user if is_network_reader(user) else None
    owner = {"user": reader} if reader else {"user": None, "email": email.strip().lower()}
    now = timezone.now()
    with transaction.atomic():
        # The same search or follow again revives the existing one (and sends no second confirmation).
        same = (
            {"query_string": fields.get("query_string", "")} if fields.get("kind") == Subscription.Kind.SEARCH else {}
        )
        subscription = Subscription.objects.filter(
            **owner,
            **same,
            kind=fields["kind"],
            page=fields.get("page"),
            provision=fields.get("provision"),
            target_group=fields.get("target_group"),
        ).first()
        if subscription is not None and fields.get("kind") == Subscription.Kind.SEARCH:
            for name in ("name", "frequency", "email_alerts", "feed_enabled"):
                if name in fields:
                    setattr(subscription, name, fields[name])
        if subscription is None:
            subscription = Subscription(**owner, **fields)
        elif subscription.unsubscribed_at or subscription.paused:
            subscription.unsubscribed_at = None
            subscription.paused = False
            subscription.covered_until = now
        if reader and subscription.confirmed_at is None:
            subscription.confirmed_at = now
        subscription.save()
    needs_confirmation = subscription.confirmed_at is None
    if needs_confirmation:
        from alerts.tasks import send_confirmation_task

        transaction.on_commit(lambda: send_confirmation_task.enqueue(subscription.pk))
    return subscription, needs_confirmation


def send_confirmation(subscription_id: int) -> bool:
    """The double opt-in's e-mail: a link that confirms the subscription. Sent once per subscription."""
    from alerts.mail import build_message
    from alerts.sending import send_once

    subscription = Subscription.objects.filter(pk=subscription_id, confirmed_at__isnull=True).first()
    if subscription is None or not subscription.recipient:
        return False
    confirm_url = absolute(reverse("alerts:confirm", args=[confirm_token(subscription)]))

    def build(message_id):
        return build_message(
            template="confirm",
            context={"subscription": subscription, "confirm_url": confirm_url},
            to=subscription.recipient,
            subject=_("Bekræft dit abonnement: %(name)s") % {"name": subscription.name},
            unsubscribe=unsubscribe_url(subscription=subscription),
            message_id=message_id,
        )

    return send_once(
        # At most one confirmation a day for the same subscription, however often the form is sent.
        key=f"confirm:{subscription.pk}:{timezone.localdate().isoformat()}",
        kind=Delivery.Kind.CONFIRMATION,
        recipient=subscription.recipient,
        build=build,
        subscription=subscription,
    )


def confirm(subscription: Subscription) -> None:
    if subscription.confirmed_at is None:
        now = timezone.now()
        # Alerts start from the confirmation: nothing before it was asked for.
        Subscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True).update(
            confirmed_at=now, covered_until=now
        )


def unsubscribe(payload: dict) -> str:
    """Carry out an unsubscribe token's payload; idempotent. Returns what was unsubscribed, in Danish."""
    if "s" in payload:
        subscription = Subscription.objects.filter(pk=payload["s"]).first()
        if subscription is None:
            return _("abonnementet")
        Subscription.objects.filter(pk=subscription.pk, unsubscribed_at__isnull=True).update(
            unsubscribed_at=timezone.now()
        )
        return subscription.name
    OptOut.objects.get_or_create(email=payload["e"].lower(), kind=payload["k"])
    return {Delivery.Kind.REMINDER: _("påmindelser"), Delivery.Kind.DIGEST: _("ugeoversigten")}.get(
        payload["k"], payload["k"]
    )


def opted_out(email: str, kind: str) -> bool:
    return OptOut.objects.filter(email=email.lower(), kind=kind).exists()
