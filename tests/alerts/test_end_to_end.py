"""The whole way, over real HTTP and real SMTP: a staff member saves a search on the site, another municipality's
coordinator publishes a matching experiment, the worker runs, and the alert arrives with a working unsubscribe link."""

import re

import pytest
import requests

from alerts.models import Subscription
from tests.alerts.conftest import html_part, publish_experiment, run_worker, text_part

pytestmark = pytest.mark.django_db(transaction=True)


def login(session: requests.Session, base: str, username: str) -> None:
    page = session.get(f"{base}/log-ind/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base}/log-ind/",
        data={"username": username, "password": "test-password-1", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/log-ind/"},
    )
    assert "sessionid" in session.cookies, response.text[:500]


def test_saved_search_alert_arrives_and_its_unsubscribe_link_works(
    http_server, mailbox, settings, site_data, make_user
):
    live_server = http_server
    settings.ALERTS_BASE_URL = live_server.url
    base = live_server.url
    make_user(
        "medarbejder-ballerup", role="staff", municipality_slug="ballerup", email="sagsbehandler@ballerup.example"
    )
    coordinator = make_user("koordinator-helsingor", role="coordinators", municipality_slug="helsingor")

    session = requests.Session()
    login(session, base, "medarbejder-ballerup")
    search_page = session.get(f"{base}/soeg/", params={"q": "handleplan", "type": "forsoeg"})
    assert 'action="/abonnement/gem-soegning/"' in search_page.text
    query = re.search(r'name="query" value="([^"]*)"', search_page.text).group(1).replace("&amp;", "&")
    assert query == "q=handleplan&type=forsoeg"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', search_page.text).group(1)
    saved = session.post(
        f"{base}/abonnement/gem-soegning/",
        data={
            "csrfmiddlewaretoken": token,
            "query": query,
            "name": "Handleplaner",
            "email_alerts": "on",
            "frequency": "immediate",
        },
        headers={"Referer": f"{base}/soeg/"},
    )
    assert saved.url == f"{base}/min-side/"
    assert "Handleplaner" in saved.text
    subscription = Subscription.objects.get()
    assert subscription.query_string == "q=handleplan&type=forsoeg"
    assert subscription.confirmed_at is not None

    publish_experiment(
        "helsingor",
        "Fælles handleplan for familier",
        user=coordinator,
        summary="Én handleplan for hele familien i stedet for mange.",
    )
    publish_experiment("helsingor", "Noget helt andet", user=coordinator, summary="Intet om planer her.")
    run_worker()

    [message] = mailbox.to("sagsbehandler@ballerup.example")
    assert message["Subject"] == "Nyt fra »Handleplaner«: 1 side"
    unsubscribe = message["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith(f"{base}/abonnement/afmeld/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = text_part(message), html_part(message)
    assert "Fælles handleplan for familier" in text and "Noget helt andet" not in text
    assert "Ny status" not in text and "Nyt forsøg: Fælles handleplan for familier" in text
    assert unsubscribe in text
    assert "<mark>handleplan</mark>" in html.lower() or "<mark>" in html
    assert f'href="{unsubscribe}"' in html

    # The link in the message asks first (a link scanner must not unsubscribe anyone), then one click does it.
    landing = requests.get(unsubscribe)
    assert landing.status_code == 200 and "Afmeld" in landing.text
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is None
    # RFC 8058: the mail client's POST, without cookies or CSRF token; twice is as once.
    for _attempt in range(2):
        done = requests.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
        assert done.status_code == 200 and "Du er afmeldt" in done.text
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None

    session.close()
    mailbox.clear()
    publish_experiment("helsingor", "Endnu en handleplan", user=coordinator)
    run_worker()
    assert mailbox.to("sagsbehandler@ballerup.example") == []
