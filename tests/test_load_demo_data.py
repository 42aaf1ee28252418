"""`load_demo_data` on a network that `setup_network` made and that has no experiments yet."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils.html import escape
from taggit.models import Tag
from wagtail.documents import get_document_model
from wagtail.models import Page, PageLogEntry, Revision

from core.visibility import Visibility
from experiments.models import Decision, ExemptionRequest, ExperimentPage, ExperimentStatus, StatusEvent
from knowledge.models import ArticleDocument, ArticleKind, KnowledgeArticlePage
from municipalities.models import MunicipalityPage
from municipalities.network import MUNICIPALITIES
from network.demo.loader import read_articles, read_experiments
from tests.conftest import rolled_back_after

PASSWORD = "demo-password-for-tests"


def logs_in(client, username: str, password: str) -> bool:
    """Log in through the login form, as a person would (and as login throttling sees it)."""
    response = client.post("/log-ind/", {"username": username, "password": password})
    return response.status_code == 302


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_demo_data", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo network loaded once for the module as `make run` loads it (DEBUG on, --with-users, from a network with
    no experiments yet) and rolled back after it; each test rolls back its own changes.

    The tests of the command's flags run it again on top: the pages are there, so what such a run adds is what its
    flags add. The load without users on a server (DEBUG off) is the `demo_network` fixture of tests/conftest.py,
    which the home page and relevance tests load their data with.
    """
    with rolled_back_after(django_db_blocker):
        with pytest.MonkeyPatch.context() as patch, override_settings(DEBUG=True):
            patch.setenv("DEMO_PASSWORD", PASSWORD)
            output = load("--with-users")
        yield output


@pytest.fixture
def without_users(demo, db):
    """The loaded network with its demo users removed (in the test's own savepoint), as before --with-users."""
    get_user_model().objects.all().delete()


def experiment_at(path: str) -> ExperimentPage:
    municipality, slug = path.split("/")
    return ExperimentPage.objects.child_of(MunicipalityPage.objects.get(slug=municipality)).get(slug=slug)


def counts():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "log entries": PageLogEntry.objects.count(),
        "users": get_user_model().objects.count(),
        "events": StatusEvent.objects.count(),
        "exemptions": ExemptionRequest.objects.count(),
        "tags": Tag.objects.count(),
        "documents": get_document_model().objects.count(),
    }


