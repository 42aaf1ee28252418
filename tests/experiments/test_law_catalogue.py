"""A law added in the admin can be typed in a reference at once: the parser reads the catalogue's laws beside the
ones it knows from code, in the admin, the importer, search and the API."""

import pytest

from experiments.models import ExperimentPage, Law
from experiments.models.provisions import laws_added_in_the_admin
from experiments.references import LegalReference, ReferenceError, find_law, find_references, parse_reference
from tests.experiments.test_importing import ONE_PLAN, csv_bytes, run_import
from tests.search.conftest import experiment


def add_health_act():
    return Law.objects.create(key="SUL", abbreviation="sundhedsloven", name="Sundhedsloven", version_label="")


def test_a_law_added_in_the_admin_is_read_in_references_at_once(db):
    with pytest.raises(ReferenceError, match="Ukendt lov"):
        parse_reference("§ 120 i sundhedsloven")

    add_health_act()

    assert parse_reference("§ 120 i sundhedsloven") == LegalReference("SUL", "120")
    assert parse_reference("SUL § 120, stk. 2") == LegalReference("SUL", "120", stk=2)
    assert str(parse_reference("sundhedslovens § 120")) == "sundhedsloven § 120"
    assert [ref for ref, _span in find_references("Vi søgte om fritagelse fra SUL § 120 og SEL § 140.")] == [
        LegalReference("SUL", "120"),
        LegalReference("SEL", "140"),
    ]
    assert find_law("Sundhedsloven").key == "SUL"


def test_a_deleted_law_is_forgotten_and_built_in_laws_keep_their_names(db):
    law = add_health_act()
    assert find_law("sundhedsloven") is not None
    law.delete()
    assert find_law("sundhedsloven") is None
    # A new version of a law the parser knows from code does not rename it.
    Law.objects.create(key="SEL", abbreviation="SEL", name="Lov om social service", version_label="LBK nr. 1 af 2027")
    assert str(parse_reference("serviceloven § 140")) == "SEL § 140"


def test_other_processes_read_a_new_law_when_their_copy_is_old(db, monkeypatch):
    assert find_law("sundhedsloven") is None
    Law.objects.bulk_create([Law(key="SUL", abbreviation="sundhedsloven", name="Sundhedsloven")])  # no signal
    assert find_law("sundhedsloven") is None, "kept for max_age seconds"
    monkeypatch.setattr(laws_added_in_the_admin, "max_age", 0)
    assert find_law("sundhedsloven").key == "SUL"


def test_a_new_laws_references_import_and_are_found_by_search(network, client):
    add_health_act()
    row = {**ONE_PLAN, "Paragraffer": "SUL § 120 (imødekommet); SEL § 140, stk. 3"}
    page_id = run_import(csv_bytes([row]), publish=True).created[0].page_id
    provisions = ExperimentPage.objects.get(pk=page_id).exemption_requests.values_list("provision__law__key", flat=True)
    assert sorted(provisions) == ["SEL", "SUL"]

    other = experiment("allerod", title="Sundhedsaftaler i én plan", exemptions=["sundhedsloven § 120"])
    body = client.get("/api/v1/search", {"q": "SUL § 120"}).json()
    assert {hit["title"] for hit in body["hits"]} == {ONE_PLAN["Titel"], other.title}
