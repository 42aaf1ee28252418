"""Reminders to project managers, each sent once per occurrence, and the coordinator's list in the admin."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from alerts.models import Delivery, OptOut
from alerts.reminders import due_reminders
from alerts.tasks import send_reminders_task
from experiments.models import ExemptionExtension
from tests.alerts.conftest import html_part, run_worker, text_part

TODAY = timezone.localdate()


def long_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


@pytest.mark.django_db(transaction=True)
def test_project_managers_get_each_reminder_once_and_can_unsubscribe(mailbox, site_data, add_experiment):
    experiment = add_experiment(
        "helsingor",
        "Én plan i Helsingør",
        statuses=[("started", long_ago(400))],
        exemptions=[("SEL § 140", "granted")],
        planned_end=long_ago(120),
        contact_email="projektleder@helsingor.example",
    )
    exemption = experiment.exemption_requests.get()
    exemption.basis_ends_on = long_ago(10)
    exemption.save()
    ExemptionExtension.objects.create(exemption=exemption, ends_on=TODAY + datetime.timedelta(days=30))
    add_experiment("ballerup", "Nyt forsøg", statuses=[("started", long_ago(10))], contact_email="b@ballerup.example")

    send_reminders_task.enqueue()
    run_worker()

    messages = mailbox.to("projektleder@helsingor.example")
    texts = sorted(text_part(message) for message in messages)
    assert len(messages) == 4, texts
    joined = "\n".join(texts)
    assert "Forsøgets status har ikke ændret sig siden" in joined
    assert "slutdato" in joined and "ingen statushændelse siden" in joined
    assert "der er endnu ingen resultater" in joined
    assert "Hjemlen til fritagelsen fra SEL § 140 udløber" in joined
    assert mailbox.to("b@ballerup.example") == []
    for message in messages:
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Unsubscribe"].strip().strip("<>") in html_part(message)

    send_reminders_task.enqueue()
    run_worker()
    assert len(mailbox.messages) == 4
    assert Delivery.objects.filter(kind="reminder", state="sent").count() == 4

    # One click ends the reminders to that address; a new occurrence is then not sent.
    link = messages[0]["List-Unsubscribe"].strip().strip("<>").removeprefix("http://testserver")
    response = Client(enforce_csrf_checks=True).post(link, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert OptOut.objects.filter(email="projektleder@helsingor.example", kind="reminder").exists()
    ExemptionExtension.objects.create(exemption=exemption, ends_on=TODAY + datetime.timedelta(days=60))
    send_reminders_task.enqueue()
    run_worker()
    assert len(mailbox.messages) == 4


def test_finished_experiments_with_results_need_no_reminder(network, add_experiment):
    add_experiment(
        "helsingor",
        "Afsluttet forsøg",
        statuses=[("started", long_ago(900)), ("evaluated", long_ago(400))],
        planned_end=long_ago(500),
        results=1,
    )
    assert due_reminders() == []


def test_the_stale_status_limit_is_a_setting(network, add_experiment, settings):
    add_experiment("helsingor", "Forsøg", statuses=[("started", long_ago(100))])
    settings.ALERTS_STALE_STATUS_MONTHS = 6
    assert due_reminders() == []
    settings.ALERTS_STALE_STATUS_MONTHS = 3
    assert [reminder.cause for reminder in due_reminders()] == ["stale"]


def test_the_coordinator_sees_the_reminders_of_their_own_municipality_only(client, network, add_experiment, make_user):
    add_experiment("helsingor", "Helsingørs gamle forsøg", statuses=[("started", long_ago(400))])
    add_experiment("ballerup", "Ballerups gamle forsøg", statuses=[("started", long_ago(400))])
    client.force_login(make_user("koordinator-helsingor", role="coordinators", municipality_slug="helsingor"))
    response = client.get("/admin/paamindelser/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Helsingørs gamle forsøg" in content and "Ballerups gamle forsøg" not in content
    assert "Forsøg, der kræver opmærksomhed" in content

    client.force_login(make_user("redaktoer-helsingor", role="editors", municipality_slug="helsingor"))
    assert client.get("/admin/paamindelser/").status_code in (302, 403)


def test_the_experiment_page_shows_when_the_legal_basis_ends_and_its_extensions(client, network, add_experiment):
    experiment = add_experiment("helsingor", "Én plan", exemptions=[("SEL § 140", "granted")])
    exemption = experiment.exemption_requests.get()
    exemption.basis_ends_on = datetime.date(2021, 12, 31)
    exemption.save()
    ExemptionExtension.objects.create(
        exemption=exemption, ends_on=datetime.date(2022, 12, 31), legal_instrument="lov nr. 2598 af 28. dec. 2021"
    )
    content = client.get(experiment.url).content.decode()
    assert "31. december 2021" in content and "Hjemlen til fritagelsen fra SEL § 140 udløber" in content
    assert "31. december 2022" in content and "lov nr. 2598 af 28. dec. 2021" in content
    assert exemption.basis_end == datetime.date(2022, 12, 31)


def test_extensions_are_added_in_the_admin_naming_the_experiment_of_each_exemption(
    client, network, add_experiment, django_user_model
):
    experiment = add_experiment("helsingor", "Én plan", exemptions=[("SEL § 140", "granted")])
    exemption = experiment.exemption_requests.get()
    client.force_login(django_user_model.objects.create_superuser("admin", password="test-password-1"))
    url = "/admin/snippets/experiments/exemptionextension/add/"
    assert "Én plan: SEL § 140 (imødekommet)" in client.get(url).content.decode()
    response = client.post(url, {"exemption": exemption.pk, "ends_on": "2022-12-31", "legal_instrument": "L 58"})
    assert response.status_code == 302
    assert exemption.basis_end == datetime.date(2022, 12, 31)
