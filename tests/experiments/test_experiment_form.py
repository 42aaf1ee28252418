"""The experiment form's checks across rows: a provision sought twice in one round, the own municipality or the
same municipality twice as partner, and "bygger på" going round in a circle. Each rejects the form and saves
nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset

from experiments.models import ExperimentPage
from municipalities.models import MunicipalityPage


def municipality(slug):
    return MunicipalityPage.objects.get(slug=slug)


def add_url(parent):
    return reverse("wagtailadmin_pages:add", args=("experiments", "experimentpage", parent.pk))


@pytest.fixture
def editor(client, network, make_user):
    user = make_user("redaktoer-helsingor", role="editors", municipality_slug="helsingor")
    client.force_login(user)
    return user


def partners(*slugs):
    return inline_formset(
        [
            {"municipality": municipality(slug).pk, "local_status": "", "contact_name": "", "contact_email": ""}
            for slug in slugs
        ]
    )


def test_the_same_provision_twice_in_one_round_is_refused(client, editor, experiment_form_data):
    data = experiment_form_data(
        "Dobbelt fritagelse", "dobbelt", exemptions=["SEL § 140, stk. 3", "serviceloven § 140 stk. 3"]
    )

    response = client.post(add_url(municipality("helsingor")), data)

    assert response.status_code == 200
    assert "er allerede søgt i samme ansøgningsrunde" in response.content.decode()
    assert not ExperimentPage.objects.filter(slug="dobbelt").exists()


def test_two_different_provisions_are_accepted(client, editor, experiment_form_data):
    data = experiment_form_data("To fritagelser", "to", exemptions=["SEL § 140, stk. 3", "SEL § 140, stk. 4"])

    response = client.post(add_url(municipality("helsingor")), data)

    assert response.status_code == 302
    assert ExperimentPage.objects.get(slug="to").exemption_requests.count() == 2


@pytest.mark.parametrize(
    ("slugs", "message"),
    [
        (["helsingor"], "Forsøgets egen kommune kan ikke være partnerkommune."),
        (["hillerod", "hillerod"], "Hillerød er allerede partnerkommune."),
    ],
    ids=["own-municipality", "twice"],
)
def test_partner_municipalities_are_checked(client, editor, experiment_form_data, slugs, message):
    data = experiment_form_data("Med partnere", "partnere", extra={"partners": partners(*slugs)})

    response = client.post(add_url(municipality("helsingor")), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ExperimentPage.objects.filter(slug="partnere").exists()


def test_other_municipalities_are_accepted_as_partners(client, editor, experiment_form_data):
    data = experiment_form_data("Med partnere", "partnere", extra={"partners": partners("hillerod", "gribskov")})

    response = client.post(add_url(municipality("helsingor")), data)

    assert response.status_code == 302
    page = ExperimentPage.objects.get(slug="partnere")
    assert sorted(p.municipality.slug for p in page.partners.all()) == ["gribskov", "hillerod"]


def test_builds_on_may_not_go_round_in_a_circle(network, add_experiment):
    first = add_experiment("helsingor", "Første forsøg")
    second = add_experiment("helsingor", "Andet forsøg", builds_on=first)
    third = add_experiment("hillerod", "Tredje forsøg", builds_on=second)

    first.builds_on = third
    with pytest.raises(ValidationError) as raised:
        first.full_clean()
    assert "bygger selv" in str(raised.value.message_dict["builds_on"])

    first.builds_on = None
    third.builds_on = first
    third.full_clean()  # a chain without a circle is fine


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("SEL § 1, stk. 99999", "Kunne ikke forstå"),
        ("SEL § 123456789", "Kunne ikke forstå"),
        ("SEL §§ 1-99999", "Kunne ikke forstå"),
        ("LAB § 2, nr. " + "9" * 5000, "højst"),
    ],
)
def test_a_reference_with_a_number_no_law_has_is_refused_with_a_message(
    client, editor, experiment_form_data, reference, message
):
    data = experiment_form_data("Stort tal", "stort-tal", exemptions=[reference])

    response = client.post(add_url(municipality("helsingor")), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ExperimentPage.objects.filter(slug="stort-tal").exists()
