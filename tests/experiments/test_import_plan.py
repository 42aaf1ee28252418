"""experiments/importing/plan.py: which experiment a row is about and whether it is new, changed or unchanged."""

from experiments.importing import check_rows, experiment_import, read_rows
from experiments.models import ExperimentPage

HEADINGS = ["Kommune", "Titel", "Resumé", "Status", "Målgrupper", "Fagområder"]


def csv_file(*rows) -> bytes:
    lines = [";".join(HEADINGS), *(";".join(row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


ONE_PLAN = ("Helsingør", "Én plan for familier", "Én fælles plan.", "igangsat", "Familier med børn 0–15 år", "")


def plan_of(*rows):
    return check_rows(read_rows(csv_file(*rows)))


def test_a_title_written_without_accents_or_danish_letters_finds_the_same_experiment(db):
    experiment_import(rows=read_rows(csv_file(ONE_PLAN)), publish=True)
    typed = ("HELSINGOER", "EN PLAN  FOR FAMILIER", "Én fælles plan.", "Igangsat", "familier med boern 0–15 aar", "")
    (plan,) = plan_of(typed)
    assert plan.action == "update"
    assert plan.changed == ("title",)
    assert plan.row.page_id == ExperimentPage.objects.get(title="Én plan for familier").pk


def test_the_same_row_again_is_unchanged_and_checking_writes_nothing(db):
    experiment_import(rows=read_rows(csv_file(ONE_PLAN)), publish=True)
    revisions = ExperimentPage.objects.get().revisions.count()
    (plan,) = plan_of(ONE_PLAN)
    assert plan.action == "unchanged"
    assert ExperimentPage.objects.get().revisions.count() == revisions


def test_a_title_not_in_the_municipality_is_a_new_experiment(db):
    (plan,) = plan_of(ONE_PLAN)
    assert plan.action == "create"
    assert plan.row.page_id is None
    assert not ExperimentPage.objects.exists()
