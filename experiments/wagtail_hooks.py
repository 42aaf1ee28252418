"""The experiments app in the admin: the shared vocabularies, each municipality's own words for them, and the import.

Laws, provisions, target groups and service areas are snippets, edited by the network's administrators only (see
municipalities/permissions.py); the municipalities' editors use them on their pages without being able to change
them. A municipality's own words (`VocabularyMapping`) are edited by its coordinators and editors, each seeing only
their own municipality's. "Importér forsøg" is `experiments.admin_import`.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from experiments import admin_import, archiving
from experiments.models import Law, Provision, ServiceArea, TargetGroup


class LawViewSet(SnippetViewSet):
    model = Law
    icon = "doc-full"
    list_display = ["name", "abbreviation", "version_label", "in_force_from", "repealed_on"]
    list_filter = ["key"]
    search_fields = ["name", "abbreviation"]


class ProvisionViewSet(SnippetViewSet):
    model = Provision
    icon = "pilcrow"
    list_display = ["__str__", "heading", "successors_text"]
    list_filter = ["law"]
    search_fields = ["heading", "paragraph"]


class TargetGroupViewSet(SnippetViewSet):
    model = TargetGroup
    icon = "group"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class ServiceAreaViewSet(SnippetViewSet):
    model = ServiceArea
    icon = "tag"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class VocabularyViewSetGroup(SnippetViewSetGroup):
    items = (LawViewSet, ProvisionViewSet, TargetGroupViewSet, ServiceAreaViewSet)
    menu_label = _("Love og emner")
    menu_icon = "folder-open-inverse"
    menu_name = "vocabularies"


register_snippet(VocabularyViewSetGroup)


@hooks.register("register_admin_viewset")
def register_vocabulary_mappings():
    return admin_import.VocabularyMappingViewSet("egne_betegnelser")


@hooks.register("register_admin_urls")
def register_import_urls():
    return admin_import.admin_urls()


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_import.may_import(request.user)


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(_("Importér forsøg"), reverse("experiments_import"), icon_name="upload", order=260)


# Nothing is lost: a published experiment is archived, not deleted (experiments/archiving.py).
hooks.register("before_delete_page", archiving.refuse_deleting_published_experiments)
hooks.register("before_bulk_action", archiving.refuse_bulk_deleting_published_experiments)
hooks.register("register_log_actions", archiving.register_log_actions)
hooks.register("register_page_header_buttons", archiving.archive_buttons)
hooks.register("register_page_listing_more_buttons", archiving.archive_buttons)


@hooks.register("register_admin_urls")
def register_archive_urls():
    return archiving.admin_urls()
