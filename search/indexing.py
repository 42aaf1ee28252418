"""Keeping the index in step with the pages: one SearchDocument per live searchable page.

`index_page` and `remove_page` run inside the caller's transaction (publish, unpublish, move, delete), so the index
never disagrees with the pages; they also hand the change to the configured engine (`enqueue`), which queues it in
the same transaction when it keeps a copy elsewhere (Elasticsearch), so an outage loses nothing.
"""

import collections
import functools
import json
import re
from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from core.text import fold
from search import cache as result_cache
from search.documents import document_text
from search.engines import get_engine
from search.facets import FACETS, FacetDefinition
from search.models import FacetLabel, IndexQueue, LexiconWord, SearchDocument
from search.registry import (
    SearchableContent,
    SearchableType,
    dependents_of,
    searchable_type_for,
    searchable_types,
)
from search.understanding import TEXT_SEARCH_CONFIG

# Pages per transaction of a rebuild: a publish meanwhile waits for one batch at most.
REBUILD_BATCH_SIZE = 100

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD = re.compile(r"[^\W\d_]{3,60}")


def clean(text: str) -> str:
    """Text as stored: no control characters (the snippet highlight marks are control characters)."""
    return _CONTROL.sub(" ", text or "").strip()


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


def document_values(
    page: Page,
    content: SearchableContent,
    entry: SearchableType,
    restricted: list[str] | None = None,
    *,
    facets: Sequence[FacetDefinition] = FACETS,
) -> dict:
    """The SearchDocument row of `page` (and `text_a`, which goes into the vector only)."""
    texts = _texts(content)
    values = {
        "page_id": page.pk,
        "title": clean(content.title),
        "url": page.get_url() or page.url_path,
        "text_a": texts["A"],
        "text_b": texts["B"],
        "text_c": texts["C"],
        "text_d": texts["D"],
        "visibility": _visibility(page, restricted),
        "municipality": content.municipality.value if content.municipality else "",
        "municipality_label": content.municipality.label if content.municipality else "",
        "status_label": content.status.label if content.status else "",
        "period_start": content.period_start,
        "period_end": content.period_end,
        "sort_date": content.period_start or timezone.localdate(page.first_published_at or timezone.now()),
        "last_published_at": page.last_published_at or timezone.now(),
    }
    for facet in facets:
        values[facet.field] = facet.column_value(facet.values(content, entry))
    values["facet_values"] = facet_values(values, facets=facets)
    return values


def facet_values(row: dict, *, facets: Sequence[FacetDefinition] = FACETS) -> list[str]:
    """The document's facet values as "param:value", from the columns `document_values` fills."""
    values = []
    for facet in facets:
        column = row[facet.field]
        items = [column] if facet.scalar else column
        values += [f"{facet.param}:{item}" for item in items if item not in ("", None)]
    return values


def facet_labels(
    content: SearchableContent, entry: SearchableType, *, facets: Sequence[FacetDefinition] = FACETS
) -> list[tuple[str, str, str]]:
    """(param, value, label) of every facet value of the page, for FacetLabel."""
    return [(facet.param, value.value, str(value.label)) for facet in facets for value in facet.values(content, entry)]


# The columns written from `document_values`; the vector is computed from the text, indexed_at is now().
_FIXED_COLUMNS = (
    "page_id",
    "title",
    "url",
    "text_b",
    "text_c",
    "text_d",
    "visibility",
    "municipality",
    "municipality_label",
    "status_label",
    "period_start",
    "period_end",
    "sort_date",
    "last_published_at",
    "facet_values",
)
_VECTOR_SQL = " || ".join(
    f"setweight(to_tsvector('{TEXT_SEARCH_CONFIG}', %(vector_{weight.lower()})s), '{weight}')"
    for weight in ("A", "B", "C", "D")
)


def upsert_sql(facets: Sequence[FacetDefinition] = FACETS) -> str:
    """INSERT … ON CONFLICT UPDATE of a SearchDocument row, with a column for every facet."""
    columns = [*_FIXED_COLUMNS, *(facet.field for facet in facets)]
    values = [f"%({column})s" for column in columns]
    updates = [f"{column} = EXCLUDED.{column}" for column in columns[1:]]
    return (
        f"INSERT INTO {SearchDocument._meta.db_table} ({', '.join(columns)}, vector, indexed_at)\n"  # noqa: S608
        f"VALUES ({', '.join(values)}, {_VECTOR_SQL}, now())\n"
        f"ON CONFLICT (page_id) DO UPDATE SET {', '.join(updates)}, vector = EXCLUDED.vector, indexed_at = now()"
    )


UPSERT_SQL = upsert_sql()


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
    result_cache.changed()
    with connection.cursor() as cursor:
        cursor.executemany(UPSERT_SQL, params)


def corpus_words(row: dict) -> set[str]:
    text = " ".join([row["title"], row["text_b"], row["text_c"], row["text_d"]])
    return set(_WORD.findall(fold(text)))


