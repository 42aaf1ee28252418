"""Demo users: an administrator, the ministry, and an editor, a coordinator and a staff member per municipality.

The usernames are what a newcomer tries first (`redaktoer-helsingor`, `koordinator-helsingor`, …). A user that
exists already is left as it is, password included, so loading the demo data twice changes nothing.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from municipalities.models import MunicipalityPage
from municipalities.network import MUNICIPALITIES
from municipalities.permissions import (
    MINISTRY_GROUP,
    coordinators_group_name,
    editors_group_name,
    staff_group_name,
)

# (username prefix, first name, group name for a municipality)
ROLES = (
    ("redaktoer", "Redaktør", editors_group_name),
    ("koordinator", "Koordinator", coordinators_group_name),
    ("medarbejder", "Medarbejder", staff_group_name),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str = ""
    group: str = ""
    is_superuser: bool = False


def demo_users() -> list[DemoUser]:
    users = [
        DemoUser("admin", "Administrator", is_superuser=True),
        DemoUser("ministeriet", "Ministeriet", group=MINISTRY_GROUP),
    ]
    names = dict(MunicipalityPage.objects.values_list("slug", "title"))
    for facts in MUNICIPALITIES:
        name = names.get(facts.slug, facts.name)
        users += [DemoUser(f"{prefix}-{facts.slug}", title, name, group(name)) for prefix, title, group in ROLES]
    return users


def missing_demo_usernames() -> list[str]:
    existing = set(get_user_model().objects.values_list("username", flat=True))
    return [user.username for user in demo_users() if user.username not in existing]


def validate_demo_password(password: str) -> None:
    """Raise ValidationError if Django's validators (AUTH_PASSWORD_VALIDATORS) refuse `password` for a demo user.

    Every demo user is checked, since the similarity validator compares the password with each one's username and
    names; the error lists each problem once.
    """
    model = get_user_model()
    problems = []
    for spec in demo_users():
        user = model(username=spec.username, first_name=spec.first_name, last_name=spec.last_name)
        try:
            validate_password(password, user=user)
        except ValidationError as error:
            problems += [message for message in error.messages if message not in problems]
    if problems:
        raise ValidationError(problems)


def create_demo_users(*, password: str) -> list:
    """Create the demo users that do not exist yet, all with `password`, in their groups; return the new ones."""
    model = get_user_model()
    created = []
    for spec in demo_users():
        if model.objects.filter(username=spec.username).exists():
            continue
        if spec.is_superuser:
            user = model.objects.create_superuser(
                username=spec.username, password=password, email="", first_name=spec.first_name
            )
        else:
            user = model.objects.create_user(
                username=spec.username, password=password, first_name=spec.first_name, last_name=spec.last_name
            )
        if spec.group:
            user.groups.add(Group.objects.get(name=spec.group))
        created.append(user)
    return created
