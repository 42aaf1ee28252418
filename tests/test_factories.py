"""Every page type of the registry has a factory, and each factory makes a valid live page in the right place."""

import inspect

import pytest
import wagtail_factories
from wagtail.models import Page, get_page_models

import experiments.factories
import knowledge.factories
import municipalities.factories
import network.factories
from experiments.factories import (
    ExemptionRequestFactory,
    ExperimentPageFactory,
    StatusEventFactory,
    TargetGroupFactory,
)
from experiments.models import ExperimentPage, ExperimentStatus, Provision
from knowledge.factories import KnowledgeArticlePageFactory, KnowledgeIndexPageFactory
from knowledge.models import KnowledgeIndexPage
from municipalities.factories import MunicipalityIndexPageFactory, MunicipalityPageFactory
from municipalities.models import MunicipalityIndexPage, MunicipalityPage
from network.factories import HomePageFactory
from network.models import HomePage

OUR_APPS = {"network", "municipalities", "experiments", "knowledge"}
FACTORY_MODULES = (network.factories, municipalities.factories, experiments.factories, knowledge.factories)


def page_factories() -> dict[type[Page], type[wagtail_factories.PageFactory]]:
    return {
        factory_class._meta.model: factory_class
        for module in FACTORY_MODULES
        for factory_class in vars(module).values()
        if inspect.isclass(factory_class)
        and issubclass(factory_class, wagtail_factories.PageFactory)
        and factory_class._meta.model._meta.app_label in OUR_APPS
    }


OUR_PAGE_MODELS = sorted(
    (model for model in get_page_models() if model._meta.app_label in OUR_APPS and not model._meta.abstract),
    key=lambda model: model.__name__,
)


def test_the_project_has_the_six_page_types_we_test():
    assert {model.__name__ for model in OUR_PAGE_MODELS} == {
        "HomePage",
        "MunicipalityIndexPage",
        "MunicipalityPage",
        "ExperimentPage",
        "KnowledgeIndexPage",
        "KnowledgeArticlePage",
    }


@pytest.mark.parametrize("model", OUR_PAGE_MODELS, ids=lambda model: model.__name__)
def test_every_page_type_has_a_factory(model):
    assert model in page_factories(), f"{model.__name__} has no factory in {[m.__name__ for m in FACTORY_MODULES]}"


@pytest.mark.parametrize("model", OUR_PAGE_MODELS, ids=lambda model: model.__name__)
def test_each_factory_makes_a_valid_live_page_under_an_allowed_parent(db, model, client):
    page = page_factories()[model]()

    page = Page.objects.get(pk=page.pk).specific
    assert type(page) is model
    assert page.live
    page.full_clean()
    assert type(page.get_parent().specific) in model.allowed_parent_page_models()
    assert client.get(page.url).status_code == 200


@pytest.mark.django_db
def test_singleton_and_parent_factories_reuse_the_tree_setup_network_made():
    home = HomePage.objects.get()
    assert HomePageFactory() == home
    assert MunicipalityIndexPageFactory() == MunicipalityIndexPage.objects.get()
    assert KnowledgeIndexPageFactory() == KnowledgeIndexPage.objects.get()
    assert MunicipalityPageFactory(slug="helsingor") == MunicipalityPage.objects.get(slug="helsingor")

    experiment = ExperimentPageFactory()
    assert experiment.get_parent().specific == MunicipalityPage.objects.get(slug="helsingor")
    assert experiment.url.startswith("/kommuner/helsingor/")
    assert KnowledgeArticlePageFactory().url.startswith("/viden/")
    assert HomePage.objects.count() == 1
    assert MunicipalityPage.objects.count() == 9


@pytest.mark.django_db
def test_factories_build_a_second_network_tree_when_given_another_home_page():
    other_home = HomePageFactory(slug="andet-netvaerk", title="Andet netværk")
    municipality = MunicipalityPageFactory(parent=MunicipalityIndexPageFactory(parent=other_home))
    experiment = ExperimentPageFactory(parent=municipality)
    article = KnowledgeArticlePageFactory(parent=KnowledgeIndexPageFactory(parent=other_home))

    assert other_home != HomePage.objects.get(slug="home")
    assert list(MunicipalityPage.objects.descendant_of(other_home)) == [municipality]
    assert experiment.get_parent().pk == municipality.pk
    assert article.get_parent().get_parent().pk == other_home.pk
    for page in (other_home, municipality, experiment, article):
        page.full_clean()
    assert municipality.network == other_home.network


@pytest.mark.django_db
def test_status_event_factory_keeps_the_experiment_status_current():
    experiment = ExperimentPageFactory()
    assert experiment.status == ""

    StatusEventFactory(experiment=experiment, status=ExperimentStatus.APPLIED, date="2016-12-01")
    StatusEventFactory(experiment=experiment, status=ExperimentStatus.STARTED, date="2017-10-01")

    experiment = ExperimentPage.objects.get(pk=experiment.pk)
    assert experiment.status == ExperimentStatus.STARTED
    assert str(experiment.status_date) == "2017-10-01"


@pytest.mark.django_db
def test_exemption_request_factory_resolves_a_typed_reference_like_the_admin():
    catalogue_min_plan = Provision.objects.get(law__key="LAB", paragraph="27", paragraph_end="30")

    request = ExemptionRequestFactory(reference="LAB §§ 27-30")
    new_provision = ExemptionRequestFactory(reference="SEL § 140, stk. 3").provision

    assert request.provision == catalogue_min_plan
    assert new_provision.reference_text == "SEL § 140, stk. 3"
    assert new_provision.law.key == "SEL"


@pytest.mark.django_db
def test_experiment_factory_takes_target_groups_and_tags():
    group = TargetGroupFactory()
    experiment = ExperimentPageFactory(target_groups=[group], tags=["én plan", "koordinering"])

    experiment = ExperimentPage.objects.get(pk=experiment.pk)
    assert list(experiment.target_groups.all()) == [group]
    assert sorted(tag.name for tag in experiment.tags.all()) == ["koordinering", "én plan"]
