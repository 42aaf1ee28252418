"""The network and the municipality pages that own each municipality's subtree."""

from django.apps import apps
from django.core.validators import RegexValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from core.visibility import LOGIN_ONLY, visible_pages


class Network(models.Model):
    """A free-municipality network ("frikommunenetværk"); the programme had eight, so nothing assumes one."""

    name = models.CharField(_("navn"), max_length=255, unique=True)
    short_name = models.CharField(_("kort navn"), max_length=60, blank=True)
    theme = models.TextField(_("tema"), blank=True)
    legal_basis = models.CharField(_("retsgrundlag"), max_length=255, blank=True)
    ministry_name = models.CharField(
        _("ansvarligt ministerium"),
        max_length=255,
        blank=True,
        help_text=_("Ministeriets navn skifter; skriv det nuværende."),
    )
    coordinator_name = models.CharField(_("netværkskoordinator"), max_length=255, blank=True)
    coordinator_email = models.EmailField(_("netværkskoordinatorens e-mail"), blank=True)
    approved_on = models.DateField(_("frikommunestatus givet"), null=True, blank=True)

    class Meta:
        verbose_name = _("netværk")
        verbose_name_plural = _("netværk")

    def __str__(self):
        return self.short_name or self.name


class MunicipalityIndexPage(Page):
    """`/kommuner/`: the network's municipalities."""

    parent_page_types = ["network.HomePage"]
    subpage_types = ["municipalities.MunicipalityPage"]
    private_page_options = LOGIN_ONLY
    max_count = 1

    intro = RichTextField(_("introduktion"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("kommuneoversigt")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["municipalities"] = MunicipalityPage.objects.child_of(self).live().order_by("title")
        return context


class MunicipalityPage(Page):
    """A municipality. Its subtree is what its groups may edit: the page tree is the permission model."""

    parent_page_types = ["municipalities.MunicipalityIndexPage"]
    subpage_types = ["experiments.ExperimentPage"]
    private_page_options = LOGIN_ONLY

    network = models.ForeignKey(
        Network,
        verbose_name=_("netværk"),
        related_name="municipalities",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    municipality_code = models.CharField(
        _("kommunekode"),
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^\d{3}$", _("Kommunekoden er tre cifre, fx 217."))],
        help_text=_("Danmarks Statistiks kommunekode, fx 217 for Helsingør."),
    )
    intro = RichTextField(_("introduktion"), blank=True)
    contact_name = models.CharField(_("kontaktperson"), max_length=255, blank=True)
    contact_email = models.EmailField(_("kontaktpersonens e-mail"), blank=True)
    contact_phone = models.CharField(_("kontaktpersonens telefon"), max_length=40, blank=True)
    website = models.URLField(_("hjemmeside"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("municipality_code"),
        FieldPanel("network"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("contact_name"),
                FieldPanel("contact_email"),
                FieldPanel("contact_phone"),
                FieldPanel("website"),
            ],
            heading=_("Kontakt"),
        ),
    ]

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")

    @cached_property
    def name(self) -> str:
        return self.title

    def experiments_for(self, user):
        # The experiments app sits above this one: its page type is looked up by name, not imported.
        experiment_page = apps.get_model("experiments", "ExperimentPage")
        return visible_pages(experiment_page.objects.child_of(self), user).specific().order_by("title")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["experiments"] = self.experiments_for(request.user)
        return context
