"""The permission model, proven over HTTP: who may do what to which municipality's pages, snippets and site.

The matrix below is the contract. Every cell is one test that sends the admin's own GET and POST requests for the
action (the URLs a browser or a hand-made request would hit) and then checks the database: an allowed action took
effect, a refused one answered with a redirect to the dashboard (or the login page, for users without admin
access) or a 403 and changed nothing at all.

The acting user always belongs to Helsingør; the targets are pages in Helsingør (own) and in Hillerød (another
municipality). Every municipality gets the same groups and rights from `setup_network`, so one other municipality
stands for all of them. Users without access to the admin (staff, ministry, anonymous) are refused by that one
gate before the page is looked at, so for them the own municipality's column is the whole test.
"""

import datetime

import pytest
from django.urls import reverse
from wagtail.models import Page, PageLogEntry, PageViewRestriction, Revision, WorkflowState

from experiments.models import ExemptionRequest, ExperimentPage, Law, Provision, ServiceArea, StatusEvent, TargetGroup
from knowledge.models import KnowledgeArticlePage, KnowledgeIndexPage
from municipalities.models import MunicipalityPage
from tests.conftest import rolled_back_after

pytestmark = pytest.mark.django_db

OWN = "helsingor"
OTHER = "hillerod"
MUNICIPALITIES = [OWN, OTHER]
NEW_TITLE = "Ændret titel"
DRAFT_TITLE = "Ventende udkast"

# What an action may come to.
ALLOWED = "allowed"  # took full effect (for "edit": a new draft revision; otherwise on the live site)
DRAFT = "draft"  # accepted only as a draft that awaits moderation; the live site is unchanged
DENIED = "denied"  # refused, and the database is exactly as before

ACTIONS = [
    "add",
    "edit",
    "publish",
    "unpublish",
    "delete",
    "move",
    "copy",
    "lock",
    "bulk_publish",
    "bulk_unpublish",
    "bulk_delete",
]

# role -> action -> (outcome in the own municipality, outcome in another municipality).
# "move" and "copy" go across municipalities: a Helsingør page to Hillerød, any other page to Helsingør.
MATRIX = {
    "editors": {
        "add": (DRAFT, DENIED),
        "edit": (ALLOWED, DENIED),
        "publish": (DRAFT, DENIED),
        "unpublish": (DENIED, DENIED),
        "delete": (DENIED, DENIED),
        "move": (DENIED, DENIED),
        "copy": (DENIED, DENIED),
        "lock": (DENIED, DENIED),
        "bulk_publish": (DENIED, DENIED),
        "bulk_unpublish": (DENIED, DENIED),
        "bulk_delete": (DENIED, DENIED),
    },
    "coordinators": {
        "add": (ALLOWED, DENIED),
        "edit": (ALLOWED, DENIED),
        "publish": (ALLOWED, DENIED),
        "unpublish": (ALLOWED, DENIED),
        # The experiments here have been published: coordinators archive them instead (experiments/archiving.py).
        "delete": (DENIED, DENIED),
        "move": (DENIED, DENIED),
        "copy": (DENIED, DENIED),
        "lock": (ALLOWED, DENIED),
        "bulk_publish": (ALLOWED, DENIED),
        "bulk_unpublish": (ALLOWED, DENIED),
        "bulk_delete": (DENIED, DENIED),
    },
    "administrators": {action: (ALLOWED, ALLOWED) for action in ACTIONS},
    "staff": {action: (DENIED, DENIED) for action in ACTIONS},
    "ministry": {action: (DENIED, DENIED) for action in ACTIONS},
    "anonymous": {action: (DENIED, DENIED) for action in ACTIONS},
}
ADMIN_ROLES = {"editors", "coordinators", "administrators"}


def municipality(slug):
    return MunicipalityPage.objects.get(slug=slug)


