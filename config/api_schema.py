"""OpenAPI schema hooks: the published schema describes /api/v1/ only, not Wagtail's internal admin API."""

API_PREFIX = "/api/v1/"


def only_api_v1(endpoints):
    """drf-spectacular preprocessing hook: keep the endpoints under /api/v1/, wherever in the URLconf they are."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(API_PREFIX)]
