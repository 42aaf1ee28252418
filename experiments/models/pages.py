"""The experiment (forsøg): a page in its owner municipality's subtree, with its status history and partners."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.blocks import NarrativeBlock
from core.visibility import VisibilityMixin
from experiments.models.choices import EvidenceRating, ExperimentStatus
from experiments.panels import ExemptionRequestPanel, ExperimentPageForm, SimilarExperimentsPanel


class ExperimentTag(TaggedItemBase):
    content_object = ParentalKey("experiments.ExperimentPage", related_name="tagged_items", on_delete=models.CASCADE)


class ExperimentPage(VisibilityMixin, Page):
    parent_page_types = ["municipalities.MunicipalityPage"]
    subpage_types = []

    summary = models.TextField(_("resumé"), help_text=_("Kort og i et sprog, borgere forstår."))
    planned_start = models.DateField(_("planlagt start"), null=True, blank=True)
    planned_end = models.DateField(_("planlagt slut"), null=True, blank=True)
    actual_start = models.DateField(_("faktisk start"), null=True, blank=True)
    actual_end = models.DateField(_("faktisk slut"), null=True, blank=True)
    council_decision_date = models.DateField(
        _("forsøgsbeslutning"),
        null=True,
        blank=True,
        help_text=_("Datoen for kommunalbestyrelsens beslutning."),
    )
    frikommunevedtaegt_url = models.URLField(
        _("frikommunevedtægt"),
        blank=True,
        help_text=_("Link til den offentlige frikommunevedtægt på kommunens hjemmeside."),
    )
    challenge = models.TextField(_("udfordringen"), blank=True)
    purpose = models.TextField(_("formål"), blank=True)
    content = StreamField(NarrativeBlock(), verbose_name=_("forsøgsindhold"), blank=True)
    target_groups = ParentalManyToManyField(
        "experiments.TargetGroup", verbose_name=_("målgrupper"), blank=True, related_name="experiments"
    )
    target_group_description = models.TextField(
        _("målgruppe"), blank=True, help_text=_("Hvem forsøget er for, med egne ord.")
    )
    service_areas = ParentalManyToManyField(
        "experiments.ServiceArea", verbose_name=_("fagområder"), blank=True, related_name="experiments"
    )
    citizens_count = models.PositiveIntegerField(_("antal borgere"), null=True, blank=True)
    contact_name = models.CharField(_("kontaktperson"), max_length=255, blank=True)
    contact_email = models.EmailField(_("kontaktpersonens e-mail"), blank=True)
    # NOTE: unique within the owner municipality, which the page tree decides, so clean() checks it rather than a
    # database constraint; the importer checks it for a whole file.
    local_id = models.CharField(
        _("kommunens id"),
        max_length=100,
        blank=True,
        help_text=_("Kommunens eget id for forsøget, fx HLS-2018-04; bruges til at genkende forsøget ved import."),
    )
    builds_on = models.ForeignKey(
        "self",
        verbose_name=_("bygger på"),
        null=True,
        blank=True,
        related_name="successors",
        on_delete=models.SET_NULL,
        help_text=_("Et tidligere forsøg, som dette viderefører."),
    )
    evidence_rating = models.CharField(
        _("evidens"), max_length=10, choices=EvidenceRating.choices, blank=True, default=""
    )
    # The latest status event, kept on the page so lists and filters need no subquery; set on every save.
    status = models.CharField(_("status"), max_length=30, choices=ExperimentStatus.choices, blank=True, editable=False)
    status_date = models.DateField(_("statusdato"), null=True, blank=True, editable=False)
    tags = ClusterTaggableManager(through=ExperimentTag, blank=True, verbose_name=_("emneord"))

    content_panels = [
        FieldPanel("title", heading=_("Forsøgstitel")),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("planned_start"), FieldPanel("planned_end")]),
                FieldRowPanel([FieldPanel("actual_start"), FieldPanel("actual_end")]),
            ],
            heading=_("Forsøgsperiode"),
        ),
        MultiFieldPanel(
            [FieldPanel("council_decision_date"), FieldPanel("frikommunevedtaegt_url")],
            heading=_("Forsøgsbeslutning"),
        ),
        MultiFieldPanel(
            [FieldPanel("challenge"), FieldPanel("purpose"), FieldPanel("content")],
            heading=_("Forsøgsindhold"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("target_groups", widget=forms.CheckboxSelectMultiple),
                FieldPanel("target_group_description"),
                FieldPanel("citizens_count"),
            ],
            heading=_("Målgruppe"),
        ),
        ExemptionRequestPanel("exemption_requests", heading=_("Paragraffritagelser"), label=_("Paragraffritagelse")),
        SimilarExperimentsPanel(heading=_("Har andre prøvet det?")),
        InlinePanel("status_events", heading=_("Status"), label=_("Statushændelse")),
        MultiFieldPanel(
            [
                InlinePanel("results", label=_("Resultat")),
                InlinePanel("learnings", label=_("Læring")),
                InlinePanel("evaluations", label=_("Evaluering")),
                FieldPanel("evidence_rating"),
            ],
            heading=_("Resultater og læring"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("service_areas", widget=forms.CheckboxSelectMultiple),
                InlinePanel("partners", label=_("Partnerkommune")),
                FieldPanel("builds_on"),
            ],
            heading=_("Samarbejde"),
        ),
        MultiFieldPanel([FieldPanel("contact_name"), FieldPanel("contact_email")], heading=_("Kontakt")),
        FieldPanel("local_id"),
        FieldPanel("tags"),
        FieldPanel("visibility"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("challenge"),
        index.SearchField("purpose"),
        index.SearchField("content"),
        index.SearchField("target_group_description"),
        index.FilterField("status"),
        index.FilterField("visibility"),
    ]

    base_form_class = ExperimentPageForm

    class Meta:
        verbose_name = _("forsøg")
        verbose_name_plural = _("forsøg")

    def clean(self):
        super().clean()
        errors = {}
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("Slutdatoen ligger før startdatoen.")
        if self.actual_start and self.actual_end and self.actual_end < self.actual_start:
            errors["actual_end"] = _("Slutdatoen ligger før startdatoen.")
        if self.builds_on_id and self.builds_on_id == self.pk:
            errors["builds_on"] = _("Et forsøg kan ikke bygge på sig selv.")
        elif self.builds_on_id and self.pk and self._builds_on_leads_back():
            errors["builds_on"] = _("Det valgte forsøg bygger selv (direkte eller indirekte) på dette forsøg.")
        if self.local_id and self.path and self._local_id_taken():
            errors["local_id"] = _("Kommunen har allerede et forsøg med dette id.")
        if errors:
            raise ValidationError(errors)

    def _local_id_taken(self) -> bool:
        parent_path = self.path[: -self.steplen]
        others = ExperimentPage.objects.filter(path__startswith=parent_path, depth=self.depth, local_id=self.local_id)
        return others.exclude(pk=self.pk).exists()

    def _builds_on_leads_back(self) -> bool:
        """True when following "bygger på" from the chosen experiment comes back to this one."""
        seen = set()
        current = self.builds_on_id
        while current and current not in seen:
            if current == self.pk:
                return True
            seen.add(current)
            current = ExperimentPage.objects.filter(pk=current).values_list("builds_on_id", flat=True).first()
        return False

    def save(self, *args, **kwargs):
        self.set_status_from_events()
        super().save(*args, **kwargs)

    def set_status_from_events(self) -> None:
        """The status and its date are the latest status event's (kept on the page for lists and filters)."""
        latest = self.latest_status_event
        self.status = latest.status if latest else ""
        self.status_date = latest.date if latest else None

    @property
    def latest_status_event(self):
        # Works on unsaved in-memory children too (revisions, previews), hence no database ordering.
        events = [event for event in self.status_events.all() if event.date]
        return max(events, key=lambda event: (event.date, event.sort_order or 0), default=None)

    def permissions_for_user(self, user):
        # Once published, only network administrators may delete it; the others archive it (experiments.archiving).
        from experiments.archiving import ExperimentPermissionTester

        return ExperimentPermissionTester(user, self)

    @cached_property
    def municipality(self):
        from municipalities.models import MunicipalityPage

        return MunicipalityPage.objects.ancestor_of(self).first()

    @property
    def start(self):
        return self.actual_start or self.planned_start

    @property
    def end(self):
        return self.actual_end or self.planned_end

    def timeline(self):
        return sorted((e for e in self.status_events.all() if e.date), key=lambda e: (e.date, e.sort_order or 0))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["exemptions"] = self.exemption_requests.select_related("provision__law").prefetch_related(
            "provision__successors__law"
        )
        context["timeline"] = self.timeline()
        return context


