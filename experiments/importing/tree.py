"""Adding an import's new experiments to the page tree: what `parent.add_child(instance=page)` does, once per import.

For every page, treebeard's add_child locks the parent's row, reads its last child and counts the new child in the
parent's row, and Wagtail's save checks that the slug is free and writes the "wagtail.create" entry of the page's
history, validating the entry against the database first: eight queries before the page itself is written.
`NewPages` locks each parent once, numbers its new children on from the last one, counts them in one update per
parent and writes the history entries in one query. The importer has checked every title and slug beforehand.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone
from treebeard.exceptions import PathOverflow
from wagtail.log_actions import get_active_log_context
from wagtail.models import Page, PageLogEntry


class NewPages:
    def __init__(self):
        self._last_step: dict[int, int] = {}  # a parent's pk: the step number of its last child
        self._parents: dict[int, Page] = {}
        self._added: dict[int, int] = {}  # a parent's pk: how many children were added under it
        self._created: list[tuple[Page, datetime.datetime]] = []

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

    def finish(self) -> None:
        """Count the new children in their parents' rows and write each page's "wagtail.create" history entry."""
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
        self._added = dict.fromkeys(self._added, 0)
        self._created = []
