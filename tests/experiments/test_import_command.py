"""`manage.py import_experiments`: what it prints, what it writes and how it exits."""

import io

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from wagtail.models import WorkflowState

from experiments.models import ExperimentPage

HEADER = "Kommune;Titel;Resumé;Status;Statusdato;Paragraffer\r\n"
GOOD = (
    HEADER
    + "Helsingør;Én plan for familier;Én fælles plan.;igangsat;2017-11-01;SEL § 140, stk. 3 (imødekommet)\r\n"
    + "Allerød;Koordinerende sagsbehandler;Én indgang.;ansøgt;1.5.2017;LAB § 68 c\r\n"
)
BAD = (
    HEADER
    + "Roskilde;Én plan for familier;Én fælles plan.;igangsat;2017-11-01;SEL § 140\r\n"
    + "Allerød;Koordinerende sagsbehandler;Én indgang.;ansøgt;31.4.2017;SEL 140 stk\r\n"
)


@pytest.fixture
def csv_file(tmp_path):
    def write(text, name="forsoeg.csv", encoding="utf-8-sig"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return str(path)

    return write


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_experiments", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_creates_drafts_and_says_what_it_did(db, csv_file):
    out, _err = run(csv_file(GOOD))

    assert out.splitlines() == [
        "Oprettet: Én plan for familier (Helsingør)",
        "Oprettet: Koordinerende sagsbehandler (Allerød)",
        "2 oprettet, 0 opdateret, 0 uændret.",
        "Ændringerne er gemt som kladder og sendt til godkendelse.",
    ]
    assert ExperimentPage.objects.filter(live=False).count() == 2
    assert WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS).count() == 2


def test_running_the_command_again_leaves_everything_alone(db, csv_file):
    path = csv_file(GOOD)
    run(path, "--publish")
    out, _err = run(path, "--publish", "--verbosity", "2")
    assert out.splitlines() == [
        "Uændret: Én plan for familier (Helsingør)",
        "Uændret: Koordinerende sagsbehandler (Allerød)",
        "0 oprettet, 0 opdateret, 2 uændret.",
    ]


def test_publish_makes_the_experiments_live_and_an_update_names_what_changed(db, csv_file):
    run(csv_file(GOOD), "--publish")
    assert ExperimentPage.objects.live().count() == 2

    out, _err = run(csv_file(GOOD.replace("(imødekommet)", "(ikke imødekommet)")), "--publish")

    assert out.splitlines() == [
        "Opdateret: Én plan for familier (Helsingør) [Paragraffer]",
        "0 oprettet, 1 opdateret, 1 uændret.",
        "Ændringerne er udgivet.",
    ]


def test_dry_run_says_what_would_happen_and_writes_nothing(db, csv_file):
    out, _err = run(csv_file(GOOD), "--dry-run")
    assert out.splitlines()[:2] == ["Prøvekørsel: intet er gemt.", "Ville oprette: Én plan for familier (Helsingør)"]
    assert not ExperimentPage.objects.exists()


def test_problems_go_to_stderr_one_line_each_and_the_command_fails(db, csv_file):
    err = io.StringIO()
    with pytest.raises(CommandError, match="3 fejl i forsoeg.csv; intet er gemt."):
        call_command("import_experiments", csv_file(BAD), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith('række 2, kolonne Kommune: ukendt kommune "Roskilde"')
    assert lines[1] == 'række 3, kolonne Statusdato: datoen "31.4.2017" findes ikke'
    assert lines[2].startswith('række 3, kolonne Paragraffer: kan ikke læse henvisningen "SEL 140 stk"')
    assert not ExperimentPage.objects.exists()


def test_a_municipalitys_own_word_is_named_with_candidates_and_where_to_confirm_it(db, csv_file):
    text = "Kommune;Titel;Resumé;Status;Målgrupper\r\nHelsingør;Én plan;Én fælles plan.;igangsat;Unge 18–29 år\r\n"
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 fejl"):
        call_command("import_experiments", csv_file(text), stdout=io.StringIO(), stderr=err)
    first, hint = err.getvalue().splitlines()
    assert first.startswith('række 2, kolonne Målgrupper: ukendt målgruppe "Unge 18–29 år"; bekræft')
    assert "Unge 15–30 år uden uddannelse" in first
    assert "»Importér forsøg« eller »Egne betegnelser«" in hint
    assert not ExperimentPage.objects.exists()


def test_from_the_command_line_a_bad_file_exits_with_status_1(db, csv_file, capsys, monkeypatch):
    # run_from_argv closes the database connections when done, which would end the test's transaction.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "import_experiments", csv_file("", name="tom.csv")]).execute()
    assert exit_.value.code == 1
    assert "filen er tom" in capsys.readouterr().err
    assert not ExperimentPage.objects.exists()


def test_a_missing_file_or_an_unknown_user_is_an_error(db, csv_file, tmp_path):
    with pytest.raises(CommandError, match="Kan ikke læse"):
        run(str(tmp_path / "findes-ikke.csv"))
    with pytest.raises(CommandError, match="Ukendt bruger: ingen"):
        run(csv_file(GOOD), "--user", "ingen")


def test_changes_are_made_in_the_name_of_the_given_user(db, csv_file, make_user):
    coordinator = make_user("koordinator-helsingor", role="coordinators", municipality_slug="helsingor")
    run(csv_file(GOOD.splitlines(keepends=True)[0] + GOOD.splitlines(keepends=True)[1]), "--user", coordinator.username)
    page = ExperimentPage.objects.get()
    assert page.get_latest_revision().user == coordinator

    with pytest.raises(CommandError):
        run(csv_file(GOOD), "--user", coordinator.username)  # Allerød is not theirs


def test_a_large_file_shows_a_progress_bar(db, csv_file, monkeypatch):
    monkeypatch.setattr("experiments.management.commands.import_experiments.PROGRESS_FROM", 2)
    import tqdm

    shown = []
    original = tqdm.tqdm.__init__

    def spy(self, *args, **kwargs):
        shown.append(kwargs.get("disable"))
        original(self, *args, **kwargs)

    monkeypatch.setattr(tqdm.tqdm, "__init__", spy)
    run(csv_file(GOOD))
    assert shown == [None]  # None: shown on a terminal, left out when the output is a file
