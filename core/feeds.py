"""The Atom feed every page feed builds on: stable ids, dates from publications, at most FEED_LENGTH entries."""

from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed
from django.db.models.functions import Coalesce
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from core.text import xml_text

FEED_LENGTH = 50


def tag_uri(request, kind: str, pk: int) -> str:
    """A stable Atom id (RFC 4151): page ids survive the renames and moves that change a URL."""
    return f"tag:{get_current_site(request).domain},2016:{kind}/{pk}"


class XmlSafeAtom1Feed(Atom1Feed):
    """Atom that drops characters XML cannot hold (a pasted control character would otherwise break the feed)."""

    def add_item(self, *args, **kwargs):
        for name, value in kwargs.items():
            if isinstance(value, str):
                kwargs[name] = xml_text(value)
        kwargs["categories"] = [xml_text(str(category)) for category in kwargs.get("categories") or ()]
        super().add_item(*args, **kwargs)


class PageFeed(Feed):
    """One Atom entry per page, dated by its publications."""

    feed_type = XmlSafeAtom1Feed
    author_name = _("Frikommunenetværket »Én plan«")
    kind = "page"

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.url

    def item_guid(self, item):
        return tag_uri(self.request, self.kind, item.pk)

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return item.first_published_at or item.changed_at

    def item_updateddate(self, item):
        return item.changed_at


def last_change(prefix: str = ""):
    """When a page last changed in public: last published, else first published, else its latest revision."""
    return Coalesce(f"{prefix}last_published_at", f"{prefix}first_published_at", f"{prefix}latest_revision_created_at")