# The stored columns a document's words are read from, so a page's old words can be taken back when it changes.
_WORD_COLUMNS = ("title", "text_b", "text_c", "text_d", "visibility")


def lexicon_change(old: dict | None, new: dict | None) -> dict[str, tuple[int, int]]:
    """How a document going from `old` to `new` (either None) changes each word's (pages, public pages)."""
    change = collections.defaultdict(lambda: [0, 0])
    for row, sign in ((old, -1), (new, 1)):
        if row is None:
            continue
        public = row["visibility"] == "public"
        for word in corpus_words(row):
            change[word][0] += sign
            change[word][1] += sign if public else 0
    return {word: (pages, public) for word, (pages, public) in change.items() if pages or public}


def update_lexicon(change: dict[str, tuple[int, int]]) -> None:
    """Add each word's change of (pages, public pages), with its Danish stem; stop words (no stem) are left out,
    and a word whose last page went leaves the lexicon.

    NOTE: the words are written in sorted order, so two publishes that share words lock them in the same order
    and wait for each other instead of deadlocking.
    """
    if not change:
        return
    result_cache.changed()
    words = sorted(change)
    table = LexiconWord._meta.db_table
    # The update looks each word's change up in a JSON object (a binary search), not in the list of changes:
    # a rebuild's batch changes thousands of words at once.
    delta = json.dumps(change)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} AS t (word, lexeme, frequency, public_frequency)
            SELECT w, (ts_lexize('danish_stem', w))[1], greatest(n, 0), greatest(p, 0)
            FROM unnest(%s::text[], %s::int[], %s::int[]) AS u(w, n, p)
            WHERE (ts_lexize('danish_stem', w))[1] IS NOT NULL
            ORDER BY w
            ON CONFLICT (word) DO UPDATE SET
                frequency = greatest(0, t.frequency + (%s::jsonb -> EXCLUDED.word ->> 0)::int),
                public_frequency = greatest(0, t.public_frequency + (%s::jsonb -> EXCLUDED.word ->> 1)::int)
            """,  # noqa: S608 (table name from the model)
            [words, [change[w][0] for w in words], [change[w][1] for w in words], delta, delta],
        )
        # Only rows this transaction has just locked, so the delete waits for nobody.
        cursor.execute(
            f"DELETE FROM {table} WHERE word = ANY(%s) AND frequency = 0",  # noqa: S608
            [[word for word in words if change[word][0] < 0 or change[word][1] < 0]],
        )


def add_facet_labels(labels: list[tuple[str, str, str]]) -> None:
    unique = {(facet, value): label for facet, value, label in labels}
    if not unique:
        return
    result_cache.changed()
    keys = sorted(unique)  # sorted, as the lexicon: concurrent publishes lock shared labels in one order
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
    row = document_values(page, content, entry)
    old = _stored_words(page.pk)
    write_documents([row])
    update_lexicon(lexicon_change(old, row))
    add_facet_labels(facet_labels(content, entry))
    get_engine().enqueue(page.pk, IndexQueue.Action.INDEX)
    return True


# The first key of the transaction-level advisory locks that keep one page's index changes in line.
_PAGE_LOCK = 7_312_001


def _stored_words(page_id: int) -> dict | None:
    """The indexed document's word columns; the page's index is locked until the transaction ends, so two changes
    of one page (even its first two publishes, before it has a row to lock) count its words once."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_PAGE_LOCK, page_id])
    return SearchDocument.objects.filter(page_id=page_id).values(*_WORD_COLUMNS).first()


@transaction.atomic
def remove_page(page_id: int) -> None:
    old = _stored_words(page_id)
    if old is not None:
        result_cache.changed()
        update_lexicon(lexicon_change(old, None))
        SearchDocument.objects.filter(page_id=page_id).delete()
    get_engine().enqueue(page_id, IndexQueue.Action.DELETE)


def index_dependents(pages) -> None:
    """Index again the pages whose documents show something of `pages` (see registry.register_dependents)."""
    dependents = {dependent.pk: dependent for page in pages for dependent in dependents_of(page.specific)}
    for page_id in sorted(dependents):  # in one order, as every page's index lock is taken (see _stored_words)
        index_page(dependents[page_id])


def index_pages(pages) -> None:
    """Index again each of `pages` (live or not: one no longer live leaves the index), once each, in page order."""
    unique = {page.pk: page for page in pages}
    for page_id in sorted(unique):  # in one order, as every page's index lock is taken (see _stored_words)
        index_page(unique[page_id])


def index_subtree(page: Page) -> None:
    """Reindex a page and its searchable descendants (after a move their URLs and municipality change)."""
    indexed = []
    for descendant in page.get_descendants(inclusive=True).specific():
        if searchable_type_for(type(descendant)) is not None:
            index_page(descendant)
            indexed.append(descendant)
    index_dependents(indexed)