def publish_experiment(parent, title, slug, **fields):
    """A live experiment with one exemption request and one status event, as if published long ago."""
    page = ExperimentPage(title=title, slug=slug, summary=f"{title}: resumé.", **fields)
    page.exemption_requests.add(ExemptionRequest(provision=Provision.objects.get(law__key="LAB", paragraph="27")))
    page.status_events.add(StatusEvent(status="started", date=datetime.date(2018, 1, 1)))
    parent.add_child(instance=page)
    page.save_revision().publish()
    return ExperimentPage.objects.get(pk=page.pk)


@pytest.fixture(scope="module")
def experiment_ids(django_db_setup, django_db_blocker):
    """One live experiment per municipality, each with a pending draft that awaits publishing, built once for the
    module (`rolled_back_after`)."""
    with rolled_back_after(django_db_blocker):
        ids = {}
        for slug in MUNICIPALITIES:
            page = publish_experiment(municipality(slug), f"Forsøg i {slug}", f"forsoeg-{slug}")
            page.title = DRAFT_TITLE
            page.save_revision()
            ids[slug] = page.pk
        yield ids


@pytest.fixture
def experiments(db, experiment_ids):
    return {slug: ExperimentPage.objects.get(pk=pk) for slug, pk in experiment_ids.items()}


@pytest.fixture
def actor(client, make_user):
    def login_as(role):
        if role == "anonymous":
            return client
        user = make_user(f"{role}-user", role=role, municipality_slug=OWN)
        client.force_login(user)
        return client

    return login_as


def database_state():
    """Everything an action in the admin could change."""
    return {
        "pages": list(
            Page.objects.order_by("path").values_list(
                "pk", "path", "slug", "live", "title", "draft_title", "latest_revision_id", "locked"
            )
        ),
        "revisions": Revision.objects.count(),
        "log_entries": PageLogEntry.objects.count(),
        "view_restrictions": PageViewRestriction.objects.count(),
        "workflow_states": WorkflowState.objects.count(),
        "exemptions": list(ExemptionRequest.objects.order_by("pk").values_list("pk", "experiment_id", "provision_id")),
        "status_events": StatusEvent.objects.count(),
    }


def destination_for(target_slug):
    return municipality("hillerod" if target_slug == OWN else OWN)


# Each action sends what the admin's pages send, as (how a refusal may look, response) pairs; `page` is the target.
REDIRECT = "redirect"  # 302 to the dashboard ("Sorry, you do not have permission…") or a 403
FORM = "form"  # or the form shown again with an error, when the refusal lies in the chosen destination
LISTING = "listing"  # bulk actions: the page is listed as one the user has no access to, and skipped
CHOOSER = "chooser"  # or the move chooser, which offers only destinations the user may move to


def do_add(client, page, experiment_form_data):
    parent = page.get_parent()
    url = reverse("wagtailadmin_pages:add", args=["experiments", "experimentpage", parent.pk])
    data = experiment_form_data(
        "Nyt forsøg", "nyt-forsoeg", exemptions=["SEL § 140, stk. 3"], extra={"action-publish": "action-publish"}
    )
    return [(REDIRECT, client.get(url)), (REDIRECT, client.post(url, data))]


def do_edit(client, page, experiment_form_data, *, publish=False):
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    extra = {"action-publish": "action-publish"} if publish else {}
    data = experiment_form_data(NEW_TITLE, page.slug, exemptions=["SEL § 140, stk. 3"], extra=extra)
    return [(REDIRECT, client.get(url)), (REDIRECT, client.post(url, data))]


def do_publish(client, page, experiment_form_data):
    return do_edit(client, page, experiment_form_data, publish=True)


def do_unpublish(client, page, experiment_form_data):
    url = reverse("wagtailadmin_pages:unpublish", args=[page.pk])
    return [(REDIRECT, client.get(url)), (REDIRECT, client.post(url))]


def do_delete(client, page, experiment_form_data):
    url = reverse("wagtailadmin_pages:delete", args=[page.pk])
    return [(REDIRECT, client.get(url)), (REDIRECT, client.post(url))]


