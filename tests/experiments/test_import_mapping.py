"""A municipality's own words and own ids in its files: experiments/importing/vocabulary.py and the plan's matching."""

import pytest

from experiments.importing import ImportRejected, experiment_import, plan_import, read_rows
from experiments.importing.vocabulary import Vocabulary
from experiments.models import ExperimentPage, ServiceArea, TargetGroup, VocabularyKind, VocabularyMapping
from municipalities.models import MunicipalityPage


def csv_file(headings, *rows) -> bytes:
    def cell(text):
        return f'"{text}"' if ";" in text else text

    lines = [";".join(headings), *(";".join(map(cell, row)) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


HEADINGS = ["Kommune", "Titel", "Resumé", "Status", "Målgrupper", "Fagområder"]


def row(title="Én plan for familier", target_groups="", service_areas="", municipality="Helsingør"):
    return (municipality, title, "Én fælles plan.", "igangsat", target_groups, service_areas)


def import_rows(*rows, headings=HEADINGS, **options):
    return experiment_import(rows=read_rows(csv_file(headings, *rows)), **options)


def preview_of(*rows, headings=HEADINGS, **options):
    return plan_import(read_rows(csv_file(headings, *rows)), **options)


@pytest.fixture
def target_groups(db):
    return Vocabulary(VocabularyKind.TARGET_GROUP, TargetGroup.objects.all(), [])


@pytest.fixture
def service_areas(db):
    return Vocabulary(VocabularyKind.SERVICE_AREA, ServiceArea.objects.all(), [])


@pytest.mark.parametrize(
    ("word", "registry_name"),
    [
        ("Jobcenteret", "Jobcenter / Job og Uddannelse"),  # definite form, close spelling
        ("Jobcenter", "Jobcenter / Job og Uddannelse"),  # one part of the registry's name
        ("voksenstøtte", "Særlig Social Indsats / Voksenstøtte og Rehabilitering"),  # words inside a name
        ("Psykiatrien", "Psykiatri"),
        ("BØRN, UNGE OG FAMILIER", "Børn, Unge og Familier"),
    ],
)
def test_a_service_area_in_the_municipalitys_words_is_read_when_the_match_is_clear(service_areas, word, registry_name):
    reading = service_areas.read(word, municipality_id=None)
    assert reading.item.name == registry_name


@pytest.mark.parametrize(
    ("word", "registry_name", "exact"),
    [
        ("STU elever", "STU-elever", True),  # dashes and spacing
        ("familier med børn 0-15 aar", "Familier med børn 0–15 år", True),
        ("Sygedagpengemodtager", "Sygedagpengemodtagere", False),  # singular for plural: ratio 0.98
        ("Aktivitetsparate kontanthjælpsmodtager", "Aktivitetsparate kontanthjælpsmodtagere", False),
    ],
)
def test_a_target_group_spelt_otherwise_is_read_when_the_match_is_clear(target_groups, word, registry_name, exact):
    reading = target_groups.read(word, municipality_id=None)
    assert reading.item.name == registry_name
    assert reading.exact is exact


@pytest.mark.parametrize(
    ("word", "closest"),
    [
        # Shares "Unge … år" with two groups, but not its ages: 0.5 at best, far from the 0.85 of a clear match.
        ("Unge 18–29 år", "Unge 15–30 år uden uddannelse"),
        # 0.63 against "Borgere med komplekse problemer": similar words, another group of citizens perhaps.
        ("Borgere med mange sager", "Borgere med komplekse problemer"),
        ("Unge", "Unge 15–30 år uden uddannelse"),  # too short to be read as part of one name
    ],
)
def test_an_unclear_word_is_left_to_confirm_with_the_closest_candidates(target_groups, word, closest):
    reading = target_groups.read(word, municipality_id=None)
    assert reading.item is None
    assert 1 <= len(reading.candidates) <= 3
    assert reading.candidates[0].name == closest


def test_a_word_close_to_two_registry_words_is_not_guessed(db):
    items = [TargetGroup(pk=1, name="Unge ledige", slug="a"), TargetGroup(pk=2, name="Unge lediga", slug="b")]
    reading = Vocabulary(VocabularyKind.TARGET_GROUP, items, []).read("Unge ledig", municipality_id=None)
    assert reading.item is None
    assert {item.name for item in reading.candidates} == {"Unge ledige", "Unge lediga"}


def test_an_unknown_word_stops_the_import_and_asks_for_a_mapping_with_its_rows(db):
    rows = (row(target_groups="Unge 18–29 år"), row("Andet forsøg", target_groups="unge 18-29 år"))
    with pytest.raises(ImportRejected) as caught:
        import_rows(*rows)
    (mapping,) = caught.value.mappings
    assert (mapping.kind, mapping.text, mapping.rows) == (VocabularyKind.TARGET_GROUP, "Unge 18–29 år", [2, 3])
    assert mapping.municipality.slug == "helsingor"
    assert mapping.candidates[0].name == "Unge 15–30 år uden uddannelse"
    problem = str(caught.value.problems[0])
    assert problem.startswith('række 2, kolonne Målgrupper: ukendt målgruppe "Unge 18–29 år"; bekræft')
    assert "Unge 15–30 år uden uddannelse" in problem
    assert not ExperimentPage.objects.exists()


def test_a_confirmed_mapping_is_used_by_the_municipalitys_next_file_and_its_words_are_kept(db):
    helsingor = MunicipalityPage.objects.get(slug="helsingor")
    unge = TargetGroup.objects.get(name="Unge 15–30 år uden uddannelse")
    complex_cases = TargetGroup.objects.get(name="Borgere med komplekse problemer")
    VocabularyMapping.objects.create(
        municipality=helsingor, kind=VocabularyKind.TARGET_GROUP, source_text="Unge 18–29 år", target_group=unge
    )
    VocabularyMapping.objects.create(
        municipality=helsingor,
        kind=VocabularyKind.TARGET_GROUP,
        source_text="Borgere med mange sager",
        target_group=complex_cases,
    )
    report = import_rows(
        row(target_groups="UNGE 18-29 ÅR; Borgere med mange sager", service_areas="Jobcenteret"), publish=True
    )
    assert len(report.created) == 1
    experiment = ExperimentPage.objects.get()
    assert set(experiment.target_groups.all()) == {unge, complex_cases}
    assert [area.name for area in experiment.service_areas.all()] == ["Jobcenter / Job og Uddannelse"]
    assert experiment.target_group_description.split("\n") == [
        "Målgruppe i kommunens ord: UNGE 18-29 ÅR",
        "Målgruppe i kommunens ord: Borgere med mange sager",
        "Fagområde i kommunens ord: Jobcenteret",
    ]
    # The same file again finds nothing to change: the words are already kept.
    again = import_rows(
        row(target_groups="UNGE 18-29 ÅR; Borgere med mange sager", service_areas="Jobcenteret"), publish=True
    )
    assert len(again.unchanged) == 1


def test_a_mapping_belongs_to_its_municipality_only(db):
    VocabularyMapping.objects.create(
        municipality=MunicipalityPage.objects.get(slug="helsingor"),
        kind=VocabularyKind.TARGET_GROUP,
        source_text="Unge 18–29 år",
        target_group=TargetGroup.objects.get(name="Unge 15–30 år uden uddannelse"),
    )
    preview = preview_of(row(target_groups="Unge 18–29 år", municipality="Gribskov"))
    assert [mapping.municipality.slug for mapping in preview.mappings] == ["gribskov"]


def test_a_mapping_is_stored_folded_and_must_name_a_registry_word_of_its_kind(db):
    mapping = VocabularyMapping(
        municipality=MunicipalityPage.objects.get(slug="helsingor"),
        kind=VocabularyKind.SERVICE_AREA,
        source_text="  Job-Centeret ",
        target_group=TargetGroup.objects.first(),
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        mapping.full_clean()
    assert "service_area" in caught.value.message_dict
    mapping.service_area = ServiceArea.objects.get(name="Jobcenter / Job og Uddannelse")
    mapping.full_clean()
    mapping.save()
    assert (mapping.source_text, mapping.target_group) == ("job centeret", None)


# --- own ids -------------------------------------------------------------------------------------------------------

ID_HEADINGS = ["Kommunens id", *HEADINGS]


def test_an_experiment_is_found_by_the_municipalitys_own_id_even_after_a_new_title(db):
    import_rows(("HLS-2018-04", *row()), headings=ID_HEADINGS, publish=True)
    experiment = ExperimentPage.objects.get()
    assert experiment.local_id == "HLS-2018-04"
    report = import_rows(("HLS-2018-04", *row("Én plan for alle familier")), headings=ID_HEADINGS, publish=True)
    assert [outcome.changed for outcome in report.updated] == [("title",)]
    assert ExperimentPage.objects.get().title == "Én plan for alle familier"


def test_a_column_headed_id_with_the_municipalitys_ids_is_read_as_its_own_ids(db):
    import_rows(("HLS-2018-04", *row()), headings=["Id", *HEADINGS], publish=True)
    assert ExperimentPage.objects.get().local_id == "HLS-2018-04"
    (plan,) = preview_of(("HLS-2018-04", *row("Ny titel")), headings=["Id", *HEADINGS]).plans
    assert (plan.action, plan.changed) == ("update", ("title",))


def test_an_experiment_known_by_its_title_gets_the_files_own_id(db):
    import_rows(row(), publish=True)
    report = import_rows(("HLS-7", *row()), headings=ID_HEADINGS, publish=True)
    assert [outcome.changed for outcome in report.updated] == [("local_id",)]
    assert ExperimentPage.objects.get().local_id == "HLS-7"


def test_an_own_id_of_a_draft_change_is_found_too(db):
    import_rows(row(), publish=True)
    import_rows(("HLS-7", *row()), headings=ID_HEADINGS)  # a draft: the live page has no id yet
    assert ExperimentPage.objects.get().local_id == ""
    (plan,) = preview_of(("HLS-7", *row("Ny titel")), headings=ID_HEADINGS).plans
    assert plan.action == "update"


def test_the_same_own_id_twice_in_a_file_or_on_another_experiment_is_refused(db):
    with pytest.raises(ImportRejected) as caught:
        import_rows(("HLS-7", *row()), ("HLS-7", *row("Andet")), headings=ID_HEADINGS)
    assert [str(problem) for problem in caught.value.problems] == [
        "række 3, kolonne Kommunens id: samme forsøg som i række 2"
    ]
    import_rows(("HLS-7", *row()), ("HLS-8", *row("Andet")), headings=ID_HEADINGS, publish=True)
    other = ExperimentPage.objects.get(title="Andet")
    with pytest.raises(ImportRejected) as caught:
        import_rows((str(other.pk), "HLS-7", *row("Andet")), headings=["Id", *ID_HEADINGS])
    assert [str(problem) for problem in caught.value.problems] == [
        "række 2, kolonne Kommunens id: Helsingør har allerede et andet forsøg med id HLS-7"
    ]


def test_the_same_own_id_in_two_municipalities_is_two_experiments(db):
    report = import_rows(("7", *row()), ("7", *row(municipality="Gribskov")), headings=ID_HEADINGS, publish=True)
    assert len(report.created) == 2


def test_export_writes_the_own_id_back(db):
    from experiments.exporting import experiment_row

    import_rows(("HLS-2018-04", *row()), headings=ID_HEADINGS, publish=True)
    assert experiment_row(ExperimentPage.objects.get())["local_id"] == "HLS-2018-04"


def test_the_page_refuses_an_own_id_that_its_municipality_already_uses(db):
    from django.core.exceptions import ValidationError

    import_rows(("HLS-7", *row()), ("HLS-8", *row("Andet")), headings=ID_HEADINGS, publish=True)
    other = ExperimentPage.objects.get(title="Andet")
    other.local_id = "HLS-7"
    with pytest.raises(ValidationError) as caught:
        other.full_clean()
    assert "local_id" in caught.value.message_dict
