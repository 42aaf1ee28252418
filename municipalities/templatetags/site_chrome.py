"""The parts every page shares: the main navigation (with the current section marked) and the footer's contacts."""

from django import template
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from municipalities.models import Network

register = template.Library()

# Sections in menu order. Wagtail serves /kommuner/ and /viden/ as pages; the others are views of their own apps and
# appear once their address is routed to something other than Wagtail's page tree.
SECTIONS = (
    ("/kommuner/", _("Kommuner"), True),
    ("/forsoeg/", _("Forsøg"), False),
    ("/paragraffer/", _("Paragraffer"), False),
    ("/viden/", _("Viden"), True),
    ("/fremdrift/", _("Fremdrift"), False),
)


def _is_routed(path: str) -> bool:
    try:
        return resolve(path).url_name != "wagtail_serve"
    except Resolver404:
        return False


@register.simple_tag(takes_context=True)
def header_search_wanted(context) -> bool:
    """The header's search field, except on the search page itself (which has its own) or before search exists."""
    request = context.get("request")
    return _is_routed("/soeg/") and not (request and request.path.startswith("/soeg/"))


@register.inclusion_tag("includes/navigation.html", takes_context=True)
def main_navigation(context):
    request = context.get("request")
    current_path = request.path if request else ""
    items = []
    for href, label, is_page in SECTIONS:
        if not (is_page or _is_routed(href)):
            continue
        items.append(
            {
                "href": href,
                "label": label,
                "current": current_path == href,
                "active": current_path.startswith(href) and current_path != href,
            }
        )
    return {"items": items}


@register.simple_tag
def network():
    """The network the site belongs to, for the footer's contact details (None before setup_network ran)."""
    return Network.objects.order_by("pk").first()
