"""Keeping the index in step with the pages: one SearchDocument per live searchable page.

`index_page` and `remove_page` run inside the caller's transaction (publish, unpublish, move, delete), so the index
never disagrees with the pages; when Elasticsearch is configured they also queue the change for it in the same
transaction, so an outage loses nothing.
"""

import collections
import re

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from search.documents import document_text
from search.models import FacetLabel, IndexQueue, LexiconWord, SearchDocument
from search.registry import SearchableContent, searchable_type_for, searchable_types
from search.understanding import TEXT_SEARCH_CONFIG, fold

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD = re.compile(r"[^\W\d_]{3,60}")


def clean(text: str) -> str:
    """Text as stored: no control characters (the snippet highlight marks are control characters)."""
    return _CONTROL.sub(" ", text or "").strip()


def queue_for_elasticsearch(page_id: int, action: str) -> None:
    if settings.ELASTICSEARCH_URL:
        IndexQueue.objects.create(page_id=page_id, action=action)


def _visibility(page: Page, restricted_paths: list[str] | None = None) -> str:
    # A view restriction on the page or an ancestor means: only for logged-in network readers.
    if restricted_paths is not None:
        return "network" if any(page.path.startswith(path) for path in restricted_paths) else "public"
    return "network" if page.get_view_restrictions().exists() else "public"


def restricted_paths() -> list[str]:
    """The tree paths of every page with a view restriction (for rebuilding without a query per page)."""
    return list(PageViewRestriction.objects.values_list("page__path", flat=True))


def _texts(content: SearchableContent) -> dict[str, str]:
    by_weight = collections.defaultdict(list)
    for weight, text in content.parts:
        if text and str(text).strip():
            by_weight[weight].append(clean(str(text)))
    for document in content.documents:
        text = document_text(document)
        title = clean(document.title)
        by_weight["D"].append(title + "\n" + clean(text))
    return {weight: "\n".join(by_weight[weight]) for weight in ("A", "B", "C", "D")}


def document_values(page: Page, content: SearchableContent, kind: str, restricted: list[str] | None = None) -> dict:
    texts = _texts(content)
    values = {
        "page_id": page.pk,
        "kind": kind,
        "title": clean(content.title),
        "url": page.get_url() or page.url_path,
        "text_a": texts["A"],
        "text_b": texts["B"],
        "text_c": texts["C"],
        "text_d": texts["D"],
        "visibility": _visibility(page, restricted),
        "municipality": content.municipality.value if content.municipality else "",
        "municipality_label": content.municipality.label if content.municipality else "",
        "municipalities": list(dict.fromkeys(v.value for v in content.municipalities)),
        "status": content.status.value if content.status else "",
        "status_label": content.status.label if content.status else "",
        "target_groups": [v.value for v in content.target_groups],
        "service_areas": [v.value for v in content.service_areas],
        "laws": [v.value for v in content.laws],
        "provisions": list(dict.fromkeys(int(v.value) for v in content.provisions)),
        "tags": [v.value for v in content.tags],
        "years": sorted(set(content.years)),
        "period_start": content.period_start,
        "period_end": content.period_end,
        "sort_date": content.period_start or timezone.localdate(page.first_published_at or timezone.now()),
        "last_published_at": page.last_published_at or timezone.now(),
    }
    values["facet_values"] = facet_values(values)
    return values


def facet_values(row: dict) -> list[str]:
    """The document's facet values as "param:value", from the columns `document_values` fills."""
    from search.query import FACETS

    values = []
    for facet in FACETS:
        column = row[facet.field]
        items = [column] if facet.scalar else column
        values += [f"{facet.param}:{item}" for item in items if item not in ("", None)]
    return values


def facet_labels(content: SearchableContent, kind: str, kind_label: str) -> list[tuple[str, str, str]]:
    labels = [("type", kind, str(kind_label))]
    labels += [("kommune", v.value, v.label) for v in content.municipalities]
    if content.status:
        labels.append(("status", content.status.value, content.status.label))
    labels += [("maalgruppe", v.value, v.label) for v in content.target_groups]
    labels += [("fagomraade", v.value, v.label) for v in content.service_areas]
    labels += [("lov", v.value, v.label) for v in content.laws]
    labels += [("paragraf", v.value, v.label) for v in content.provisions]
    labels += [("tag", v.value, v.label) for v in content.tags]
    labels += [("aar", str(year), str(year)) for year in content.years]
    return labels


UPSERT_SQL = f"""
INSERT INTO search_searchdocument (
    page_id, kind, title, url, text_b, text_c, text_d, vector, visibility, municipality, municipality_label,
    municipalities, status, status_label, target_groups, service_areas, laws, provisions, tags, years,
    period_start, period_end, sort_date, last_published_at, facet_values, indexed_at)
VALUES (
    %(page_id)s, %(kind)s, %(title)s, %(url)s, %(text_b)s, %(text_c)s, %(text_d)s,
    setweight(to_tsvector('{TEXT_SEARCH_CONFIG}', %(vector_a)s), 'A')
    || setweight(to_tsvector('{TEXT_SEARCH_CONFIG}', %(vector_b)s), 'B')
    || setweight(to_tsvector('{TEXT_SEARCH_CONFIG}', %(vector_c)s), 'C')
    || setweight(to_tsvector('{TEXT_SEARCH_CONFIG}', %(vector_d)s), 'D'),
    %(visibility)s, %(municipality)s, %(municipality_label)s, %(municipalities)s, %(status)s, %(status_label)s,
    %(target_groups)s, %(service_areas)s, %(laws)s, %(provisions)s, %(tags)s, %(years)s,
    %(period_start)s, %(period_end)s, %(sort_date)s, %(last_published_at)s, %(facet_values)s, now())
ON CONFLICT (page_id) DO UPDATE SET
    kind = EXCLUDED.kind, title = EXCLUDED.title, url = EXCLUDED.url, text_b = EXCLUDED.text_b,
    text_c = EXCLUDED.text_c, text_d = EXCLUDED.text_d, vector = EXCLUDED.vector, visibility = EXCLUDED.visibility,
    municipality = EXCLUDED.municipality, municipality_label = EXCLUDED.municipality_label,
    municipalities = EXCLUDED.municipalities, status = EXCLUDED.status, status_label = EXCLUDED.status_label,
    target_groups = EXCLUDED.target_groups, service_areas = EXCLUDED.service_areas, laws = EXCLUDED.laws,
    provisions = EXCLUDED.provisions, tags = EXCLUDED.tags, years = EXCLUDED.years,
    period_start = EXCLUDED.period_start, period_end = EXCLUDED.period_end, sort_date = EXCLUDED.sort_date,
    last_published_at = EXCLUDED.last_published_at, facet_values = EXCLUDED.facet_values, indexed_at = now()
"""  # noqa: S608 (the configuration name is a constant)


