"""Messages: rendered from templates as plain text and HTML, each with a one-click unsubscribe link (RFC 8058)."""

from email.utils import make_msgid

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

UNSUBSCRIBE_SALT = "alerts.unsubscribe"
CONFIRM_SALT = "alerts.confirm"
# How long a confirmation link of the double opt-in works.
CONFIRM_MAX_AGE = 7 * 24 * 3600


def absolute(path: str) -> str:
    """A link for an e-mail: the site's address (ALERTS_BASE_URL) before a path; full URLs pass unchanged."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.ALERTS_BASE_URL.rstrip("/") + path


def unsubscribe_token(*, subscription=None, email: str = "", kind: str = "") -> str:
    """A signed, non-expiring token: for a subscription, or for an address and a kind of message (reminders, digest)."""
    payload = {"s": subscription.pk} if subscription is not None else {"e": email, "k": kind}
    return signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> dict:
    return signing.loads(token, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(**kwargs) -> str:
    return absolute(reverse("alerts:unsubscribe", args=[unsubscribe_token(**kwargs)]))


def confirm_token(subscription) -> str:
    return signing.dumps({"c": subscription.pk}, salt=CONFIRM_SALT)


def read_confirm_token(token: str) -> dict:
    return signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)


def new_message_id() -> str:
    domain = settings.ALERTS_BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    return make_msgid(domain=domain)


def build_message(
    *, template: str, context: dict, to: str, subject: str, unsubscribe: str | None, message_id: str
) -> EmailMultiAlternatives:
    """`template`.txt and `template`.html under templates/alerts/email/, with the unsubscribe headers when given."""
    context = {**context, "unsubscribe_url": unsubscribe, "site_name": settings.WAGTAIL_SITE_NAME}
    text = render_to_string(f"alerts/email/{template}.txt", context)
    html = render_to_string(f"alerts/email/{template}.html", context)
    headers = {"Message-ID": message_id, "Auto-Submitted": "auto-generated"}
    if unsubscribe:
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def deliver(message: EmailMultiAlternatives) -> None:
    """Hand one message to the mail server (SMTP from EMAIL_URL); raises when it is refused."""
    with get_connection(fail_silently=False) as connection:
        connection.send_messages([message])