def do_move(client, page, experiment_form_data):
    destination = destination_for(page.get_parent().slug)
    chooser = reverse("wagtailadmin_pages:move", args=[page.pk])
    confirm = reverse("wagtailadmin_pages:move_confirm", args=[page.pk, destination.pk])
    return [(CHOOSER, client.get(chooser)), (REDIRECT, client.get(confirm)), (REDIRECT, client.post(confirm))]


def do_copy(client, page, experiment_form_data):
    destination = destination_for(page.get_parent().slug)
    url = reverse("wagtailadmin_pages:copy", args=[page.pk])
    data = {
        "new_title": "Kopi",
        "new_slug": "kopi",
        "new_parent_page": str(destination.pk),
        "copy_subpages": "",
        "publish_copies": "on",
    }
    alias = {**data, "new_slug": "alias", "alias": "on"}
    return [(FORM, client.get(url)), (FORM, client.post(url, data)), (FORM, client.post(url, alias))]


def do_lock(client, page, experiment_form_data):
    return [(REDIRECT, client.post(reverse("wagtailadmin_pages:lock", args=[page.pk])))]


def bulk(action):
    def do_bulk(client, page, experiment_form_data):
        url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", action]) + f"?id={page.pk}"
        return [(LISTING, client.get(url)), (LISTING, client.post(url, {"include_descendants": ""}))]

    return do_bulk


DO = {
    "add": do_add,
    "edit": do_edit,
    "publish": do_publish,
    "unpublish": do_unpublish,
    "delete": do_delete,
    "move": do_move,
    "copy": do_copy,
    "lock": do_lock,
    "bulk_publish": bulk("publish"),
    "bulk_unpublish": bulk("unpublish"),
    "bulk_delete": bulk("delete"),
}


def refetch(page):
    return ExperimentPage.objects.filter(pk=page.pk).first()


def assert_outcome(action, outcome, page, original_title):
    """The database shows `outcome` of `action` on `page` (allowed or draft; a denial is checked separately)."""
    current = refetch(page)
    latest_title = current.get_latest_revision_as_object().title if current else None
    parent = page.get_parent()
    if action == "add":
        created = ExperimentPage.objects.child_of(parent).get(slug="nyt-forsoeg")
        assert created.live is (outcome == ALLOWED)
        assert created.exemption_requests.get().provision.reference_text == "SEL § 140, stk. 3"
    elif action == "edit":
        assert latest_title == NEW_TITLE and current.title == original_title and current.live
    elif action == "publish":
        if outcome == ALLOWED:
            assert current.title == NEW_TITLE and current.live
        else:
            assert current.title == original_title and latest_title == NEW_TITLE and current.live
    elif action in ("unpublish", "bulk_unpublish"):
        assert not current.live
    elif action in ("delete", "bulk_delete"):
        assert current is None
    elif action == "move":
        assert current.get_parent().pk == destination_for(parent.slug).pk
    elif action == "copy":
        destination = destination_for(parent.slug)
        assert ExperimentPage.objects.child_of(destination).live().filter(slug__in=["kopi", "alias"]).count() == 2
    elif action == "lock":
        assert current.locked
    elif action == "bulk_publish":
        assert current.title == DRAFT_TITLE and current.live
    else:
        raise AssertionError(f"no check for {action}")


def assert_refused(kind, response, role, page):
    path = response.request["PATH_INFO"]
    if role not in ADMIN_ROLES:
        # No admin access at all: every admin URL sends them to the admin's login page.
        assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login")), path
        return
    if response.status_code == 403:
        return
    if response.status_code == 200:
        if kind == FORM:
            form = response.context["form"]
            assert form.errors or not form.is_bound, path  # the empty form, or the posted one with an error
            return
        if kind == LISTING:
            assert page.pk in [entry["item"].pk for entry in response.context["items_with_no_access"]], path
            assert not response.context["items"], path
            return
        if kind == CHOOSER:
            return
    assert response.status_code == 302, (response.status_code, path)
    if kind != LISTING:  # a bulk action that skipped every page returns to the listing it came from
        assert response["Location"] == reverse("wagtailadmin_home"), (path, response["Location"])


