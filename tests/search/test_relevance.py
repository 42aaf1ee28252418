"""Relevance over the demo data: mean reciprocal rank and recall at 5 of the relevance set (relevance.py)."""

import pytest
from django.core.management import call_command

from tests.search.relevance import CASES, evaluate

pytestmark = pytest.mark.django_db


def test_relevance_set_over_the_demo_data(make_user, capsys):
    pytest.importorskip("network.demo.experiments", reason="the demo data (experiments/demo.py) is not installed")
    call_command("load_demo_data")
    reader = make_user("relevans", role="ministry")
    mrr, recall, outcomes = evaluate(user=reader)
    with capsys.disabled():
        for outcome in outcomes:
            mark = "ok " if outcome.reciprocal_rank == 1 else ("~  " if outcome.reciprocal_rank else "MISS")
            top = " | ".join(t[:40] for t in outcome.titles[:3])
            print(
                f"{mark} {outcome.case.kind:11} {str(outcome.case.params):55} "
                f"RR={outcome.reciprocal_rank:.2f} R@5={outcome.recall_at_5:.2f}  top: {top}"
            )
        print(f"\nRelevance over {len(CASES)} queries: MRR = {mrr:.3f}, recall@5 = {recall:.3f}")
    assert len(CASES) >= 30
    assert mrr >= 0.8
