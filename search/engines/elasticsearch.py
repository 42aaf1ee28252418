"""The Elasticsearch engine (8.x, through elasticsearch-dsl 8.18): same query in, same result shape out.

Documents are copied from the PostgreSQL SearchDocument table, which stays the source of truth: changes are queued
in IndexQueue in the page's own transaction and `manage.py search_index sync` delivers them. When Elasticsearch
cannot answer a query, the PostgreSQL engine answers and a warning is logged.

The index has Danish analysis (the Snowball stemmer, Danish stop words, the network's abbreviations as search-time
synonyms, and folding of accents other than æ, ø and å). Query understanding (§ references, law names,
abbreviations, compounds from the corpus lexicon) is the same as for PostgreSQL: see understanding.py.
"""

import functools
import logging
import time
from collections.abc import Sequence

from elasticsearch import Elasticsearch
from elasticsearch.helpers import bulk
from elasticsearch_dsl import Q, Search

from search import cache as result_cache
from search.engines.base import EngineUnavailable, SearchEngine, no_progress, no_report
from search.facets import FACETS, FacetDefinition
from search.models import IndexQueue, SearchDocument
from search.query import HIGHLIGHT_START, HIGHLIGHT_STOP, Facet, FacetCount, Hit, render_snippet
from search.registry import abbreviations, kind_labels
from search.thesaurus import ALTERNATIVES_WEIGHT

logger = logging.getLogger(__name__)

INDEX_NAME = "frikommune-search"
BATCH_SIZE = 500
SYNC_BATCH_SIZE = 1000
TEXT_FIELDS = {"title": 4.0, "text_b": 2.0, "text_c": 1.0, "text_d": 0.5}
SORTS = {
    "relevans": ["_score", {"sort_date": {"order": "desc", "missing": "_last"}}, {"page_id": "desc"}],
    "nyeste": [{"sort_date": {"order": "desc", "missing": "_last"}}, {"page_id": "desc"}],
    "opdateret": [{"last_published_at": {"order": "desc", "missing": "_last"}}, {"page_id": "desc"}],
}


def index_settings() -> dict:
    """Danish analysis: the index analyser stems; the search analyser also knows the abbreviations."""
    synonyms = [
        f"{abbreviation}, {expansion.lower().replace(',', '')}" for abbreviation, expansion in abbreviations().items()
    ]
    common = ["lowercase", "danish_folding", "danish_stop", "danish_stemmer"]
    return {
        "analysis": {
            "char_filter": {
                # asciifolding would turn æ, ø, å into ae, o, a and break the stemmer; fold only other accents.
                "danish_folding": {
                    "type": "mapping",
                    "mappings": [
                        "é => e",
                        "è => e",
                        "ê => e",
                        "ë => e",
                        "á => a",
                        "à => a",
                        "ä => æ",
                        "ö => ø",
                        "ü => u",
                        "ó => o",
                        "í => i",
                    ],
                },
            },
            "filter": {
                "danish_stop": {"type": "stop", "stopwords": "_danish_"},
                "danish_stemmer": {"type": "stemmer", "language": "danish"},
                "network_synonyms": {"type": "synonym_graph", "synonyms": synonyms},
            },
            "analyzer": {
                "danish_index": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "char_filter": ["danish_folding"],
                    "filter": common[:1] + common[2:],
                },
                "danish_search": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "char_filter": ["danish_folding"],
                    "filter": ["lowercase", "network_synonyms", "danish_stop", "danish_stemmer"],
                },
            },
        }
    }


def index_mappings(*, facets: Sequence[FacetDefinition] = FACETS) -> dict:
    text = {"type": "text", "analyzer": "danish_index", "search_analyzer": "danish_search"}
    properties = {name: dict(text) for name in TEXT_FIELDS}
    properties["title"]["fields"] = {"prefix": {"type": "search_as_you_type", "analyzer": "danish_index"}}
    properties |= {facet.field: facet.elasticsearch_mapping() for facet in facets}
    properties |= {
        "page_id": {"type": "long"},
        "url": {"type": "keyword", "index": False},
        "visibility": {"type": "keyword"},
        "municipality": {"type": "keyword"},
        "municipality_label": {"type": "keyword", "index": False},
        "status_label": {"type": "keyword", "index": False},
        "period_start": {"type": "date"},
        "period_end": {"type": "date"},
        "sort_date": {"type": "date"},
        "last_published_at": {"type": "date"},
    }
    return {"dynamic": "strict", "properties": properties}


