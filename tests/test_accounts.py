"""Accounts hold against guessing and forgotten sessions: login throttling on both login pages, sessions that end
after a working day without use, and the security headers every response carries."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.utils import timezone

PASSWORD = "test-password-1"  # make_user's
LOGIN_PAGES = ["/log-ind/", "/admin/login/"]
LOCKED_OUT = "Log ind er midlertidigt spærret"


def attempt(client, path, username, password, address="10.0.0.1"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return client.get("/log-ind/").wsgi_request.user.is_authenticated


@pytest.fixture
def editor(make_user):
    # Editors may use the admin, so both login pages let them in.
    return make_user("redaktoer-helsingor", role="editors", municipality_slug="helsingor")


@pytest.fixture
def lock_out(client, settings):
    def lock(path, username, address="10.0.0.1"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt(client, path, username, "forkert-gæt", address)

    return lock


@pytest.mark.parametrize("path", LOGIN_PAGES)
def test_after_five_wrong_passwords_even_the_right_one_is_refused_with_a_danish_message(
    client, editor, lock_out, path, settings
):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert attempt(client, path, editor.username, "forkert-gæt").status_code == 200
    response = attempt(client, path, editor.username, "forkert-gæt")
    assert response.status_code == 429
    response = attempt(client, path, editor.username, PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED_OUT in html
    assert "5 gange med en forkert adgangskode" in html and "de næste 15 minutter" in html
    assert not logged_in(client)


@pytest.mark.parametrize("path", LOGIN_PAGES)
def test_a_locked_out_username_does_not_lock_out_another_user_or_another_address(
    client, editor, make_user, lock_out, path
):
    colleague = make_user("koordinator-helsingor", role="coordinators", municipality_slug="helsingor")
    lock_out(path, editor.username)
    assert attempt(client, path, colleague.username, PASSWORD).status_code == 302
    client.logout()
    assert attempt(client, path, editor.username, PASSWORD, address="10.0.0.2").status_code == 302


@pytest.mark.parametrize("path", LOGIN_PAGES)
def test_after_the_cool_off_the_right_password_works_again(client, editor, lock_out, path, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)
    lock_out(path, editor.username)
    assert attempt(client, path, editor.username, PASSWORD).status_code == 429
    # As if the minute had passed.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=61))
    assert attempt(client, path, editor.username, PASSWORD).status_code == 302
    assert logged_in(client)


def test_a_successful_login_forgets_earlier_failures(client, editor):
    for _ in range(4):
        attempt(client, "/log-ind/", editor.username, "forkert-gæt")
    assert attempt(client, "/log-ind/", editor.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "/log-ind/", editor.username, "forkert-gæt")
    assert attempt(client, "/log-ind/", editor.username, PASSWORD).status_code == 302


def test_failed_logins_keep_no_password(client, editor, lock_out):
    lock_out("/log-ind/", editor.username)
    (stored,) = AccessAttempt.objects.all()
    assert "forkert-gæt" not in stored.post_data


REAL_NOW = timezone.now


def later(monkeypatch, **elapsed):
    """Move the clock that sessions read to `elapsed` after the real now."""
    monkeypatch.setattr(timezone, "now", lambda: REAL_NOW() + timedelta(**elapsed))


def test_a_session_idle_for_more_than_a_working_day_is_logged_out(client, editor, monkeypatch):
    client.force_login(editor)
    assert logged_in(client)
    later(monkeypatch, hours=8, minutes=1)
    assert not logged_in(client)


def test_a_session_in_use_stays_logged_in_past_eight_hours(client, editor, monkeypatch):
    client.force_login(editor)
    for hours in (3, 6, 9, 12):
        later(monkeypatch, hours=hours)
        assert logged_in(client), f"logged out after {hours} hours of use"


def test_the_session_cookie_lasts_eight_hours(client, editor):
    client.force_login(editor)
    response = client.get("/log-ind/")
    assert response.cookies["sessionid"]["max-age"] == 8 * 60 * 60


def test_only_wagtails_own_inline_script_shapes_become_data_for_the_admin():
    from core.csp import convert_inline_scripts

    wagtail = (
        "<head></head>"
        '<script>initDateChooser("id_planned_start", {"dayOfWeekStart": 1});</script>'
        '<script>new PageChooser("id_builds_on", {"modalUrl": "/admin/choose-page/"});</script>'
        "<script>\n  (function() {\n    var panel = new InlinePanel("
        'JSON.parse("{\\u0022prefix\\u0022: \\u0022x\\u0022}"));\n  })();\n</script>'
    )
    converted = convert_inline_scripts(wagtail, "/static/js/admin_inline_scripts.js")
    assert "<script>" not in converted
    assert '{"call": "InlinePanel", "new": true, "args": [{"prefix": "x"}]}' in converted
    assert converted.startswith('<head><script src="/static/js/admin_inline_scripts.js" defer></script></head>')
    for hostile in (
        "<script>alert(1)</script>",
        '<script>new Function("alert(1)", {});</script>',
        '<script>initDateChooser("a", {});alert(1);//", {});</script>',
        '<script>initDateChooser("a", {"x": alert(1)});</script>',
    ):
        assert convert_inline_scripts(hostile, "/shim.js") == hostile, hostile


RESET = "/admin/password_reset/"
TOO_MANY_RESETS = "For mange anmodninger om ny adgangskode"


def test_the_password_reset_form_mails_one_address_three_times_an_hour_at_most(client, make_user, mailoutbox):
    make_user("redaktoer", role="editors", municipality_slug="helsingor", email="r@helsingor.dk")
    answers = [client.post(RESET, {"email": "R@helsingor.dk"}, REMOTE_ADDR=f"10.0.0.{n}").status_code for n in range(5)]
    assert answers[:3] == [302, 302, 302] and answers[3:] == [429, 429]
    assert len(mailoutbox) == 3
    refused = client.post(RESET, {"email": "r@helsingor.dk"}, REMOTE_ADDR="10.0.0.9")
    assert refused.status_code == 429 and TOO_MANY_RESETS in refused.content.decode()
    assert len(mailoutbox) == 3
    # Another person's address is not held up by it.
    make_user("koordinator", role="coordinators", municipality_slug="helsingor", email="k@helsingor.dk")
    assert client.post(RESET, {"email": "k@helsingor.dk"}, REMOTE_ADDR="10.0.0.20").status_code == 302
    assert len(mailoutbox) == 4


def test_one_address_may_ask_ten_times_an_hour_whatever_the_e_mail(client, db, mailoutbox, settings):
    answers = [
        client.post(RESET, {"email": f"person{n}@example.dk"}, REMOTE_ADDR="10.0.0.1").status_code for n in range(12)
    ]
    assert answers[: settings.PASSWORD_RESET_LIMIT_PER_ADDRESS] == [302] * 10 and answers[10:] == [429, 429]
    assert client.post(RESET, {"email": "x@example.dk"}, REMOTE_ADDR="10.0.0.2").status_code == 302
    assert client.get(RESET, REMOTE_ADDR="10.0.0.1").status_code == 200  # the form itself is never refused
