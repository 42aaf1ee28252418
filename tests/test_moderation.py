"""The moderation workflow through the admin, as a project manager and a coordinator click through it.

Every request goes through the whole stack (middleware, Wagtail's admin views, its permission checks and the
page tree on PostgreSQL); nothing is set up behind the admin's back except the users.
"""

import pytest
from django.urls import reverse
from wagtail.models import PageLogEntry

from experiments.models import ExperimentPage, Provision
from municipalities.models import MunicipalityPage

pytestmark = pytest.mark.django_db

SLUG = "en-plan-for-ledige-foraeldre"
TITLE = "Én plan for familier med en ledig forælder"


def municipality(slug):
    return MunicipalityPage.objects.get(slug=slug)


def log_actions(page):
    return list(PageLogEntry.objects.filter(page=page).order_by("timestamp", "pk").values_list("action", flat=True))


def add_url(parent):
    return reverse("wagtailadmin_pages:add", args=["experiments", "experimentpage", parent.pk])


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def workflow_action_url(page, action):
    task_state = page.current_workflow_task_state
    return reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])


@pytest.fixture
def helsingor_staff(make_user):
    return {
        "editor": make_user("redaktoer-helsingor", role="editors", municipality_slug="helsingor"),
        "coordinator": make_user("koordinator-helsingor", role="coordinators", municipality_slug="helsingor"),
        "other_coordinator": make_user("koordinator-hillerod", role="coordinators", municipality_slug="hillerod"),
    }


def login(client, user):
    """Log in through the admin's own login form, as a person would."""
    response = client.post(
        reverse("wagtailadmin_login"), {"username": user.username, "password": "test-password-1"}, follow=False
    )
    assert response.status_code == 302, "login failed"
    return client


def test_project_manager_drafts_submits_and_coordinator_publishes_with_full_audit_trail(
    client, helsingor_staff, experiment_form_data
):
    editor, coordinator = helsingor_staff["editor"], helsingor_staff["coordinator"]
    helsingor = municipality("helsingor")

    # The project manager opens the admin and the add form under Helsingør.
    login(client, editor)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    assert client.get(add_url(helsingor)).status_code == 200

    # Draft: exemptions typed as the programme's documents cite them, and a first status event.
    response = client.post(
        add_url(helsingor),
        experiment_form_data(
            TITLE,
            SLUG,
            exemptions=["SEL § 140, stk. 3", "LAB §§ 27–30"],
            status_events=[("idea", "2016-10-01")],
        ),
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = ExperimentPage.objects.get(slug=SLUG)
    assert page.get_parent().pk == helsingor.pk
    assert page.owner == editor
    assert not page.live
    assert [e.provision.reference_text for e in page.exemption_requests.order_by("sort_order")] == [
        "SEL § 140, stk. 3",
        "LAB §§ 27–30",
    ]
    assert page.status == "idea"

    # Edit: a second status event, then "Submit to Godkendelse: Helsingør".
    response = client.post(
        edit_url(page),
        experiment_form_data(
            TITLE,
            SLUG,
            status_events=[("applied", "2017-05-01")],
            extra={"action-submit": "Submit"},
        ),
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live
    assert page.workflow_in_progress
    assert page.current_workflow_state.requested_by == editor
    assert client.get(page.url or f"/kommuner/helsingor/{SLUG}/").status_code == 404
    client.logout()

    # The coordinator sees the task on the dashboard and approves it.
    login(client, coordinator)
    dashboard = client.get(reverse("wagtailadmin_home"))
    assert TITLE in dashboard.content.decode()
    response = client.post(workflow_action_url(page, "approve"), {"comment": "Godkendt til offentliggørelse."})
    assert response.status_code == 302
    client.logout()

    page.refresh_from_db()
    assert page.live
    assert not page.workflow_in_progress
    public = client.get(f"/kommuner/helsingor/{SLUG}/")
    assert public.status_code == 200
    html = public.content.decode()
    assert TITLE in html
    assert "SEL § 140, stk. 3" in html and "LAB §§ 27–30" in html
    assert page.status == "applied"

    # Every step is a revision and an entry in the audit log, with who did it.
    first, second = page.revisions.order_by("created_at", "pk")
    assert (first.user, second.user) == (editor, editor)
    assert [Provision.objects.get(pk=e["provision"]).reference_text for e in first.content["exemption_requests"]] == [
        "SEL § 140, stk. 3",
        "LAB §§ 27–30",
    ]
    assert [e["status"] for e in second.content["status_events"]] == ["idea", "applied"]
    assert page.live_revision == second
    entries = PageLogEntry.objects.filter(page=page).order_by("timestamp", "pk")
    assert [(e.action, e.user, e.revision_id) for e in entries] == [
        ("wagtail.create", editor, None),
        ("wagtail.edit", editor, first.pk),
        ("wagtail.edit", editor, second.pk),
        ("wagtail.workflow.start", editor, second.pk),
        ("wagtail.workflow.approve", coordinator, second.pk),
        ("wagtail.publish", coordinator, second.pk),
    ]
