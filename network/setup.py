"""Day one of a deployment: the network, its page tree, the catalogue of laws, groups, permissions and workflows."""

from pathlib import Path

from django.db import transaction
from wagtail.models import Page, Site

from experiments.catalogue import install_catalogue
from knowledge.models import KnowledgeIndexPage
from municipalities.models import MunicipalityIndexPage, MunicipalityPage, Network
from municipalities.network import MUNICIPALITIES, NETWORK
from municipalities.permissions import setup_network_permissions
from network.models import HomePage
from search.thesaurus import load_thesaurus

# The network's everyday words for a situation and the registry's words for the same (search/thesaurus.py).
THESAURUS = Path(__file__).with_name("thesaurus.toml")


def _child(parent: Page, model, slug: str, **fields):
    """The child of `parent` with `slug`, created as a published `model` page if missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing:
        return existing.specific
    return parent.add_child(instance=model(slug=slug, **fields))


def _home_page(network: Network) -> HomePage:
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's migrations create a placeholder "Welcome" page; the network's home page takes its place.
        for placeholder in root.get_children().filter(
            content_type__model="page", content_type__app_label="wagtailcore"
        ):
            if placeholder.get_children_count() == 0:
                placeholder.delete()
        home = root.add_child(instance=HomePage(title=NETWORK["short_name"], slug="home", network=network))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=network.short_name
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    return home


@transaction.atomic
def setup_network() -> HomePage:
    """Create what a deployment needs and nothing more; running it again changes nothing."""
    network, _created = Network.objects.get_or_create(name=NETWORK["name"], defaults=NETWORK)
    home = _home_page(network)
    index = _child(home, MunicipalityIndexPage, "kommuner", title="Kommuner")
    knowledge = _child(
        home,
        KnowledgeIndexPage,
        "viden",
        title="Viden",
        intro="Læring, metodeguides, evalueringer, referater og juridiske notater fra netværkets forsøg.",
    )
    municipalities = []
    for facts in MUNICIPALITIES:
        municipality = MunicipalityPage.objects.filter(municipality_code=facts.code).first() or _child(
            index,
            MunicipalityPage,
            facts.slug,
            title=facts.name,
            municipality_code=facts.code,
            network=network,
            website=facts.website,
        )
        municipalities.append(municipality)
    install_catalogue()
    load_thesaurus(THESAURUS)
    setup_network_permissions(home_page=home, knowledge_index=knowledge, municipalities=municipalities)
    return home
