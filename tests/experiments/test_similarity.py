"""Similar experiments ("Har andre prøvet det?"): `similar_experiments()`, the list on the experiment page and the
panel in the admin with its endpoint."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from experiments.models import ExperimentPage, Learning, ServiceArea, TargetGroup
from experiments.similarity import similar_experiments
from network.demo.experiments import experiment_page, load_demo_experiments

# Pairs a reader of the demo network would call similar: the experiment, and one it should be shown.
# Written from the experiments' titles, target groups and challenges; "builds on" is not a signal of similarity.
DEMO_PAIRS = [
    ("hillerod/en-indgang-for-familier", "ballerup/en-plan-familier"),
    ("ballerup/en-plan-familier", "hillerod/en-indgang-for-familier"),
    ("furesoe/faelles-opfoelgning-sygedagpenge", "halsnaes/borgerkonsulent-for-sygemeldte"),
    ("halsnaes/borgerkonsulent-for-sygemeldte", "furesoe/faelles-opfoelgning-sygedagpenge"),
    ("hillerod/sundhedsfaglig-vurdering", "furesoe/faelles-opfoelgning-sygedagpenge"),
    ("frederikssund/ungekoordinator-ssi", "frederikssund/koordineret-indsats-for-unge"),
    ("gribskov/stu-og-job", "gribskov/unge-paa-vej"),
    ("ballerup/mentor-og-en-plan-for-unge", "gribskov/unge-paa-vej"),
    ("allerod/plankoordinator-psykiske-vanskeligheder", "allerod/en-borger-en-plan"),
    ("hillerod/koordinerende-sagsbehandler-ressourceforloeb", "fredensborg/en-plan-en-sagsbehandler"),
    ("gribskov/integrationsplan-og-familieplan", "ballerup/en-plan-familier"),
    ("fredensborg/faelles-overblik", "furesoe/digital-plan"),
    ("helsingor/helhedsorienteret-plan-i-praksis", "furesoe/borgerinddragelse-i-planen"),
    ("helsingor/faerre-faste-moeder", "furesoe/faelles-opfoelgning-sygedagpenge"),
]


@pytest.fixture
def demo(db, make_user):
    load_demo_experiments()
    return make_user("ministeriet-similar", role="ministry")


def rank_of(expected, similar):
    titles = [experiment.pk for experiment, _score, _reasons in similar]
    return titles.index(expected.pk) + 1 if expected.pk in titles else None


def test_the_right_neighbour_is_among_the_first_three_for_most_demo_pairs(demo, capsys):
    hits = 0
    report = []
    for source_path, expected_path in DEMO_PAIRS:
        source, expected = experiment_page(source_path), experiment_page(expected_path)
        similar = similar_experiments(source, user=demo, limit=5)
        rank = rank_of(expected, similar)
        hits += rank is not None and rank <= 3
        report.append(f"{source_path} -> {expected_path}: rank {rank}")
        report.extend(f"    {score:.3f} {experiment.title}: {reasons}" for experiment, score, reasons in similar)
    with capsys.disabled():
        print("\n".join(["", *report, f"right neighbour in the top 3: {hits} of {len(DEMO_PAIRS)}"]))
    assert hits >= 0.8 * len(DEMO_PAIRS)


@pytest.fixture
def small_network(add_experiment):
    youth = TargetGroup.objects.get(name="Unge 15–30 år uden uddannelse")
    sick = TargetGroup.objects.get(name="Sygedagpengemodtagere")
    health = ServiceArea.objects.get(name="Sundhed")
    sick_leave = add_experiment(
        "furesoe",
        "Fælles opfølgning for sygemeldte",
        challenge="Sygemeldte borgere med flere sager møder til opfølgningssamtaler i jobcentret og socialafdelingen.",
        purpose="Én fælles opfølgning, så den sygemeldte får tid til at blive rask.",
        exemptions=[("SDPL §§ 13 a–13 c", "granted")],
        target_groups=[sick],
        service_areas=[health],
    )
    youth_plan = add_experiment(
        "gribskov",
        "Unge på vej mod uddannelse",
        challenge="Unge uden uddannelse har planer i jobcentret og i børne- og familieafdelingen.",
        purpose="Én plan for den unge frem mod uddannelse.",
        exemptions=[("SEL § 140, stk. 3", "granted")],
        target_groups=[youth],
    )
    internal = add_experiment(
        "ballerup",
        "Internt forsøg med sygemeldte",
        challenge="Sygemeldte borgere med flere sager og mange opfølgningssamtaler.",
        exemptions=[("SDPL §§ 13 a–13 c", "partly_granted")],
        target_groups=[sick],
        visibility="network",
    )
    Learning.objects.create(experiment=youth_plan, what_worked="Mentoren fulgte den unge gennem overgangen.")
    return {"sick_leave": sick_leave, "youth": youth_plan, "internal": internal, "youth_group": youth, "sick": sick}


def test_values_from_the_admin_form_find_the_experiment_with_the_same_provision_family_and_say_why(small_network):
    values = {
        "title": "Mentor for unge",
        "challenge": "Unge uden uddannelse mister overblikket over deres planer.",
        "purpose": "",
        "target_groups": [str(small_network["youth_group"].pk)],
        "provisions": ["SEL § 140"],
    }
    similar = similar_experiments(values, user=AnonymousUser())
    experiment, score, reasons = similar[0]
    assert experiment == small_network["youth"]
    assert experiment.municipality_title == "Gribskov"
    assert "beslægtet bestemmelse SEL § 140, stk. 3 (SEL § 140)" in reasons
    assert "samme målgruppe: Unge 15–30 år uden uddannelse" in reasons
    assert any(reason.startswith("lignende udfordring: ") and "uddannelse" in reason for reason in reasons)
    assert score > 0


def test_an_experiment_is_not_its_own_neighbour_and_network_only_ones_are_for_network_readers(small_network, make_user):
    source = small_network["sick_leave"]
    public = [experiment for experiment, _score, _reasons in similar_experiments(source, user=AnonymousUser())]
    assert source not in public
    assert small_network["internal"] not in public

    reader = make_user("medarbejder-similar", role="staff", municipality_slug="furesoe")
    similar = similar_experiments(source, user=reader)
    experiment, _score, reasons = similar[0]
    assert experiment == small_network["internal"]
    assert "samme bestemmelse sygedagpengeloven §§ 13 a–13 c" in reasons
    assert "samme målgruppe: Sygedagpengemodtagere" in reasons


def test_nothing_to_compare_gives_an_empty_list(small_network):
    assert similar_experiments({"title": "", "challenge": "   "}, user=AnonymousUser()) == []
    assert similar_experiments({"title": "Xyzzy quux"}, user=AnonymousUser()) == []


def test_similar_experiments_takes_the_same_number_of_queries_however_many_experiments_there_are(
    small_network, add_experiment, make_user
):
    reader = make_user("medarbejder-count", role="staff", municipality_slug="furesoe")
    source = ExperimentPage.objects.get(pk=small_network["sick_leave"].pk)
    similar_experiments(source, user=reader)
    source = ExperimentPage.objects.get(pk=source.pk)
    with CaptureQueriesContext(connection) as few:
        similar_experiments(source, user=reader)
    for i in range(8):
        add_experiment(
            "hillerod",
            f"Opfølgning for sygemeldte {i}",
            challenge="Sygemeldte med flere sager.",
            exemptions=[("SDPL §§ 13 a–13 c", "granted"), ("SEL § 141", "applied")],
            target_groups=[small_network["sick"]],
            learnings=1,
        )
    source = ExperimentPage.objects.get(pk=source.pk)
    with CaptureQueriesContext(connection) as many:
        similar = similar_experiments(source, user=reader)
    assert len(similar) == 5
    assert len(many) == len(few)


def test_experiment_page_lists_similar_experiments_with_reasons(client, small_network):
    html = client.get(small_network["sick_leave"].url).content.decode()
    section = html.split('id="similar-experiments"')[1].split("</section>")[0]
    assert "Har andre prøvet det?" in section
    assert "Internt forsøg med sygemeldte" not in section  # network only, the reader is anonymous
    assert "Vi fandt ingen lignende forsøg, du kan se." in section


def test_experiment_page_shows_network_only_neighbours_to_a_network_reader(client, small_network, make_user):
    client.force_login(make_user("medarbejder-page", role="staff", municipality_slug="furesoe"))
    html = client.get(small_network["sick_leave"].url).content.decode()
    section = html.split('id="similar-experiments"')[1].split("</section>")[0]
    assert f'href="{small_network["internal"].url}"' in section
    assert "samme bestemmelse sygedagpengeloven §§ 13 a–13 c" in section
    assert "samme målgruppe: Sygedagpengemodtagere" in section


def test_admin_endpoint_answers_the_forms_values_with_json_for_editors_only(client, small_network, make_user):
    url = "/admin/forsoeg/lignende/"
    data = {
        "title": "Opfølgning for sygemeldte",
        "challenge": "Sygemeldte med flere sager går til mange opfølgningssamtaler.",
        "provisions": ["SDPL § 13 a–13 c", "ikke en henvisning"],
        "target_groups": [str(small_network["sick"].pk), "x"],
    }
    anonymous = client.post(url, data)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/log-ind/")
    client.force_login(make_user("uden-admin"))
    assert client.post(url, data).status_code == 403

    client.force_login(make_user("redaktoer-similar", role="editors", municipality_slug="helsingor"))
    assert client.get(url).status_code == 405
    response = client.post(url, data)
    assert response.status_code == 200
    results = json.loads(response.content)["results"]
    titles = [result["title"] for result in results]
    assert set(titles[:2]) == {"Fælles opfølgning for sygemeldte", "Internt forsøg med sygemeldte"}
    first = results[0]
    assert first["url"].startswith("/kommuner/")
    assert first["municipality"] in ("Furesø", "Ballerup")
    assert "samme målgruppe: Sygedagpengemodtagere" in first["reasons"]

    # The experiment being edited is left out.
    data["exclude"] = str(small_network["sick_leave"].pk)
    titles = [result["title"] for result in json.loads(client.post(url, data).content)["results"]]
    assert "Fælles opfølgning for sygemeldte" not in titles


def test_admin_edit_form_has_the_similarity_panel_with_its_script_file_and_no_inline_script(
    client, small_network, make_user
):
    client.force_login(make_user("admin-similar", is_superuser=True))
    page = small_network["sick_leave"]
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    html = response.content.decode()
    assert 'data-similar-endpoint="/admin/forsoeg/lignende/"' in html
    assert f'data-similar-exclude="{page.pk}"' in html
    assert "js/similar.js" in html
    panel = html.split("data-similar-endpoint")[1].split("</ol>")[0]
    assert "Internt forsøg med sygemeldte" in panel  # the saved page's neighbours before any typing
    assert "<script>" not in panel


def test_ids_posted_by_the_admin_panel_are_read_only_when_they_are_plain_numbers():
    from experiments.similarity import _ids

    assert _ids(["1", "²", "9" * 12, 3, "x", None]) == [1, 3]
