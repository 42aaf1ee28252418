"""Groups, page permissions and moderation workflows: each municipality edits only its own subtree.

Per municipality: editors (redaktører) add and edit drafts and submit them for moderation, coordinators
(koordinatorer) also publish, and staff (medarbejdere) read network-only pages. The ministry reads everything
and edits nothing; network administrators edit the whole tree and the shared vocabularies.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")
# In the shared knowledge base each person edits the articles they wrote: with "add" alone Wagtail lets owners edit
# their own pages, whereas "change" there would let any municipality rewrite another's article.
KNOWLEDGE_PAGE_PERMISSIONS = ("add_page",)
COORDINATOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
ADMINISTRATOR_PAGE_PERMISSIONS = (
    "add_page",
    "change_page",
    "publish_page",
    "bulk_delete_page",
    "lock_page",
    "unlock_page",
)
DOCUMENT_PERMISSIONS = ("add_document", "change_document", "choose_document")
IMAGE_PERMISSIONS = ("add_image", "change_image", "choose_image")
VOCABULARY_MODELS = ("law", "provision", "targetgroup", "servicearea")

MINISTRY_GROUP = "Ministeriet"
ADMINISTRATORS_GROUP = "Netværksadministratorer"


def editors_group_name(municipality_name: str) -> str:
    return f"{municipality_name}: redaktører"


def coordinators_group_name(municipality_name: str) -> str:
    return f"{municipality_name}: koordinatorer"


def staff_group_name(municipality_name: str) -> str:
    return f"{municipality_name}: medarbejdere"


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _grant_pages(group: Group, page, codenames) -> None:
    for codename in codenames:
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=_permission("wagtailcore", codename)
        )


def _revoke_pages(group: Group, page, codenames) -> None:
    GroupPagePermission.objects.filter(group=group, page=page, permission__codename__in=codenames).delete()


def _grant_collection(group: Group, collection: Collection, app_label: str, codenames) -> None:
    for codename in codenames:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=_permission(app_label, codename)
        )


def _approval_workflow(name: str, approvers: Group, page) -> Workflow:
    workflow, _created = Workflow.objects.get_or_create(name=f"Godkendelse: {name}")
    task = GroupApprovalTask.objects.filter(name=f"Godkendes af {approvers.name}").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=f"Godkendes af {approvers.name}")
        task.groups.set([approvers])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    return workflow


@transaction.atomic
def setup_municipality_permissions(municipality) -> dict[str, Group]:
    """Create (or complete) the three groups of `municipality`, their rights on its subtree and its workflow."""
    name = municipality.title
    access_admin = _permission("wagtailadmin", "access_admin")
    editors, _ = Group.objects.get_or_create(name=editors_group_name(name))
    coordinators, _ = Group.objects.get_or_create(name=coordinators_group_name(name))
    staff, _ = Group.objects.get_or_create(name=staff_group_name(name))
    for group in (editors, coordinators):
        group.permissions.add(access_admin)

    _grant_pages(editors, municipality, EDITOR_PAGE_PERMISSIONS)
    _grant_pages(coordinators, municipality, COORDINATOR_PAGE_PERMISSIONS)

    root_collection = Collection.get_first_root_node()
    collection = root_collection.get_children().filter(name=name).first() or root_collection.add_child(name=name)
    for group in (editors, coordinators):
        _grant_collection(group, collection, "wagtaildocs", DOCUMENT_PERMISSIONS)
        _grant_collection(group, collection, "wagtailimages", IMAGE_PERMISSIONS)

    _approval_workflow(name, coordinators, municipality)
    return {"editors": editors, "coordinators": coordinators, "staff": staff}


@transaction.atomic
def setup_network_permissions(*, home_page, knowledge_index, municipalities) -> None:
    """Groups and rights of the whole network: one set per municipality, the ministry and the administrators."""
    Group.objects.get_or_create(name=MINISTRY_GROUP)
    administrators, _ = Group.objects.get_or_create(name=ADMINISTRATORS_GROUP)
    administrators.permissions.add(_permission("wagtailadmin", "access_admin"))
    for model in VOCABULARY_MODELS:
        for action in ("add", "change", "delete"):
            administrators.permissions.add(_permission("experiments", f"{action}_{model}"))
    _grant_pages(administrators, home_page, ADMINISTRATOR_PAGE_PERMISSIONS)
    _grant_collection(administrators, Collection.get_first_root_node(), "wagtaildocs", DOCUMENT_PERMISSIONS)
    _grant_collection(administrators, Collection.get_first_root_node(), "wagtailimages", IMAGE_PERMISSIONS)

    for municipality in municipalities:
        groups = setup_municipality_permissions(municipality)
        # Every municipality writes knowledge articles; the network's administrators publish them.
        for key in ("editors", "coordinators"):
            _grant_pages(groups[key], knowledge_index, KNOWLEDGE_PAGE_PERMISSIONS)
            # Networks set up before articles became their authors' own lose the wider right.
            _revoke_pages(groups[key], knowledge_index, ("change_page",))
    _approval_workflow("Viden", administrators, knowledge_index)
