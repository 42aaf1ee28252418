"""Every API list page costs the same number of queries whatever the number of records."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from experiments.models import TargetGroup

LIST_PAGES = [
    "/api/v1/experiments/",
    "/api/v1/experiments/?kommune=allerod,ballerup&status=igangsat&lov=SEL&paragraf=SEL%20%C2%A7%20140&aar=2018",
    "/api/v1/municipalities/",
    "/api/v1/provisions/",
    "/api/v1/provisions/?soegt=ja",
    "/api/v1/articles/",
]


def add_records(add_experiment, start, n):
    from knowledge.models import KnowledgeArticlePage, KnowledgeIndexPage

    groups = list(TargetGroup.objects.all()[:2])
    index = KnowledgeIndexPage.objects.get()
    for i in range(start, start + n):
        experiment = add_experiment(
            ["allerod", "ballerup", "halsnaes"][i % 3],
            f"Forsøg {i}",
            statuses=[("started", datetime.date(2018, 1, 1))],
            exemptions=[("SEL § 140", "granted"), (f"LAB § {40 + i % 4}", "applied")],
            target_groups=groups,
            tags=[f"emne-{i}", "fælles"],
            partners=["hillerod"],
            planned_start=datetime.date(2018, 1, 1),
            visibility=["public", "network"][i % 2],
        )
        article = KnowledgeArticlePage(title=f"Artikel {i}", slug=f"artikel-{i}", summary="Læring.")
        article.experiments = [experiment]
        article.target_groups = groups
        article.tags.add("læring")
        index.add_child(instance=article)


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return len(queries)


def queries_per_page(client, user):
    client.logout()
    if user:
        client.force_login(user)
    client.get(LIST_PAGES[0])  # fills the cache of the site's root paths that page URLs are built from
    return {path: count_queries(client, path) for path in LIST_PAGES}


def test_list_pages_cost_a_constant_number_of_queries(client, make_user, add_experiment):
    """For anonymous and logged-in network readers alike, measured on one set of records before and after it grows."""
    readers = {"anonymous": None, "network": make_user("sagsbehandler")}
    add_records(add_experiment, 0, 4)
    small = {reader: queries_per_page(client, user) for reader, user in readers.items()}
    add_records(add_experiment, 4, 30)
    large = {reader: queries_per_page(client, user) for reader, user in readers.items()}
    assert large == small
    assert max(max(counts.values()) for counts in small.values()) <= 15, small
