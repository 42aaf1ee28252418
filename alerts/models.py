"""Saved searches and follows (subscriptions), the log of changes they are alerted about, and the ledger of every
message sent, so that nothing is sent twice and a job that dies halfway resumes where it stopped."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("straks")
    DAILY = "daily", _("dagligt")
    WEEKLY = "weekly", _("ugentligt")


class SubscriptionQuerySet(models.QuerySet):
    def active(self):
        """Confirmed, not unsubscribed and not paused."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True, paused=False)


class Subscription(models.Model):
    """A saved search or a followed experiment, provision, municipality or target group, for a user or an e-mail."""

    class Kind(models.TextChoices):
        SEARCH = "search", _("gemt søgning")
        EXPERIMENT = "experiment", _("forsøg")
        PROVISION = "provision", _("bestemmelse")
        MUNICIPALITY = "municipality", _("kommune")
        TARGET_GROUP = "target_group", _("målgruppe")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="subscriptions", on_delete=models.CASCADE
    )
    # Subscribers without an account give only an e-mail address; they see public pages only.
    email = models.EmailField(_("e-mail"), blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("navn"), max_length=200)
    # A saved search: the query string of /soeg/ exactly as in the address (text and facets), without the page.
    query_string = models.TextField(blank=True)
    page = models.ForeignKey("wagtailcore.Page", null=True, blank=True, related_name="+", on_delete=models.CASCADE)
    provision = models.ForeignKey(
        "experiments.Provision", null=True, blank=True, related_name="+", on_delete=models.CASCADE
    )
    target_group = models.ForeignKey(
        "experiments.TargetGroup", null=True, blank=True, related_name="+", on_delete=models.CASCADE
    )
    email_alerts = models.BooleanField(_("e-mail"), default=True)
    frequency = models.CharField(_("hvor ofte"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    feed_enabled = models.BooleanField(_("feed"), default=False)
    # Two secret feed addresses: the owner's (what the owner may read) and one to share (public pages only).
    feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    public_feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    paused = models.BooleanField(_("sat på pause"), default=False)
    # Double opt-in: nothing is sent to an e-mail-only subscriber before the confirmation link is followed.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The high-water mark: changes up to this moment have been considered (sent, or found to be nothing new).
    covered_until = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnementer")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name

    @property
    def recipient(self) -> str:
        return self.user.email if self.user_id and self.user.email else self.email

    @property
    def reader(self):
        """Whose eyes the alert is for: the user while the account is active, otherwise the public."""
        return self.user if self.user_id and self.user.is_active else None


class Change(models.Model):
    """Something new on a published page, recorded when the page is published: what alerts and the digest tell."""

    class Kind(models.TextChoices):
        NEW_EXPERIMENT = "new_experiment", _("nyt forsøg")
        UPDATED = "updated", _("opdateret")
        STATUS = "status", _("ny status")
        DECISION = "decision", _("afgørelse")
        RESULT = "result", _("nyt resultat")
        LEARNING = "learning", _("ny læring")
        BASIS = "basis", _("hjemmel")
        KNOWLEDGE = "knowledge", _("ny viden")

    page = models.ForeignKey("wagtailcore.Page", related_name="+", on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    summary = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.summary}"


class PageState(models.Model):
    """What a page held when it was last published, to tell what the next publication adds."""

    page = models.OneToOneField("wagtailcore.Page", primary_key=True, related_name="+", on_delete=models.CASCADE)
    state = models.JSONField(default=dict)

    def __str__(self):
        return str(self.page_id)


class Delivery(models.Model):
    """One message, recorded before it is sent (pending) and marked sent after: the ledger behind "once only".

    `key` names the occurrence (an alert's window, a reminder's cause, a digest's week and recipient), so the same
    occurrence is never recorded twice. A pending row left by a job that died is resent with the same Message-ID.
    """

    class Kind(models.TextChoices):
        ALERT = "alert", _("besked")
        REMINDER = "reminder", _("påmindelse")
        DIGEST = "digest", _("ugeoversigt")
        CONFIRMATION = "confirm", _("bekræftelse")

    class State(models.TextChoices):
        PENDING = "pending", _("venter")
        SENT = "sent", _("sendt")
        SKIPPED = "skipped", _("intet at sende")

    key = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, related_name="deliveries", on_delete=models.CASCADE
    )
    recipient = models.EmailField()
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255)
    item_count = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.key


class OptOut(models.Model):
    """An address that unsubscribed from reminders or the weekly digest (which are not subscriptions of its own)."""

    email = models.EmailField()
    kind = models.CharField(max_length=10, choices=Delivery.Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["email", "kind"], name="unique_opt_out")]

    def __str__(self):
        return f"{self.email} ({self.kind})"
