"""`/api/v1/search`: the search as JSON, with the same parameters as `/soeg/` and the same service behind it."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from search.facets import DATE, FACETS, INTEGER
from search.query import SORTS, SearchQuery
from search.service import search

_FACET_PARAMETERS = [
    OpenApiParameter(
        facet.param,
        {INTEGER: OpenApiTypes.INT, DATE: OpenApiTypes.DATE}.get(facet.type, OpenApiTypes.STR),
        many=True,
        description=f"Filter: {facet.label}. Repeat for alternatives (OR); different filters combine (AND).",
    )
    for facet in FACETS
]

_HIT = inline_serializer(
    "SearchHit",
    {
        "id": serializers.IntegerField(),
        "type": serializers.CharField(),
        "type_label": serializers.CharField(),
        "title": serializers.CharField(),
        "url": serializers.CharField(),
        "snippet": serializers.CharField(help_text="HTML: escaped text with <mark> around matched words."),
        "municipality": serializers.DictField(allow_null=True),
        "status": serializers.DictField(allow_null=True),
        "period": serializers.DictField(),
        "score": serializers.FloatField(),
    },
)
_RESULT = inline_serializer(
    "SearchResult",
    {
        "query": serializers.DictField(),
        "total": serializers.IntegerField(),
        "page": serializers.IntegerField(),
        "num_pages": serializers.IntegerField(),
        "per_page": serializers.IntegerField(),
        "hits": _HIT.__class__(many=True),
        "facets": serializers.DictField(
            child=serializers.ListField(child=serializers.DictField()),
            help_text="Per filter parameter: value, label, count and whether it is selected.",
        ),
        "suggestion": serializers.CharField(allow_null=True, help_text="»Mente du …?«: the corrected query."),
        "searched_text": serializers.CharField(allow_null=True),
        "also_searched": serializers.ListField(
            child=serializers.CharField(),
            help_text="»Søgte også efter«: words from the network's thesaurus that the search also looked for.",
        ),
        "notices": serializers.ListField(child=serializers.CharField()),
        "engine": serializers.CharField(
            help_text="The engine that answered: elasticsearch, or postgres (also when Elasticsearch did not answer)."
        ),
    },
)
_ERROR = inline_serializer(
    "SearchError",
    {"detail": serializers.CharField(), "errors": serializers.ListField(child=serializers.CharField())},
)


class SearchAPIView(APIView):
    """Full-text search across experiments and knowledge articles, with facets; what `/soeg/` shows, as JSON."""

    @extend_schema(
        operation_id="search",
        summary="Søg i forsøg og viden",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Words, law names and § references."),
            *_FACET_PARAMETERS,
            OpenApiParameter("sort", OpenApiTypes.STR, enum=list(SORTS), description="Default: relevans."),
            OpenApiParameter("side", OpenApiTypes.INT, description="Page number, from 1."),
        ],
        responses={
            200: _RESULT,
            400: OpenApiResponse(_ERROR, description="A parameter was malformed; `errors` says which, in Danish."),
        },
    )
    def get(self, request):
        query = SearchQuery.from_querydict(request.query_params)
        if query.errors:
            return Response(
                {"detail": "Ugyldig søgning / invalid search: " + " ".join(query.errors), "errors": query.errors},
                status=400,
            )
        result = search(query, user=request.user)
        return Response({**result.to_json(), "also_searched": result.also_searched})
