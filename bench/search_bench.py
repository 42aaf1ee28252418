"""Search benchmark (not a test): `make bench`, or `python bench/search_bench.py --scales 10000,100000`.

Generates synthetic experiments and articles in a separate database (test_frikommune_bench on the configured
server; it grows to each scale in turn and is kept with --keep), then measures p50 and p95 of a fixed mix of searches
(bench/queries.py) on the same data in the same run: through the whole Django stack (test client, /soeg/) the first
time a search is asked (its kept answer removed first) and again (answered from the cache), as the bare SQL query
ranking rests on, and through Wagtail's own search (Page.objects.search, database backend, danish). Prints each
scale's table against the targets, with the ratios and the SQL queries per search page; --profile adds
pyinstrument's view of the first-time searches. The cache is the site's: Redis with REDIS_URL, else the database.
With ELASTICSEARCH_URL set, the index is copied to that cluster and the site searches through it.
"""

import argparse
import itertools
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("TEST_DATABASE_SUFFIX", "bench")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases  # noqa: E402

from bench.queries import QUERIES  # noqa: E402

WORDS = [
    "borger",
    "borgeren",
    "borgerne",
    "familie",
    "familier",
    "barn",
    "børn",
    "unge",
    "plan",
    "planen",
    "handleplan",
    "indsats",
    "indsatsen",
    "beskæftigelsesindsats",
    "sygedagpenge",
    "sygedagpengemodtagere",
    "sygemeldt",
    "ressourceforløb",
    "jobcenter",
    "mentor",
    "koordinerende",
    "sagsbehandler",
    "plankoordinator",
    "borgerkonsulent",
    "samtykke",
    "trivsel",
    "uddannelse",
    "job",
    "møde",
    "møder",
    "opfølgning",
    "progressionsmåling",
    "evaluering",
    "midtvejsevaluering",
    "borgerinddragelse",
    "samarbejde",
    "fagcentre",
    "rehabilitering",
    "psykiatri",
    "sundhed",
    "integration",
    "overgang",
    "voksenliv",
    "klientgørelse",
    "sammenhæng",
    "kontinuitet",
]


SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "bu",
    "da",
    "de",
    "di",
    "do",
    "fa",
    "fe",
    "fi",
    "fo",
    "ga",
    "ge",
    "gi",
    "ha",
    "he",
    "hi",
    "ka",
    "ke",
    "ki",
    "la",
    "le",
    "li",
    "lo",
    "ma",
    "me",
    "mi",
    "mo",
    "na",
    "ne",
    "ni",
    "no",
    "pa",
    "pe",
    "pi",
    "ra",
    "re",
    "ri",
    "ro",
    "sa",
    "se",
    "si",
    "so",
    "ta",
    "te",
    "ti",
    "to",
    "va",
    "ve",
    "vi",
    "vo",
    "sk",
    "st",
    "tr",
    "fl",
    "gr",
    "kl",
    "sp",
]


def vocabulary(rng, size=20_000) -> tuple[list[str], list[float]]:
    """Text has a long tail: the domain words spread over the first ranks of a Zipf distribution among
    made-up words, so some searches match most pages (borger) and others few, as in a real registry."""
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 5))))
    words = sorted(words)
    rng.shuffle(words)
    for i, word in enumerate(WORDS):
        words[2 + i + int(1.17**i)] = word  # ranks 3, 4, 5, … 45, … 570, … about 2,000
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(size)))
    return words, cumulative


_VOCABULARY: tuple[list[str], list[float]] | None = None


def sentence(rng, n=12):
    global _VOCABULARY
    if _VOCABULARY is None:
        _VOCABULARY = vocabulary(random.Random(11))
    words, cumulative = _VOCABULARY
    return " ".join(rng.choices(words, cum_weights=cumulative, k=n)).capitalize() + "."


