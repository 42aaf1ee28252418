"""Demo knowledge articles, built from articles.toml: the network's documented evaluations and law changes, and
demo articles marked as demo.

Each is linked to experiments (by municipality and slug), provisions (by Danish reference) and target groups, and
is created only if its slug is free.
"""

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from core.publishing import publish_new_page
from experiments.models import Provision, TargetGroup
from experiments.references import parse_reference
from knowledge.models import ArticleDocument, KnowledgeArticlePage, KnowledgeIndexPage
from municipalities.models import MunicipalityPage
from network.demo.experiments import experiment_page, narrative
from network.demo.loader import DemoArticle, DemoDocument, read_articles


def _build(spec: DemoArticle) -> KnowledgeArticlePage:
    page = KnowledgeArticlePage(
        title=spec.title,
        slug=spec.slug,
        kind=spec.kind,
        summary=spec.summary,
        body=narrative(spec.body),
        author_municipality=MunicipalityPage.objects.get(slug=spec.author) if spec.author else None,
        visibility=spec.visibility,
    )
    page.experiments = [experiment_page(path) for path in spec.experiments]
    page.provisions = [Provision.objects.resolve(parse_reference(text)) for text in spec.provisions]
    page.target_groups = list(TargetGroup.objects.filter(name__in=spec.target_groups))
    page.documents = [
        ArticleDocument(document=_document(document), description=document.description) for document in spec.documents
    ]
    page.tags.add(*spec.tags)
    return page


def _document(spec: DemoDocument):
    """The demo document with this title, created with the spec's text as its file when missing."""
    model = get_document_model()
    document = model.objects.filter(title=spec.title).first()
    if document is None:
        document = model(title=spec.title)
        document.file.save(spec.filename, ContentFile(spec.text.encode("utf-8")), save=False)
        # Size and hash as the admin's upload form records them.
        document._set_document_file_metadata()
        document.save()
    return document


def load_demo_articles(*, user=None) -> list[KnowledgeArticlePage]:
    """Create the articles whose slug is free under /viden/; the experiments they link to must exist.

    The whole file is read and checked first (its experiment links against experiments.toml), so a mistake in the
    data writes nothing.
    """
    index = KnowledgeIndexPage.objects.get()
    created = []
    for spec in read_articles():
        if KnowledgeArticlePage.objects.child_of(index).filter(slug=spec.slug).exists():
            continue
        created.append(publish_new_page(index, _build(spec), user=user))
    return created
