"""How a provision is cited: its Danish reference text, and that the text reads back to the same provision."""

import pytest

from experiments.factories import LawFactory, ProvisionFactory
from experiments.models import Provision
from experiments.references import parse_reference

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("law", "paragraph", "paragraph_end", "stk", "nr", "expected"),
    [
        ("SEL", "140", "", 3, None, "SEL § 140, stk. 3"),
        ("SEL", "140 a", "", None, None, "SEL § 140 a"),
        ("LAB", "27", "30", None, None, "LAB §§ 27–30"),
        ("LAB", "2", "", None, 13, "LAB § 2, nr. 13"),
        ("SDPL", "13 a", "13 c", None, None, "sygedagpengeloven §§ 13 a–13 c"),
        ("ORG", "55", "", None, None, "organiseringsloven § 55"),
        ("SEL", "141", "", 7, 2, "SEL § 141, stk. 7, nr. 2"),
    ],
)
def test_reference_text_is_the_danish_citation(law, paragraph, paragraph_end, stk, nr, expected):
    provision = Provision(
        law=LawFactory.build(key=law), paragraph=paragraph, paragraph_end=paragraph_end, stk=stk, nr=nr
    )

    assert provision.reference_text == expected


def test_reference_text_uses_the_abbreviation_of_the_provisions_own_law_version():
    old_version = LawFactory(key="SEL", version_label="lovbekendtgørelse nr. 988 af 2017", abbreviation="Serviceloven")

    provision = ProvisionFactory(law=old_version, paragraph="140", stk=3)

    assert provision.reference_text == "Serviceloven § 140, stk. 3"
    assert str(provision) == "Serviceloven § 140, stk. 3"


def test_every_catalogue_provision_reads_back_from_its_own_reference_text():
    provisions = list(Provision.objects.select_related("law"))
    assert len(provisions) >= 25

    for provision in provisions:
        reference = parse_reference(provision.reference_text)
        assert provision in Provision.objects.matching(reference), provision.reference_text
