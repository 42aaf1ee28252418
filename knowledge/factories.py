"""Factories for `/viden/` and its articles; `KnowledgeIndexPageFactory()` finds the index `setup_network` made."""

import factory
import wagtail_factories
from factory.django import DjangoModelFactory
from wagtail.models import Collection
from wagtail.rich_text import RichText

from core.text import danish_slug
from knowledge.models import ArticleDocument, ArticleKind, KnowledgeArticlePage, KnowledgeIndexPage

ARTICLE_TITLES = (
    "Erfaringer med én samlet plan",
    "Sådan holder I det første koordineringsmøde",
    "Midtvejsevaluering af netværkets forsøg",
    "Referat af netværksmøde i Hillerød",
    "Hvornår kræver et forsøg ny hjemmel?",
    "Spørgsmål og svar om samtykke",
)


class KnowledgeIndexPageFactory(wagtail_factories.PageFactory):
    parent = factory.SubFactory("network.factories.HomePageFactory")
    title = "Viden"
    slug = "viden"
    intro = "Læring, metodeguides, evalueringer, referater og juridiske notater fra netværkets forsøg."

    class Meta:
        model = KnowledgeIndexPage
        django_get_or_create = ("parent", "slug")


class KnowledgeArticlePageFactory(wagtail_factories.PageFactory):
    parent = factory.SubFactory(KnowledgeIndexPageFactory)
    title = factory.Iterator(ARTICLE_TITLES)
    slug = factory.LazyAttributeSequence(lambda page, n: f"{danish_slug(page.title)}-{n}")
    kind = factory.Iterator(ArticleKind.values)
    summary = factory.Faker("paragraph", nb_sentences=2, locale="da_DK")
    body = factory.LazyAttribute(
        lambda page: [
            ("heading", "Det lærte vi"),
            ("paragraph", RichText(f"<p>{page.summary}</p>")),
        ]
    )

    class Meta:
        model = KnowledgeArticlePage
        skip_postgeneration_save = True

    @factory.post_generation
    def tags(page, create, extracted, **kwargs):
        if extracted:
            page.tags.add(*extracted)
            if create:
                page.save()


class DocumentFactory(wagtail_factories.DocumentFactory):
    # Wagtail's factory makes a new root collection for every document; ours go in the one root that exists.
    collection = factory.LazyFunction(Collection.get_first_root_node)
    title = "Evalueringsrapport"
    file = factory.django.FileField(filename="evalueringsrapport.txt", data="Evaluering af forsøget.".encode())


class ArticleDocumentFactory(DjangoModelFactory):
    article = factory.SubFactory(KnowledgeArticlePageFactory)
    document = factory.SubFactory(DocumentFactory)
    description = factory.Faker("sentence", locale="da_DK")

    class Meta:
        model = ArticleDocument