# The refusals run first, on the network without demo data: the module's `demo` is loaded by the first test that asks
# for it and stays until the module ends.
def test_with_users_is_refused_when_debug_is_off_and_nothing_is_created(db, settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    before = counts()
    with pytest.raises(CommandError, match="DEBUG er slået fra"):
        load("--with-users")
    assert counts() == before
    with pytest.raises(CommandError, match="DEBUG er slået fra"):
        load("--with-users", "--if-empty")


@pytest.mark.parametrize(
    ("weak", "reason"),
    [("demo", "for kort"), ("password123", "for almindelig"), ("84736251", "udelukkende numerisk")],
)
def test_a_weak_demo_password_is_refused_and_nothing_is_created(db, settings, monkeypatch, weak, reason):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", weak)
    before = counts()
    with pytest.raises(CommandError, match="for svag") as refused:
        load("--with-users")
    assert reason in str(refused.value)
    assert counts() == before


def test_a_demo_password_like_a_username_is_refused(db, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "koordinator-helsingor")
    with pytest.raises(CommandError, match="for svag"):
        load("--with-users")
    assert get_user_model().objects.count() == 0


@pytest.mark.parametrize("debug", [False, True])
def test_without_with_users_no_users_are_created_and_the_command_says_so(without_users, settings, debug):
    settings.DEBUG = debug
    output = load()
    assert get_user_model().objects.count() == 0
    assert "Ingen brugere oprettet" in output
    assert "0 nye brugere" in output


def test_with_debug_and_with_users_users_are_created_and_a_generated_password_is_printed_once(
    without_users, settings, monkeypatch, client
):
    settings.DEBUG = True
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    output = load("--with-users")
    assert "29 nye brugere" in output
    password = output.split("adgangskode er ")[1].split()[0]
    assert logs_in(client, "admin", password)
    assert "adgangskode" not in load("--with-users")


class TestLoadedDemoNetwork:
    def test_demo_data_fills_every_municipality_with_experiments(self, demo, db):
        experiments = ExperimentPage.objects.live()
        assert experiments.count() >= 20
        owners = {experiment.municipality.slug for experiment in experiments}
        assert owners == {facts.slug for facts in MUNICIPALITIES}
        assert "Demodata indlæst: 22 nye forsøg" in demo

    def test_every_demo_experiment_has_exemptions_history_revision_and_audit_log(self, demo, db):
        for experiment in ExperimentPage.objects.all():
            assert experiment.exemption_requests.exists(), experiment.title
            assert experiment.status_events.count() >= 2, experiment.title
            assert experiment.status, experiment.title
            assert Revision.page_revisions.filter(object_id=str(experiment.pk)).exists(), experiment.title
            actions = set(PageLogEntry.objects.filter(page=experiment).values_list("action", flat=True))
            assert {"wagtail.create", "wagtail.edit", "wagtail.publish"} <= actions, experiment.title
            assert experiment.target_groups.exists() and experiment.service_areas.exists(), experiment.title

    def test_demo_data_varies_statuses_decisions_and_laws(self, demo, db):
        statuses = set(ExperimentPage.objects.values_list("status", flat=True))
        assert {
            ExperimentStatus.STARTED,
            ExperimentStatus.ENDED,
            ExperimentStatus.EVALUATED,
            ExperimentStatus.SPREAD,
            ExperimentStatus.DISCONTINUED,
        } <= statuses
        assert len(statuses) >= 10
        assert set(ExemptionRequest.objects.values_list("decision", flat=True)) == set(Decision.values)
        assert set(ExemptionRequest.objects.values_list("provision__law__key", flat=True)) >= {
            "LAB",
            "SEL",
            "SDPL",
            "RSL",
        }
        assert ExperimentPage.objects.filter(builds_on__isnull=False).count() >= 3
        assert ExperimentPage.objects.filter(visibility=Visibility.NETWORK).count() >= 2
        assert ExperimentPage.objects.filter(partners__isnull=False).distinct().count() >= 5
        assert ExperimentPage.objects.filter(results__isnull=False).distinct().count() >= 10
        assert ExperimentPage.objects.filter(learnings__isnull=False).distinct().count() >= 10
        assert ExperimentPage.objects.filter(evaluations__isnull=False).distinct().count() >= 10

    def test_demo_data_has_articles_of_every_kind_linked_to_experiments(self, demo, db):
        articles = KnowledgeArticlePage.objects.live()
        assert articles.count() >= 10
        assert set(articles.values_list("kind", flat=True)) == set(ArticleKind.values)
        assert articles.filter(visibility=Visibility.NETWORK).count() >= 2
        assert articles.filter(experiments__isnull=False).distinct().count() >= 8
        assert articles.filter(provisions__isnull=False).distinct().count() >= 8
        assert articles.filter(target_groups__isnull=False).distinct().count() >= 8
        attached = ArticleDocument.objects.get(article__slug="referat-netvaerksmoede-midtvejsevaluering").document
        with attached.open_file() as handle:
            assert "progressionsmåling" in handle.read().decode("utf-8")
        for article in articles:
            assert PageLogEntry.objects.filter(page=article, action="wagtail.publish").exists(), article.title

    def test_demo_users_have_the_password_and_their_groups(self, demo, db, client):
        users = get_user_model().objects.all()
        assert users.count() == 29
        assert users.get(username="admin").is_superuser
        assert list(users.get(username="ministeriet").groups.values_list("name", flat=True)) == ["Ministeriet"]
        for facts in MUNICIPALITIES:
            for prefix, group in (
                ("redaktoer", "redaktører"),
                ("koordinator", "koordinatorer"),
                ("medarbejder", "medarbejdere"),
            ):
                user = users.get(username=f"{prefix}-{facts.slug}")
                assert list(user.groups.values_list("name", flat=True)) == [f"{facts.name}: {group}"]
        assert logs_in(client, "koordinator-helsingor", PASSWORD)

    def test_loading_twice_changes_nothing(self, demo, db, settings):
        settings.DEBUG = True
        before = counts()
        output = load("--with-users")
        assert counts() == before
        assert "0 nye forsøg, 0 nye vidensartikler og 0 nye brugere" in output

    def test_if_empty_does_nothing_when_experiments_exist(self, demo, db, settings):
        settings.DEBUG = True
        before = counts()
        output = load("--if-empty", "--with-users")
        assert counts() == before
        assert "Der findes allerede forsøg" in output

    def test_documented_ballerup_experiment_has_its_documented_period_and_decision(self, demo, db):
        ballerup = MunicipalityPage.objects.get(slug="ballerup")
        experiment = ExperimentPage.objects.child_of(ballerup).get(slug="en-plan-familier")
        assert (experiment.planned_start.isoformat(), experiment.planned_end.isoformat()) == (
            "2017-11-01",
            "2020-07-01",
        )
        assert experiment.council_decision_date.isoformat() == "2017-05-30"
        assert {group.name for group in experiment.target_groups.all()} >= {
            "Aktivitetsparate uddannelseshjælpsmodtagere",
            "Borgere i ressourceforløb",
        }
        assert not experiment.summary.startswith("Demodata")

    def test_demo_experiments_say_they_are_demo_data(self, demo, db):
        specs = read_experiments()
        assert sum(spec.documented for spec in specs) == 7
        for spec in specs:
            page = experiment_at(spec.path)
            assert page.summary.startswith("Demodata: ") != spec.documented, page.title
        articles = read_articles(experiments=specs)
        assert sum(spec.documented for spec in articles) == 5
        for spec in articles:
            article = KnowledgeArticlePage.objects.get(slug=spec.slug)
            assert article.summary.startswith("Demodata: ") != spec.documented, article.title

    def test_every_experiment_in_the_data_file_became_a_page_with_all_its_records(self, demo, db):
        for spec in read_experiments():
            page = experiment_at(spec.path)
            assert page.title == spec.title and page.visibility == spec.visibility, spec.path
            assert page.builds_on == (experiment_at(spec.builds_on) if spec.builds_on else None), spec.path
            assert [event.status for event in page.status_events.all()] == [event.status for event in spec.events]
            assert [
                (exemption.decision, exemption.ministry_reference)
                for exemption in page.exemption_requests.order_by("pk")
            ] == [(exemption.decision, exemption.ministry_reference) for exemption in spec.exemptions], spec.path
            assert [result.value for result in page.results.order_by("pk")] == [r.value for r in spec.results]
            assert page.learnings.count() == len(spec.learnings), spec.path
            assert page.evaluations.count() == len(spec.evaluations), spec.path
            assert sorted(page.partners.values_list("municipality__slug", flat=True)) == sorted(
                partner.municipality for partner in spec.partners
            ), spec.path
            assert set(page.tags.names()) == set(spec.tags), spec.path

    def test_staff_see_every_demo_page_with_its_exemption_table(self, demo, db, client):
        assert logs_in(client, "medarbejder-hillerod", PASSWORD)
        for experiment in ExperimentPage.objects.all():
            response = client.get(experiment.url)
            assert response.status_code == 200, experiment.url
            html = response.content.decode()
            for exemption in experiment.exemption_requests.select_related("provision__law"):
                assert exemption.provision.reference_text in html, (experiment.url, exemption.provision)
            assert experiment.get_status_display() in html
        for article in KnowledgeArticlePage.objects.all():
            response = client.get(article.url)
            assert response.status_code == 200, article.url
            assert escape(article.title) in response.content.decode()

    def test_anonymous_visitors_do_not_see_network_only_demo_pages(self, demo, db, client):
        hidden = ExperimentPage.objects.filter(visibility=Visibility.NETWORK).first()
        response = client.get(hidden.url)
        assert response.status_code == 302 and "/log-ind/" in response["Location"]
        listing = client.get(hidden.get_parent().url).content.decode()
        assert hidden.title not in listing

    def test_results_show_plain_numbers_and_their_notes(self, demo, db, client):
        fredensborg = MunicipalityPage.objects.get(slug="fredensborg")
        experiment = ExperimentPage.objects.child_of(fredensborg).get(slug="en-plan-en-sagsbehandler")
        html = client.get(experiment.url).content.decode()
        assert "<td>23</td>" in html and "23,00" not in html
        assert "Opgjort i 2018." in html

    def test_a_network_only_predecessor_is_not_named_to_anonymous_visitors(self, demo, db, client):
        hidden = ExperimentPage.objects.filter(visibility=Visibility.NETWORK).first()
        public = ExperimentPage.objects.filter(visibility=Visibility.PUBLIC, builds_on__isnull=True).first()
        public.builds_on = hidden
        public.save_revision().publish()
        assert hidden.title not in client.get(public.url).content.decode()
        client.force_login(get_user_model().objects.get(username="medarbejder-furesoe"))
        assert hidden.title in client.get(public.url).content.decode()
