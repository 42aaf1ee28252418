"""Wagtail's page signals keep the index in step, in the same transaction as the change that sends them."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from core.visibility import deleted_on_its_own
from search import indexing
from search.registry import searchable_type_for


def on_published(sender, instance, **kwargs):
    indexing.index_page(instance)


def on_unpublished(sender, instance, **kwargs):
    if searchable_type_for(type(instance.specific)) is not None:
        indexing.remove_page(instance.pk)


def on_moved(sender, instance, **kwargs):
    indexing.index_subtree(instance)


def on_deleted(sender, instance, **kwargs):
    # Sent once for Page and once for the specific model; the first one does the work.
    if isinstance(instance, Page) and searchable_type_for(type(instance)) is not None:
        indexing.remove_page(instance.pk)


def on_restriction_changed(sender, instance, origin=None, **kwargs):
    # A view restriction on a page hides its whole subtree from anonymous visitors (Wagtail's privacy setting).
    # Deleted together with its page, it needs nothing here: the page leaves the index by its own deletion.
    if origin is not None and not deleted_on_its_own(origin):
        return
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        indexing.index_subtree(page)


def connect() -> None:
    page_published.connect(on_published, dispatch_uid="search_page_published")
    page_unpublished.connect(on_unpublished, dispatch_uid="search_page_unpublished")
    post_page_move.connect(on_moved, dispatch_uid="search_page_moved")
    post_delete.connect(on_deleted, dispatch_uid="search_page_deleted")
    post_save.connect(on_restriction_changed, sender=PageViewRestriction, dispatch_uid="search_restriction_saved")
    post_delete.connect(on_restriction_changed, sender=PageViewRestriction, dispatch_uid="search_restriction_deleted")
