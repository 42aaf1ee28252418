"""A database that does not answer (restarted, failed over, out of connections) gives a polite 503, not a 500.

`DatabaseUnavailableMiddleware` turns django.db's OperationalError and InterfaceError into a Danish "try again in a
moment" page (JSON under /api/) with Retry-After, without a word about the cause. A view's error is caught in
`process_exception`; one raised by a middleware nearer the view (sessions, authentication) is converted to a 500 by
Django before it gets here, so `got_request_exception` marks the request and the 500 is replaced. The page needs
no database: a standalone template rendered without the request's context processors.

The site recovers by itself: a failed connection is closed at the end of the request, and CONN_HEALTH_CHECKS makes
the next request check a persistent connection before it is used (config/database.py).
"""

import logging

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
DATABASE_ERRORS = (OperationalError, InterfaceError)
_MARK = "_database_unavailable"


def unavailable_response(request) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "Registret er midlertidigt utilgængeligt. Prøv igen om et øjeblik."},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _mark_request(sender, request=None, **kwargs):
    import sys

    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_ERRORS):
        setattr(request, _MARK, True)


got_request_exception.connect(_mark_request, dispatch_uid="core_database_unavailable")


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except DATABASE_ERRORS as error:  # raised while a 500 page was being made
            return self._unavailable(request, error)
        if response.status_code == 500 and getattr(request, _MARK, False):
            return self._unavailable(request, None)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return self._unavailable(request, exception)
        return None

    @staticmethod
    def _unavailable(request, error) -> HttpResponse:
        logger.warning(
            "Database unavailable: 503 for %s %s (%s)",
            request.method,
            request.path,
            type(error).__name__ if error else "in a middleware",
        )
        return unavailable_response(request)
