"""Which pages and changes concern a subscription, as its reader may see them now."""

import dataclasses
import html

from django.db.models import Q
from django.http import QueryDict
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from wagtail.models import Page

from alerts.mail import absolute
from alerts.models import Change, Subscription
from core.visibility import visible_pages
from experiments.models import ExperimentPage
from knowledge.models import KnowledgeArticlePage
from search.query import SearchQuery
from search.service import search

# A saved search alerts about at most this many of its matches per message; more are summed up as a count.
MAX_SEARCH_MATCHES = 1000


@dataclasses.dataclass
class AlertItem:
    page: Page
    url: str
    changes: list[Change]
    snippet: str = ""

    @property
    def plain_snippet(self) -> str:
        """The snippet for the plain-text part: no marks, no HTML entities."""
        return html.unescape(strip_tags(self.snippet))


def search_query(subscription: Subscription, *, per_page: int = MAX_SEARCH_MATCHES, sort: str | None = None):
    query = SearchQuery.from_querydict(QueryDict(subscription.query_string))
    query.page = 1
    query.per_page = per_page
    if sort:
        query.sort = sort
    return query


def followed_pages(subscription: Subscription):
    """The ids of the pages a follow covers: the experiment, the municipality's, a provision's or a target group's
    experiments, and the knowledge articles linked to any of them."""
    kind = subscription.kind
    if kind == Subscription.Kind.EXPERIMENT:
        experiments = ExperimentPage.objects.filter(pk=subscription.page_id)
        articles = KnowledgeArticlePage.objects.filter(experiments__pk=subscription.page_id)
    elif kind == Subscription.Kind.MUNICIPALITY:
        experiments = ExperimentPage.objects.descendant_of(subscription.page) | ExperimentPage.objects.filter(
            partners__municipality_id=subscription.page_id
        )
        articles = KnowledgeArticlePage.objects.filter(author_municipality_id=subscription.page_id)
    elif kind == Subscription.Kind.PROVISION:
        experiments = ExperimentPage.objects.filter(exemption_requests__provision_id=subscription.provision_id)
        articles = KnowledgeArticlePage.objects.filter(provisions__pk=subscription.provision_id)
    elif kind == Subscription.Kind.TARGET_GROUP:
        experiments = ExperimentPage.objects.filter(target_groups__pk=subscription.target_group_id)
        articles = KnowledgeArticlePage.objects.filter(target_groups__pk=subscription.target_group_id)
    else:
        raise ValueError(kind)
    return Q(pk__in=experiments.values("pk")) | Q(pk__in=articles.values("pk"))


def _summary(page) -> str:
    return strip_tags(getattr(page, "summary", "") or "")[:300]


def alert_items(subscription: Subscription, start, end) -> list[AlertItem]:
    """What changed in (start, end] on the pages of the subscription that its reader may see now, newest first."""
    changes = list(Change.objects.filter(created_at__gt=start, created_at__lte=end).order_by("created_at", "id"))
    if not changes:
        return []
    changed_ids = {change.page_id for change in changes}
    reader = subscription.reader
    snippets = {}
    if subscription.kind == Subscription.Kind.SEARCH:
        result = search(search_query(subscription), user=reader)
        snippets = {hit.page_id: str(hit.snippet) for hit in result.hits if hit.page_id in changed_ids}
        candidates = Page.objects.filter(pk__in=snippets)
    else:
        candidates = Page.objects.filter(pk__in=changed_ids).filter(followed_pages(subscription))
    # The reader's rights at sending time decide, whatever they were when the change happened.
    pages = {page.pk: page for page in visible_pages(candidates, reader).specific()}
    items = []
    for page_id in sorted(pages, key=lambda pk: max(c.created_at for c in changes if c.page_id == pk), reverse=True):
        page = pages[page_id]
        items.append(
            AlertItem(
                page=page,
                url=absolute(page.get_url() or ""),
                changes=[change for change in changes if change.page_id == page_id],
                # Search snippets come escaped, with <mark> around the matched words; a summary is escaped here.
                snippet=mark_safe(snippets.get(page_id) or escape(_summary(page))),  # noqa: S308
            )
        )
    return items


def feed_pages(subscription: Subscription, *, limit: int, public_only: bool = False):
    """The subscription's pages that its owner may see (only public ones for `public_only` or an e-mail-only
    subscriber), newest first."""
    reader = None if public_only else subscription.reader
    if subscription.kind == Subscription.Kind.SEARCH:
        result = search(search_query(subscription, per_page=limit, sort="opdateret"), user=reader)
        ids = [hit.page_id for hit in result.hits]
        pages = {page.pk: page for page in visible_pages(Page.objects.filter(pk__in=ids), reader).specific()}
        return [pages[pk] for pk in ids if pk in pages]
    pages = visible_pages(Page.objects.filter(followed_pages(subscription)), reader)
    return list(pages.order_by("-last_published_at").specific()[:limit])
