"""Reminders to project managers, and the coordinator's list of the same: experiments that need attention.

Four causes, each an occurrence that is reminded once (its key in the Delivery ledger):
- the status has not changed for ALERTS_STALE_STATUS_MONTHS months (once per status date);
- the planned (or actual) end date passed without a status event on or after it (once per end date);
- no results three months after the end (once per end date);
- an exemption's legal basis, after its extensions, ends within 90 days (once per exemption and end date).
"""

import dataclasses
import datetime

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from alerts.mail import absolute, build_message, unsubscribe_url
from alerts.models import Delivery
from alerts.sending import SendingFailed, job_lock, send_once
from alerts.subscribing import opted_out
from experiments.models import Decision, ExemptionRequest, ExperimentPage
from experiments.models.choices import FINISHED_STATUSES

BASIS_WARNING_DAYS = 90
RESULTS_GRACE_MONTHS = 3


def months_before(day: datetime.date, months: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


@dataclasses.dataclass
class Reminder:
    experiment: ExperimentPage
    cause: str
    occurrence: str
    text: str

    @property
    def key(self) -> str:
        return f"reminder:{self.cause}:{self.experiment.pk}:{self.occurrence}"

    @property
    def recipient(self) -> str:
        owner = self.experiment.owner
        return self.experiment.contact_email or (owner.email if owner else "")


def _d(day) -> str:
    return date_format(day, "j. F Y")


def due_reminders(*, today: datetime.date | None = None, experiments=None) -> list[Reminder]:
    """Every reminder due today for the live experiments of `experiments` (all by default)."""
    today = today or timezone.localdate()
    stale_before = months_before(today, settings.ALERTS_STALE_STATUS_MONTHS)
    results_before = months_before(today, RESULTS_GRACE_MONTHS)
    basis_until = today + datetime.timedelta(days=BASIS_WARNING_DAYS)
    experiments = (experiments if experiments is not None else ExperimentPage.objects.all()).live()
    experiments = experiments.select_related("owner").prefetch_related(
        "status_events",
        "results",
        Prefetch(
            "exemption_requests",
            queryset=ExemptionRequest.objects.select_related("provision__law").prefetch_related("extensions"),
        ),
    )
    found = []
    for experiment in experiments.order_by("pk"):
        finished = experiment.status in FINISHED_STATUSES
        last_change = experiment.status_date or (
            experiment.first_published_at.date() if experiment.first_published_at else None
        )
        if not finished and last_change and last_change < stale_before:
            found.append(
                Reminder(
                    experiment,
                    "stale",
                    last_change.isoformat(),
                    _("Forsøgets status har ikke ændret sig siden %(date)s. Er den stadig rigtig?")
                    % {"date": _d(last_change)},
                )
            )
        end = experiment.end
        if end and end < today and not finished and not any(e.date >= end for e in experiment.status_events.all()):
            found.append(
                Reminder(
                    experiment,
                    "end_passed",
                    end.isoformat(),
                    _("Forsøgets slutdato %(date)s er passeret, men der er ingen statushændelse siden.")
                    % {"date": _d(end)},
                )
            )
        if end and end < results_before and not experiment.results.all():
            found.append(
                Reminder(
                    experiment,
                    "results_missing",
                    end.isoformat(),
                    _("Forsøget sluttede %(date)s, og der er endnu ingen resultater.") % {"date": _d(end)},
                )
            )
        for exemption in experiment.exemption_requests.all():
            basis_end = exemption.basis_end
            granted = exemption.decision in (Decision.GRANTED, Decision.PARTLY_GRANTED)
            if granted and basis_end and today <= basis_end <= basis_until:
                found.append(
                    Reminder(
                        experiment,
                        "basis_ending",
                        f"{exemption.pk}:{basis_end.isoformat()}",
                        _("Hjemlen til fritagelsen fra %(provision)s udløber %(date)s.")
                        % {"provision": exemption.provision.reference_text, "date": _d(basis_end)},
                    )
                )
    return found


def send_reminders(*, today: datetime.date | None = None) -> int:
    """E-mail each due reminder to the experiment's contact (or the page's owner) once; returns how many were sent."""
    with job_lock("send_reminders") as acquired:
        if not acquired:
            return 0
        sent = 0
        failed = []
        for reminder in due_reminders(today=today):
            recipient = reminder.recipient
            if not recipient or opted_out(recipient, Delivery.Kind.REMINDER):
                continue

            def build(message_id, reminder=reminder, recipient=recipient):
                return build_message(
                    template="reminder",
                    context={
                        "reminder": reminder,
                        "page_url": absolute(reminder.experiment.get_url() or ""),
                        "edit_url": absolute(reverse("wagtailadmin_pages:edit", args=[reminder.experiment.pk])),
                    },
                    to=recipient,
                    subject=_("Påmindelse: %(title)s") % {"title": reminder.experiment.title},
                    unsubscribe=unsubscribe_url(email=recipient, kind=Delivery.Kind.REMINDER),
                    message_id=message_id,
                )

            try:
                sent += send_once(key=reminder.key, kind=Delivery.Kind.REMINDER, recipient=recipient, build=build)
            except Exception as error:
                failed.append(f"{reminder.key}: {error}")
        if failed:
            raise SendingFailed("; ".join(failed))
        return sent
