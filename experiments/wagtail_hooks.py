"""The shared vocabularies in the admin: laws, provisions, target groups and service areas.

They are snippets, edited by the network's administrators only (see municipalities/permissions.py); the
municipalities' editors use them on their pages without being able to change them.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

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
    list_display = ["__str__", "heading", "successor"]
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