CASES = [
    pytest.param(role, slug, action, MATRIX[role][action][0 if slug == OWN else 1], id=f"{role}-{slug}-{action}")
    for role in MATRIX
    for slug in (MUNICIPALITIES if role in ADMIN_ROLES else [OWN])
    for action in ACTIONS
]


@pytest.mark.parametrize(("role", "slug", "action", "outcome"), CASES)
def test_admin_action_matrix(role, slug, action, outcome, actor, experiments, experiment_form_data):
    page = experiments[slug]
    original_title = page.title
    client = actor(role)
    before = database_state()

    responses = DO[action](client, page, experiment_form_data)

    if outcome == DENIED:
        for kind, response in responses:
            assert_refused(kind, response, role, page)
        assert database_state() == before
    else:
        for _kind, response in responses:
            assert response.status_code in (200, 302), (response.status_code, response.request["PATH_INFO"])
        assert_outcome(action, outcome, page, original_title)


# The shared vocabularies and laws: snippets only the network's administrators may change.

VOCABULARIES = {
    "law": (
        Law,
        lambda: Law.objects.create(key="TEST", abbreviation="TL", name="Testlov", version_label="lov nr. 1"),
        lambda law: {"key": law.key, "abbreviation": law.abbreviation, "name": "Omdøbt lov", "version_label": "v2"},
    ),
    "provision": (
        Provision,
        lambda: Provision.objects.create(law=Law.objects.current_version("SEL"), paragraph="999", heading="Test"),
        lambda provision: {"law": provision.law_id, "paragraph": "998", "heading": "Omdøbt bestemmelse"},
    ),
    "targetgroup": (
        TargetGroup,
        lambda: TargetGroup.objects.create(name="Testgruppe"),
        lambda group: {"name": "Omdøbt gruppe", "slug": "omdoebt-gruppe", "description": ""},
    ),
    "servicearea": (
        ServiceArea,
        lambda: ServiceArea.objects.create(name="Testområde"),
        lambda area: {"name": "Omdøbt område", "slug": "omdoebt-omraade", "description": ""},
    ),
}
SNIPPET_ACTIONS = ["add", "edit", "delete"]
SNIPPET_EDITORS = {"administrators"}


def vocabulary_rows(model):
    return list(model.objects.order_by("pk").values())


def do_snippet_action(client, model_name, action, instance, form):
    prefix = f"wagtailsnippets_experiments_{model_name}"
    if action == "add":
        url = reverse(f"{prefix}:add")
        data = form(instance)
        if model_name == "law":
            data = {**data, "key": "NY", "version_label": "ny"}
        elif model_name == "provision":
            data = {**data, "paragraph": "997"}
        else:
            data = {**data, "name": f"Ny {data['name']}", "slug": f"ny-{data['slug']}"}
        return [client.get(url), client.post(url, data)]
    url = reverse(f"{prefix}:{action}", args=[instance.pk])
    return [client.get(url), client.post(url, form(instance) if action == "edit" else {})]


@pytest.mark.parametrize("action", SNIPPET_ACTIONS)
@pytest.mark.parametrize("model_name", list(VOCABULARIES))
@pytest.mark.parametrize("role", list(MATRIX))
def test_only_administrators_change_the_shared_vocabularies(role, model_name, action, actor):
    model, make, form = VOCABULARIES[model_name]
    instance = make()
    client = actor(role)
    before = vocabulary_rows(model)

    responses = do_snippet_action(client, model_name, action, instance, form)

    if role in SNIPPET_EDITORS:
        assert all(response.status_code in (200, 302) for response in responses)
        assert responses[-1].status_code == 302, responses[-1].context["form"].errors
        if action == "add":
            assert model.objects.count() == len(before) + 1
        elif action == "edit":
            assert vocabulary_rows(model) != before and model.objects.count() == len(before)
        else:
            assert not model.objects.filter(pk=instance.pk).exists()
    else:
        for response in responses:
            assert_refused(REDIRECT, response, role, None)
        assert vocabulary_rows(model) == before


# Knowledge articles are shared by the network: each author edits their own, administrators publish.


