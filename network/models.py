"""The network's home page: the root of the site, with the latest experiments and articles and key figures."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from core.visibility import LOGIN_ONLY, visible_pages
from experiments.models import ExperimentPage
from knowledge.models import KnowledgeArticlePage
from municipalities.models import MunicipalityPage, Network


class HomePage(Page):
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["municipalities.MunicipalityIndexPage", "knowledge.KnowledgeIndexPage"]
    private_page_options = LOGIN_ONLY
    max_count = 1

    network = models.ForeignKey(Network, verbose_name=_("netværk"), null=True, blank=True, on_delete=models.SET_NULL)
    intro = RichTextField(_("introduktion"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("network"), FieldPanel("intro")]

    class Meta:
        verbose_name = _("forside")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        experiments = visible_pages(ExperimentPage.objects.descendant_of(self), request.user)
        context["municipalities"] = MunicipalityPage.objects.live().descendant_of(self).order_by("title")
        context["latest_experiments"] = experiments.order_by("-last_published_at")[:6]
        context["latest_articles"] = visible_pages(
            KnowledgeArticlePage.objects.descendant_of(self), request.user
        ).order_by("-first_published_at")[:6]
        context["experiment_count"] = experiments.count()
        return context