def bulk_add_children(parent, model, instances) -> list[int]:
    """Insert live child pages of `parent` in bulk (treebeard paths computed here); returns their ids.

    The benchmark needs 100,000 pages in minutes, which add_child (a few queries and a save per page) cannot do.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import F
    from django.utils import timezone
    from wagtail.models import Page

    parent.refresh_from_db()
    content_type = ContentType.objects.get_for_model(model)
    now = timezone.now()
    bases = []
    for k, page in enumerate(instances):
        bases.append(
            Page(
                path=Page._get_path(parent.path, parent.depth + 1, parent.numchild + k + 1),
                depth=parent.depth + 1,
                numchild=0,
                title=page.title,
                draft_title=page.title,
                slug=page.slug,
                content_type=content_type,
                live=True,
                has_unpublished_changes=False,
                url_path=f"{parent.url_path}{page.slug}/",
                locale_id=parent.locale_id,
                first_published_at=now,
                last_published_at=now,
                seo_title="",
                search_description="",
            )
        )
    Page.objects.bulk_create(bases)
    fields = [f for f in model._meta.local_concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    rows = []
    for base, page in zip(bases, instances, strict=True):
        page.page_ptr_id = base.pk
        page.pk = base.pk
        rows.append([f.get_db_prep_save(getattr(page, f.attname), connection) for f in fields])
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({placeholders})",  # noqa: S608
            rows,
        )
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(instances))
    return [base.pk for base in bases]


def generate(n: int, rng) -> None:
    """Add synthetic pages until there are `n` experiments and articles (a kept database grows, never shrinks)."""
    from experiments.models import ExemptionRequest, ExperimentPage, Provision
    from knowledge.models import KnowledgeArticlePage, KnowledgeIndexPage
    from municipalities.models import MunicipalityPage

    municipalities = list(MunicipalityPage.objects.all())
    provisions = list(Provision.objects.all())
    knowledge = KnowledgeIndexPage.objects.first()
    existing = ExperimentPage.objects.count() + KnowledgeArticlePage.objects.count()
    if existing >= n:
        return
    print(f"Genererer {n - existing} sider …", flush=True)
    started = time.perf_counter()
    for chunk_start in range(existing, n, 1000):
        chunk = range(chunk_start, min(n, chunk_start + 1000))
        articles = [
            KnowledgeArticlePage(title=sentence(rng, 5), slug=f"a{i}", summary=sentence(rng, 30), body=[])
            for i in chunk
            if i % 5 == 4
        ]
        bulk_add_children(knowledge, KnowledgeArticlePage, articles)
        by_parent = {}
        for i in chunk:
            if i % 5 != 4:
                by_parent.setdefault(i % len(municipalities), []).append(
                    ExperimentPage(
                        title=sentence(rng, 6),
                        slug=f"e{i}",
                        summary=sentence(rng, 30),
                        challenge=" ".join(sentence(rng) for _ in range(8)),
                        purpose=" ".join(sentence(rng) for _ in range(5)),
                        content=[],
                        frikommunevedtaegt_url="",
                        target_group_description=sentence(rng, 8),
                        contact_name="",
                        contact_email="",
                        status=rng.choice(["started", "ended", "evaluated", "spread"]),
                    )
                )
        for index, pages in by_parent.items():
            ids = bulk_add_children(municipalities[index], ExperimentPage, pages)
            ExemptionRequest.objects.bulk_create(
                [ExemptionRequest(experiment_id=pk, provision=rng.choice(provisions), sort_order=0) for pk in ids]
            )
        if chunk.stop % 10_000 == 0 or chunk.stop == n:
            print(f"  {chunk.stop} ({time.perf_counter() - started:.0f} s)", flush=True)


def build_indexes(wagtail: bool = True) -> dict[str, float]:
    """Index what is not indexed yet, ours and Wagtail's; the seconds each took (none when nothing was missing)."""
    from wagtail.search.backends import get_search_backend
    from wagtail.search.models import IndexEntry

    from experiments.models import ExperimentPage
    from knowledge.models import KnowledgeArticlePage
    from search import indexing
    from search.engines import get_engine
    from search.models import SearchDocument

    timings = {}
    if SearchDocument.objects.count() < indexing.count_indexable():
        print("Bygger søgeindekset …", flush=True)
        started = time.perf_counter()
        indexing.rebuild()
        timings["søgeindeks"] = time.perf_counter() - started
        print(f"  {timings['søgeindeks']:.0f} s", flush=True)
    engine = get_engine()
    if engine.name != "postgres" and (engine.count() or 0) < SearchDocument.objects.count():
        # ELASTICSEARCH_URL is set: the benchmark measures the site through that cluster (README).
        print(f"Kopierer indekset til {engine.name} …", flush=True)
        started = time.perf_counter()
        engine.rebuild()
        timings[engine.name] = time.perf_counter() - started
    models = (ExperimentPage, KnowledgeArticlePage)
    if wagtail and IndexEntry.objects.count() < sum(model.objects.count() for model in models):
        print("Bygger Wagtails indeks …", flush=True)
        started = time.perf_counter()
        backend = get_search_backend()
        for model in models:
            queryset = model.objects.order_by("pk")
            for offset in range(0, queryset.count(), 2000):
                backend.add_bulk(model, list(queryset[offset : offset + 2000]))
        timings["Wagtails indeks"] = time.perf_counter() - started
        print(f"  {timings['Wagtails indeks']:.0f} s", flush=True)
    return timings


def percentiles(samples):
    samples = sorted(samples)
    return statistics.median(samples), samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]


