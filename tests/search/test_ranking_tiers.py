"""Words found on most pages are ranked among the pages with all of them in their title first, then among those with
them in their title or summary, and only when those cannot fill the page among all matches; the candidates are then
ranked by their whole text (search/engines/postgres.py).

The tiers come into play past page size + RERANK_CANDIDATES matches; here that number is made small.
"""

import pytest

from search.engines import postgres
from search.query import SearchQuery
from search.service import search
from tests.search.conftest import experiment

pytestmark = pytest.mark.django_db

WORDS = {"summary": "Et forsøg.", "challenge": "", "purpose": "", "content": [], "target_group_description": ""}


@pytest.fixture
def pages(network):
    return {
        # Both words in the title: the first tier.
        "title": experiment("ballerup", title="Kvanteplan og borgerdrøm", **WORDS),
        # One word ten times in the title, the other ten times in the summary: a higher score over the whole text,
        # but only the head tier.
        "head": experiment(
            "helsingor",
            title=" ".join(["Kvanteplan"] * 10),
            **{**WORDS, "summary": " ".join(["borgerdrøm"] * 10)},
        ),
        # Both words in the text only.
        "text": experiment("furesoe", title="Et andet forsøg", **{**WORDS, "challenge": "Kvanteplan og borgerdrøm."}),
    }


def titles_page_by_page(monkeypatch, candidates: int) -> list[str]:
    monkeypatch.setattr(postgres, "RERANK_CANDIDATES", candidates)
    found = []
    for page in range(1, 4):
        result = search(SearchQuery(text="kvanteplan borgerdrøm", per_page=1, page=page))
        assert result.total == 3
        found += [hit.title for hit in result.hits]
    return found


def test_title_matches_rank_first_then_title_and_summary_matches_then_the_rest(pages, monkeypatch):
    assert titles_page_by_page(monkeypatch, candidates=0) == [
        pages["title"].title,
        pages["head"].title,
        pages["text"].title,
    ]


def test_every_page_of_results_follows_the_same_order_whatever_the_number_of_candidates(pages, monkeypatch):
    # Past the tiers (candidates for every match), the tiers still come first; the whole text orders within them.
    assert titles_page_by_page(monkeypatch, candidates=1000) == titles_page_by_page(monkeypatch, candidates=0)
    for candidates in (0, 1, 2):
        assert len(set(titles_page_by_page(monkeypatch, candidates=candidates))) == 3
