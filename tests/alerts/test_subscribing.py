"""Subscribing: e-mail-only subscribers confirm by a link first (double opt-in), network readers need not; Min side
lists, edits, pauses and deletes; a saved search's secret feed; unsubscribing without logging in."""

import datetime
import re

import feedparser
import pytest
from django.test import Client

from alerts.mail import unsubscribe_token
from alerts.models import Subscription
from alerts.sending import send_alerts
from experiments.models import StatusEvent
from tests.alerts.conftest import publish_experiment, republish, run_worker, text_part


@pytest.mark.django_db(transaction=True)
def test_an_email_only_follower_gets_nothing_until_the_confirmation_link_is_followed(mailbox, site_data, make_user):
    coordinator = make_user("koordinator-helsingor", role="coordinators", municipality_slug="helsingor")
    experiment = publish_experiment("helsingor", "Én plan", user=coordinator)
    client = Client()
    response = client.post(
        "/abonnement/foelg/",
        {
            "kind": "experiment",
            "target": experiment.pk,
            "frequency": "immediate",
            "email": "borger@example.dk",
            "next": experiment.url,
        },
    )
    assert response.status_code == 302 and response.url == experiment.url
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None and subscription.user is None
    run_worker()
    [confirmation] = mailbox.to("borger@example.dk")
    assert "Bekræft" in confirmation["Subject"]
    assert confirmation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.search(r"http://testserver(/abonnement/bekraeft/\S+/)", text_part(confirmation)).group(1)

    experiment.status_events.add(StatusEvent(status="started", date=datetime.date(2026, 11, 1)))
    republish(experiment, user=coordinator)
    run_worker()
    send_alerts()
    assert len(mailbox.messages) == 1

    assert "Dit abonnement er bekræftet" in client.get(link).content.decode()
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
    experiment.status_events.add(StatusEvent(status="midterm_evaluated", date=datetime.date(2026, 11, 20)))
    republish(experiment, user=coordinator)
    run_worker()
    [_, alert] = mailbox.to("borger@example.dk")
    assert "Ny status: midtvejsevalueret" in text_part(alert)
    assert "igangsat" not in text_part(alert)


def test_network_readers_subscribe_without_confirmation_and_manage_it_on_min_side(client, network, make_user):
    staff = make_user("medarbejder-ballerup", role="staff", municipality_slug="ballerup", email="s@ballerup.example")
    client.force_login(staff)
    response = client.post(
        "/abonnement/gem-soegning/",
        {
            "query": "q=handleplan&kommune=helsingor&side=3",
            "name": "Helsingørs planer",
            "email_alerts": "on",
            "feed_enabled": "on",
            "frequency": "weekly",
        },
    )
    assert response.status_code == 302 and response.url == "/min-side/"
    subscription = Subscription.objects.get()
    assert subscription.query_string == "q=handleplan&kommune=helsingor"
    assert subscription.confirmed_at is not None and subscription.frequency == "weekly"

    page = client.get("/min-side/").content.decode()
    assert "Helsingørs planer" in page and f"/abonnement/feed/{subscription.feed_token}/" in page

    client.post(f"/min-side/{subscription.pk}/rediger/", {"name": "Planer", "email_alerts": "on", "frequency": "daily"})
    subscription.refresh_from_db()
    assert (subscription.name, subscription.frequency, subscription.feed_enabled) == ("Planer", "daily", False)
    client.post(f"/min-side/{subscription.pk}/pause/")
    subscription.refresh_from_db()
    assert subscription.paused
    assert "på pause" in client.get("/min-side/").content.decode()
    client.post(f"/min-side/{subscription.pk}/pause/")
    subscription.refresh_from_db()
    assert not subscription.paused

    other = make_user("medarbejder-helsingor", role="staff", municipality_slug="helsingor")
    client.force_login(other)
    assert client.post(f"/min-side/{subscription.pk}/slet/").status_code == 404
    client.force_login(staff)
    client.post(f"/min-side/{subscription.pk}/slet/")
    assert not Subscription.objects.exists()


