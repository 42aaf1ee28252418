"""`/api/v1/municipalities/`: the network's municipalities, with how many experiments the reader may see."""

from django.db.models import Count
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from core.api import Pagination, absolute_page_url, detail_responses, list_responses
from experiments.selectors import municipality_path, visible_experiments
from municipalities.models import MunicipalityPage


class MunicipalitySerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    experiment_count = serializers.SerializerMethodField()

    class Meta:
        model = MunicipalityPage
        fields = [
            "id",
            "slug",
            "title",
            "municipality_code",
            "url",
            "website",
            "contact_name",
            "contact_email",
            "contact_phone",
            "experiment_count",
        ]

    @extend_schema_field(serializers.URLField())
    def get_url(self, municipality) -> str:
        return absolute_page_url(self, municipality)

    def get_experiment_count(self, municipality) -> int:
        return self.context["experiment_counts"].get(municipality.path, 0)


@extend_schema_view(
    list=extend_schema(summary="Kommuner", responses=list_responses(MunicipalitySerializer)),
    retrieve=extend_schema(summary="En kommune", responses=detail_responses(MunicipalitySerializer)),
)
class MunicipalityViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_converter = "int"
    serializer_class = MunicipalitySerializer
    pagination_class = Pagination

    def get_queryset(self):
        return MunicipalityPage.objects.live().order_by("title", "pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        counts = (
            visible_experiments(self.request.user)
            .order_by()
            .annotate(municipality=municipality_path())
            .values("municipality")
            .annotate(n=Count("pk"))
        )
        context["experiment_counts"] = {row["municipality"]: row["n"] for row in counts}
        return context
