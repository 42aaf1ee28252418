"""Wagtail's page signals keep the index in step, in the same transaction as the change that sends them."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from core.visibility import deleted_on_its_own, index_published_references
from search import cache as result_cache
from search import indexing
from search.models import ThesaurusEntry
from search.registry import has_pages_showing, searchable_type_for, shown_fields, shown_in


def on_published(sender, instance, **kwargs):
    indexing.index_page(instance)
    indexing.index_dependents([instance])


def on_unpublished(sender, instance, **kwargs):
    if searchable_type_for(type(instance.specific)) is not None:
        indexing.remove_page(instance.pk)
        indexing.index_dependents([instance])


def on_moved(sender, instance, **kwargs):
    indexing.index_subtree(instance)


def on_deleting(sender, instance, **kwargs):
    # Before the deletion, while the page's document is still there: its words are taken out of the lexicon
    # (the document itself would go by cascade, unseen). The pages that show something of it are remembered
    # and indexed again once it is gone (`on_deleted`). Sent for the specific model, which is searchable.
    if isinstance(instance, Page) and searchable_type_for(type(instance)) is not None:
        indexing.remove_page(instance.pk)
        instance._search_dependents = [page.pk for page in indexing.dependents_of(instance)]


def on_deleted(sender, instance, **kwargs):
    dependents = getattr(instance, "_search_dependents", None)
    if dependents:
        for page in Page.objects.filter(pk__in=dependents).specific():
            indexing.index_page(page)


def on_restriction_changed(sender, instance, origin=None, **kwargs):
    # A view restriction on a page hides its whole subtree from anonymous visitors (Wagtail's privacy setting).
    # Deleted together with its page, it needs nothing here: the page leaves the index by its own deletion.
    if origin is not None and not deleted_on_its_own(origin):
        return
    page = Page.objects.filter(pk=instance.page_id).first()
    # A page that is not live and has no pages under it is in no document: neither its own (it was removed when
    # the page was unpublished, or never written) nor another page's (they show live pages only).
    if page is not None and (page.live or page.numchild):
        indexing.index_subtree(page)


def on_named_saving(sender, instance, raw=False, **kwargs):
    # Before the save, the values of the fields that pages show, to tell a rename from any other save.
    fields = shown_fields(type(instance)) if has_pages_showing(type(instance)) else None
    if fields and instance.pk is not None and not raw:
        instance._search_shown_before = type(instance)._base_manager.filter(pk=instance.pk).values(*fields).first()


def on_named_saved(sender, instance, created=False, raw=False, **kwargs):
    # A target group, a law, a municipality…: saved (renamed, perhaps), the live pages that show its name are
    # indexed again in the same transaction. A new one is shown by no page yet.
    if not has_pages_showing(type(instance)) or raw or created:
        return
    fields = shown_fields(type(instance))
    if fields:
        before = getattr(instance, "_search_shown_before", None)
        if before is not None and all(before[field] == getattr(instance, field) for field in fields):
            return
    indexing.index_pages(shown_in(instance))


def on_named_links_changed(sender, instance, action, model, pk_set=None, **kwargs):
    # A many-to-many link of an object that pages show changed (a provision renumbered to another in the admin):
    # the pages that showed either side before the change, and those that show it after, are indexed again.
    if not action.startswith(("pre_", "post_")) or not has_pages_showing(type(instance)):
        return
    shown = [instance]
    if pk_set and has_pages_showing(model):
        shown += list(model._base_manager.filter(pk__in=pk_set))
    pages = {page.pk: page for obj in shown for page in shown_in(obj)}
    if action.startswith("pre_"):
        instance._search_links_before = pages
        return
    pages.update(getattr(instance, "_search_links_before", {}))
    indexing.index_pages(pages.values())


def on_thesaurus_changed(sender, instance, **kwargs):
    result_cache.changed()  # searches read the thesaurus: answers kept before the edit are not its answers


def connect() -> None:
    page_published.connect(on_published, dispatch_uid="search_page_published")
    # Documents open and close with the pages that use them (core.visibility): their references, at once.
    page_published.connect(index_published_references, dispatch_uid="visibility_page_references")
    page_unpublished.connect(on_unpublished, dispatch_uid="search_page_unpublished")
    post_page_move.connect(on_moved, dispatch_uid="search_page_moved")
    pre_delete.connect(on_deleting, dispatch_uid="search_page_deleting")
    post_delete.connect(on_deleted, dispatch_uid="search_page_deleted")
    post_save.connect(on_restriction_changed, sender=PageViewRestriction, dispatch_uid="search_restriction_saved")
    post_delete.connect(on_restriction_changed, sender=PageViewRestriction, dispatch_uid="search_restriction_deleted")
    pre_save.connect(on_named_saving, dispatch_uid="search_named_saving")
    post_save.connect(on_named_saved, dispatch_uid="search_named_saved")
    m2m_changed.connect(on_named_links_changed, dispatch_uid="search_named_links_changed")
    post_save.connect(on_thesaurus_changed, sender=ThesaurusEntry, dispatch_uid="search_thesaurus_saved")
    post_delete.connect(on_thesaurus_changed, sender=ThesaurusEntry, dispatch_uid="search_thesaurus_deleted")
