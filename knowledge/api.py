"""`/api/v1/articles/`: knowledge articles the reader may see, with the experiments and provisions they concern."""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from core.api import Pagination, absolute_page_url, detail_responses, list_responses
from core.visibility import visible_pages
from experiments.api import ProvisionRefSerializer, VocabularySerializer
from experiments.models import Provision
from experiments.selectors import visible_experiments
from knowledge.models import ArticleKind, KnowledgeArticlePage


class ArticleMunicipalitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class KnowledgeArticleSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    author_municipality = ArticleMunicipalitySerializer(read_only=True, allow_null=True)
    experiments = serializers.SerializerMethodField()
    provisions = ProvisionRefSerializer(many=True, read_only=True)
    target_groups = VocabularySerializer(many=True, read_only=True)
    tags = serializers.SerializerMethodField()

    class Meta:
        model = KnowledgeArticlePage
        fields = [
            "id",
            "title",
            "slug",
            "url",
            "kind",
            "kind_label",
            "summary",
            "author_municipality",
            "experiments",
            "provisions",
            "target_groups",
            "tags",
            "visibility",
            "first_published_at",
            "last_published_at",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, article) -> str:
        return absolute_page_url(self, article)

    def get_experiments(self, article) -> list[int]:
        # Only the experiments the reader may see: the prefetch is filtered by visibility.
        return [experiment.pk for experiment in article.experiments.all()]

    def get_tags(self, article) -> list[str]:
        return sorted(tag.name for tag in article.tags.all())


@extend_schema_view(
    list=extend_schema(
        summary="Vidensartikler",
        parameters=[
            OpenApiParameter("type", OpenApiTypes.STR, enum=ArticleKind.values, description="Artiklens type."),
        ],
        responses=list_responses(KnowledgeArticleSerializer),
    ),
    retrieve=extend_schema(summary="En vidensartikel", responses=detail_responses(KnowledgeArticleSerializer)),
)
class KnowledgeArticleViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_converter = "int"
    serializer_class = KnowledgeArticleSerializer
    pagination_class = Pagination

    def get_queryset(self):
        user = self.request.user
        articles = (
            visible_pages(KnowledgeArticlePage.objects.all(), user)
            .select_related("author_municipality")
            .prefetch_related(
                Prefetch("experiments", visible_experiments(user).only("pk")),
                Prefetch("provisions", Provision.objects.select_related("law")),
                "target_groups",
                "tags",
            )
        )
        kind = self.request.query_params.get("type", "")
        if kind in ArticleKind.values:
            articles = articles.filter(kind=kind)
        return articles.order_by("-first_published_at", "-pk")
