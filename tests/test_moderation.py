"""The moderation workflow through the admin, as a project manager and a coordinator click through it.

Every request goes through the whole stack (middleware, Wagtail's admin views, its permission checks and the
page tree on PostgreSQL); nothing is set up behind the admin's back except the users.
"""

import html

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
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert TITLE in dashboard and workflow_action_url(page, "approve") in dashboard  # "Awaiting your review"
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


def submit_new_experiment(client, editor, experiment_form_data, parent):
    """The editor adds an experiment and submits it for moderation in one step, as the add form allows."""
    client.force_login(editor)
    data = experiment_form_data(
        TITLE,
        SLUG,
        exemptions=["SEL § 140, stk. 3"],
        status_events=[("applied", "2017-05-01")],
        extra={"action-submit": "1"},
    )
    response = client.post(add_url(parent), data)
    assert response.status_code == 302
    client.logout()
    page = ExperimentPage.objects.get(slug=SLUG)
    assert page.workflow_in_progress and not page.live
    return page


def moderation_state(page):
    page.refresh_from_db()
    return {
        "live": page.live,
        "in_progress": page.workflow_in_progress,
        "task_status": page.current_workflow_task_state.status if page.current_workflow_task_state else None,
        "revisions": page.revisions.count(),
        "log": log_actions(page),
    }


def test_nobody_but_the_municipalitys_coordinators_can_approve_its_task(client, helsingor_staff, experiment_form_data):
    page = submit_new_experiment(client, helsingor_staff["editor"], experiment_form_data, municipality("helsingor"))
    before = moderation_state(page)
    approve = workflow_action_url(page, "approve")
    edit = edit_url(page)
    via_edit_form = experiment_form_data(
        TITLE, SLUG, extra={"action-workflow-action": "1", "workflow-action-name": "approve"}
    )

    for user in (helsingor_staff["other_coordinator"], helsingor_staff["editor"]):
        client.force_login(user)
        dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
        assert approve not in dashboard, user
        if user != helsingor_staff["editor"]:  # the editor's dashboard lists the page as their own, in moderation
            assert TITLE not in dashboard, user
        for response in (
            client.get(approve),
            client.post(approve, {"comment": ""}),
            client.post(workflow_action_url(page, "reject"), {"comment": "Nej."}),
        ):
            assert response.status_code == 403 or response["Location"] == reverse("wagtailadmin_home"), user
        client.post(edit, via_edit_form)
        client.post(edit, {**via_edit_form, "action-publish": "action-publish"})
        assert moderation_state(page) == before, user
        client.logout()

    assert client.get(f"/kommuner/helsingor/{SLUG}/").status_code == 404


def test_the_submitted_version_cannot_be_changed_by_the_editor_while_under_review(
    client, helsingor_staff, experiment_form_data
):
    page = submit_new_experiment(client, helsingor_staff["editor"], experiment_form_data, municipality("helsingor"))
    before = moderation_state(page)
    client.force_login(helsingor_staff["editor"])

    response = client.post(edit_url(page), experiment_form_data("Ændret under behandling", SLUG))

    assert response.status_code == 200  # the form again, saying the page is locked
    assert moderation_state(page) == before
    assert page.get_latest_revision_as_object().title == TITLE


def test_coordinator_requests_changes_and_the_editor_resubmits(client, helsingor_staff, experiment_form_data):
    editor, coordinator = helsingor_staff["editor"], helsingor_staff["coordinator"]
    page = submit_new_experiment(client, editor, experiment_form_data, municipality("helsingor"))

    client.force_login(coordinator)
    response = client.post(workflow_action_url(page, "reject"), {"comment": "Tilføj forsøgsbeslutningen."})
    assert response.status_code == 302
    client.logout()
    page.refresh_from_db()
    assert not page.live and page.current_workflow_state.status == "needs_changes"

    client.force_login(editor)
    response = client.post(
        edit_url(page),
        experiment_form_data(TITLE, SLUG, extra={"council_decision_date": "2016-11-24", "action-submit": "Resubmit"}),
    )
    assert response.status_code == 302
    client.logout()
    page.refresh_from_db()
    assert page.workflow_in_progress and not page.live

    client.force_login(coordinator)
    assert client.post(workflow_action_url(page, "approve"), {"comment": ""}).status_code == 302
    page.refresh_from_db()
    assert page.live and page.council_decision_date.isoformat() == "2016-11-24"
    assert log_actions(page) == [
        "wagtail.create",
        "wagtail.edit",
        "wagtail.workflow.start",
        "wagtail.workflow.reject",
        "wagtail.edit",
        "wagtail.workflow.resume",
        "wagtail.workflow.approve",
        "wagtail.publish",
    ]


def test_knowledge_articles_are_approved_by_the_networks_administrators(client, helsingor_staff, make_user):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    from knowledge.models import KnowledgeArticlePage, KnowledgeIndexPage

    index = KnowledgeIndexPage.objects.get()
    client.force_login(helsingor_staff["editor"])
    data = nested_form_data(
        {
            "title": "Læring om én plan",
            "slug": "laering-om-en-plan",
            "kind": "learning",
            "summary": "Hvad Helsingør lærte.",
            "body": streamfield([("heading", "Læring")]),
            "documents": inline_formset([]),
            "comments": inline_formset([]),
            "tags": "",
            "visibility": "public",
            "action-submit": "1",
        }
    )
    add = reverse("wagtailadmin_pages:add", args=["knowledge", "knowledgearticlepage", index.pk])
    assert client.post(add, data).status_code == 302
    article = KnowledgeArticlePage.objects.get(slug="laering-om-en-plan")
    assert article.current_workflow_state.workflow.name == "Godkendelse: Viden"

    client.force_login(helsingor_staff["coordinator"])
    refused = client.post(workflow_action_url(article, "approve"), {"comment": ""})
    assert refused.status_code == 403 or refused["Location"] == reverse("wagtailadmin_home")
    article.refresh_from_db()
    assert not article.live

    client.force_login(make_user("netvaerksadministrator", role="administrators"))
    assert "Læring om én plan" in client.get(reverse("wagtailadmin_home")).content.decode()
    assert client.post(workflow_action_url(article, "approve"), {"comment": ""}).status_code == 302
    article.refresh_from_db()
    assert article.live
    assert client.get("/viden/laering-om-en-plan/").status_code == 200


def test_a_reference_the_admin_cannot_read_is_explained_and_nothing_is_saved(
    client, helsingor_staff, experiment_form_data
):
    client.force_login(helsingor_staff["editor"])
    provisions = Provision.objects.count()
    data = experiment_form_data(TITLE, SLUG, exemptions=["SEL § 140, stk. 3", "XYZ § 12"], extra={"action-submit": "1"})

    response = client.post(add_url(municipality("helsingor")), data)

    assert response.status_code == 200
    errors = response.context["form"].formsets["exemption_requests"].errors
    assert errors[0] == {} and errors[1] == {"reference": ['Ukendt lov: "XYZ"']}
    assert html.escape('Ukendt lov: "XYZ"') in response.content.decode()
    assert not ExperimentPage.objects.filter(slug=SLUG).exists()
    assert Provision.objects.count() == provisions
