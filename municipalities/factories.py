"""Factories for the network and the municipalities' part of the page tree (the home page's is network.factories).

The singleton pages (home, `/kommuner/`) are looked up by parent and slug before they are created, so a factory
called in a database where `setup_network` has run reuses the real tree, and one called in an empty database builds
it. Every page a factory makes is live and placed where its `parent_page_types` allow.
"""

import factory
import wagtail_factories
from factory.django import DjangoModelFactory
from wagtail.models import Page

from core.text import danish_slug
from municipalities.models import MunicipalityIndexPage, MunicipalityPage, Network
from municipalities.network import NETWORK


def _network_above(page) -> Network | None:
    """The network of the home page above `page`, if `page` is saved in a tree that has one."""
    if page is None or page.pk is None:
        return None
    # The home page is the page at depth 2 (the network app's HomePage, which sits above this app).
    home = Page.objects.ancestor_of(page, inclusive=True).filter(depth=2).specific().first()
    return getattr(home, "network", None)


class NetworkFactory(DjangoModelFactory):
    """Defaults to "Én plan" itself (looked up by name); pass another name for a second network."""

    name = NETWORK["name"]
    short_name = factory.LazyAttribute(lambda network: network.name.split(":")[0][:60])
    theme = factory.Faker("paragraph", locale="da_DK")
    legal_basis = NETWORK["legal_basis"]
    ministry_name = NETWORK["ministry_name"]
    coordinator_name = factory.Faker("name", locale="da_DK")
    coordinator_email = factory.Faker("email", locale="da_DK")
    approved_on = NETWORK["approved_on"]

    class Meta:
        model = Network
        django_get_or_create = ("name",)


class MunicipalityIndexPageFactory(wagtail_factories.PageFactory):
    parent = factory.SubFactory("network.factories.HomePageFactory")
    title = "Kommuner"
    slug = "kommuner"
    intro = "<p>Netværkets kommuner og deres forsøg.</p>"

    class Meta:
        model = MunicipalityIndexPage
        django_get_or_create = ("parent", "slug")


class MunicipalityPageFactory(wagtail_factories.PageFactory):
    """A municipality under `/kommuner/`; `MunicipalityPageFactory(slug="helsingor")` returns the existing one."""

    parent = factory.SubFactory(MunicipalityIndexPageFactory)
    title = factory.Faker("city", locale="da_DK")
    slug = factory.LazyAttributeSequence(lambda page, n: f"{danish_slug(page.title)}-{n}")
    # Danmarks Statistik's codes stop at 860; 900 and up cannot clash with a real municipality.
    municipality_code = factory.Sequence(lambda n: f"{900 + n % 100}")
    network = factory.LazyAttribute(lambda page: _network_above(page.parent))
    intro = factory.LazyAttribute(lambda page: f"<p>{page.title} Kommunes forsøg i netværket.</p>")
    contact_name = factory.Faker("name", locale="da_DK")
    contact_email = factory.LazyAttribute(lambda page: f"frikommune@{page.slug}.dk")
    contact_phone = factory.Faker("phone_number", locale="da_DK")
    website = factory.LazyAttribute(lambda page: f"https://www.{page.slug}.dk")

    class Meta:
        model = MunicipalityPage
        django_get_or_create = ("parent", "slug")
