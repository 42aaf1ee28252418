"""Atom feeds of new and updated experiments: the whole network, one municipality, one provision.

Feed readers fetch anonymously, so every feed holds public records only, whoever asks.
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.feeds import FEED_LENGTH, PageFeed, last_change
from experiments.models import Provision
from experiments.selectors import provision_family, visible_experiments, with_municipality
from municipalities.models import MunicipalityPage


def public_experiments():
    """Public, live experiments, the latest change first, each with its municipality and `changed_at`."""
    return (
        with_municipality(visible_experiments(None)).annotate(changed_at=last_change()).order_by("-changed_at", "-pk")
    )


class ExperimentFeed(PageFeed):
    kind = "forsoeg"
    title = _("Nye og opdaterede forsøg i frikommunenetværket")
    subtitle = _("Offentlige forsøg fra de ni kommuner i »Én plan«, senest ændrede først.")

    def link(self):
        return "/"

    def items(self):
        return public_experiments()[:FEED_LENGTH]

    def item_author_name(self, item):
        return (item.municipality_info or {}).get("title", "")

    def item_categories(self, item):
        return [item.get_status_display()] if item.status else []


class MunicipalityExperimentFeed(ExperimentFeed):
    """A municipality's own experiments and those it takes part in as partner."""

    def get_object(self, request, slug):
        return get_object_or_404(MunicipalityPage.objects.live(), slug=slug)

    def title(self, municipality):
        return _("Forsøg i %(municipality)s") % {"municipality": municipality.title}

    def subtitle(self, municipality):
        return _("Nye og opdaterede offentlige forsøg, som %(municipality)s ejer eller deltager i.") % {
            "municipality": municipality.title
        }

    def link(self, municipality):
        return municipality.url

    def items(self, municipality):
        owned_or_partner = Q(path__startswith=municipality.path) | Q(partners__municipality=municipality)
        ids = visible_experiments(None).filter(owned_or_partner).values("pk")
        return public_experiments().filter(pk__in=ids)[:FEED_LENGTH]


class ProvisionExperimentFeed(ExperimentFeed):
    """Experiments that sought exemption from a provision, from a version it was renumbered from or to, or a part."""

    def get_object(self, request, pk):
        return get_object_or_404(Provision.objects.select_related("law"), pk=pk)

    def title(self, provision):
        return _("Forsøg med fritagelse fra %(reference)s") % {"reference": provision.reference_text}

    def subtitle(self, provision):
        return _("Nye og opdaterede offentlige forsøg, der har søgt fritagelse fra %(reference)s.") % {
            "reference": provision.reference_text
        }

    def link(self, provision):
        return reverse("provision_detail", args=[provision.pk])

    def items(self, provision):
        family = [member.pk for member in provision_family(provision)]
        ids = visible_experiments(None).filter(exemption_requests__provision__in=family).values("pk")
        return public_experiments().filter(pk__in=ids)[:FEED_LENGTH]
