"""The programme's own words for statuses, decisions and bases, with English keys for code."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExperimentStatus(models.TextChoices):
    IDEA = "idea", _("idé")
    APPLIED = "applied", _("ansøgt")
    APPROVED = "approved", _("godkendt")
    STARTED = "started", _("igangsat")
    MIDTERM_EVALUATED = "midterm_evaluated", _("midtvejsevalueret")
    ENDED = "ended", _("afsluttet")
    EVALUATED = "evaluated", _("evalueret")
    SPREAD = "spread", _("udbredt")
    PARTLY_SPREAD = "partly_spread", _("delvist udbredt")
    FOLLOWED_UP_ELSEWHERE = "followed_up_elsewhere", _("følges op i andet regi")
    NOT_SPREAD = "not_spread", _("udbredes ikke")
    DISCONTINUED = "discontinued", _("indstillet")
    NOT_STARTED = "not_started", _("ikke iværksat")
    EXTENDED = "extended", _("forlænget")


# Statuses after which an experiment no longer runs; used by progress views and "needs attention" lists.
FINISHED_STATUSES = frozenset(
    {
        ExperimentStatus.ENDED,
        ExperimentStatus.EVALUATED,
        ExperimentStatus.SPREAD,
        ExperimentStatus.PARTLY_SPREAD,
        ExperimentStatus.FOLLOWED_UP_ELSEWHERE,
        ExperimentStatus.NOT_SPREAD,
        ExperimentStatus.DISCONTINUED,
        ExperimentStatus.NOT_STARTED,
    }
)


class Decision(models.TextChoices):
    APPLIED = "applied", _("ansøgt")
    GRANTED = "granted", _("imødekommet")
    PARTLY_GRANTED = "partly_granted", _("delvist imødekommet")
    REFUSED = "refused", _("ikke imødekommet")
    NOT_NEEDED = "not_needed", _("ikke nødvendig")
    WITHDRAWN = "withdrawn", _("trukket tilbage")


class LegalBasis(models.TextChoices):
    DISPENSATION = "dispensation", _("dispensation")
    NEW_HJEMMEL = "new_hjemmel", _("ny hjemmel")


class ApplicationRound(models.IntegerChoices):
    FIRST = 1, _("1. runde (1. december 2016)")
    SECOND = 2, _("2. runde (1. maj 2017)")
    THIRD = 3, _("3. runde (1. november 2017)")


class EvidenceRating(models.TextChoices):
    NOT_RATED = "", _("ikke vurderet")
    WEAK = "weak", _("svag")
    MODERATE = "moderate", _("moderat")
    STRONG = "strong", _("stærk")


def choice_by_label(choices: type[models.TextChoices], text: str):
    """The choice whose Danish label or key is `text` (case-insensitive), or None."""
    wanted = " ".join(str(text).split()).casefold()
    for value, label in choices.choices:
        if wanted in {str(value).casefold(), str(label).casefold()}:
            return choices(value)
    return None