def _try_page_locks(page_ids: list[int]) -> list[int]:
    """The pages of `page_ids` whose index lock this transaction now holds (see `_stored_words`). A page whose lock
    another transaction holds is being indexed or removed by it at this moment, from the page as it stands, so a
    rebuild can leave it to that one instead of waiting."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM unnest(%s::int[]) WITH ORDINALITY AS u(id, n)"
            " WHERE pg_try_advisory_xact_lock(%s, id) ORDER BY n",
            [sorted(page_ids), _PAGE_LOCK],
        )
        return [row[0] for row in cursor.fetchall()]


def _rebuild_batch(entry: SearchableType, page_ids: list[int]) -> int:
    """Index one batch of pages afresh in its own short transaction; the number of documents written."""
    with transaction.atomic():
        locked = _try_page_locks(page_ids)
        restricted = restricted_paths()  # read in each batch: a page made network-only meanwhile stays so
        # Read again under the locks: a page unpublished or deleted since the ids were listed is not written back.
        pages = entry.prepare(entry.model.objects.live().filter(expired=False, pk__in=locked).order_by("pk"))
        rows, labels = [], []
        for page in pages:
            content = entry.build(page)
            rows.append(document_values(page, content, entry, restricted))
            labels += facet_labels(content, entry)
        old = {
            row["page_id"]: row
            for row in SearchDocument.objects.filter(page_id__in=[row["page_id"] for row in rows]).values(
                "page_id", *_WORD_COLUMNS
            )
        }
        change = collections.defaultdict(lambda: [0, 0])
        for row in rows:
            for word, (pages_change, public_change) in lexicon_change(old.get(row["page_id"]), row).items():
                change[word][0] += pages_change
                change[word][1] += public_change
        write_documents(rows)
        update_lexicon({word: tuple(count) for word, count in change.items() if any(count)})
        add_facet_labels(labels)
    return len(rows)


def _with_deadlock_retry(work, attempts: int = 3):
    """Run `work` (one transaction), again if PostgreSQL chose it to break a deadlock with a publish: a batch
    waits for a publish's lexicon rows while the publish waits for a page of the batch (one it shows)."""
    for attempt in range(attempts):
        try:
            return work()
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) != "40P01" or attempt == attempts - 1:
                raise
    return None


@transaction.atomic
def _remove_stale(page_ids: list[int]) -> None:
    for page_id in page_ids:
        # Checked again under the page's lock: it may have been published again meanwhile.
        old = _stored_words(page_id)
        page = Page.objects.filter(pk=page_id).first()
        if old is not None and not (page and is_indexable(page.specific)):
            result_cache.changed()
            update_lexicon(lexicon_change(old, None))
            SearchDocument.objects.filter(page_id=page_id).delete()


def _stale_documents(after: int, limit: int) -> list[int]:
    """Ids of indexed pages (after `after`, in order) that are no longer live searchable pages."""
    searchable = [
        ContentType.objects.get_for_model(entry.model, for_concrete_model=False).pk for entry in searchable_types()
    ]
    return list(
        SearchDocument.objects.filter(page_id__gt=after)
        .filter(Q(page__live=False) | Q(page__expired=True) | ~Q(page__content_type__in=searchable))
        .order_by("page_id")
        .values_list("page_id", flat=True)[:limit]
    )


def rebuild(progress=None, chunk_size: int = REBUILD_BATCH_SIZE) -> int:
    """Index every live searchable page afresh and remove the documents of pages that are no longer live; the
    number of documents written.

    Page by page in batches of `chunk_size`, each its own short transaction, so a publish while it runs waits for
    one batch at most, never for the whole rebuild; the search keeps answering from the documents as they were
    until each is replaced. Each page is read again under its index lock, so a page unpublished or deleted during
    the rebuild is not brought back. The lexicon follows each document's change, as on publish.
    """
    total = 0
    for entry in searchable_types():
        after = 0
        while True:
            page_ids = list(
                entry.model.objects.live()
                .filter(expired=False, pk__gt=after)
                .order_by("pk")
                .values_list("pk", flat=True)[:chunk_size]
            )
            if not page_ids:
                break
            after = page_ids[-1]
            total += _with_deadlock_retry(functools.partial(_rebuild_batch, entry, page_ids))
            if progress:
                progress(len(page_ids))
    after = 0
    while stale := _stale_documents(after, chunk_size):
        after = stale[-1]
        _with_deadlock_retry(functools.partial(_remove_stale, stale))
    # Fresh statistics, so the planner knows how common each word is before the first search; outside a
    # transaction also VACUUM, which marks the new rows visible to all (hint bits, visibility map), as autovacuum
    # would only some time later: the first searches after a rebuild need not do it.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        cursor.execute(f"{command} {SearchDocument._meta.db_table}")
        cursor.execute(f"{command} {LexiconWord._meta.db_table}")
    return total


def count_indexable() -> int:
    return sum(entry.model.objects.live().filter(expired=False).count() for entry in searchable_types())
