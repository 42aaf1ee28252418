"""The home page's factory; it reuses the home page `setup_network` made, or makes one in an empty database."""

import factory
import wagtail_factories
from wagtail.models import Page

from municipalities.factories import NetworkFactory
from network.models import HomePage


class HomePageFactory(wagtail_factories.PageFactory):
    parent = factory.LazyFunction(Page.get_first_root_node)
    title = "Én plan"
    slug = "home"
    network = factory.SubFactory(NetworkFactory)
    intro = "<p>Forsøg, paragraffritagelser og læring fra frikommunenetværket.</p>"

    class Meta:
        model = HomePage
        django_get_or_create = ("parent", "slug")
