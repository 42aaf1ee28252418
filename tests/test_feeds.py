"""Atom feeds, read with a real feed parser: what a feed reader (always anonymous) gets."""

import datetime

import feedparser
import pytest
from django.utils import timezone

from experiments.models import Provision
from experiments.references import parse_reference


def at(day):
    return timezone.make_aware(datetime.datetime(2024, 5, day, 9, 30))


@pytest.fixture
def records(add_experiment):
    old = add_experiment(
        "helsingor", "Én plan for familier", exemptions=[("SEL § 140, stk. 3", "granted")], published=at(1)
    )
    new = add_experiment("helsingor", "Færre møder", exemptions=[("LAB §§ 27–30", "granted")], published=at(9))
    partner = add_experiment(
        "ballerup",
        "Fælles forsøg med Helsingør",
        partners=["helsingor"],
        exemptions=[("SDPL § 13", "refused")],
        published=at(5),
    )
    add_experiment("helsingor", "Kun for netværket", visibility="network", exemptions=[("SEL § 140", "granted")])
    add_experiment("helsingor", "Kladde", live=False, exemptions=[("SEL § 140", "granted")])
    return {"old": old, "new": new, "partner": partner}


def parse(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_network_feed_has_public_experiments_newest_change_first(client, make_user, records):
    client.force_login(make_user("sagsbehandler"))  # a logged-in reader still gets the public feed only
    feed = parse(client, "/feeds/forsoeg/")
    assert feed.feed.title == "Nye og opdaterede forsøg i frikommunenetværket"
    assert [entry.title for entry in feed.entries] == [
        "Færre møder",
        "Fælles forsøg med Helsingør",
        "Én plan for familier",
    ]
    first = feed.entries[0]
    assert first.link == f"http://testserver/kommuner/helsingor/{records['new'].slug}/"
    assert first.updated_parsed[:5] == at(9).astimezone(datetime.UTC).timetuple()[:5]
    assert first.author == "Helsingør"
    assert first.id.startswith("tag:testserver,2016:forsoeg/")
    assert first.summary == records["new"].summary


def test_updating_an_experiment_moves_it_to_the_top(client, records):
    from experiments.models import ExperimentPage

    ExperimentPage.objects.filter(pk=records["old"].pk).update(last_published_at=at(20))
    feed = parse(client, "/feeds/forsoeg/")
    assert feed.entries[0].title == "Én plan for familier"
    assert feed.entries[0].published_parsed[:3] == (2024, 5, 1)
    assert feed.entries[0].updated_parsed[:3] == (2024, 5, 20)


def test_municipality_feed_has_its_own_and_its_partner_experiments(client, records):
    feed = parse(client, "/feeds/kommuner/helsingor/")
    assert feed.feed.title == "Forsøg i Helsingør"
    assert {entry.title for entry in feed.entries} == {
        "Færre møder",
        "Fælles forsøg med Helsingør",
        "Én plan for familier",
    }
    assert [entry.title for entry in parse(client, "/feeds/kommuner/ballerup/").entries] == [
        "Fælles forsøg med Helsingør"
    ]
    assert parse(client, "/feeds/kommuner/gribskov/").entries == []
    assert client.get("/feeds/kommuner/atlantis/").status_code == 404


def test_provision_feed_follows_parts_and_renumbering(client, records):
    sel_140 = Provision.objects.resolve(parse_reference("SEL § 140"))
    feed = parse(client, f"/feeds/paragraffer/{sel_140.pk}/")
    assert feed.feed.title == "Forsøg med fritagelse fra SEL § 140"
    assert [entry.title for entry in feed.entries] == ["Én plan for familier"]  # sought SEL § 140, stk. 3
    lab_40 = Provision.objects.get(law__key="LAB", paragraph="40", stk=1)
    assert [entry.title for entry in parse(client, f"/feeds/paragraffer/{lab_40.pk}/").entries] == ["Færre møder"]
    assert client.get("/feeds/paragraffer/999999/").status_code == 404


def test_knowledge_feed_has_public_articles_newest_first(client, network):
    from knowledge.models import KnowledgeArticlePage, KnowledgeIndexPage

    index = KnowledgeIndexPage.objects.get()
    for title, day, visibility in [
        ("Metodeguide", 3, "public"),
        ("Evaluering", 7, "public"),
        ("Referat", 9, "network"),
    ]:
        article = index.add_child(
            instance=KnowledgeArticlePage(title=title, slug=title.lower(), summary=f"{title}.", visibility=visibility)
        )
        KnowledgeArticlePage.objects.filter(pk=article.pk).update(first_published_at=at(day), last_published_at=at(day))
    feed = parse(client, "/feeds/viden/")
    assert [entry.title for entry in feed.entries] == ["Evaluering", "Metodeguide"]
    assert feed.entries[0].link == "http://testserver/viden/evaluering/"
    assert feed.entries[0].tags[0].term == "Læring"


def test_pages_announce_their_feeds(client, records):
    html = client.get("/kommuner/helsingor/").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Forsøg i Helsingør" '
        'href="/feeds/kommuner/helsingor/">' in html
    )
    assert 'href="/feeds/forsoeg/"' in html and 'href="/feeds/viden/"' in html
    experiment = client.get(records["partner"].url).content.decode()
    assert 'href="/feeds/kommuner/ballerup/"' in experiment
    sel_140 = Provision.objects.resolve(parse_reference("SEL § 140"))
    assert f'href="/feeds/paragraffer/{sel_140.pk}/"' in client.get(f"/paragraffer/{sel_140.pk}/").content.decode()
