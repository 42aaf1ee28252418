"""»Bygger på«: a predecessor the reader may not see is neither linked nor named, on the page or in the API."""

import pytest

from core.visibility import Visibility
from experiments.factories import ExperimentPageFactory

pytestmark = pytest.mark.django_db


def publish(page):
    page.save_revision().publish()
    return page.specific_class.objects.get(pk=page.pk)


@pytest.fixture
def lineage():
    predecessor = publish(ExperimentPageFactory(title="Forløber bag lukkede døre", visibility=Visibility.NETWORK))
    successor = ExperimentPageFactory(title="Offentligt forsøg")
    successor.builds_on = predecessor
    return predecessor, publish(successor)


def test_the_api_gives_no_network_only_predecessor_to_anonymous_readers(client, lineage):
    predecessor, successor = lineage
    data = client.get(f"/api/v1/experiments/{successor.pk}/").json()
    assert data["builds_on"] is None


def test_the_api_gives_the_predecessor_to_network_readers(client, lineage, make_user):
    predecessor, successor = lineage
    client.force_login(make_user("medarbejder-ballerup", role="staff", municipality_slug="ballerup"))
    assert client.get(f"/api/v1/experiments/{successor.pk}/").json()["builds_on"] == predecessor.pk


def test_the_api_gives_no_unpublished_predecessor(client, lineage, make_user):
    predecessor, successor = lineage
    predecessor.unpublish()
    client.force_login(make_user("medarbejder-ballerup", role="staff", municipality_slug="ballerup"))
    assert client.get(f"/api/v1/experiments/{successor.pk}/").json()["builds_on"] is None


def test_the_page_names_no_predecessor_under_a_restricted_parent(client):
    from wagtail.models import PageViewRestriction

    from municipalities.models import MunicipalityPage

    predecessor = publish(ExperimentPageFactory(title="Forløber i en lukket kommune"))
    successor = ExperimentPageFactory(title="Offentligt forsøg", parent=MunicipalityPage.objects.get(slug="ballerup"))
    successor.builds_on = predecessor
    successor = publish(successor)
    # The predecessor's own field says public; the page above it is closed to anonymous readers.
    PageViewRestriction.objects.create(page=predecessor.get_parent(), restriction_type=PageViewRestriction.LOGIN)
    assert predecessor.visibility == Visibility.PUBLIC
    body = client.get(successor.url).content.decode()
    assert "Forløber i en lukket kommune" not in body
    assert client.get(f"/api/v1/experiments/{successor.pk}/").json()["builds_on"] is None


def test_the_page_shows_a_public_predecessor(client):
    predecessor = publish(ExperimentPageFactory(title="Offentlig forløber"))
    successor = ExperimentPageFactory(title="Offentligt forsøg")
    successor.builds_on = predecessor
    successor = publish(successor)
    body = client.get(successor.url).content.decode()
    assert "Bygger på" in body and "Offentlig forløber" in body
    assert client.get(f"/api/v1/experiments/{successor.pk}/").json()["builds_on"] == predecessor.pk
