"""The search index in PostgreSQL: one document per published searchable page, the corpus's own words, facet
labels, the text of attached documents and the queue of changes waiting for Elasticsearch.

Everything here is derived from the pages and can be rebuilt with `manage.py search_index rebuild`.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Value
from django.utils.translation import gettext_lazy as _

from search.facets import FACETS


def _facet_columns() -> type[models.Model]:
    """An abstract model with one column per facet of search/facets.py, which SearchDocument inherits."""
    columns = {facet.field: facet.model_field() for facet in FACETS}
    meta = type("Meta", (), {"abstract": True})
    return type("FacetColumns", (models.Model,), {"__module__": __name__, "Meta": meta, **columns})


FacetColumns = _facet_columns()


class SearchDocument(FacetColumns):
    """One published searchable page as search sees it; the facet columns (kind, municipalities, status, …)
    come from FacetColumns."""

    # NOTE: cascades with the page, so a deleted page leaves the index in the same transaction even without signals.
    page = models.OneToOneField("wagtailcore.Page", primary_key=True, on_delete=models.CASCADE, related_name="+")
    title = models.TextField()
    url = models.CharField(max_length=1000)
    # The text by tsvector weight; B and C are where snippets come from, D is the text of attached documents.
    text_b = models.TextField(blank=True)
    text_c = models.TextField(blank=True)
    text_d = models.TextField(blank=True)
    # NOTE: stored out of line (TOAST, migration 0007), so the table's rows stay narrow: counting the matches of a
    # broad word reads the GIN index and the narrow rows, never the vectors. Only the best matches read theirs.
    vector = SearchVectorField()
    # The title and the summary's words (weights A and B) of `vector`, kept in the row: broad searches rank these
    # first (search/engines/postgres.py).
    vector_head = models.GeneratedField(
        expression=Func(
            F("vector"), Value("{a,b}"), function="ts_filter", template='%(function)s(%(expressions)s::"char"[])'
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # The title's words (weight A): a word found on most pages is ranked among the pages with it in their title
    # first, a tier smaller again.
    vector_title = models.GeneratedField(
        expression=Func(
            F("vector"), Value("{a}"), function="ts_filter", template='%(function)s(%(expressions)s::"char"[])'
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    visibility = models.CharField(max_length=10)
    municipality = models.CharField(max_length=100, blank=True)
    municipality_label = models.CharField(max_length=255, blank=True)
    status_label = models.CharField(max_length=100, blank=True)
    # Every facet value as "param:value" (kommune:helsingor, aar:2019), so one pass over the matches counts all.
    facet_values = ArrayField(models.TextField(), default=list)
    period_start = models.DateField(null=True)
    period_end = models.DateField(null=True)
    # What "nyeste" sorts by: the experiment's start, or the article's publication date.
    sort_date = models.DateField(null=True)
    last_published_at = models.DateTimeField(null=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            GinIndex(fields=["vector"], name="search_doc_vector"),
            GinIndex(fields=["vector_head"], name="search_doc_vector_head"),
            GinIndex(fields=["vector_title"], name="search_doc_vector_title"),
            *[
                GinIndex(fields=[facet.field], name=f"search_doc_{facet.field}")
                for facet in FACETS
                if facet.indexed and not facet.scalar
            ],
            models.Index(fields=["-sort_date"], name="search_doc_sort_date"),
            models.Index(fields=["-last_published_at"], name="search_doc_updated"),
        ]

    def __str__(self):
        return self.title


class LexiconWord(models.Model):
    """A word of the indexed corpus with its Danish stem: compounds are split and typos corrected against these.

    A word is offered to a reader only from pages that reader may see: `frequency` counts the indexed pages that
    have the word, `public_frequency` the public ones among them. Both follow every index, removal and visibility
    change (search/indexing.py), and a word leaves the lexicon with its last page.
    """

    word = models.CharField(max_length=100, primary_key=True)
    lexeme = models.CharField(max_length=100, db_index=True)
    frequency = models.PositiveIntegerField(default=1)
    public_frequency = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            GinIndex(name="search_lexicon_word_trgm", fields=["word"], opclasses=["gin_trgm_ops"]),
            GinIndex(name="search_lexicon_lexeme_trgm", fields=["lexeme"], opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self):
        return self.word


class FacetLabel(models.Model):
    """What a facet value is called on screen, e.g. ("kommune", "helsingor") → "Helsingør"."""

    facet = models.CharField(max_length=30)
    value = models.CharField(max_length=100)
    label = models.CharField(max_length=255)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["facet", "value"], name="unique_facet_value")]

    def __str__(self):
        return f"{self.facet}={self.value}"


class DocumentText(models.Model):
    """The extracted text of an attached document, kept per file hash so a rebuild reads each file once."""

    document = models.OneToOneField("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")
    file_hash = models.CharField(max_length=40)
    text = models.TextField(blank=True)

    def __str__(self):
        return str(self.document_id)


class IndexQueue(models.Model):
    """A page whose index entry changed and has not yet reached Elasticsearch; written with the change itself."""

    class Action(models.TextChoices):
        INDEX = "index"
        DELETE = "delete"

    page_id = models.IntegerField(db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.action} {self.page_id}"


class ThesaurusEntry(models.Model):
    """A word or phrase of the field and what a search for it also looks for (search/thesaurus.py).

    Unlike the rest of this module it is edited, not derived: the network's administrators keep it in the admin.
    The stems are kept with the entry, so a search finds its terms with one indexed lookup.
    """

    term = models.CharField(
        _("ord eller udtryk"),
        max_length=200,
        unique=True,
        help_text=_("Det, en medarbejder skriver i søgefeltet, fx »arbejdsløs« eller »mistet job«."),
    )
    alternatives = models.TextField(
        _("søg også efter"),
        help_text=_(
            "Ord eller udtryk, som registret bruger om det samme, adskilt af komma, fx »ledig, kontanthjælp, job«. "
            "De findes i alle bøjninger, men rangerer under søgningens egne ord."
        ),
    )
    # NOTE: filled by save() with the Danish stemmer; an edit in the admin takes effect with the next search.
    term_lexemes = models.CharField(max_length=400, db_index=True, editable=False)
    alternative_lexemes = models.JSONField(default=list, editable=False)

    class Meta:
        ordering = ["term"]
        verbose_name = _("synonym")
        verbose_name_plural = _("synonymer")

    def __str__(self):
        return self.term

    def clean(self):
        from search.thesaurus import lexemes, split_alternatives, term_problem

        self.term = " ".join(self.term.split())
        if problem := term_problem(self.term):
            raise ValidationError({"term": problem})
        if not any(lexemes(text) for text in split_alternatives(self.alternatives)):
            raise ValidationError({"alternatives": _("Skriv mindst ét ord at søge efter.")})

    def save(self, *args, **kwargs):
        from search.thesaurus import lexemes, split_alternatives

        self.term_lexemes = " ".join(lexemes(self.term))
        own = tuple(self.term_lexemes.split())
        alternatives = [(text, list(lexemes(text))) for text in split_alternatives(self.alternatives)]
        self.alternative_lexemes = [[text, stems] for text, stems in alternatives if stems and tuple(stems) != own]
        super().save(*args, **kwargs)