def article_form_data(title, slug, *, extra=None):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "kind": "learning",
            "summary": f"{title}: resumé.",
            "body": streamfield([("heading", "Læring")]),
            "documents": inline_formset([]),
            "comments": inline_formset([]),
            "tags": "",
            "visibility": "public",
            **(extra or {}),
        }
    )


@pytest.fixture
def hillerod_article(make_user):
    author = make_user("redaktoer-hillerod", role="editors", municipality_slug="hillerod")
    index = KnowledgeIndexPage.objects.get()
    article = KnowledgeArticlePage(title="Læring fra Hillerød", slug="laering-hillerod", summary="Hillerøds læring.")
    article.owner = author
    index.add_child(instance=article)
    article.save_revision(user=author).publish()
    return KnowledgeArticlePage.objects.get(pk=article.pk)


def test_editors_write_knowledge_articles_but_cannot_touch_another_municipalitys(client, make_user, hillerod_article):
    index = KnowledgeIndexPage.objects.get()
    client.force_login(make_user("redaktoer-helsingor", role="editors", municipality_slug="helsingor"))
    before = database_state()
    edit = reverse("wagtailadmin_pages:edit", args=[hillerod_article.pk])
    delete = reverse("wagtailadmin_pages:delete", args=[hillerod_article.pk])
    index_edit = reverse("wagtailadmin_pages:edit", args=[index.pk])
    for response in [
        client.get(edit),
        client.post(edit, article_form_data("Overskrevet", hillerod_article.slug)),
        client.get(delete),
        client.post(delete),
        client.get(index_edit),
        client.post(index_edit, {"title": "Overskrevet", "slug": "viden", "intro": ""}),
    ]:
        assert_refused(REDIRECT, response, "editors", hillerod_article)
    assert database_state() == before

    # Their own article: written, saved as a draft, never published by themselves.
    add = reverse("wagtailadmin_pages:add", args=["knowledge", "knowledgearticlepage", index.pk])
    response = client.post(
        add, article_form_data("Læring fra Helsingør", "laering-helsingor", extra={"action-publish": "1"})
    )
    assert response.status_code == 302
    article = KnowledgeArticlePage.objects.get(slug="laering-helsingor")
    assert not article.live
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[article.pk]),
        article_form_data("Læring fra Helsingør, rettet", "laering-helsingor"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.get_latest_revision_as_object().title == "Læring fra Helsingør, rettet"


def test_the_author_and_administrators_edit_an_article(client, make_user, hillerod_article):
    edit = reverse("wagtailadmin_pages:edit", args=[hillerod_article.pk])
    for user in (
        hillerod_article.owner,
        make_user("administrator", role="administrators"),
    ):
        client.force_login(user)
        response = client.post(edit, article_form_data(f"Rettet af {user.username}", hillerod_article.slug))
        assert response.status_code == 302
        hillerod_article.refresh_from_db()
        assert hillerod_article.get_latest_revision_as_object().title == f"Rettet af {user.username}"


def test_setup_network_takes_back_the_old_right_to_change_every_article():
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    from network.setup import setup_network

    editors = Group.objects.get(name="Helsingør: redaktører")
    index = KnowledgeIndexPage.objects.get()
    change = Permission.objects.get(content_type__app_label="wagtailcore", codename="change_page")
    GroupPagePermission.objects.create(group=editors, page=index, permission=change)

    setup_network()

    rights = GroupPagePermission.objects.filter(group=editors, page=index).values_list(
        "permission__codename", flat=True
    )
    assert list(rights) == ["add_page"]


# Reading the site: network-only pages need a login; every network account and the ministry may read them.

CLOSED_EXPERIMENT = "Lukket forsøg i Hillerød"
OPEN_EXPERIMENT = "Åbent forsøg i Hillerød"
CLOSED_ARTICLE = "Notat kun for netværket"
OPEN_ARTICLE = "Offentlig læring"
READERS = [
    ("staff", "helsingor"),
    ("ministry", None),
    ("editors", "helsingor"),
    ("coordinators", "ballerup"),
    ("administrators", None),
]


def publish_article(title, slug, **fields):
    article = KnowledgeArticlePage(title=title, slug=slug, summary=f"{title}: resumé.", **fields)
    KnowledgeIndexPage.objects.get().add_child(instance=article)
    article.save_revision().publish()
    return article


@pytest.fixture
def network_pages():
    hillerod = municipality("hillerod")
    return {
        "experiment": publish_experiment(hillerod, CLOSED_EXPERIMENT, "lukket-forsoeg", visibility="network"),
        "public_experiment": publish_experiment(hillerod, OPEN_EXPERIMENT, "aabent-forsoeg"),
        "article": publish_article(CLOSED_ARTICLE, "lukket-notat", visibility="network"),
        "public_article": publish_article(OPEN_ARTICLE, "offentlig-laering"),
    }


def test_anonymous_visitors_are_asked_to_log_in_and_come_back_to_the_page(client, make_user, network_pages):
    make_user("medarbejder-helsingor", role="staff", municipality_slug="helsingor")
    for key, path in [("experiment", "/kommuner/hillerod/lukket-forsoeg/"), ("article", "/viden/lukket-notat/")]:
        assert network_pages[key].url == path
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"/log-ind/?next={path}"

    login_page = client.get("/log-ind/?next=/kommuner/hillerod/lukket-forsoeg/")
    assert login_page.status_code == 200
    html = login_page.content.decode()
    assert "Siden er kun for netværkets medarbejdere og ministeriet" in html
    assert 'name="next" value="/kommuner/hillerod/lukket-forsoeg/"' in html

    wrong = client.post(
        "/log-ind/", {"username": "medarbejder-helsingor", "password": "forkert", "next": "/kommuner/hillerod/"}
    )
    assert wrong.status_code == 200 and not wrong.wsgi_request.user.is_authenticated

    response = client.post(
        "/log-ind/",
        {
            "username": "medarbejder-helsingor",
            "password": "test-password-1",
            "next": "/kommuner/hillerod/lukket-forsoeg/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/kommuner/hillerod/lukket-forsoeg/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and CLOSED_EXPERIMENT in page.content.decode()


def test_login_never_sends_a_reader_off_the_site(client, make_user):
    make_user("medarbejder-helsingor", role="staff", municipality_slug="helsingor")
    response = client.post(
        "/log-ind/",
        {"username": "medarbejder-helsingor", "password": "test-password-1", "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_listings_leave_network_only_pages_out_for_anonymous_visitors(client, network_pages):
    for path in ("/kommuner/hillerod/", "/viden/", "/"):
        html = client.get(path).content.decode()
        assert CLOSED_EXPERIMENT not in html and CLOSED_ARTICLE not in html, path
    assert OPEN_EXPERIMENT in client.get("/kommuner/hillerod/").content.decode()
    assert OPEN_ARTICLE in client.get("/viden/").content.decode()


@pytest.mark.parametrize(("role", "slug"), READERS, ids=[f"{role}-{slug or 'network'}" for role, slug in READERS])
def test_every_network_account_and_the_ministry_read_network_only_pages(client, make_user, network_pages, role, slug):
    client.force_login(make_user(f"{role}-reader", role=role, municipality_slug=slug))

    for key, title in [("experiment", CLOSED_EXPERIMENT), ("article", CLOSED_ARTICLE)]:
        response = client.get(network_pages[key].url)
        assert response.status_code == 200
        assert title in response.content.decode()
    assert CLOSED_EXPERIMENT in client.get("/kommuner/hillerod/").content.decode()
    assert OPEN_EXPERIMENT in client.get("/kommuner/hillerod/").content.decode()
    assert CLOSED_ARTICLE in client.get("/viden/").content.decode()


@pytest.mark.parametrize("role", ["ministry", "staff"])
def test_readers_without_an_editing_role_cannot_open_the_admin(client, make_user, network_pages, role):
    client.force_login(make_user(f"{role}-reader", role=role, municipality_slug="helsingor"))
    page = network_pages["experiment"]
    for url in (
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore", args=[page.get_parent().pk]),
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        reverse("wagtailsnippets_experiments_law:list"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login")), url


def test_a_draft_does_not_open_a_network_only_page_until_it_is_published(
    client, make_user, network_pages, experiment_form_data
):
    page = network_pages["experiment"]
    editor = make_user("redaktoer-hillerod", role="editors", municipality_slug="hillerod")
    coordinator = make_user("koordinator-hillerod", role="coordinators", municipality_slug="hillerod")
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = experiment_form_data(CLOSED_EXPERIMENT, page.slug, visibility="public")

    client.force_login(editor)
    assert client.post(url, {**data, "action-publish": "action-publish"}).status_code == 302
    client.logout()
    assert client.get(page.url).status_code == 302, "an editor's draft made a network-only page public"

    client.force_login(coordinator)
    assert client.post(url, {**data, "action-publish": "action-publish"}).status_code == 302
    client.logout()
    assert client.get(page.url).status_code == 200


@pytest.mark.parametrize("target", [OTHER, "kommuner", "home"])
def test_editors_cannot_touch_other_municipalities_or_the_pages_above_them(client, make_user, target):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    page = Page.objects.get(slug=target).specific if target in ("kommuner", "home") else municipality(target)
    client.force_login(make_user("redaktoer-helsingor", role="editors", municipality_slug=OWN))
    before = database_state()
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = nested_form_data(
        {
            "title": "Overtaget",
            "slug": page.slug,
            "municipality_code": getattr(page, "municipality_code", ""),
            "intro": "",
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )
    responses = [
        client.get(edit),
        client.post(edit, data),
        client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk])),
        client.post(reverse("wagtailadmin_pages:delete", args=[page.pk])),
        client.post(reverse("wagtailadmin_pages:lock", args=[page.pk])),
        client.post(reverse("wagtailadmin_pages:set_privacy", args=[page.pk]), {"restriction_type": "login"}),
    ]
    for response in responses:
        assert_refused(REDIRECT, response, "editors", page)
    assert database_state() == before


# Documents live in one collection per municipality, with the same boundaries as the pages.


def municipal_document(slug, title):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document
    from wagtail.models import Collection

    collection = Collection.objects.get(name=municipality(slug).title)
    document = Document(title=title, collection=collection)
    document.file.save(f"{slug}.txt", ContentFile(b"Evalueringsrapport"), save=False)
    document.save()
    return document


def test_editors_manage_their_own_municipalitys_documents_only(client, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.documents.models import Document
    from wagtail.models import Collection

    own = municipal_document("helsingor", "Helsingørs rapport")
    others = [municipal_document("hillerod", "Hillerøds rapport"), municipal_document("ballerup", "Ballerups rapport")]
    client.force_login(make_user("redaktoer-helsingor", role="editors", municipality_slug=OWN))

    def documents():
        return list(Document.objects.order_by("pk").values_list("pk", "title", "collection_id", "file"))

    before = documents()
    for document in others:
        edit = reverse("wagtaildocs:edit", args=[document.pk])
        delete = reverse("wagtaildocs:delete", args=[document.pk])
        for response in (
            client.get(edit),
            client.post(edit, {"title": "Overskrevet", "collection": document.collection_id}),
            client.get(delete),
            client.post(delete),
        ):
            assert_refused(REDIRECT, response, "editors", document)
    hillerod_collection = Collection.objects.get(name="Hillerød")
    upload = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Smuglet ind",
            "collection": hillerod_collection.pk,
            "file": SimpleUploadedFile("smuglet.txt", b"tekst"),
        },
    )
    # With rights in one collection only, the form has no collection to choose: the upload lands in Helsingør's.
    assert upload.status_code == 302
    assert Document.objects.get(title="Smuglet ind").collection.name == "Helsingør"
    assert [d for d in documents() if d[1] != "Smuglet ind"] == before

    response = client.post(
        reverse("wagtaildocs:edit", args=[own.pk]),
        {"title": "Helsingørs rapport, rettet", "collection": own.collection_id},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.title == "Helsingørs rapport, rettet"
