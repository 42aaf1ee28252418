"""The demo data files (network/demo/*.toml): the facts a reader of the demo network notices, and a clear error,
naming the file and the entry, for a malformed one."""

import datetime
import re
import textwrap
from collections import Counter
from decimal import Decimal

import pytest

from experiments.models import Decision, Evaluation, ExperimentPage, LegalBasis
from network.demo import loader
from network.demo.experiments import load_demo_experiments
from network.demo.loader import DemoDataError, read_articles, read_experiments
from tests.conftest import parser_with_built_in_laws

# The files alone, read without a database: references name the laws the parser knows from code.
pytestmark = pytest.mark.usefixtures("built_in_laws_only")

DOCUMENTED = {
    "ballerup/en-plan-familier",
    "fredensborg/en-plan-en-sagsbehandler",
    "frederikssund/koordineret-indsats-for-unge",
    "gribskov/unge-paa-vej",
    "allerod/en-borger-en-plan",
    "helsingor/en-samlet-handleplan",
    "halsnaes/sammen-om-ny-velfaerd",
}


@pytest.fixture(scope="module")
def experiments():
    with parser_with_built_in_laws():
        return {spec.path: spec for spec in read_experiments()}


@pytest.fixture(scope="module")
def articles(experiments):
    with parser_with_built_in_laws():
        return read_articles(experiments=tuple(experiments.values()))


def test_every_municipality_has_two_or_three_experiments(experiments):
    assert Counter(spec.municipality for spec in experiments.values()) == {
        "allerod": 2,
        "ballerup": 2,
        "fredensborg": 2,
        "frederikssund": 2,
        "furesoe": 3,
        "gribskov": 3,
        "halsnaes": 2,
        "helsingor": 3,
        "hillerod": 3,
    }


def test_the_seven_documented_experiments_come_first_with_their_public_facts(experiments):
    assert list(experiments)[:7] == [path for path in experiments if path in DOCUMENTED]
    assert {path for path, spec in experiments.items() if spec.documented} == DOCUMENTED
    ballerup = experiments["ballerup/en-plan-familier"]
    assert (ballerup.planned_start, ballerup.planned_end, ballerup.council_decision_date) == (
        datetime.date(2017, 11, 1),
        datetime.date(2020, 7, 1),
        datetime.date(2017, 5, 30),
    )
    fredensborg = experiments["fredensborg/en-plan-en-sagsbehandler"]
    assert fredensborg.citizens_count == 23
    assert fredensborg.results[0].value == Decimal(23) and fredensborg.results[0].note == "Opgjort i 2018."
    assert experiments["frederikssund/koordineret-indsats-for-unge"].planned_start == datetime.date(2018, 1, 1)
    gribskov = experiments["gribskov/unge-paa-vej"]
    assert gribskov.title == "Unge på vej" and gribskov.planned_start == datetime.date(2017, 7, 1)
    assert "STU-elever" in gribskov.target_groups
    assert experiments["allerod/en-borger-en-plan"].title == "Én borger – Én plan"
    assert "borgerkonsulent" in experiments["halsnaes/sammen-om-ny-velfaerd"].tags
    for path in DOCUMENTED:
        spec = experiments[path]
        assert [(evaluation.evaluator, evaluation.kind) for evaluation in spec.evaluations] == [
            ("VIVE", Evaluation.Kind.MIDTERM),
            ("VIVE", Evaluation.Kind.FINAL),
        ], path
        assert spec.evaluations[0].completed_on == datetime.date(2019, 8, 30), path
        # What goes beyond the sources says so.
        assert all(exemption.barrier.startswith("Demodata: ") for exemption in spec.exemptions), path
        assert spec.content[-1].heading == "Om oplysningerne", path


def test_every_other_experiment_and_article_says_it_is_demo_data(experiments, articles):
    for path, spec in experiments.items():
        assert spec.summary.startswith("Demodata: ") == (path not in DOCUMENTED), path
    assert sum(article.documented for article in articles) == 5
    for article in articles:
        assert article.summary.startswith("Demodata: ") != article.documented, article.slug


def test_lineage_and_article_links_name_experiments_in_the_data(experiments, articles):
    order = list(experiments)
    linked = [spec for spec in experiments.values() if spec.builds_on]
    assert len(linked) == 8
    for spec in linked:
        assert order.index(spec.builds_on) < order.index(spec.path), spec.path
    for article in articles:
        assert set(article.experiments) <= set(experiments), article.slug
    assert len(next(a for a in articles if a.slug == "vive-midtvejsevaluering-2019").experiments) == 7


