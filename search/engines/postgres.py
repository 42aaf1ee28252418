"""The default engine: PostgreSQL full-text search over SearchDocument.

Two SQL queries answer a search page whatever the number of hits: one counts the matches and every facet value
under the same filters (each facet under the other facets' filters, so alternatives stay visible), one ranks the
matches and cuts `ts_headline` snippets for the page of hits shown only.
"""

import contextlib

from django.db import connection, transaction

from search import indexing
from search.engines.base import SearchEngine, no_progress, no_report
from search.facets import FACETS
from search.models import LexiconWord, SearchDocument
from search.query import HIGHLIGHT_START, HIGHLIGHT_STOP, Facet, FacetCount, Hit, render_snippet
from search.registry import kind_labels
from search.thesaurus import ALTERNATIVES_WEIGHT
from search.understanding import TEXT_SEARCH_CONFIG

# ts_rank weights for D, C, B, A: the title counts ten times the text of an attached document.
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
PROVISION_BOOST = 0.6
LAW_BOOST = 0.2
EXACT_BOOST = 1.0
# How many of the best-scored matches beyond the page shown get the exact-word score as well.
RERANK_CANDIDATES = 100
HEADLINE_OPTIONS = (
    f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_STOP}, MaxWords=28, MinWords=12, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)
HEADLINE_SOURCE_CHARS = 20_000
SNIPPET_FALLBACK_CHARS = 240

SORT_SQL = {
    "relevans": "score DESC, sort_date DESC NULLS LAST, page_id DESC",
    "nyeste": "sort_date DESC NULLS LAST, page_id DESC",
    "opdateret": "last_published_at DESC NULLS LAST, page_id DESC",
}


class SqlParts:
    """WHERE conditions with their parameters, built only from placeholders and our own column names."""

    def __init__(self):
        self.conditions: list[str] = []
        self.params: list = []

    def add(self, condition: str, *params) -> None:
        self.conditions.append(condition)
        self.params.extend(params)

    def sql(self) -> str:
        return " AND ".join(self.conditions) or "TRUE"


def clause_condition(clause, vector: str = "vector") -> tuple[str, list]:
    options, params = [], []
    tsquery = clause.tsquery()
    if tsquery:
        options.append(f"{vector} @@ %s::tsquery")
        params.append(tsquery)
    if clause.provisions:
        options.append("provisions && %s::int[]")
        params.append(clause.provisions)
    if clause.laws:
        options.append("laws && %s::varchar[]")
        params.append(clause.laws)
    return "(" + (" OR ".join(options) or "FALSE") + ")", params


def text_conditions(understanding, *, match_any: bool, vector: str = "vector") -> tuple[str, list]:
    """The condition for the words: every clause (or any, for the fallback) met by `vector`, none of the negated
    ones in the whole vector. `vector_head` (title and summary) gives the matches of the head tier.

    Clauses made of words only go into one tsquery, so PostgreSQL tests each document once, not once per word.
    """
    joiner = " | " if match_any else " & "
    words_only = [c for c in understanding.positive if c.tsquery() and not c.provisions and not c.laws]
    others = [clause_condition(c, vector) for c in understanding.positive if c not in words_only]
    conditions, params = [], []
    positive = []
    if words_only:
        positive.append((f"{vector} @@ %s::tsquery", [joiner.join(c.tsquery() for c in words_only)]))
    positive += others
    if positive:
        conditions.append("(" + (" OR " if match_any else " AND ").join(sql for sql, _p in positive) + ")")
        for _sql, p in positive:
            params += p
    for sql, p in (clause_condition(c) for c in understanding.negative):
        conditions.append("NOT " + sql)
        params += p
    return " AND ".join(conditions) or "TRUE", params


def facet_condition(facet, values) -> tuple[str, list]:
    parsed = [facet.parse(value) for value in values]
    if facet.scalar:
        return f"{facet.field} = ANY(%s)", [parsed]
    return f"{facet.field} && %s::{facet.sql_array_type}", [parsed]


