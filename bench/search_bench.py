"""Search benchmark (not a test): `make bench` or `python bench/search_bench.py --scale 100000`.

Generates N synthetic experiments and articles in a separate database (test_frikommune_bench on the configured
server, kept between runs with --keep), then measures p50 and p95 of a fixed mix of searches three ways on the same
data in the same run: through the whole Django stack (test client, /soeg/), as the bare SQL query the engine's
ranking rests on (the floor), and through Wagtail's own search (Page.objects.search, database backend, danish).
Prints a table with the ratios and the SQL queries per search page.
"""

import argparse
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

QUERIES = [
    "borger",
    "sygedagpengemodtagere",
    "indsats",
    "SEL § 140",
    "LAB §§ 27-30",
    "plankoordinator samtykke",
    "BUF",
    "koordinerende sagsbehandler",
    "sygedagpngemodtagere",
    "unge uddannelse job",
]

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


def sentence(rng, n=12):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def generate(n: int, rng) -> None:
    from wagtail.search.backends import get_search_backend

    from experiments.models import ExemptionRequest, ExperimentPage, Provision
    from knowledge.models import KnowledgeArticlePage, KnowledgeIndexPage
    from municipalities.models import MunicipalityPage
    from search import indexing

    municipalities = list(MunicipalityPage.objects.all())
    provisions = list(Provision.objects.all())
    knowledge = KnowledgeIndexPage.objects.first()
    existing = ExperimentPage.objects.count() + KnowledgeArticlePage.objects.count()
    print(f"Genererer {max(0, n - existing)} sider (har {existing}) …", flush=True)
    for i in range(existing, n):
        if i % 5 == 4:
            page = KnowledgeArticlePage(title=sentence(rng, 5), slug=f"a{i}", summary=sentence(rng, 30))
            knowledge.add_child(instance=page)
        else:
            parent = municipalities[i % len(municipalities)]
            page = ExperimentPage(
                title=sentence(rng, 6),
                slug=f"e{i}",
                summary=sentence(rng, 30),
                challenge=" ".join(sentence(rng) for _ in range(8)),
                purpose=" ".join(sentence(rng) for _ in range(5)),
            )
            parent.add_child(instance=page)
            ExemptionRequest.objects.create(experiment=page, provision=rng.choice(provisions))
        if i % 1000 == 0:
            print(f"  {i}", flush=True)
            # Keep treebeard's cached numchild of the parents fresh.
            municipalities = list(MunicipalityPage.objects.all())
            knowledge = KnowledgeIndexPage.objects.first()
    print("Bygger søgeindekset …", flush=True)
    indexing.rebuild()
    print("Bygger Wagtails indeks …", flush=True)
    backend = get_search_backend()
    for model in (ExperimentPage, KnowledgeArticlePage):
        backend.add_bulk(model, list(model.objects.all()))


def percentiles(samples):
    samples = sorted(samples)
    return statistics.median(samples), samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]


def measure(fn, rounds):
    timings = []
    for _ in range(rounds):
        for q in QUERIES:
            start = time.perf_counter()
            fn(q)
            timings.append((time.perf_counter() - start) * 1000)
    return percentiles(timings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database for the next run.")
    args = parser.parse_args()

    from django.test.utils import teardown_databases
    from wagtail.models import Page

    from municipalities.setup import setup_network
    from search.understanding import understand

    old = setup_databases(verbosity=0, interactive=False, keepdb=True)
    try:
        setup_network()
        generate(args.scale, random.Random(7))
        client = Client()

        def stack(q):
            response = client.get("/soeg/", {"q": q})
            assert response.status_code == 200

        tsqueries = {q: understand(q).match_tsquery() or "x" for q in QUERIES}

        def bare(q):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT page_id FROM search_searchdocument WHERE vector @@ %s::tsquery "
                    "ORDER BY ts_rank(vector, %s::tsquery) DESC LIMIT 10",
                    [tsqueries[q], tsqueries[q]],
                )
                cursor.fetchall()

        def wagtail(q):
            list(Page.objects.live().search(q)[:10])

        stack(QUERIES[0])  # warm caches
        per_page = []
        for q in QUERIES:
            with CaptureQueriesContext(connection) as captured:
                stack(q)
            per_page.append(len(captured))
        rows = [("Django-stakken (/soeg/)", *measure(stack, args.rounds))]
        rows.append(("Ren SQL (gulvet)", *measure(bare, args.rounds)))
        rows.append(("Wagtail Page.objects.search", *measure(wagtail, args.rounds)))
        floor = rows[1][2]
        print(f"\n{args.scale} sider, {len(QUERIES)} søgninger × {args.rounds} runder")
        print(f"{'':30} {'p50 ms':>8} {'p95 ms':>8} {'p95 / SQL':>10}")
        for name, p50, p95 in rows:
            print(f"{name:30} {p50:8.1f} {p95:8.1f} {p95 / floor:10.1f}")
        print(f"SQL-forespørgsler pr. søgeside: min {min(per_page)}, max {max(per_page)}")
    finally:
        if not args.keep:
            teardown_databases(old, verbosity=0, keepdb=False)


if __name__ == "__main__":
    main()
