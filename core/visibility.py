"""Public or network-only pages.

Editors choose "Synlighed" on the page; saving the live page turns it into a Wagtail view restriction (login
required), so Wagtail itself refuses anonymous visitors on the page and its previews, and `PageQuerySet.public()`
leaves such pages out of every listing an anonymous visitor sees. Wagtail's page restrictions do not reach
documents, so `document_is_public` decides that from the live pages that use a document (Wagtail's reference
index): a document no public live page uses is for network readers only.
Accounts exist only for the network's staff and the ministry, so "logged in" is "network reader".

The field is the only control: these page types offer no privacy settings in Wagtail's admin, and a restriction
removed by other means (a direct request to Wagtail's privacy view) is put back while the field says network-only.
"""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Substr
from django.db.models.lookups import In
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, PageViewRestriction, ReferenceIndex


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Offentlig")
    NETWORK = "network", _("Kun netværket")


# What Wagtail's privacy dialog offers on the other page types: login only, since logged in is network reader
# (a password or a group would hide a page from readers that listings and search would still show it to).
LOGIN_ONLY = ["login"]


def is_network_reader(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def under_view_restriction() -> Q:
    """Pages with a view restriction on themselves or on an ancestor: the rule of Wagtail's `PageQuerySet.public()`.

    `public()` builds one `path LIKE` condition per restriction, which at 2,000 network-only experiments takes
    seconds per query. Here a page is restricted when the prefix of its path at the depth of some restricted page is
    a restricted page's path: one hashed lookup per depth that has restrictions (one query finds those depths).
    """
    restricted_paths = PageViewRestriction.objects.values("page__path")
    depths = sorted(set(PageViewRestriction.objects.values_list("page__depth", flat=True)))
    condition = Q(pk__in=[])
    for depth in depths:
        condition |= Q(In(Substr("path", 1, depth * Page.steplen), restricted_paths))
    return condition


def visible_pages(queryset, user):
    """The live pages of `queryset` that `user` may read: all of them for network readers, public ones otherwise."""
    if not isinstance(queryset, models.QuerySet):
        # A preview hands over a ParentalManyToManyField's unsaved selection as modelcluster's FakeQuerySet.
        queryset = queryset.model.objects.filter(pk__in=[page.pk for page in queryset])
    queryset = queryset.live()
    return queryset if is_network_reader(user) else queryset.exclude(under_view_restriction())


def document_is_public(document) -> bool:
    """A document is public only when a live page that anyone may read uses it; one used by no page, or only by
    drafts, unpublished or network-only pages, is for network readers.

    A live page's row holds its published version, and Wagtail's reference index is built from that row, so a
    document added in a draft of a public page stays closed until the draft is published.
    """
    page_ids = (
        ReferenceIndex.get_references_to(document)
        .filter(base_content_type=ReferenceIndex._get_base_content_type(Page))
        .values_list("object_id", flat=True)
    )
    pages = Page.objects.filter(pk__in=[int(pk) for pk in page_ids]).live()
    return pages.exclude(under_view_restriction()).exists()


def index_published_references(sender, instance, **kwargs):
    """Index what a page uses (Wagtail's reference index) as it is published, for `document_is_public`.

    Wagtail updates its reference index in a background task; a document must open with the publication of the
    public page that uses it, not whenever the worker gets to it (connected to `page_published` in search/signals.py,
    which keeps the indexes in step with publishing).
    """
    ReferenceIndex.create_or_update_for_object(instance)


class VisibilityMixin(models.Model):
    visibility = models.CharField(
        _("synlighed"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        help_text=_("Offentlige sider kan læses af alle; sider kun for netværket kræver login."),
    )

    # Synlighed is the one control: Wagtail's privacy dialog says the page type has no privacy settings.
    private_page_options = []

    class Meta:
        abstract = True

    @property
    def is_network_only(self) -> bool:
        return self.visibility == Visibility.NETWORK

    def save(self, *args, **kwargs):
        new = self._state.adding
        super().save(*args, **kwargs)
        # Saving a draft revision saves the page with only bookkeeping fields (`update_fields`); the draft's
        # visibility must not reach readers before it is published.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "visibility" in update_fields:
            self.sync_view_restriction(new=new)

    def sync_view_restriction(self, *, new: bool = False) -> None:
        """Give a network-only page Wagtail's login restriction and take it from a public one (a page saved for the
        first time has none to look for)."""
        if new:
            if self.is_network_only:
                PageViewRestriction.objects.create(page=self, restriction_type=PageViewRestriction.LOGIN)
            return
        restrictions = PageViewRestriction.objects.filter(page=self, restriction_type=PageViewRestriction.LOGIN)
        if self.is_network_only and not restrictions.exists():
            PageViewRestriction.objects.create(page=self, restriction_type=PageViewRestriction.LOGIN)
        elif not self.is_network_only:
            restrictions.delete()


def deleted_on_its_own(origin) -> bool:
    """True when a post_delete signal's `origin` is the restriction itself, not a page deleted with its restrictions."""
    return isinstance(origin, PageViewRestriction) or (
        isinstance(origin, models.QuerySet) and origin.model is PageViewRestriction
    )


def restore_view_restriction(sender, instance, origin=None, **kwargs):
    """A login restriction deleted on its own (not with its page) comes back while the page says network-only."""
    if not deleted_on_its_own(origin):
        return
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None and isinstance(page.specific, VisibilityMixin):
        page.specific.sync_view_restriction()
