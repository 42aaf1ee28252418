"""The weekly digest for the ministry and the network coordinator."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from alerts.digest import send_digest
from alerts.models import OptOut
from alerts.tasks import send_digest_task
from experiments.models import ExemptionRequest, Provision
from experiments.references import parse_reference
from municipalities.models import Network
from tests.alerts.conftest import html_part, publish_experiment, republish, run_worker, text_part


@pytest.mark.django_db(transaction=True)
def test_the_ministry_and_the_coordinator_get_the_week_grouped_by_municipality_once(mailbox, site_data, make_user):
    Network.objects.update(coordinator_email="koordinator@enplan.example")
    make_user("ministeriet", role="ministry", email="fuldmaegtig@ministeriet.example")
    make_user("medarbejder-ballerup", role="staff", municipality_slug="ballerup", email="staff@ballerup.example")
    helsingor = make_user("koordinator-helsingor", role="coordinators", municipality_slug="helsingor")
    ballerup = make_user("koordinator-ballerup", role="coordinators", municipality_slug="ballerup")
    provision = Provision.objects.resolve(parse_reference("SEL § 140"))
    page = publish_experiment(
        "helsingor",
        "Én plan for familier",
        user=helsingor,
        exemption_requests=[ExemptionRequest(provision=provision, decision="applied")],
    )
    exemption = page.exemption_requests.get()
    exemption.decision = "granted"
    page.exemption_requests.add(exemption)
    republish(page, user=helsingor)
    publish_experiment("ballerup", "Ballerups forsøg", user=ballerup)
    publish_experiment("ballerup", "Ballerups andet forsøg", user=ballerup, visibility="network")

    send_digest_task.enqueue()
    run_worker()

    assert mailbox.to("staff@ballerup.example") == []
    [ministry] = mailbox.to("fuldmaegtig@ministeriet.example")
    [coordinator] = mailbox.to("koordinator@enplan.example")
    text = text_part(ministry)
    assert "Ugeoversigt" in ministry["Subject"]
    assert "== Ballerup (2) ==" in text and "== Helsingør (2) ==" in text
    assert "nye forsøg: 2" in text  # Ballerup's two new experiments
    assert "afgørelser: 1" in text and "Afgørelse om SEL § 140: imødekommet" in text
    assert "I alt: nye forsøg 3, ændrede forsøg 0, afgørelser 1" in text
    assert "<h2>Helsingør (2)</h2>" in html_part(ministry)
    assert text_part(coordinator) == text.replace("fuldmaegtig@ministeriet.example", "koordinator@enplan.example") or (
        "Helsingør (2)" in text_part(coordinator)
    )

    send_digest_task.enqueue()
    run_worker()
    assert len(mailbox.messages) == 2

    link = coordinator["List-Unsubscribe"].strip().strip("<>").removeprefix("http://testserver")
    assert Client().post(link).status_code == 200
    assert OptOut.objects.filter(email="koordinator@enplan.example", kind="digest").exists()
    send_digest(now=timezone.now() + datetime.timedelta(days=7))
    assert [m.envelope_recipients for m in mailbox.messages[2:]] == [["fuldmaegtig@ministeriet.example"]]
