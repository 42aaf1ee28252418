"""What a knowledge article contributes to the search index; registered from KnowledgeConfig.ready()."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.blocks import stream_text_and_documents
from core.visibility import visible_pages
from search.registry import FacetValue, SearchableContent, register, register_dependents, register_shown_in


def build_article(page) -> SearchableContent:
    body_text, documents = stream_text_and_documents(page.body)
    attachments = list(page.documents.all())
    documents += [attachment.document for attachment in attachments if attachment.document_id]
    provisions = list(page.provisions.all())
    target_groups = list(page.target_groups.all())
    tags = list(page.tags.all())
    # Only the titles of linked experiments that anyone may read: the document is one for all readers, and a
    # public article must not be found by (or show a snippet of) a network-only or unpublished experiment.
    experiments = list(visible_pages(page.experiments.all(), None).order_by("pk"))
    municipality = page.author_municipality
    owner = FacetValue(municipality.slug, municipality.title) if municipality else None
    published = page.first_published_at or page.last_published_at or timezone.now()

    return SearchableContent(
        title=page.title,
        parts=[
            ("A", page.title),
            ("B", page.summary),
            ("B", page.get_kind_display()),
            ("B", " ".join(group.name for group in target_groups)),
            ("B", " ".join(tag.name for tag in tags)),
            ("B", "\n".join(" ".join(filter(None, [p.reference_text, p.heading, p.law.name])) for p in provisions)),
            ("C", body_text),
            ("C", "\n".join(attachment.description for attachment in attachments if attachment.description)),
            ("D", "\n".join(experiment.title for experiment in experiments)),
        ],
        municipality=owner,
        municipalities=[owner] if owner else [],
        target_groups=[FacetValue(group.slug, group.name) for group in target_groups],
        laws=list({p.law.key: FacetValue(p.law.key, p.law.abbreviation) for p in provisions}.values()),
        provisions=[FacetValue(str(p.pk), p.reference_text) for p in provisions],
        tags=[FacetValue(tag.slug, tag.name) for tag in tags],
        years=[timezone.localtime(published).year],
        period_start=timezone.localtime(published).date(),
        documents=documents,
    )


def prepare_articles(queryset):
    return queryset.select_related("author_municipality").prefetch_related(
        "documents__document", "provisions__law", "target_groups", "tags"
    )


def articles_linking(experiment):
    """The live articles that list `experiment`: indexed again when it changes, see `build_article`."""
    from knowledge.models import KnowledgeArticlePage

    return KnowledgeArticlePage.objects.live().filter(experiments=experiment).distinct()


def articles_showing(field: str):
    """The live articles whose document shows the name of an object reached by `field` (a lookup path)."""

    def find(obj):
        from knowledge.models import KnowledgeArticlePage

        return KnowledgeArticlePage.objects.live().filter(**{field: obj}).distinct()

    return find


def register_searchable():
    from experiments.models import ExperimentPage, Law, Provision, TargetGroup
    from knowledge.models import KnowledgeArticlePage
    from municipalities.models import MunicipalityPage

    register(
        KnowledgeArticlePage,
        kind="viden",
        label=_("Viden"),
        build=build_article,
        prepare=prepare_articles,
    )
    register_dependents(ExperimentPage, articles_linking)
    # Renamed, these are found by their new names at once.
    register_shown_in(TargetGroup, articles_showing("target_groups"), fields=["name", "slug"])
    register_shown_in(Provision, articles_showing("provisions"))
    register_shown_in(Law, articles_showing("provisions__law"))
    register_shown_in(MunicipalityPage, articles_showing("author_municipality"), fields=["title", "slug"])