def test_exemptions_take_their_round_date_and_legal_instrument_from_the_programme(experiments):
    first, _, third = experiments["furesoe/faelles-opfoelgning-sygedagpenge"].exemptions
    assert (first.reference, first.decision, first.basis) == ("SDPL §§ 13 a–13 c", Decision.GRANTED, "dispensation")
    assert first.applied_on == datetime.date(2017, 5, 1) and first.ministry_reference == "DEMO-2017-0215"
    assert first.legal_instrument.startswith("Bekendtgørelse om frikommuneforsøg II")
    assert third.basis == LegalBasis.NEW_HJEMMEL and third.legal_instrument.startswith("Lov nr. 658")
    documented = experiments["ballerup/en-plan-familier"].exemptions
    assert [(e.reference, e.basis, e.legal_instrument, e.applied_on) for e in documented] == [
        ("LAB §§ 27–30", "", "", None),
        ("LAB § 30 a", "", "", None),
        ("SEL § 140", "", "", None),
    ]


def test_results_keep_their_exact_decimals(experiments):
    results = experiments["halsnaes/borgerkonsulent-for-sygemeldte"].results
    quality = next(result for result in results if result.indicator.startswith("Borgeroplevet kvalitet"))
    assert (quality.baseline, quality.value, quality.source) == (Decimal("3.1"), Decimal("4.2"), "Demodata")


def test_the_data_files_are_found_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert len(read_experiments()) == 22
    assert len(read_articles()) == 13


EXPERIMENT = """
[[experiment]]
municipality = "furesoe"
slug = "{slug}"
title = "Prøve"
summary = "Demodata: en prøve."
tags = []
events = [{{ status = "idé", date = 2020-01-01 }}]
"""


def experiments_file(tmp_path, extra: str, *, replace: tuple[str, str] = ("", "")):
    """A file with a valid first experiment and a second one with `extra` lines and one `replace`ment."""
    second = EXPERIMENT.format(slug="proeve-2").replace(*replace) + textwrap.dedent(extra)
    path = tmp_path / "experiments.toml"
    path.write_text(EXPERIMENT.format(slug="proeve-1") + second, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("extra", "replace", "message"),
    [
        ('sumary = "x"', ("", ""), "ukendt nøgle »sumary«"),
        ("", ('title = "Prøve"\n', ""), "mangler nøglen »title«"),
        ("", ('status = "idé"', 'status = "idee"'), "ukendt værdi »idee« for »status«"),
        ('citizens_count = "ti"', ("", ""), "citizens_count: skal være et heltal"),
        ("", ("Demodata: en prøve.", "En prøve."), "resuméet skal begynde med »Demodata:«"),
        ('builds_on = "ballerup/findes-ikke"', ("", ""), "builds_on »ballerup/findes-ikke«"),
        ('target_groups = ["Ukendte borgere"]', ("", ""), "»Ukendte borgere« i »target_groups« findes ikke"),
        ("", ('status = "idé", date = 2020-01-01', 'shared = "findes-ikke"'), "ukendt fælles post »findes-ikke«"),
        ("", ('"furesoe"', '"aarhus"'), "ukendt kommune »aarhus«"),
        (
            """
            [[experiment.exemptions]]
            reference = "§ 999"
            decision = "imødekommet"
            """,
            ("", ""),
            "kan ikke læse paragraffen »§ 999«",
        ),
        (
            """
            [[experiment.results]]
            indicator = "Borgere"
            value = "mange"
            unit = "borgere"
            source = "Demodata"
            """,
            ("", ""),
            "results 1, value: skal være et tal",
        ),
    ],
)
def test_a_malformed_experiment_names_the_file_and_the_entry(tmp_path, extra, replace, message):
    with pytest.raises(DemoDataError) as error:
        read_experiments(experiments_file(tmp_path, extra, replace=replace))
    assert re.match(r"experiments\.toml: forsøg 2 \(\w+/proeve-2\)[:,] ", str(error.value))
    assert message in str(error.value)


def test_a_file_that_is_not_toml_says_so(tmp_path):
    path = tmp_path / "experiments.toml"
    path.write_text('[[experiment]]\ntitle = "uden slut\n', encoding="utf-8")
    with pytest.raises(DemoDataError, match="experiments.toml: kan ikke læses som TOML"):
        read_experiments(path)


def test_an_article_linking_an_unknown_experiment_names_the_file_and_the_entry(tmp_path, experiments):
    path = tmp_path / "articles.toml"
    path.write_text(
        '[[article]]\nslug = "proeve"\nkind = "Læring"\ntitle = "Prøve"\nsummary = "Demodata: en prøve."\n'
        'tags = []\nexperiments = ["ballerup/findes-ikke"]\n',
        encoding="utf-8",
    )
    with pytest.raises(DemoDataError) as error:
        read_articles(path, experiments=tuple(experiments.values()))
    assert str(error.value) == (
        "articles.toml: artikel 1 (proeve): forsøget »ballerup/findes-ikke« findes ikke i demodataene"
    )


def test_a_malformed_data_file_writes_nothing(db, tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "EXPERIMENTS_FILE", experiments_file(tmp_path, 'sumary = "x"'))
    before = ExperimentPage.objects.count()
    with pytest.raises(DemoDataError, match="forsøg 2"):
        load_demo_experiments()
    assert ExperimentPage.objects.count() == before
