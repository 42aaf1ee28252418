"""How long `/fremdrift/` and the API's list pages take at N experiments, and how many SQL queries they make
(`make bench-progress`, N=10000 unless given).

Runs in a database of its own (the test database with the suffix "bench_progress", created and dropped here), so
the development data is never touched. The experiments are written in bulk straight into the page tree (paths,
url paths, view restrictions for network-only ones), with status histories, exemption requests, results,
evaluations and target groups, because saving 10,000 pages one by one through Wagtail would take most of an hour.
Each page is requested several times through Django's test client (the whole request: middleware, view, queries,
template); the median is printed. It asserts nothing.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["TEST_DATABASE_SUFFIX"] = "bench_progress"

STATUS_PATHS = (
    ("idea",),
    ("idea", "applied"),
    ("applied", "approved", "started"),
    ("applied", "approved", "started", "midterm_evaluated"),
    ("approved", "started", "ended"),
    ("approved", "started", "ended", "evaluated"),
    ("approved", "started", "ended", "evaluated", "spread"),
    ("approved", "not_started"),
)
REFERENCES = ("SEL § 140", "SEL § 140, stk. 3", "LAB §§ 27–30", "LAB § 40, stk. 1", "SDPL § 13", "SEL § 141")
DECISIONS = ("granted", "partly_granted", "refused", "applied", "not_needed", "withdrawn")


def create_experiments(count: int, *, network_share: int = 5) -> None:
    """`count` experiments spread over the nine municipalities; every `network_share`-th is network-only."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Locale, Page, PageViewRestriction

    from experiments.models import (
        Evaluation,
        ExemptionRequest,
        ExperimentPage,
        Provision,
        Result,
        StatusEvent,
        TargetGroup,
    )
    from experiments.references import parse_reference
    from municipalities.models import MunicipalityPage

    municipalities = list(MunicipalityPage.objects.order_by("path"))
    content_type = ContentType.objects.get_for_model(ExperimentPage)
    locale = Locale.get_default()
    provisions = [Provision.objects.resolve(parse_reference(text)) for text in REFERENCES]
    groups = list(TargetGroup.objects.order_by("pk"))
    now = timezone.now()
    children = dict.fromkeys((m.pk for m in municipalities), 0)

    with transaction.atomic():
        for start in range(0, count, 1000):
            numbers = range(start, min(start + 1000, count))
            pages = []
            for number in numbers:
                municipality = municipalities[number % len(municipalities)]
                children[municipality.pk] += 1
                slug = f"forsoeg-{number}"
                published = now - datetime.timedelta(days=number % 900)
                pages.append(
                    Page(
                        path=Page._get_path(municipality.path, municipality.depth + 1, children[municipality.pk]),
                        depth=municipality.depth + 1,
                        numchild=0,
                        title=f"Forsøg nr. {number}",
                        draft_title=f"Forsøg nr. {number}",
                        slug=slug,
                        url_path=f"{municipality.url_path}{slug}/",
                        content_type=content_type,
                        locale=locale,
                        translation_key=uuid.uuid4(),
                        live=True,
                        first_published_at=published,
                        last_published_at=published,
                        latest_revision_created_at=published,
                    )
                )
            pages = Page.objects.bulk_create(pages)
            experiments = []
            events, exemptions, results, evaluations, memberships, restrictions = [], [], [], [], [], []
            for number, page in zip(numbers, pages, strict=True):
                path = STATUS_PATHS[number % len(STATUS_PATHS)]
                first_year = 2016 + number % 6
                dates = [datetime.date(first_year + i // 2, 1 + (5 * i + number) % 12, 1) for i in range(len(path))]
                network_only = number % network_share == 0
                experiments.append(
                    ExperimentPage(
                        page_ptr_id=page.pk,
                        visibility="network" if network_only else "public",
                        summary="Borgere med sager i flere forvaltninger får én fælles plan.",
                        planned_start=datetime.date(first_year, 3, 1),
                        planned_end=datetime.date(first_year + 2, 2, 28),
                        citizens_count=10 + number % 300,
                        content=[],
                        status=path[-1],
                        status_date=dates[-1],
                        evidence_rating="",
                    )
                )
                events += [
                    StatusEvent(experiment_id=page.pk, status=status, date=date, sort_order=i)
                    for i, (status, date) in enumerate(zip(path, dates, strict=True))
                ]
                for i in range(1 + number % 3):
                    exemptions.append(
                        ExemptionRequest(
                            experiment_id=page.pk,
                            provision=provisions[(number + i) % len(provisions)],
                            decision=DECISIONS[(number + i) % len(DECISIONS)],
                            sort_order=i,
                        )
                    )
                if number % 3 == 0:
                    results.append(Result(experiment_id=page.pk, indicator="Borgere i job", value=19, baseline=12))
                if number % 4 == 0:
                    evaluations.append(Evaluation(experiment_id=page.pk, evaluator="VIVE"))
                memberships.append(
                    ExperimentPage.target_groups.through(
                        experimentpage_id=page.pk, targetgroup_id=groups[number % len(groups)].pk
                    )
                )
                if network_only:
                    restrictions.append(PageViewRestriction(page_id=page.pk, restriction_type="login"))
            # A multi-table child cannot be bulk-created; its rows go in through the same insert bulk_create uses.
            ExperimentPage._base_manager._insert(
                experiments, fields=ExperimentPage._meta.local_concrete_fields, raw=True
            )
            StatusEvent.objects.bulk_create(events)
            ExemptionRequest.objects.bulk_create(exemptions)
            Result.objects.bulk_create(results)
            Evaluation.objects.bulk_create(evaluations)
            ExperimentPage.target_groups.through.objects.bulk_create(memberships)
            PageViewRestriction.objects.bulk_create(restrictions)
        for municipality in municipalities:
            Page.objects.filter(pk=municipality.pk).update(numchild=children[municipality.pk])


def create_articles(count: int) -> None:
    """`count` knowledge articles, saved one by one through Wagtail, each about a few experiments and a provision."""
    from experiments.models import ExperimentPage, Provision
    from knowledge.models import KnowledgeArticlePage, KnowledgeIndexPage

    index = KnowledgeIndexPage.objects.get()
    experiments = list(ExperimentPage.objects.order_by("pk")[: count * 3])
    provisions = list(Provision.objects.filter(exemption_requests__isnull=False).distinct())
    for number in range(count):
        article = KnowledgeArticlePage(
            title=f"Læring nr. {number}",
            slug=f"laering-{number}",
            summary="Hvad netværket lærte.",
            visibility="network" if number % 5 == 0 else "public",
        )
        article.experiments = experiments[number * 3 : number * 3 + 3]
        article.provisions = [provisions[number % len(provisions)]]
        article.tags.add("læring")
        index.add_child(instance=article)


def measure(client, path: str, runs: int) -> tuple[float, int, int]:
    """(median seconds, SQL queries, status code) of `runs` requests of `path`, after one warm-up request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - started)
    return statistics.median(timings), len(queries), response.status_code


PATHS = (
    "/fremdrift/",
    "/fremdrift/?interval=kvartal",
    "/fremdrift/?kommune=helsingor&fra=2018&til=2020",
    "/paragraffer/",
    "/api/v1/experiments/",
    "/api/v1/experiments/?kommune=helsingor&lov=SEL&aar=2018",
    "/api/v1/municipalities/",
    "/api/v1/provisions/",
    "/api/v1/articles/",
    "/feeds/forsoeg/",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--paths", nargs="*", help="only these paths")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards, to look at query plans")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        from experiments.models import ExperimentPage
        from network.setup import setup_network

        setup_network()
        started = time.perf_counter()
        create_experiments(args.count)
        create_articles(args.articles)
        print(
            f"{ExperimentPage.objects.count()} experiments and {args.articles} articles written in "
            f"{time.perf_counter() - started:.0f} s "
            f"(database {connection.settings_dict['NAME']})"
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        ministry = User.objects.create_user("ministeriet")
        ministry.groups.add(Group.objects.get(name="Ministeriet"))
        readers = {"anonymous": Client(), "ministry": Client()}
        readers["ministry"].force_login(ministry)

        print(f"{'reader':<10} {'median':>9} {'queries':>8}  path")
        for path in args.paths or PATHS:
            for name, client in readers.items():
                seconds, queries, status = measure(client, path, args.runs)
                flag = "" if status == 200 else f"  (HTTP {status})"
                print(f"{name:<10} {seconds * 1000:>7.0f} ms {queries:>8}  {path}{flag}")
    finally:
        connection.close()
        if not args.keep:
            teardown_databases(databases, verbosity=0)


if __name__ == "__main__":
    main()
