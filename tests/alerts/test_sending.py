"""Alerts of saved searches and follows: what is new since the last alert, as the reader may see it when sent, once."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from alerts.models import Delivery, Subscription
from alerts.sending import SendingFailed, send_alerts
from alerts.subscribing import subscribe
from core.publishing import publish_new_page
from experiments.models import ExemptionRequest, Learning, Provision, Result, StatusEvent, TargetGroup
from experiments.references import parse_reference
from knowledge.models import KnowledgeArticlePage, KnowledgeIndexPage
from tests.alerts.conftest import html_part, publish_experiment, republish, text_part


@pytest.fixture
def coordinator(network, make_user):
    return make_user("koordinator-helsingor", role="coordinators", municipality_slug="helsingor")


@pytest.fixture
def staff(network, make_user):
    return make_user("medarbejder-ballerup", role="staff", municipality_slug="ballerup", email="staff@ballerup.example")


def public_subscriber(query_string: str, email: str = "borger@example.dk") -> Subscription:
    subscription, needs_confirmation = subscribe(
        user=AnonymousUser(),
        email=email,
        kind=Subscription.Kind.SEARCH,
        name="Handleplaner",
        query_string=query_string,
        frequency="immediate",
    )
    assert needs_confirmation
    Subscription.objects.filter(pk=subscription.pk).update(confirmed_at=timezone.now())
    return subscription


def later(minutes: int = 1) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_a_page_made_network_only_after_the_search_was_saved_is_not_sent_to_a_public_subscriber(
    mailbox, coordinator, staff
):
    public_subscriber("q=handleplan")
    subscribe(
        user=staff,
        kind=Subscription.Kind.SEARCH,
        name="Mine handleplaner",
        query_string="q=handleplan",
        frequency="immediate",
    )
    page = publish_experiment("helsingor", "Fælles handleplan", user=coordinator)
    page.visibility = "network"
    republish(page, user=coordinator)
    publish_experiment("helsingor", "Offentlig handleplan", user=coordinator)

    assert send_alerts() == 2

    [public] = mailbox.to("borger@example.dk")
    assert "Offentlig handleplan" in text_part(public)
    assert "Fælles handleplan" not in text_part(public) and "Fælles handleplan" not in html_part(public)
    [network_reader] = mailbox.to("staff@ballerup.example")
    assert "Fælles handleplan" in text_part(network_reader) and "Offentlig handleplan" in text_part(network_reader)


def test_a_rerun_sends_nothing_again_and_the_next_alert_has_only_what_is_new(mailbox, coordinator):
    subscription = public_subscriber("q=handleplan")
    publish_experiment("helsingor", "Første handleplan", user=coordinator, summary="Handleplan for børn & unge.")
    assert send_alerts() == 1
    assert send_alerts() == 0
    assert len(mailbox.messages) == 1

    publish_experiment("helsingor", "Anden handleplan", user=coordinator)
    assert send_alerts() == 1
    first, second = mailbox.messages
    assert "Første handleplan" in text_part(first)
    assert "børn & unge" in text_part(first) and "&amp;" not in text_part(first)
    assert "børn &amp; unge" in html_part(first)
    assert "Anden handleplan" in text_part(second) and "Første handleplan" not in text_part(second)
    assert first["Message-ID"] != second["Message-ID"]
    subscription.refresh_from_db()
    assert subscription.last_sent_at is not None
    assert list(Delivery.objects.values_list("state", flat=True)) == ["sent", "sent"]


class Crash(BaseException):
    """The process dying: not an error the job could catch."""


def test_a_job_that_dies_midway_resumes_without_sending_anything_twice(mailbox, coordinator, monkeypatch):
    subscriptions = [public_subscriber("q=handleplan", email=f"borger{i}@example.dk") for i in range(3)]
    publish_experiment("helsingor", "Fælles handleplan", user=coordinator)

    from alerts import sending

    real_deliver = sending.deliver
    calls = []

    def dies_on_the_second(message):
        calls.append(message)
        if len(calls) == 2:
            raise Crash
        real_deliver(message)

    monkeypatch.setattr(sending, "deliver", dies_on_the_second)
    with pytest.raises(Crash):
        send_alerts()
    assert [m.envelope_recipients for m in mailbox.messages] == [["borger0@example.dk"]]
    # The second subscriber's message was recorded before the attempt and is still pending; the third not started.
    pending = Delivery.objects.get(state=Delivery.State.PENDING)
    assert pending.subscription == subscriptions[1]

    monkeypatch.setattr(sending, "deliver", real_deliver)
    assert send_alerts() == 2
    assert send_alerts() == 0
    recipients = sorted(r for m in mailbox.messages for r in m.envelope_recipients)
    assert recipients == ["borger0@example.dk", "borger1@example.dk", "borger2@example.dk"]
    resent = mailbox.to("borger1@example.dk")[0]
    assert resent["Message-ID"].strip() == pending.message_id
    assert not Delivery.objects.filter(state=Delivery.State.PENDING).exists()


def test_a_failing_mail_server_leaves_the_alert_pending_for_the_next_run(mailbox, coordinator, monkeypatch):
    public_subscriber("q=handleplan")
    publish_experiment("helsingor", "Fælles handleplan", user=coordinator)
    from alerts import sending

    def refused(message):
        raise OSError("connection refused")

    real = sending.deliver
    monkeypatch.setattr(sending, "deliver", refused)
    with pytest.raises(SendingFailed):
        send_alerts()
    assert Delivery.objects.get().attempts == 1
    monkeypatch.setattr(sending, "deliver", real)
    assert send_alerts() == 1
    assert "Fælles handleplan" in text_part(mailbox.messages[0])


def test_following_an_experiment_alerts_about_status_decisions_results_learnings_and_linked_knowledge(
    mailbox, coordinator, staff, make_user
):
    provision = Provision.objects.resolve(parse_reference("SEL § 140"))
    page = publish_experiment(
        "helsingor",
        "Én plan for familier",
        user=coordinator,
        exemption_requests=[ExemptionRequest(provision=provision, decision="applied")],
    )
    subscription, _ = subscribe(
        user=staff, kind=Subscription.Kind.EXPERIMENT, page=page.page_ptr, name=page.title, frequency="immediate"
    )
    page.status_events.add(StatusEvent(status="started", date=datetime.date(2026, 11, 1)))
    exemption = page.exemption_requests.get()
    exemption.decision = "granted"
    page.exemption_requests.add(exemption)
    page.results.add(Result(indicator="Færre planer pr. familie", value=1))
    page.learnings.add(Learning(what_worked="Én koordinator pr. familie"))
    republish(page, user=coordinator)
    article = KnowledgeArticlePage(title="Læring om én plan", slug="laering-om-en-plan", summary="Det lærte vi.")
    article.experiments = [page]
    administrator = make_user("netvaerksadministrator", role="administrators")
    publish_new_page(KnowledgeIndexPage.objects.get(), article, user=administrator)
    publish_experiment("helsingor", "Et andet forsøg", user=coordinator)

    assert send_alerts() == 1
    [message] = mailbox.to("staff@ballerup.example")
    text = text_part(message)
    assert "Ny status: igangsat (1. november 2026)" in text
    assert "Afgørelse om SEL § 140: imødekommet" in text
    assert "Nyt resultat: Færre planer pr. familie" in text
    assert "Ny læring: Én koordinator pr. familie" in text
    assert "Ny viden: Læring om én plan" in text
    assert "Et andet forsøg" not in text
    assert subscription.name in message["Subject"]


def test_following_a_municipality_provision_and_target_group(mailbox, coordinator, staff):
    provision = Provision.objects.resolve(parse_reference("LAB § 30 a"))
    group = TargetGroup.objects.first()
    helsingor = coordinator.groups.first()  # noqa: F841 - the coordinator belongs to Helsingør
    from tests.conftest import municipality

    subscribe(
        user=staff,
        kind=Subscription.Kind.MUNICIPALITY,
        page=municipality("helsingor").page_ptr,
        name="Helsingør",
        frequency="immediate",
    )
    subscribe(
        user=staff,
        email="",
        kind=Subscription.Kind.PROVISION,
        provision=provision,
        name="LAB § 30 a",
        frequency="immediate",
    )
    subscribe(
        user=staff, kind=Subscription.Kind.TARGET_GROUP, target_group=group, name=str(group), frequency="immediate"
    )
    page = publish_experiment(
        "helsingor",
        "Rehabiliteringsplan",
        user=coordinator,
        exemption_requests=[ExemptionRequest(provision=provision, decision="applied")],
    )
    page.target_groups = [group]
    republish(page, user=coordinator)

    assert send_alerts() == 3
    subjects = sorted(m["Subject"].strip() for m in mailbox.to("staff@ballerup.example"))
    assert subjects == sorted([f"Nyt fra »{name}«: 1 side" for name in ("Helsingør", "LAB § 30 a", str(group))])


def test_paused_and_unconfirmed_subscriptions_get_nothing(mailbox, coordinator, staff):
    subscription, _ = subscribe(
        user=staff, kind=Subscription.Kind.SEARCH, name="Pause", query_string="q=handleplan", frequency="immediate"
    )
    Subscription.objects.filter(pk=subscription.pk).update(paused=True)
    subscribe(
        user=AnonymousUser(),
        email="ubekraeftet@example.dk",
        kind=Subscription.Kind.SEARCH,
        name="Ubekræftet",
        query_string="q=handleplan",
        frequency="immediate",
    )
    publish_experiment("helsingor", "Fælles handleplan", user=coordinator)
    assert send_alerts() == 0
    assert mailbox.messages == []


def test_daily_subscriptions_wait_a_day(mailbox, coordinator, staff):
    subscribe(user=staff, kind=Subscription.Kind.SEARCH, name="Dagligt", query_string="q=handleplan", frequency="daily")
    publish_experiment("helsingor", "Fælles handleplan", user=coordinator)
    assert send_alerts(now=later(60)) == 0
    assert send_alerts(now=later(24 * 60)) == 1


def test_publications_queue_one_alert_job_per_transaction_and_none_without_subscribers(
    coordinator, staff, django_capture_on_commit_callbacks
):
    def queued(callbacks):
        return [callback for callback in callbacks if getattr(callback, "queues_alerts", False)]

    with django_capture_on_commit_callbacks() as callbacks:
        publish_experiment("helsingor", "Uden abonnenter", user=coordinator)
    assert queued(callbacks) == []

    subscribe(user=staff, kind=Subscription.Kind.SEARCH, name="Alt", query_string="", frequency="immediate")
    with django_capture_on_commit_callbacks() as callbacks:
        publish_experiment("helsingor", "Første", user=coordinator)
        publish_experiment("helsingor", "Andet", user=coordinator)
    assert len(queued(callbacks)) == 1


def test_an_article_linked_later_to_a_followed_experiment_is_news_once(mailbox, coordinator, staff, make_user):
    page = publish_experiment("helsingor", "Én plan for familier", user=coordinator)
    subscribe(user=staff, kind=Subscription.Kind.EXPERIMENT, page=page.page_ptr, name=page.title, frequency="immediate")
    administrator = make_user("netvaerksadministrator", role="administrators")
    article = KnowledgeArticlePage(title="Metodeguide", slug="metodeguide", summary="Sådan gør I.")
    publish_new_page(KnowledgeIndexPage.objects.get(), article, user=administrator)
    assert send_alerts() == 0

    article.experiments = [page]
    republish(article, user=administrator)
    assert send_alerts() == 1
    assert "Ny viden: Metodeguide" in text_part(mailbox.messages[0])
    republish(article, user=administrator)
    assert send_alerts() == 0