def test_the_follow_forms_are_on_the_experiment_provision_and_municipality_pages(client, network, add_experiment):
    experiment = add_experiment("helsingor", "Én plan", exemptions=[("SEL § 140", "granted")])
    provision = experiment.exemption_requests.get().provision
    for url, kind, target in [
        (experiment.url, "experiment", experiment.pk),
        (f"/paragraffer/{provision.pk}/", "provision", provision.pk),
        ("/kommuner/helsingor/", "municipality", experiment.get_parent().pk),
    ]:
        content = client.get(url).content.decode()
        assert 'action="/abonnement/foelg/"' in content, url
        assert f'name="kind" value="{kind}"' in content and f'name="target" value="{target}"' in content
    assert 'action="/abonnement/gem-soegning/"' in client.get("/soeg/?q=plan").content.decode()


def test_the_feed_of_a_saved_search_shows_what_its_owner_may_see_newest_first(client, network, make_user):
    coordinator = make_user("koordinator-helsingor", role="coordinators", municipality_slug="helsingor")
    staff = make_user("medarbejder-ballerup", role="staff", municipality_slug="ballerup")
    publish_experiment("helsingor", "Første handleplan", user=coordinator)
    publish_experiment("helsingor", "Lukket handleplan", user=coordinator, visibility="network")
    publish_experiment("helsingor", "Nyeste handleplan", user=coordinator)
    subscription = Subscription.objects.create(
        user=staff,
        kind="search",
        name="Planer",
        query_string="q=handleplan",
        feed_enabled=True,
        email_alerts=False,
        confirmed_at="2026-01-01T00:00Z",
    )
    feed = feedparser.parse(client.get(f"/abonnement/feed/{subscription.feed_token}/").content)
    titles = [entry.title for entry in feed.entries]
    assert set(titles) == {"Første handleplan", "Lukket handleplan", "Nyeste handleplan"}
    assert titles.index("Nyeste handleplan") < titles.index("Første handleplan")

    shared = feedparser.parse(client.get(f"/abonnement/feed/{subscription.public_feed_token}/").content)
    assert [entry.title for entry in shared.entries] == [t for t in titles if t != "Lukket handleplan"]

    staff.is_active = False
    staff.save()
    feed = feedparser.parse(client.get(f"/abonnement/feed/{subscription.feed_token}/").content)
    assert "Lukket handleplan" not in [entry.title for entry in feed.entries]
    assert client.get("/abonnement/feed/not-a-token/").status_code == 404


def test_unsubscribing_needs_no_login_asks_on_get_and_is_idempotent_on_post(network, make_user):
    staff = make_user("medarbejder-ballerup", role="staff", municipality_slug="ballerup")
    subscription = Subscription.objects.create(
        user=staff, kind="search", name="Planer", query_string="q=plan", confirmed_at="2026-01-01T00:00Z"
    )
    url = f"/abonnement/afmeld/{unsubscribe_token(subscription=subscription)}/"
    client = Client(enforce_csrf_checks=True)
    assert "Afmeld" in client.get(url).content.decode()
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is None
    assert "Du er afmeldt" in client.post(url, {"List-Unsubscribe": "One-Click"}).content.decode()
    subscription.refresh_from_db()
    first = subscription.unsubscribed_at
    assert first is not None
    assert client.post(url).status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at == first
    assert client.post("/abonnement/afmeld/forfalsket/").status_code == 400


def test_a_follower_sees_that_they_follow_instead_of_the_button(client, network, add_experiment, make_user):
    experiment = add_experiment("helsingor", "Én plan")
    client.force_login(make_user("medarbejder-ballerup", role="staff", municipality_slug="ballerup"))
    client.post("/abonnement/foelg/", {"kind": "experiment", "target": experiment.pk, "frequency": "daily"})
    content = client.get(experiment.url).content.decode()
    assert "Du følger Én plan." in content and 'action="/abonnement/foelg/"' not in content


@pytest.mark.django_db(transaction=True)
def test_saving_the_same_search_twice_without_login_sends_one_confirmation(mailbox, site_data):
    client = Client()
    data = {
        "query": "q=handleplan",
        "name": "Planer",
        "email_alerts": "on",
        "frequency": "daily",
        "email": "Borger@Example.dk",
    }
    for _attempt in range(2):
        response = client.post("/abonnement/gem-soegning/", data)
        assert response.status_code == 302 and response.url == "/soeg/?q=handleplan"
    run_worker()
    assert Subscription.objects.get().email == "borger@example.dk"
    assert len(mailbox.to("borger@example.dk")) == 1