def document_source(document: SearchDocument, *, facets: Sequence[FacetDefinition] = FACETS) -> dict:
    source = {
        "page_id": document.page_id,
        "title": document.title,
        "text_b": document.text_b,
        "text_c": document.text_c,
        "text_d": document.text_d,
        "url": document.url,
        "visibility": document.visibility,
        "municipality": document.municipality,
        "municipality_label": document.municipality_label,
        "status_label": document.status_label,
    }
    for facet in facets:
        source[facet.field] = facet.elasticsearch_value(getattr(document, facet.field))
    for name in ("period_start", "period_end", "sort_date", "last_published_at"):
        value = getattr(document, name)
        source[name] = value.isoformat() if value else None
    return source


def _clause_query(clause) -> Q:
    options = [
        Q("multi_match", query=text, fields=[f"{f}^{b}" for f, b in TEXT_FIELDS.items()], operator="and")
        for text in clause.texts
    ]
    # Compound expansions and parts from the corpus lexicon are stems; the stemmer leaves a stem as it is.
    options += [
        Q("multi_match", query=word, fields=[f"{f}^{b}" for f, b in TEXT_FIELDS.items()]) for word in clause.words[1:]
    ]
    options += [
        Q("multi_match", query=" ".join(group), fields=list(TEXT_FIELDS), operator="and") for group in clause.all_of
    ]
    if clause.prefixes:
        options.append(Q("match_phrase_prefix", title={"query": clause.texts[0] if clause.texts else ""}))
    # The thesaurus's alternatives ("ledig" for "arbejdsløs") match too, a phrase in sequence, lighter than the words
    # searched for (as on PostgreSQL, ALTERNATIVES_WEIGHT), so pages with the words themselves rank first.
    options += [
        Q(
            "multi_match",
            query=alternative.text,
            type="phrase",
            fields=[f"{f}^{b * ALTERNATIVES_WEIGHT}" for f, b in TEXT_FIELDS.items()],
        )
        for alternative in clause.alternatives
    ]
    if clause.provisions:
        options.append(Q("terms", provisions=clause.provisions, boost=3.0))
    if clause.laws:
        options.append(Q("terms", laws=clause.laws))
    return Q("bool", should=options, minimum_should_match=1)


def _filter_query(query) -> dict[str, Q]:
    filters = {}
    for facet in FACETS:
        values = query.filters.get(facet.param)
        if values:
            field = facet.field
            filters[facet.param] = Q("terms", **{field: [facet.elasticsearch_value(facet.parse(v)) for v in values]})
    return filters


def build_search(
    query,
    *,
    understanding,
    reader: bool,
    match_any: bool = False,
    index: str = INDEX_NAME,
    exclude: Sequence[int] = (),
) -> Search:
    """The request for `query`: facet filters as post_filter, each facet aggregated under the other filters;
    `exclude` are pages whose copy in Elasticsearch the reader may no longer see (a change not yet delivered)."""
    search = Search(index=index)
    positive = [_clause_query(clause) for clause in understanding.positive]
    negative = [_clause_query(clause) for clause in understanding.negative]
    if exclude:
        negative.append(Q("terms", page_id=list(exclude)))
    filters = [] if reader else [Q("term", visibility="public")]
    must = [Q("bool", should=positive, minimum_should_match=1)] if positive and match_any else positive
    search = search.query(Q("bool", must=must or [Q("match_all")], must_not=negative, filter=filters))

    facet_filters = _filter_query(query)
    if facet_filters:
        search = search.post_filter(Q("bool", filter=list(facet_filters.values())))
    for facet in FACETS:
        others = [q for param, q in facet_filters.items() if param != facet.param]
        agg = search.aggs.bucket(f"f_{facet.param}", "filter", filter=Q("bool", filter=others))
        agg.bucket("values", "terms", field=facet.field, size=100)

    search = search.highlight_options(
        pre_tags=[HIGHLIGHT_START], post_tags=[HIGHLIGHT_STOP], number_of_fragments=2, fragment_size=160
    ).highlight("text_b", "text_c")
    search = search.sort(*SORTS[query.sort])
    search = search.extra(track_total_hits=True, from_=query.offset, size=query.per_page)
    return search.source(excludes=["text_b", "text_c", "text_d"])


