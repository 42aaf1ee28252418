"""Atom feed of new knowledge articles (`/feeds/viden/`): public articles only, as feed readers fetch anonymously."""

from django.utils.translation import gettext_lazy as _

from core.feeds import FEED_LENGTH, PageFeed, last_change
from core.visibility import visible_pages
from knowledge.models import KnowledgeArticlePage


class KnowledgeArticleFeed(PageFeed):
    kind = "viden"
    title = _("Ny viden fra frikommunenetværket")
    subtitle = _("Læring, metodeguides, evalueringer, referater og juridiske notater, nyeste først.")

    def link(self):
        return "/viden/"

    def items(self):
        return (
            visible_pages(KnowledgeArticlePage.objects.all(), None)
            .select_related("author_municipality")
            .annotate(changed_at=last_change())
            .order_by("-first_published_at", "-pk")[:FEED_LENGTH]
        )

    def item_author_name(self, item):
        return item.author_municipality.title if item.author_municipality else str(self.author_name)

    def item_categories(self, item):
        return [item.get_kind_display()]
