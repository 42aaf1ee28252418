"""Throttling of the admin's "Glemt adgangskode?" form (Wagtail's password reset), which django-axes does not cover.

Each POST to the form counts against the client's address and against the e-mail address asked for, in the cache,
for an hour: past PASSWORD_RESET_LIMIT_PER_ADDRESS (10) or PASSWORD_RESET_LIMIT_PER_EMAIL (3) the form answers 429
with a Danish page and sends no mail, so the form can neither flood one inbox nor be used to probe many addresses
fast. The counts are kept in the site's cache (Redis with REDIS_URL, else the database cache, whose increments are
not atomic: two requests at the same instant may both count as one, which a limit of this kind can afford).
"""

import hashlib

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.urls import reverse

WINDOW_SECONDS = 60 * 60


def _over_limit(kind: str, value: str, limit: int) -> bool:
    key = "password-reset:" + kind + ":" + hashlib.sha256(value.encode()).hexdigest()
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count > limit


class PasswordResetThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.path = None

    def __call__(self, request):
        if self.path is None:
            self.path = reverse("wagtailadmin_password_reset")
        if request.method == "POST" and request.path == self.path:
            email = request.POST.get("email", "").strip().casefold()
            address = get_client_ip_address(request) or ""
            # Both counts go up on every request, so neither limit can be dodged by the other.
            by_address = _over_limit("address", address, settings.PASSWORD_RESET_LIMIT_PER_ADDRESS)
            by_email = bool(email) and _over_limit("email", email, settings.PASSWORD_RESET_LIMIT_PER_EMAIL)
            if by_address or by_email:
                return render(request, "registration/password_reset_throttled.html", status=429)
        return self.get_response(request)