def _visible_documents(page_ids, *, reader: bool) -> dict[int, dict]:
    """The title and address of the pages among `page_ids` that PostgreSQL's index shows the reader now."""
    documents = SearchDocument.objects.filter(page_id__in=list(page_ids))
    if not reader:
        documents = documents.filter(visibility="public")
    return {row["page_id"]: row for row in documents.values("page_id", "title", "url")}


@functools.cache
def client_for(url: str, timeout: float = 5.0) -> Elasticsearch:
    """The client for a server, one per process: it holds the pool of connections every request shares."""
    return Elasticsearch(url, request_timeout=timeout, max_retries=0, retry_on_timeout=False)


class ElasticsearchEngine(SearchEngine):
    """Answers from a copy of SearchDocument in Elasticsearch, delivered through IndexQueue; `fallback` (the
    PostgreSQL engine) answers when the server does not, and builds the documents the copy is made from."""

    name = "elasticsearch"

    def __init__(
        self,
        url: str,
        *,
        fallback: SearchEngine,
        index: str = INDEX_NAME,
        timeout: float = 5.0,
        search_timeout: float | None = None,
        retry_after: float = 0.0,
    ):
        """`timeout` bounds the index maintenance's requests, `search_timeout` (shorter: a reader waits) a search's;
        after a failed search the PostgreSQL engine answers at once for `retry_after` seconds, so an outage or a
        slow server costs one timeout per process and interval, not one per search."""
        self.url = url
        self.index = index
        self.fallback = fallback
        self.client = client_for(url, timeout)
        self.search_timeout = search_timeout
        self.retry_after = retry_after
        self._down_until = 0.0

    @property
    def search_client(self) -> Elasticsearch:
        """The client with the search's own timeout (it shares the client's connections)."""
        return self.client.options(request_timeout=self.search_timeout) if self.search_timeout else self.client

    def search(self, query, *, understanding, reader: bool, match_any: bool = False):
        """Elasticsearch's answer, held to what PostgreSQL says the reader may see now.

        The copy in Elasticsearch lags behind until `sync` delivers the queue: pages with a change still queued
        that the reader may no longer see (unpublished, deleted, made network-only) are left out of the request, so
        hits, counts and total agree; a hit PostgreSQL does not show this reader is dropped all the same, and its
        title and address come from PostgreSQL.
        """
        from search.query import SearchResult

        def request():
            return build_search(
                query,
                understanding=understanding,
                reader=reader,
                match_any=match_any,
                index=self.index,
                exclude=exclude,
            ).to_dict()

        if time.monotonic() < self._down_until:
            return self.fallback.search(query, understanding=understanding, reader=reader, match_any=match_any)
        try:
            exclude = self._no_longer_visible(reader=reader)
            response = self.search_client.search(index=self.index, body=request())
            total = response["hits"]["total"]["value"]
            if total and query.offset >= total:
                query.page = (total - 1) // query.per_page + 1
                response = self.search_client.search(index=self.index, body=request())
        except Exception as error:  # any failure of the search server: PostgreSQL answers
            logger.warning("Elasticsearch at %s did not answer (%s); answering from PostgreSQL", self.url, error)
            self._down_until = time.monotonic() + self.retry_after
            return self.fallback.search(query, understanding=understanding, reader=reader, match_any=match_any)
        found = response["hits"]["hits"]
        visible = _visible_documents([hit["_source"]["page_id"] for hit in found], reader=reader)
        hits = [self._hit(hit, visible[page_id]) for hit in found if (page_id := hit["_source"]["page_id"]) in visible]
        total = max(total - (len(found) - len(hits)), len(hits))
        return SearchResult(query=query, hits=hits, facets=self._facets(response), total=total, engine=self.name)

    @staticmethod
    def _no_longer_visible(*, reader: bool) -> list[int]:
        """Queued pages whose copy in Elasticsearch the reader may no longer see."""
        queued = set(IndexQueue.objects.values_list("page_id", flat=True).distinct())
        if not queued:
            return []
        return sorted(queued - set(_visible_documents(queued, reader=reader)))

    @staticmethod
    def _hit(hit: dict, document: dict) -> Hit:
        source = hit["_source"]
        fragments = [f for field in ("text_b", "text_c") for f in hit.get("highlight", {}).get(field, [])]
        kinds = kind_labels()
        from datetime import date

        def day(value):
            return date.fromisoformat(value[:10]) if value else None

        return Hit(
            page_id=source["page_id"],
            kind=source["kind"],
            kind_label=kinds.get(source["kind"], source["kind"]),
            title=document["title"],
            url=document["url"],
            snippet=render_snippet(" … ".join(fragments)),
            municipality=source.get("municipality", ""),
            municipality_label=source.get("municipality_label", ""),
            status=source.get("status", ""),
            status_label=source.get("status_label", ""),
            period_start=day(source.get("period_start")),
            period_end=day(source.get("period_end")),
            score=float(hit.get("_score") or 0),
        )

    @staticmethod
    def _facets(response) -> list[Facet]:
        from search.models import FacetLabel

        buckets = {facet.param: response["aggregations"][f"f_{facet.param}"]["values"]["buckets"] for facet in FACETS}
        pairs = [(param, str(b["key"])) for param, items in buckets.items() for b in items]
        labels = {
            (f, v): label
            for f, v, label in FacetLabel.objects.filter(
                facet__in={p for p, _ in pairs}, value__in={v for _, v in pairs}
            ).values_list("facet", "value", "label")
        }
        kinds = kind_labels()
        facets = []
        for facet in FACETS:
            values = [
                FacetCount(
                    value=str(b["key"]),
                    label=kinds.get(str(b["key"]))
                    if facet.param == "type"
                    else labels.get((facet.param, str(b["key"])), str(b["key"])),
                    count=b["doc_count"],
                )
                for b in buckets[facet.param]
            ]
            facets.append(Facet(param=facet.param, label=str(facet.label), values=values))
        return facets

    # Index maintenance -------------------------------------------------------------------------------------------

    def create_index(self, *, recreate: bool = False) -> None:
        if recreate and self.client.indices.exists(index=self.index):
            self.client.indices.delete(index=self.index)
        if not self.client.indices.exists(index=self.index):
            self.client.indices.create(index=self.index, settings=index_settings(), mappings=index_mappings())

    def index_documents(self, documents) -> int:
        actions = (
            {"_index": self.index, "_id": document.page_id, "_source": document_source(document)}
            for document in documents
        )
        indexed, _errors = bulk(self.client, actions, refresh="wait_for")
        result_cache.changed()
        return indexed

    def copy_documents(self, progress=None) -> int:
        """Create the index afresh and copy every SearchDocument into it."""
        self.create_index(recreate=True)
        count = 0
        batch = []
        for document in SearchDocument.objects.order_by("page_id").iterator(chunk_size=BATCH_SIZE):
            batch.append(document)
            if len(batch) >= BATCH_SIZE:
                count += self.index_documents(batch)
                if progress:
                    progress(len(batch))
                batch = []
        if batch:
            count += self.index_documents(batch)
            if progress:
                progress(len(batch))
        return count

    def rebuild(self, *, progress=no_progress, report=no_report) -> int:
        # The changes queued before the rebuild starts are in the copy; those made while it runs may not be, and
        # stay queued for the next sync.
        covered = list(IndexQueue.objects.values_list("pk", flat=True))
        count = self.fallback.rebuild(progress=progress, report=report)  # the documents the copy is made from
        with progress("Elasticsearch", count) as advance:
            try:
                indexed = self.copy_documents(progress=advance)
            except Exception as error:
                raise EngineUnavailable(f"Elasticsearch på {self.url} svarer ikke: {error}") from error
        IndexQueue.objects.filter(pk__in=covered).delete()
        report(f"Elasticsearch: {indexed} dokumenter.")
        return indexed

    def enqueue(self, page_id: int, action: str) -> None:
        IndexQueue.objects.create(page_id=page_id, action=action)

    def sync(self, *, progress=no_progress, report=no_report) -> int:
        delivered = 0
        after = 0
        with progress("Elasticsearch", IndexQueue.objects.count()) as advance:
            try:
                while entries := list(IndexQueue.objects.filter(pk__gt=after).order_by("id")[:SYNC_BATCH_SIZE]):
                    after = entries[-1].pk
                    done = self._deliver(entries)
                    delivered += done
                    advance(len(entries))
            except Exception as error:
                raise EngineUnavailable(
                    f"Elasticsearch på {self.url} svarer ikke; "
                    f"{IndexQueue.objects.count()} ændringer venter stadig i køen: {error}"
                ) from error
        report(f"Leveret {delivered} ændringer til Elasticsearch.")
        refused = IndexQueue.objects.exclude(last_error="").count()
        if refused:
            report(f"{refused} ændringer blev afvist af Elasticsearch og venter i køen med fejlen.")
        return delivered

    def deliver_queued(self, *, limit: int = SYNC_BATCH_SIZE) -> int:
        """Deliver up to `limit` queued changes; the number delivered. A change Elasticsearch refuses, or a batch
        it does not answer, stays queued with its error and is retried by the next sync."""
        return self._deliver(list(IndexQueue.objects.order_by("id")[:limit]))

    def _deliver(self, entries: list[IndexQueue]) -> int:
        if not entries:
            return 0
        latest = {}
        for entry in entries:
            latest[entry.page_id] = entry  # later changes to a page supersede earlier ones
        try:
            self.create_index()
            documents = SearchDocument.objects.in_bulk([page_id for page_id in latest])
            actions = []
            for page_id in latest:
                if page_id in documents:
                    source = document_source(documents[page_id])
                    actions.append({"_index": self.index, "_id": page_id, "_source": source})
                else:
                    actions.append({"_op_type": "delete", "_index": self.index, "_id": page_id})
            _done, errors = bulk(self.client, actions, refresh="wait_for", raise_on_error=False)
            result_cache.changed()  # what Elasticsearch answers has changed
        except Exception as error:
            self._keep(entries, str(error))
            raise
        refused = {}
        for error in errors:
            (operation, item), *_rest = error.items()
            if operation == "delete" and item.get("status") == 404:
                continue  # already gone: what a delete asks for
            refused[int(item["_id"])] = str(item.get("error") or item)
        kept = [entry for entry in entries if entry.page_id in refused]
        for page_id, message in refused.items():
            self._keep([entry for entry in kept if entry.page_id == page_id], message)
        delivered = [entry.pk for entry in entries if entry.page_id not in refused]
        IndexQueue.objects.filter(pk__in=delivered).delete()
        return len(delivered)

    @staticmethod
    def _keep(entries: list[IndexQueue], error: str) -> None:
        for entry in entries:
            entry.attempts += 1
            entry.last_error = error[:1000]
        IndexQueue.objects.bulk_update(entries, ["attempts", "last_error"])

    def status(self) -> list[str]:
        count = self.count()
        return [
            *self.fallback.status(),
            f"Elasticsearch: {count if count is not None else 'svarer ikke'}",
            f"Kø: {IndexQueue.objects.count()} ændringer venter",
        ]

    def count(self) -> int | None:
        try:
            return self.client.count(index=self.index)["count"]
        except Exception:
            return None
