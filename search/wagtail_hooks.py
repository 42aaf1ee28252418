"""The search app in the admin: the network's thesaurus, under Indstillinger (search/thesaurus.py)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from search.models import ThesaurusEntry


class ThesaurusEntryViewSet(SnippetViewSet):
    model = ThesaurusEntry
    icon = "list-ul"
    menu_label = _("Synonymer i søgningen")
    menu_name = "thesaurus"
    add_to_settings_menu = True
    list_display = ["term", "alternatives"]
    search_fields = ["term", "alternatives"]
    ordering = ["term"]


register_snippet(ThesaurusEntryViewSet)
