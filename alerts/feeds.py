"""The Atom feed of a subscription, at a secret address: its pages as its owner may see them, newest first."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from alerts.matching import feed_pages
from alerts.models import Subscription
from core.feeds import FEED_LENGTH, PageFeed


class SubscriptionFeed(PageFeed):
    kind = "page"

    def get_object(self, request, token):
        subscription = get_object_or_404(
            Subscription.objects.filter(feed_enabled=True, unsubscribed_at__isnull=True, confirmed_at__isnull=False),
            Q(feed_token=token) | Q(public_feed_token=token),
        )
        # The shared address shows what anyone may read, whoever owns the subscription.
        subscription.public_only = subscription.public_feed_token == token
        return subscription

    def title(self, subscription):
        return _("Én plan: %(name)s") % {"name": subscription.name}

    def link(self, subscription):
        from django.urls import reverse

        return reverse("alerts:my_page")

    def subtitle(self, subscription):
        return _("Nyt og ændret i forsøgsregistret for »%(name)s«.") % {"name": subscription.name}

    def items(self, subscription):
        return feed_pages(subscription, limit=FEED_LENGTH, public_only=subscription.public_only)

    def item_description(self, item):
        return getattr(item, "summary", "")

    def item_updateddate(self, item):
        return item.last_published_at or item.first_published_at