def score_sql(understanding, vector: str) -> tuple[str, list]:
    """The relevance of a match by `vector` (the whole one or the head): ts_rank of the words searched for, a
    lighter one of the thesaurus's alternatives, and fixed boosts for a provision or law searched for."""
    rank_tsquery = understanding.rank_tsquery()
    alternatives_tsquery = understanding.alternatives_tsquery()
    provisions = sorted({p for clause in understanding.positive for p in clause.provisions})
    laws = sorted({law for clause in understanding.positive for law in clause.laws})
    parts, params = [], []
    if rank_tsquery:
        parts.append(f"ts_rank('{RANK_WEIGHTS}', {vector}, %s::tsquery)")
        params.append(rank_tsquery)
    if alternatives_tsquery:
        parts.append(f"{ALTERNATIVES_WEIGHT} * ts_rank('{RANK_WEIGHTS}', {vector}, %s::tsquery)")
        params.append(alternatives_tsquery)
    if provisions:
        parts.append(f"CASE WHEN provisions && %s::int[] THEN {PROVISION_BOOST} ELSE 0 END")
        params.append(provisions)
    if laws:
        parts.append(f"CASE WHEN laws && %s::varchar[] THEN {LAW_BOOST} ELSE 0 END")
        params.append(laws)
    return " + ".join(parts) or "0", params


@contextlib.contextmanager
def without_sequential_scans():
    """Plan the search's queries from the indexes: with the vectors out of line, a sequential scan would read every
    one of them from TOAST to test a broad word, where the GIN index answers alone (migration 0007).

    The setting is local to the transaction (the request's, or one of its own) and set back right after, so nothing
    else is planned under it; a failed query rolls the transaction back, and the setting with it."""
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        yield
        cursor.execute("SET LOCAL enable_seqscan = on")


