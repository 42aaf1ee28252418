"""A real SMTP server (aiosmtpd) per test, the settings that point the site's mail at it, and helpers that publish
pages as a coordinator would and run the background worker as `manage.py db_worker` does."""

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

from core.publishing import publish_new_page
from experiments.models import ExperimentPage
from tests.conftest import municipality, restore_wagtail_base


class Mailbox:
    """What the SMTP server received, parsed: a list of email.message.EmailMessage."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message.envelope_recipients = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str):
        return [m for m in self.messages if address in m.envelope_recipients]

    def clear(self):
        self.messages.clear()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def mailbox(settings):
    """An SMTP server on 127.0.0.1 at a free port; the site sends to it through Django's SMTP backend."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_URL = f"smtp://127.0.0.1:{controller.port}"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "forsoeg@enplan.example"
    settings.ALERTS_BASE_URL = "http://testserver"
    yield box
    controller.stop()


@pytest.fixture
def http_server(live_server, django_db_blocker):
    """pytest-django's live server; afterwards its request threads let go of the test database (see
    `committed_server` in tests/conftest.py)."""
    yield live_server
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def site_data(db):
    """The network as setup_network makes it, also in a transactional test (whose database starts empty)."""
    from network.setup import setup_network

    restore_wagtail_base()
    return setup_network()


def run_worker():
    """Run the queued tasks and stop, as `manage.py db_worker` does in production."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0.1", verbosity=0)


def publish_experiment(slug: str, title: str, *, user, summary: str = "", visibility: str = "public", **fields):
    """A new experiment in municipality `slug`, published by `user` as in the admin (signals and all)."""
    page = ExperimentPage(
        title=title,
        slug=fields.pop("page_slug", None) or title.lower().replace(" ", "-").replace("é", "e"),
        summary=summary or f"{title}: resumé.",
        visibility=visibility,
        **fields,
    )
    return publish_new_page(municipality(slug), page, user=user)


def republish(page, *, user):
    page.save_revision(user=user).publish(user=user)
    page.refresh_from_db()
    return page


def text_part(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
