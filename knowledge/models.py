"""Knowledge articles (`/viden/`): learnings, method guides, evaluation reports, meeting notes, legal notes, FAQ."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.blocks import NarrativeBlock
from core.visibility import LOGIN_ONLY, VisibilityMixin, visible_pages


class ArticleKind(models.TextChoices):
    LEARNING = "learning", _("Læring")
    METHOD_GUIDE = "method_guide", _("Metodeguide")
    EVALUATION_REPORT = "evaluation_report", _("Evalueringsrapport")
    MEETING_NOTES = "meeting_notes", _("Referat fra netværksmøde")
    LEGAL_NOTE = "legal_note", _("Juridisk notat")
    FAQ = "faq", _("Spørgsmål og svar")


class KnowledgeIndexPage(Page):
    """`/viden/`: the network's shared knowledge."""

    parent_page_types = ["network.HomePage"]
    subpage_types = ["knowledge.KnowledgeArticlePage"]
    private_page_options = LOGIN_ONLY
    max_count = 1

    intro = models.TextField(_("introduktion"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("vidensoversigt")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = visible_pages(KnowledgeArticlePage.objects.child_of(self), request.user).specific()
        kind = request.GET.get("type", "")
        if kind in ArticleKind.values:
            articles = articles.filter(kind=kind)
        context["articles"] = articles.order_by("-first_published_at")
        context["kinds"] = ArticleKind.choices
        context["active_kind"] = kind
        return context


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "knowledge.KnowledgeArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class KnowledgeArticlePage(VisibilityMixin, Page):
    parent_page_types = ["knowledge.KnowledgeIndexPage"]
    subpage_types = []

    kind = models.CharField(_("type"), max_length=30, choices=ArticleKind.choices, default=ArticleKind.LEARNING)
    summary = models.TextField(_("resumé"))
    body = StreamField(NarrativeBlock(), verbose_name=_("indhold"), blank=True)
    author_municipality = models.ForeignKey(
        "municipalities.MunicipalityPage",
        verbose_name=_("kommune"),
        null=True,
        blank=True,
        related_name="articles",
        on_delete=models.SET_NULL,
        help_text=_("Den kommune, artiklen kommer fra; tom for hele netværket."),
    )
    experiments = ParentalManyToManyField(
        "experiments.ExperimentPage", verbose_name=_("forsøg"), blank=True, related_name="articles"
    )
    provisions = ParentalManyToManyField(
        "experiments.Provision", verbose_name=_("bestemmelser"), blank=True, related_name="articles"
    )
    target_groups = ParentalManyToManyField(
        "experiments.TargetGroup", verbose_name=_("målgrupper"), blank=True, related_name="articles"
    )
    tags = ClusterTaggableManager(through=ArticleTag, blank=True, verbose_name=_("emneord"))

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("documents", heading=_("Dokumenter"), label=_("Dokument")),
        MultiFieldPanel(
            [
                FieldPanel("author_municipality"),
                FieldPanel("experiments"),
                FieldPanel("provisions"),
                FieldPanel("target_groups", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Sammenhæng"),
        ),
        FieldPanel("tags"),
        FieldPanel("visibility"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("kind"),
        index.FilterField("visibility"),
    ]

    class Meta:
        verbose_name = _("vidensartikel")
        verbose_name_plural = _("vidensartikler")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["related_experiments"] = visible_pages(self.experiments.all(), request.user)
        return context


class ArticleDocument(Orderable):
    """A document attached to an article (an evaluation report, meeting minutes); its text is searchable."""

    article = ParentalKey(KnowledgeArticlePage, related_name="documents", on_delete=models.CASCADE)
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("dokument"), related_name="+", on_delete=models.CASCADE
    )
    description = models.CharField(_("beskrivelse"), max_length=255, blank=True)

    panels = [FieldPanel("document"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("dokument")
        verbose_name_plural = _("dokumenter")