class StatusEvent(Orderable):
    """A dated status: the experiment's timeline and the network's history are built from these."""

    experiment = ParentalKey(ExperimentPage, related_name="status_events", on_delete=models.CASCADE)
    status = models.CharField(_("status"), max_length=30, choices=ExperimentStatus.choices)
    date = models.DateField(_("dato"))
    note = models.TextField(_("bemærkning"), blank=True)

    panels = [FieldPanel("status"), FieldPanel("date"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = _("statushændelse")
        verbose_name_plural = _("statushændelser")
        ordering = ["date", "sort_order"]

    def __str__(self):
        return f"{self.get_status_display()} {self.date:%d.%m.%Y}"


class PartnerMunicipality(Orderable):
    """Another municipality running the same experiment, with its own local status and contact."""

    experiment = ParentalKey(ExperimentPage, related_name="partners", on_delete=models.CASCADE)
    municipality = models.ForeignKey(
        "municipalities.MunicipalityPage",
        verbose_name=_("kommune"),
        related_name="partnerships",
        on_delete=models.CASCADE,
    )
    local_status = models.CharField(_("lokal status"), max_length=30, choices=ExperimentStatus.choices, blank=True)
    contact_name = models.CharField(_("kontaktperson"), max_length=255, blank=True)
    contact_email = models.EmailField(_("kontaktpersonens e-mail"), blank=True)

    panels = [
        FieldPanel("municipality"),
        FieldPanel("local_status"),
        FieldPanel("contact_name"),
        FieldPanel("contact_email"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("partnerkommune")
        verbose_name_plural = _("partnerkommuner")

    def __str__(self):
        return str(self.municipality)
