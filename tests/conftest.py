"""Fixtures shared by the whole suite. Every test that touches data runs on a real PostgreSQL."""

import pytest
from django.contrib.auth.models import Group

from municipalities.models import MunicipalityPage
from municipalities.permissions import coordinators_group_name, editors_group_name, staff_group_name
from municipalities.setup import setup_network


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The network as `setup_network` makes it, once per test database; each test rolls back its own changes."""
    with django_db_blocker.unblock():
        setup_network()


@pytest.fixture
def network(db):
    return setup_network()


def municipality(slug: str) -> MunicipalityPage:
    return MunicipalityPage.objects.get(slug=slug)


@pytest.fixture
def make_user(db, django_user_model):
    """make_user("redaktoer-helsingor", role="editors", municipality="helsingor") or role="ministry"."""

    def make(username: str, *, role: str | None = None, municipality_slug: str | None = None, **fields):
        user = django_user_model.objects.create_user(username=username, password="test-password-1", **fields)
        if role == "ministry":
            user.groups.add(Group.objects.get(name="Ministeriet"))
        elif role == "administrators":
            user.groups.add(Group.objects.get(name="Netværksadministratorer"))
        elif role:
            name = municipality(municipality_slug).title
            group_name = {
                "editors": editors_group_name,
                "coordinators": coordinators_group_name,
                "staff": staff_group_name,
            }[role](name)
            user.groups.add(Group.objects.get(name=group_name))
        return user

    return make