class PostgresEngine(SearchEngine):
    """Answers from SearchDocument, which is written in the same transaction as the pages: nothing to queue."""

    name = "postgres"

    def rebuild(self, *, progress=no_progress, report=no_report) -> int:
        with progress("PostgreSQL", indexing.count_indexable()) as advance:
            count = indexing.rebuild(progress=advance)
        report(f"PostgreSQL: {count} dokumenter, {LexiconWord.objects.count()} ord i leksikonet.")
        return count

    def sync(self, *, progress=no_progress, report=no_report) -> int:
        report("PostgreSQL-indekset opdateres sammen med siderne; der er intet at synkronisere.")
        return 0

    def enqueue(self, page_id: int, action: str) -> None:
        pass  # the index changed with the page, in the same transaction

    def status(self) -> list[str]:
        return [
            f"PostgreSQL: {SearchDocument.objects.count()} af {indexing.count_indexable()} sider",
            f"Leksikon: {LexiconWord.objects.count()} ord",
        ]

    def search(self, query, *, understanding, reader: bool, match_any: bool = False):
        """Hits, facet counts and total for `query`; `reader` is True for logged-in network readers."""
        from search.query import SearchResult

        base, title, head = SqlParts(), SqlParts(), SqlParts()
        for parts, vector in ((base, "vector"), (title, "vector_title"), (head, "vector_head")):
            if not reader:
                parts.add("visibility = 'public'")
            text_sql, text_params = text_conditions(understanding, match_any=match_any, vector=vector)
            parts.add(text_sql, *text_params)

        facet_sql = {}
        for facet in FACETS:
            values = query.filters.get(facet.param)
            facet_sql[facet.param] = facet_condition(facet, values) if values else ("TRUE", [])

        with without_sequential_scans():
            facets, total = self._facets(base, facet_sql)
            if total and query.offset >= total:
                query.page = (total - 1) // query.per_page + 1  # past the end: the last page, and the service says so
            hits = self._hits(query, base, [title, head], facet_sql, understanding) if total else []
        return SearchResult(query=query, hits=hits, facets=facets, total=total, engine=self.name)

    def _facets(self, base: SqlParts, facet_sql: dict) -> tuple[list[Facet], int]:
        """Every facet value's count in one pass over the matches: each document's `facet_values` ("kommune:x")
        are unnested once, and a value is counted where every filter but its own facet's holds."""
        # Constants and column names only: every value reaches PostgreSQL as a parameter.
        active = [facet for facet in FACETS if facet_sql[facet.param][0] != "TRUE"]
        columns = "".join(f", ({facet_sql[facet.param][0]}) AS f_{facet.param}" for facet in active)
        column_params = [p for facet in active for p in facet_sql[facet.param][1]]
        if active:
            everything = " AND ".join(f"f_{facet.param}" for facet in active)
            branches = []
            for facet in active:
                others = " AND ".join(f"f_{other.param}" for other in active if other is not facet) or "TRUE"
                branches.append(f"WHEN '{facet.param}' THEN {others}")
            count = f"count(*) FILTER (WHERE CASE split_part(fv, ':', 1) {' '.join(branches)} ELSE {everything} END)"
        else:
            count = "count(*)"
        sql = f"""
            WITH m AS (
                SELECT facet_values{columns} FROM search_searchdocument WHERE {base.sql()}
            ), c AS (
                SELECT fv, {count} AS n FROM m, unnest(m.facet_values || '{{_total:}}'::text[]) AS fv GROUP BY fv
            )
            SELECT split_part(c.fv, ':', 1), substr(c.fv, strpos(c.fv, ':') + 1), c.n, l.label
            FROM c LEFT JOIN search_facetlabel AS l
                ON l.facet = split_part(c.fv, ':', 1) AND l.value = substr(c.fv, strpos(c.fv, ':') + 1)
            WHERE c.n > 0
        """  # noqa: S608 (only our column names and placeholders)
        with connection.cursor() as cursor:
            cursor.execute(sql, column_params + base.params)
            rows = cursor.fetchall()

        total = 0
        by_facet = {facet.param: [] for facet in FACETS}
        kinds = kind_labels()
        for facet_param, value, count, label in rows:
            if facet_param not in by_facet:
                total = count if facet_param == "_total" else total
                continue
            if facet_param == "_total":
                total = count
                continue
            if facet_param == "type":
                label = kinds.get(value, label)
            by_facet[facet_param].append(FacetCount(value=value, label=label or value, count=count))
        facets = []
        for facet in FACETS:
            values = by_facet[facet.param]
            if facet.order_by_value:
                values.sort(key=lambda v: v.value, reverse=True)
            else:
                values.sort(key=lambda v: (-v.count, v.label.casefold()))
            facets.append(Facet(param=facet.param, label=str(facet.label), values=values))
        return facets, total

    def _hits(self, query, base: SqlParts, tiers: list[SqlParts], facet_sql: dict, understanding) -> list[Hit]:
        rank_tsquery = understanding.rank_tsquery()
        exact_tsquery = understanding.rank_tsquery(exact=True)
        alternatives_tsquery = understanding.alternatives_tsquery()
        filters = " AND ".join(sql for sql, _p in facet_sql.values())
        filter_params = [p for _sql, params in facet_sql.values() for p in params]
        need = query.offset + query.per_page + RERANK_CANDIDATES
        relevance = query.sort == "relevans"

        # The candidates: for relevance, the matches whose title alone meets the search (the first tier), else those
        # whose title and summary do (the head tier), ranked by the words of their title and summary, when the tier
        # has enough of them to fill the page; otherwise every match, ranked by its whole vector. Then the
        # candidates are ranked by their whole vector (and the exact words): a word found on most pages costs the
        # small vectors in the rows of the pages with it in their title, not a read of every vector from TOAST.
        where = f"{base.sql()} AND {filters}"
        where_params = base.params + filter_params
        if relevance and rank_tsquery:
            head_score, head_params = score_sql(understanding, "vector_head")
            full_score, full_params = score_sql(understanding, "vector")

            def level_of(count: int) -> tuple[str, list]:
                """The first of the first `count` tiers a match is in (`count` if none): the first key of the order,
                so that every page of results follows one order whichever tier its candidates came from."""
                if not count:
                    return "0", []
                whens = " ".join(f"WHEN {tier.sql()} THEN {n}" for n, tier in enumerate(tiers[:count]))
                return f"CASE {whens} ELSE {count} END", [p for tier in tiers[:count] for p in tier.params]

            order = f"level, {SORT_SQL['relevans']}"
            ctes, candidate_params, short = [], [], []
            for n, tier in enumerate(tiers):
                # A tier is read only when the tiers before it are short of candidates; it takes all of theirs.
                level, level_params = level_of(n)
                ctes.append(
                    f"""t{n} AS (
                    SELECT page_id, sort_date, last_published_at, {head_score} AS score, {level} AS level
                    FROM search_searchdocument WHERE {tier.sql()} AND {filters} {"".join(short)}
                    ORDER BY {order} LIMIT %s
                )"""  # noqa: S608 (only our column names and placeholders)
                )
                candidate_params += [
                    *head_params,
                    *level_params,
                    *tier.params,
                    *filter_params,
                    *([need] * len(short)),
                    need,
                ]
                short.append(f"AND (SELECT count(*) FROM t{n}) < %s ")  # noqa: S608 (our names)
            chosen = [
                f"SELECT * FROM t{n} WHERE (SELECT count(*) FROM t{n}) >= %s {''.join(short[:n])}"  # noqa: S608
                for n in range(len(tiers))
            ]
            level, level_params = level_of(len(tiers))
            whole = f"""(
                        SELECT page_id, sort_date, last_published_at, {full_score} AS score, {level} AS level
                        FROM search_searchdocument WHERE {where} {"".join(short)}
                        ORDER BY {order} LIMIT %s
                    )"""  # noqa: S608 (only our column names and placeholders)
            candidates = "".join(f"{cte}, " for cte in ctes) + f"c AS ({' UNION ALL '.join([*chosen, whole])})"
            for n in range(len(tiers)):
                candidate_params += [need, *([need] * n)]
            candidate_params += [*full_params, *level_params, *where_params, *([need] * len(tiers)), need]
        else:
            candidates = f"""
                c AS (
                    SELECT page_id, sort_date, last_published_at, 0 AS score, 0 AS level
                    FROM search_searchdocument WHERE {where} ORDER BY {SORT_SQL[query.sort]} LIMIT %s
                )"""  # noqa: S608 (only our column names and placeholders)
            candidate_params = [*where_params, need]
        score, score_params = score_sql(understanding, "d.vector")
        exact, exact_params = "0", []
        if relevance and exact_tsquery and exact_tsquery != rank_tsquery:
            exact = f"{EXACT_BOOST} * ts_rank('{RANK_WEIGHTS}', d.vector, %s::tsquery)"
            exact_params = [exact_tsquery]

        if rank_tsquery:
            headline = (
                f"ts_headline('{TEXT_SEARCH_CONFIG}', left(d.text_b || E'\\n' || d.text_c, {HEADLINE_SOURCE_CHARS}), "
                "%s::tsquery, %s)"
            )
            # The snippet marks the thesaurus's alternatives too: they are why a page without the words is a hit.
            highlight = f"{rank_tsquery} | {alternatives_tsquery}" if alternatives_tsquery else rank_tsquery
            headline_params = [highlight, HEADLINE_OPTIONS]
        else:
            headline = f"left(d.text_b, {SNIPPET_FALLBACK_CHARS})"
            headline_params = []

        def columns(prefix: str) -> str:
            return f"{prefix}.level, " + (
                SORT_SQL[query.sort]
                .replace("page_id", f"{prefix}.page_id")
                .replace("sort_date", f"{prefix}.sort_date")
                .replace("last_published_at", f"{prefix}.last_published_at")
            )

        sql = f"""
            WITH {candidates}, r AS (
                SELECT c.page_id, c.sort_date, c.last_published_at, c.level,
                       {f"{score} + {exact}" if relevance else "0"} AS score
                FROM c JOIN search_searchdocument AS d USING (page_id)
                ORDER BY {columns("c")}
                LIMIT %s OFFSET %s
            )
            SELECT d.page_id, d.kind, d.title, d.url, d.municipality, d.municipality_label, d.status,
                   d.status_label, d.period_start, d.period_end, r.score, {headline}
            FROM r JOIN search_searchdocument AS d USING (page_id)
            ORDER BY {columns("r")}
        """  # noqa: S608 (only our column names and placeholders)
        params = (
            candidate_params
            + (score_params + exact_params if relevance else [])
            + [query.per_page, query.offset]
            + headline_params
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        kinds = kind_labels()
        return [
            Hit(
                page_id=row[0],
                kind=row[1],
                kind_label=kinds.get(row[1], row[1]),
                title=row[2],
                url=row[3],
                municipality=row[4],
                municipality_label=row[5],
                status=row[6],
                status_label=row[7],
                period_start=row[8],
                period_end=row[9],
                score=float(row[10] or 0),
                snippet=render_snippet(row[11] or ""),
            )
            for row in rows
        ]
