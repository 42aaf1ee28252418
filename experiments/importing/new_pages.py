"""An import's new experiments: added to the page tree, with their first revision, once per import.

What `parent.add_child(instance=page)` and `page.save_revision()` do for one page costs about a dozen queries
before the page's own rows: treebeard's add_child locks the parent's row, reads its last child and counts the new
child in the parent's row; Wagtail's save checks that the slug is free and writes the "wagtail.create" entry of the
page's history, validating it against the database first; save_revision saves the page again (asking whether it is
a site root each time) to point it at the revision. `NewPages` locks each parent once, numbers its new children on
from the last one, and writes the parents' counts, the history entries, the revisions and the pages' pointers to
them in a few bulk queries at the end. The importer has checked every title and slug beforehand.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone
from treebeard.exceptions import PathOverflow
from wagtail.log_actions import get_active_log_context
from wagtail.models import Page, PageLogEntry, Revision


class NewPages:
    def __init__(self):
        self._last_step: dict[int, int] = {}  # a parent's pk: the step number of its last child
        self._parents: dict[int, Page] = {}
        self._added: dict[int, int] = {}  # a parent's pk: how many children were added under it
        self._created: list[tuple[Page, datetime.datetime]] = []
        self._revised: list[tuple[Page, Revision]] = []
        self._changed: dict[tuple, list[Page]] = {}

    def add(self, parent: Page, page: Page) -> None:
        """Save `page`, new, as the last child of `parent`, as `parent.add_child(instance=page)` does."""
        if parent.pk not in self._last_step:
            # Locked until the import's transaction ends, as treebeard locks it for one child.
            Page.objects.select_for_update().filter(pk=parent.pk).values_list("pk").get()
            last = parent.get_last_child()
            self._last_step[parent.pk] = Page._str2int(last.path[-Page.steplen :]) if last else 0
            self._parents[parent.pk] = parent
            self._added[parent.pk] = 0
        step = self._last_step[parent.pk] + 1
        page.depth = parent.depth + 1
        page.path = Page._get_path(parent.path, page.depth, step)
        if len(page.path) != len(parent.path) + Page.steplen:
            raise PathOverflow(f"{parent} has no room for more children")
        page._cached_parent_obj = parent
        page._set_core_field_defaults()  # what Wagtail's save does before it writes a page (draft title, locale)
        page.save(clean=False, log_action=None)
        self._last_step[parent.pk] = step
        self._added[parent.pk] += 1
        self._created.append((page, timezone.now()))

    def first_revision(self, page: Page, user) -> Revision:
        """The page's first revision, as `page.save_revision(user=user, clean=False)` makes it: its content is read
        now, from the page as it is (its children saved); it is written by `finish`, which sets its id."""
        revision = Revision(
            content_object=page,
            base_content_type=page.get_base_content_type(),
            user=user,
            content=page.serializable_data(),
            object_str=str(page),
            created_at=timezone.now(),
        )
        self._revised.append((page, revision))
        return revision

    def finish(self) -> None:
        """Count the new children in their parents' rows, write each page's "wagtail.create" history entry, and its
        first revision, which the page then names as its latest (a draft with changes not yet published)."""
        for pk, count in self._added.items():
            Page.objects.filter(pk=pk).update(numchild=F("numchild") + count)
            self._parents[pk].numchild += count
        context = get_active_log_context()
        PageLogEntry.objects.bulk_create(
            [
                PageLogEntry(
                    content_type=ContentType.objects.get_for_model(page, for_concrete_model=False),
                    label=page.get_admin_display_title(),
                    action="wagtail.create",
                    timestamp=created_at,
                    data={},
                    user=page.owner or context.user,
                    uuid=context.uuid,
                    page=page,
                    content_changed=True,
                )
                for page, created_at in self._created
            ],
            batch_size=1000,
        )
        Revision.objects.bulk_create([revision for _page, revision in self._revised], batch_size=1000)
        for page, revision in self._revised:
            page.latest_revision = revision
            page.latest_revision_created_at = revision.created_at
            page.has_unpublished_changes = True
        Page.objects.bulk_update(
            [page for page, _revision in self._revised],
            ["latest_revision", "latest_revision_created_at", "has_unpublished_changes"],
            batch_size=1000,
        )
        self._write_changed_fields()
        self._added = dict.fromkeys(self._added, 0)
        self._created = []
        self._revised = []

    def changed_after_save(self, page: Page, fields: list[str]) -> None:
        """Fields of `page` (its own model's) that changed since it was saved: `finish` writes them."""
        self._changed.setdefault((type(page), tuple(fields)), []).append(page)

    def _write_changed_fields(self) -> None:
        for (model, fields), pages in self._changed.items():
            model.objects.bulk_update(pages, list(fields), batch_size=1000)
        self._changed = {}
