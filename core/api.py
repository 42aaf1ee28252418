"""What every endpoint of the JSON API shares: pagination, the documented error answers, absolute page URLs."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "antal"
    max_page_size = 200
    invalid_page_message = _("Siden findes ikke.")


BAD_FILTER = OpenApiResponse(OpenApiTypes.OBJECT, description="Ugyldigt filter: en liste af fejl pr. parameter.")
NOT_FOUND = OpenApiResponse(OpenApiTypes.OBJECT, description="Findes ikke, eller læseren må ikke se den.")


def list_responses(serializer) -> dict:
    return {200: serializer(many=True), 400: BAD_FILTER, 404: NOT_FOUND}


def detail_responses(serializer) -> dict:
    return {200: serializer, 404: NOT_FOUND}


def absolute_page_url(serializer, page) -> str:
    request = serializer.context.get("request")
    url = page.get_url(request=request)
    return request.build_absolute_uri(url) if request and url else url or ""
