"""The weekly digest for the ministry and the network coordinator: what changed in the past week, grouped by
municipality, with counts."""

import datetime
from collections import Counter, defaultdict

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alerts.mail import absolute, build_message, unsubscribe_url
from alerts.models import Change, Delivery
from alerts.sending import SendingFailed, job_lock, send_once
from alerts.subscribing import opted_out
from experiments.models import ExperimentPage
from knowledge.models import KnowledgeArticlePage
from municipalities.models import MunicipalityPage, Network
from municipalities.permissions import MINISTRY_GROUP

# The digest's counts, in this order, by the kinds of change they add up.
DIGEST_COUNTS = [
    ("new", gettext_lazy("nye forsøg"), {Change.Kind.NEW_EXPERIMENT}),
    ("changed", gettext_lazy("ændrede forsøg"), {Change.Kind.UPDATED, Change.Kind.STATUS, Change.Kind.BASIS}),
    ("decisions", gettext_lazy("afgørelser"), {Change.Kind.DECISION}),
    ("results", gettext_lazy("resultater og læring"), {Change.Kind.RESULT, Change.Kind.LEARNING}),
    ("knowledge", gettext_lazy("ny viden"), {Change.Kind.KNOWLEDGE}),
]


def digest_recipients() -> list[str]:
    users = get_user_model().objects.filter(groups__name=MINISTRY_GROUP, is_active=True).exclude(email="")
    emails = {user.email.lower() for user in users}
    emails |= {
        email.lower()
        for email in Network.objects.exclude(coordinator_email="").values_list("coordinator_email", flat=True)
    }
    return sorted(emails)


def digest_content(start: datetime.datetime, end: datetime.datetime) -> dict:
    """Changes in (start, end] of live pages, grouped by municipality (articles by their author municipality)."""
    changes = list(Change.objects.filter(created_at__gt=start, created_at__lte=end).order_by("created_at", "id"))
    page_ids = {change.page_id for change in changes}
    municipalities = {m.path: m.title for m in MunicipalityPage.objects.all()}
    owner_of = {}
    titles = {}
    urls = {}
    for experiment in ExperimentPage.objects.live().filter(pk__in=page_ids):
        owner_of[experiment.pk] = next(
            (name for path, name in municipalities.items() if experiment.path.startswith(path)), _("Netværket")
        )
        titles[experiment.pk] = experiment.title
        urls[experiment.pk] = absolute(experiment.get_url() or "")
    for article in KnowledgeArticlePage.objects.live().filter(pk__in=page_ids).select_related("author_municipality"):
        owner_of[article.pk] = article.author_municipality.title if article.author_municipality else _("Netværket")
        titles[article.pk] = article.title
        urls[article.pk] = absolute(article.get_url() or "")
    groups = defaultdict(lambda: {"entries": [], "counter": Counter()})
    totals = Counter()
    for change in changes:
        if change.page_id not in owner_of:
            continue
        group = groups[owner_of[change.page_id]]
        group["entries"].append(
            {"title": titles[change.page_id], "summary": change.summary, "url": urls[change.page_id]}
        )
        for key, _label, kinds in DIGEST_COUNTS:
            if change.kind in kinds:
                group["counter"][key] += 1
                totals[key] += 1

    def rows(counter):
        return [{"label": label, "count": counter[key]} for key, label, _kinds in DIGEST_COUNTS]

    return {
        "groups": [
            {"name": name, "count": len(data["entries"]), "counts": rows(data["counter"]), "entries": data["entries"]}
            for name, data in sorted(groups.items())
        ],
        "totals": rows(totals),
        "start": start,
        "end": end,
    }


def send_digest(*, now: datetime.datetime | None = None) -> int:
    """Send the past week's digest to each recipient once per ISO week; returns how many were sent."""
    now = now or timezone.now()
    start = now - datetime.timedelta(days=7)
    year, week, _weekday = timezone.localtime(now).isocalendar()
    with job_lock("send_digest") as acquired:
        if not acquired:
            return 0
        content = digest_content(start, now)
        sent = 0
        failed = []
        for recipient in digest_recipients():
            if opted_out(recipient, Delivery.Kind.DIGEST):
                continue

            def build(message_id, recipient=recipient):
                return build_message(
                    template="digest",
                    context=content,
                    to=recipient,
                    subject=_("Ugeoversigt, uge %(week)s: forsøgsregistret »Én plan«") % {"week": week},
                    unsubscribe=unsubscribe_url(email=recipient, kind=Delivery.Kind.DIGEST),
                    message_id=message_id,
                )

            try:
                sent += send_once(
                    key=f"digest:{year}-W{week:02d}:{recipient}",
                    kind=Delivery.Kind.DIGEST,
                    recipient=recipient,
                    build=build,
                    period_start=start,
                    period_end=now,
                )
            except Exception as error:
                failed.append(f"{recipient}: {error}")
        if failed:
            raise SendingFailed("; ".join(failed))
        return sent