def write_documents(rows: list[dict]) -> None:
    """Upsert documents (as made by `document_values`); the vector is built by PostgreSQL's Danish stemmer
    from the text with accents folded as the query is (idé → ide; æ, ø and å kept)."""
    params = []
    for row in rows:
        params.append(
            {
                **row,
                "vector_a": fold(row["text_a"]),
                "vector_b": fold(row["text_b"]),
                "vector_c": fold(row["text_c"]),
                "vector_d": fold(row["text_d"]),
            }
        )
    with connection.cursor() as cursor:
        cursor.executemany(UPSERT_SQL, params)


def corpus_words(row: dict) -> set[str]:
    text = " ".join([row["title"], row["text_b"], row["text_c"], row["text_d"]])
    return set(_WORD.findall(fold(text)))


def add_to_lexicon(counts: dict[str, int]) -> None:
    """Add words with their Danish stem; stop words (no stem) are left out."""
    if not counts:
        return
    words = list(counts)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {LexiconWord._meta.db_table} (word, lexeme, frequency)
            SELECT w, (ts_lexize('danish_stem', w))[1], n FROM unnest(%s::text[], %s::int[]) AS u(w, n)
            WHERE (ts_lexize('danish_stem', w))[1] IS NOT NULL
            ON CONFLICT (word) DO UPDATE SET frequency = {LexiconWord._meta.db_table}.frequency + EXCLUDED.frequency
            """,  # noqa: S608 (table name from the model)
            [words, [counts[w] for w in words]],
        )


def add_facet_labels(labels: list[tuple[str, str, str]]) -> None:
    unique = {(facet, value): label for facet, value, label in labels}
    if not unique:
        return
    keys = list(unique)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {FacetLabel._meta.db_table} (facet, value, label)
            SELECT * FROM unnest(%s::text[], %s::text[], %s::text[])
            ON CONFLICT (facet, value) DO UPDATE SET label = EXCLUDED.label
            """,  # noqa: S608 (table name from the model)
            [[k[0] for k in keys], [k[1] for k in keys], [unique[k] for k in keys]],
        )


def is_indexable(page: Page) -> bool:
    return page.live and not page.expired and searchable_type_for(type(page)) is not None


@transaction.atomic
def index_page(page: Page) -> bool:
    """Index a live searchable page or remove it from the index; True if it is in the index afterwards."""
    page = page.specific
    entry = searchable_type_for(type(page))
    if entry is None:
        return False
    if not is_indexable(page):
        remove_page(page.pk)
        return False
    content = entry.build(page)
    row = document_values(page, content, entry.kind)
    write_documents([row])
    add_to_lexicon(dict.fromkeys(corpus_words(row), 1))
    add_facet_labels(facet_labels(content, entry.kind, entry.label))
    queue_for_elasticsearch(page.pk, IndexQueue.Action.INDEX)
    return True


@transaction.atomic
def remove_page(page_id: int) -> None:
    SearchDocument.objects.filter(page_id=page_id).delete()
    queue_for_elasticsearch(page_id, IndexQueue.Action.DELETE)


def index_subtree(page: Page) -> None:
    """Reindex a page and its searchable descendants (after a move their URLs and municipality change)."""
    for descendant in page.get_descendants(inclusive=True).specific():
        if searchable_type_for(type(descendant)) is not None:
            index_page(descendant)


def rebuild(progress=None, chunk_size: int = 200) -> int:
    """Rebuild the PostgreSQL index from the live pages; returns the number of documents. One transaction."""
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        LexiconWord.objects.all().delete()
        FacetLabel.objects.all().delete()
        counts = collections.Counter()
        total = 0
        restricted = restricted_paths()
        for entry in searchable_types():
            queryset = entry.prepare(entry.model.objects.live().filter(expired=False).order_by("pk"))
            batch, labels = [], []
            for page in queryset.iterator(chunk_size=chunk_size):
                content = entry.build(page)
                row = document_values(page, content, entry.kind, restricted)
                batch.append(row)
                labels += facet_labels(content, entry.kind, entry.label)
                counts.update(corpus_words(row))
                if len(batch) >= chunk_size:
                    write_documents(batch)
                    total += len(batch)
                    batch = []
                if progress:
                    progress(1)
            write_documents(batch)
            total += len(batch)
            add_facet_labels(labels)
        add_to_lexicon(dict(counts))
    # Fresh statistics, so the planner knows how common each word is before the first search.
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {SearchDocument._meta.db_table}")
        cursor.execute(f"ANALYZE {LexiconWord._meta.db_table}")
    return total


def count_indexable() -> int:
    return sum(entry.model.objects.live().filter(expired=False).count() for entry in searchable_types())
