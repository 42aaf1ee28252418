"""`{% feed_links %}`: the <link rel="alternate"> tags of the Atom feeds that fit the page being shown."""

from django import template
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

register = template.Library()


def _feeds_for(page) -> list[tuple[str, str]]:
    from experiments.models import ExperimentPage
    from municipalities.models import MunicipalityPage

    feeds = [
        (_("Nye og opdaterede forsøg"), reverse("feeds:experiments")),
        (_("Ny viden"), reverse("feeds:knowledge")),
    ]
    municipality = None
    if isinstance(page, MunicipalityPage):
        municipality = page
    elif isinstance(page, ExperimentPage):
        municipality = page.municipality
    if municipality is not None:
        feeds.insert(
            0,
            (
                _("Forsøg i %(municipality)s") % {"municipality": municipality.title},
                reverse("feeds:municipality", args=[municipality.slug]),
            ),
        )
    return feeds


@register.simple_tag(takes_context=True)
def feed_links(context):
    return format_html_join(
        "\n",
        '<link rel="alternate" type="application/atom+xml" title="{}" href="{}">',
        _feeds_for(context.get("page")),
    )
