from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission, Page, Site, WorkflowPage

from experiments.models import Law, Provision, ServiceArea, TargetGroup
from municipalities.models import MunicipalityPage
from network.setup import setup_network


def test_setup_network_creates_the_nine_municipalities_under_kommuner(db):
    slugs = set(MunicipalityPage.objects.live().values_list("slug", flat=True))
    assert slugs == {
        "allerod",
        "ballerup",
        "fredensborg",
        "frederikssund",
        "furesoe",
        "gribskov",
        "halsnaes",
        "helsingor",
        "hillerod",
    }
    assert MunicipalityPage.objects.get(slug="helsingor").url == "/kommuner/helsingor/"
    assert MunicipalityPage.objects.get(slug="helsingor").municipality_code == "217"
    assert Site.objects.get(is_default_site=True).root_page.specific_class.__name__ == "HomePage"


def test_setup_network_gives_each_municipality_groups_rights_and_a_workflow(db):
    helsingor = MunicipalityPage.objects.get(slug="helsingor")
    assert WorkflowPage.objects.get(page=helsingor).workflow.name == "Godkendelse: Helsingør"
    coordinators = Group.objects.get(name="Helsingør: koordinatorer")
    assert set(
        GroupPagePermission.objects.filter(group=coordinators, page=helsingor).values_list(
            "permission__codename", flat=True
        )
    ) >= {"add_page", "change_page", "publish_page"}
    editors = Group.objects.get(name="Helsingør: redaktører")
    assert "publish_page" not in GroupPagePermission.objects.filter(group=editors).values_list(
        "permission__codename", flat=True
    )


def test_setup_network_installs_renumbered_provisions(db):
    old = Provision.objects.get(law__key="LAB", paragraph="27", paragraph_end="30")
    assert old.reference_text == "LAB §§ 27–30"
    (new,) = old.successors.all()
    assert new.reference_text == "LAB § 40, stk. 1"
    assert old.law.repealed_on is not None and new.law.repealed_on is None
    assert {p.reference_text for p in new.lineage()} == {"LAB §§ 27–30", "LAB § 40, stk. 1"}


def test_setup_network_installs_a_split_and_a_merge_of_provisions(db):
    """LAB § 30 a became § 40, stk. 2 and § 44; §§ 68 c and 68 g both became § 36, stk. 3."""
    split = Provision.objects.get(law__key="LAB", paragraph="30 a")
    assert sorted(p.reference_text for p in split.successors.all()) == ["LAB § 40, stk. 2", "LAB § 44"]
    assert {p.reference_text for p in Provision.objects.get(law__key="LAB", paragraph="44").lineage()} == {
        "LAB § 30 a",
        "LAB § 40, stk. 2",
        "LAB § 44",
    }
    merged = Provision.objects.get(law__key="LAB", paragraph="36", stk=3)
    assert sorted(p.reference_text for p in merged.predecessors.all()) == ["LAB § 68 c", "LAB § 68 g"]


def test_setup_network_twice_changes_nothing(db):
    def counts():
        return [
            model.objects.count()
            for model in (
                Page,
                Group,
                GroupPagePermission,
                Law,
                Provision,
                TargetGroup,
                ServiceArea,
                WorkflowPage,
            )
        ]

    before = counts()
    setup_network()
    assert counts() == before