def measure(fn, rounds, before=None):
    timings = []
    for _ in range(rounds):
        for q in QUERIES:
            if before:
                before(q)
            start = time.perf_counter()
            fn(q)
            timings.append((time.perf_counter() - start) * 1000)
    return percentiles(timings)


# p95 targets in ms through the whole stack: (pages, cold or warm) → target.
TARGETS = {(10_000, "kold"): 30, (100_000, "kold"): 150, (100_000, "varm"): 20}


def use_production_cache() -> str:
    """The cache the site uses (config/settings/base.py): Redis where REDIS_URL is set, else the database."""
    from django.core.management import call_command
    from django.test.utils import override_settings

    from config.settings import base

    override_settings(CACHES=base.CACHES).enable()
    call_command("createcachetable", verbosity=0)
    return "Redis" if os.environ.get("REDIS_URL") else "databasen"


def run(scale: int, rounds: int, profile: bool = False, wagtail: bool = True) -> None:
    from django.core.cache import cache
    from wagtail.models import Page

    from search import cache as result_cache
    from search.engines import get_engine
    from search.query import SearchQuery
    from search.understanding import understand

    generate(scale, random.Random(7))
    build = build_indexes(wagtail)
    client = Client()

    def stack(q):
        response = client.get("/soeg/", {"q": q})
        assert response.status_code == 200

    def forget(q):
        # The first time this search is asked: its kept answer goes (the rest of the cache stays, as it would).
        query = SearchQuery.from_querydict({"q": q})
        cache.delete(result_cache.key(query, reader=False, engine=get_engine().name))

    tsqueries = {q: understand(q).match_tsquery() or "x" for q in QUERIES}

    def bare(q):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT page_id FROM search_searchdocument WHERE vector @@ %s::tsquery "
                "ORDER BY ts_rank(vector, %s::tsquery) DESC LIMIT 10",
                [tsqueries[q], tsqueries[q]],
            )
            cursor.fetchall()

    def wagtail_search(q):
        list(Page.objects.live().search(q)[:10])

    stack(QUERIES[0])  # warm the server's and the process's caches, as a running site has them
    if profile:
        from pyinstrument import Profiler

        with Profiler(interval=0.0005) as profiler:
            measure(stack, rounds, before=forget)
        print(profiler.output_text(color=False, show_all=False))
    per_page = []
    for q in QUERIES:
        forget(q)
        with CaptureQueriesContext(connection) as captured:
            stack(q)
        per_page.append(len(captured))
    rows = [
        ("kold", "Django-stakken (/soeg/), første gang", *measure(stack, rounds, before=forget)),
        ("varm", "Django-stakken (/soeg/), igen", *measure(stack, rounds)),
        ("", "Ren SQL (gulvet)", *measure(bare, rounds)),
    ]
    if wagtail:
        rows.append(("", "Wagtail Page.objects.search", *measure(wagtail_search, rounds)))
    floor = rows[2][3]
    wagtail_p95 = rows[3][3] if wagtail else None
    print(f"\n{scale} sider, {len(QUERIES)} søgninger × {rounds} runder")
    if build:
        print("Indeksering: " + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in build.items()))
    print(f"{'':40} {'p50 ms':>8} {'p95 ms':>8} {'mål p95':>8} {'p95/SQL':>8} {'Wagtail/':>9}")
    for kind, name, p50, p95 in rows:
        target = TARGETS.get((scale, kind))
        verdict = f"{target:5} {'ja' if p95 <= target else 'nej':>3}" if target else ""
        versus = f"{wagtail_p95 / p95:8.1f}×" if wagtail_p95 else f"{'–':>9}"
        print(f"{name:40} {p50:8.1f} {p95:8.1f} {verdict:>8} {p95 / floor:8.1f} {versus}")
    print(f"SQL-forespørgsler pr. søgeside (første gang): min {min(per_page)}, max {max(per_page)}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scales", default="10000,100000", help="Antal sider, stigende, kommasepareret (databasen vokser)."
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database for the next run.")
    parser.add_argument("--profile", action="store_true", help="Print where /soeg/'s first-time time goes.")
    parser.add_argument(
        "--without-wagtail", action="store_true", help="Neither build nor measure Wagtail's own search (1,000,000)."
    )
    args = parser.parse_args()

    from django.test.utils import teardown_databases

    from network.setup import setup_network

    old = setup_databases(verbosity=0, interactive=False, keepdb=True, serialized_aliases=set())
    try:
        setup_network()
        from search.engines import get_engine

        print(f"Søgemaskine: {get_engine().name}, cache: {use_production_cache()}")
        for scale in sorted(int(value) for value in args.scales.split(",")):
            run(scale, args.rounds, args.profile, wagtail=not args.without_wagtail)
    finally:
        if not args.keep:
            teardown_databases(old, verbosity=0, keepdb=False)


if __name__ == "__main__":
    main()
