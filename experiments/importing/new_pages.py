"""An import's new experiments: added to the page tree with their children and first revision, in bulk.

What `parent.add_child(instance=page)` and `page.save_revision()` do for one page costs about twenty queries: treebeard
locks the parent's row, reads its last child and counts the new child in the parent's row; Wagtail checks that the
slug is free and writes the "wagtail.create" entry of the page's history (validating it against the database first);
modelcluster reads each child relation back before it inserts the children one by one, and the revision reads them
back again; save_revision saves the page a second time, to point it at the revision. `NewPages` locks each parent
once and numbers its new children on from the last one; everything else (parents' counts, children, history
entries, revisions, the pages' pointers to them) is written by `finish` in one query per table and thousand rows.
The importer has checked every title and slug beforehand.

modelcluster keeps a page's unsaved children in `_cluster_related_objects`, by relation name, until the page's save
commits them; `add` saves the page without them and puts them back, in memory, for `finish` to write.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone
from modelcluster.models import get_all_child_m2m_relations, get_all_child_relations
from treebeard.exceptions import PathOverflow
from wagtail.log_actions import get_active_log_context
from wagtail.models import Page, PageLogEntry, Revision


def history_entry(page: Page, action: str, *, user, timestamp, **fields) -> PageLogEntry:
    """The unsaved entry of `page`'s history that Wagtail's `log(instance=page, action=action, user=user, ...)`
    writes, for writing many at once."""
    context = get_active_log_context()
    return PageLogEntry(
        content_type=ContentType.objects.get_for_model(page, for_concrete_model=False),
        label=page.get_admin_display_title(),
        action=action,
        timestamp=timestamp,
        user=user or context.user,
        uuid=context.uuid,
        page=page,
        **fields,
    )


class NewPages:
    def __init__(self):
        self._last_step: dict[int, int] = {}  # a parent's pk: the step number of its last child
        self._parents: dict[int, Page] = {}
        self._added: dict[int, int] = {}  # a parent's pk: how many children were added under it
        self._created: list[tuple[Page, datetime.datetime]] = []
        self._revised: list[tuple[Page, Revision]] = []
        self._changed: dict[tuple, list[Page]] = {}
        self._unwritten: list[Page] = []  # pages whose children are still only in memory

    def add(self, parent: Page, page: Page, *, children_now: bool = False) -> None:
        """Save `page`, new, as the last child of `parent`, as `parent.add_child(instance=page)` does; its children
        are written by `finish`, or at once with `children_now` (for a page published straight away)."""
        children = getattr(page, "_cluster_related_objects", {})
        page._cluster_related_objects = {}
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
        # A new page has nothing in a relation the row left empty: kept in memory, none is read from the database.
        for relation in get_all_child_relations(page):
            children.setdefault(relation.get_accessor_name(), [])
        for m2m in get_all_child_m2m_relations(page):
            children.setdefault(m2m.name, [])
        page._cluster_related_objects = children
        if children_now:
            self._write_children([page])
        else:
            self._unwritten.append(page)

    def first_revision(self, page: Page, user) -> Revision:
        """The page's first revision, as `page.save_revision(user=user, clean=False)` makes it, unsaved: `finish`
        reads its content from the page once the children have their ids, writes it and sets its id."""
        revision = Revision(
            content_object=page,
            base_content_type=page.get_base_content_type(),
            user=user,
            object_str=str(page),
            created_at=timezone.now(),
        )
        self._revised.append((page, revision))
        return revision

    def _write_children(self, pages: list[Page]) -> None:
        """Insert the in-memory children of `pages` (all of one model), one query per relation and thousand rows."""
        if not pages:
            return
        for relation in get_all_child_relations(pages[0]):
            name, parent_field = relation.get_accessor_name(), relation.field.name
            rows = []
            for page in pages:
                for child in page._cluster_related_objects[name]:
                    setattr(child, parent_field, page)
                    rows.append(child)
            relation.related_model._base_manager.bulk_create(rows, batch_size=1000)
        for m2m in get_all_child_m2m_relations(pages[0]):
            through, own, other = m2m.remote_field.through, m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
            rows = [
                through(**{own: page, other: target})
                for page in pages
                for target in page._cluster_related_objects[m2m.name]
            ]
            through._base_manager.bulk_create(rows, batch_size=1000)

    def finish(self) -> None:
        """Count the new pages in their parents' rows; write their children, their "wagtail.create" history entries
        and their first revisions, which the pages then name as their latest (drafts with changes not yet published).
        From here on the pages read their children from the database, as after a save."""
        by_model: dict[type, list[Page]] = {}
        for page in self._unwritten:
            by_model.setdefault(type(page), []).append(page)
        for pages in by_model.values():
            self._write_children(pages)
        for page, revision in self._revised:
            revision.content = page.serializable_data()
        for pk, count in self._added.items():
            Page.objects.filter(pk=pk).update(numchild=F("numchild") + count)
            self._parents[pk].numchild += count
        PageLogEntry.objects.bulk_create(
            [
                history_entry(page, "wagtail.create", user=page.owner, timestamp=created_at, content_changed=True)
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
        for page, _created_at in self._created:
            page._cluster_related_objects = {}
        self._added = dict.fromkeys(self._added, 0)
        self._created = []
        self._revised = []
        self._unwritten = []

    def changed_after_save(self, page: Page, fields: list[str]) -> None:
        """Fields of `page` (its own model's) that changed since it was saved: `finish` writes them."""
        self._changed.setdefault((type(page), tuple(fields)), []).append(page)

    def _write_changed_fields(self) -> None:
        for (model, fields), pages in self._changed.items():
            model.objects.bulk_update(pages, list(fields), batch_size=1000)
        self._changed = {}
