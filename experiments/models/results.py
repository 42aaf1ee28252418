"""What came of an experiment: measured results, structured learnings and evaluations."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable


class Result(Orderable):
    """A measured outcome: an indicator with its baseline and value."""

    experiment = ParentalKey("experiments.ExperimentPage", related_name="results", on_delete=models.CASCADE)
    indicator = models.CharField(_("indikator"), max_length=255)
    baseline = models.DecimalField(_("udgangspunkt"), max_digits=12, decimal_places=2, null=True, blank=True)
    value = models.DecimalField(_("værdi"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("enhed"), max_length=60, blank=True, help_text=_("Fx borgere, procent, dage."))
    measured_on = models.DateField(_("målt"), null=True, blank=True)
    source = models.CharField(_("kilde"), max_length=255, blank=True)
    note = models.TextField(_("bemærkning"), blank=True)

    panels = [
        FieldPanel("indicator"),
        FieldPanel("baseline"),
        FieldPanel("value"),
        FieldPanel("unit"),
        FieldPanel("measured_on"),
        FieldPanel("source"),
        FieldPanel("note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("resultat")
        verbose_name_plural = _("resultater")

    def __str__(self):
        return self.indicator


class Learning(Orderable):
    """Structured learning: Målgruppe – Metode – Implementering – Effekt – Økonomi, and advice on the legislation."""

    experiment = ParentalKey("experiments.ExperimentPage", related_name="learnings", on_delete=models.CASCADE)
    target_group = models.TextField(_("målgruppe"), blank=True)
    method = models.TextField(_("metode"), blank=True)
    implementation = models.TextField(_("implementering"), blank=True)
    effect = models.TextField(_("effekt"), blank=True)
    economy = models.TextField(_("økonomi"), blank=True)
    what_worked = models.TextField(_("hvad virkede"), blank=True)
    what_did_not_work = models.TextField(_("hvad virkede ikke"), blank=True)
    preconditions = models.TextField(_("forudsætninger"), blank=True)
    legislation_recommendation = models.TextField(_("anbefaling til lovgivningen"), blank=True)

    panels = [
        FieldPanel("target_group"),
        FieldPanel("method"),
        FieldPanel("implementation"),
        FieldPanel("effect"),
        FieldPanel("economy"),
        FieldPanel("what_worked"),
        FieldPanel("what_did_not_work"),
        FieldPanel("preconditions"),
        FieldPanel("legislation_recommendation"),
    ]

    # (field name, heading) in the order the network's learning template uses.
    SECTIONS = (
        ("target_group", _("Målgruppe")),
        ("method", _("Metode")),
        ("implementation", _("Implementering")),
        ("effect", _("Effekt")),
        ("economy", _("Økonomi")),
        ("what_worked", _("Hvad virkede")),
        ("what_did_not_work", _("Hvad virkede ikke")),
        ("preconditions", _("Forudsætninger")),
        ("legislation_recommendation", _("Anbefaling til lovgivningen")),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("læring")
        verbose_name_plural = _("læringer")

    def __str__(self):
        return str(self.SECTIONS[0][1])

    def sections(self):
        """(heading, text) for each filled-in section."""
        return [(heading, getattr(self, name)) for name, heading in self.SECTIONS if getattr(self, name)]

    @property
    def text(self) -> str:
        return "\n".join(text for _heading, text in self.sections())


class Evaluation(Orderable):
    class Kind(models.TextChoices):
        MIDTERM = "midterm", _("midtvejsevaluering")
        FINAL = "final", _("slutevaluering")
        OTHER = "other", _("anden evaluering")

    experiment = ParentalKey("experiments.ExperimentPage", related_name="evaluations", on_delete=models.CASCADE)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.FINAL)
    evaluator = models.CharField(_("evaluator"), max_length=255, help_text=_("Fx VIVE eller kommunen selv."))
    design = models.CharField(
        _("design"), max_length=255, blank=True, help_text=_("Fx procesevaluering, før/efter-måling.")
    )
    completed_on = models.DateField(_("dato"), null=True, blank=True)
    summary = models.TextField(_("sammenfatning"), blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("dokument"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    url = models.URLField(_("link"), blank=True)

    panels = [
        FieldPanel("kind"),
        FieldPanel("evaluator"),
        FieldPanel("design"),
        FieldPanel("completed_on"),
        FieldPanel("summary"),
        FieldPanel("document"),
        FieldPanel("url"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("evaluering")
        verbose_name_plural = _("evalueringer")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.evaluator})"
