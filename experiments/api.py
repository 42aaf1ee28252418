"""The read-only JSON API of experiments and provisions (`/api/v1/experiments/`, `/api/v1/provisions/`).

Ids are Wagtail page ids and provision ids: they survive renames and moves. Anonymous readers get public records,
logged-in network readers network-only ones too; a record the reader may not see answers 404, as one that does
not exist. Drafts are never shown: a live page's row holds its published version, and unpublished pages are left
out. Every list page is a constant number of queries (related rows are prefetched per page, not per record).
"""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from core.api import Pagination, absolute_page_url, detail_responses, list_responses
from core.visibility import visible_pages
from experiments.filters import PARAMETERS, ExperimentFilter, FilterError
from experiments.models import (
    Decision,
    ExemptionRequest,
    ExperimentPage,
    Law,
    Provision,
)
from experiments.references import find_law
from experiments.selectors import provisions_with_counts, visible_experiments, with_municipality


class MunicipalityRefSerializer(serializers.Serializer):
    """The owner municipality as annotated by `with_municipality` (a dict)."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class VocabularySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class LawSerializer(serializers.ModelSerializer):
    class Meta:
        model = Law
        fields = ["id", "key", "abbreviation", "name", "version_label", "eli_url", "in_force_from", "repealed_on"]


class ProvisionRefSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="reference_text", read_only=True)
    law_key = serializers.CharField(source="law.key", read_only=True)

    class Meta:
        model = Provision
        fields = ["id", "reference", "law_key", "heading"]


class ExperimentListSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    municipality = MunicipalityRefSerializer(source="municipality_info", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    target_groups = VocabularySerializer(many=True, read_only=True)
    service_areas = VocabularySerializer(many=True, read_only=True)
    tags = serializers.SerializerMethodField()

    class Meta:
        model = ExperimentPage
        fields = [
            "id",
            "title",
            "slug",
            "url",
            "municipality",
            "summary",
            "status",
            "status_label",
            "status_date",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "citizens_count",
            "target_groups",
            "service_areas",
            "tags",
            "visibility",
            "first_published_at",
            "last_published_at",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, page) -> str:
        return absolute_page_url(self, page)

    def get_tags(self, page) -> list[str]:
        return sorted(tag.name for tag in page.tags.all())


class ExemptionSerializer(serializers.ModelSerializer):
    provision = ProvisionRefSerializer(read_only=True)
    decision_label = serializers.CharField(source="get_decision_display", read_only=True)

    class Meta:
        model = ExemptionRequest
        fields = [
            "id",
            "provision",
            "basis",
            "application_round",
            "applied_on",
            "decision",
            "decision_label",
            "decided_on",
            "ministry_reference",
            "legal_instrument",
            "barrier",
        ]


class StatusEventSerializer(serializers.Serializer):
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    date = serializers.DateField()
    note = serializers.CharField()


class ResultSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    baseline = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    value = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    unit = serializers.CharField()
    measured_on = serializers.DateField(allow_null=True)
    source = serializers.CharField()
    note = serializers.CharField()


class LearningSerializer(serializers.Serializer):
    target_group = serializers.CharField()
    method = serializers.CharField()
    implementation = serializers.CharField()
    effect = serializers.CharField()
    economy = serializers.CharField()
    what_worked = serializers.CharField()
    what_did_not_work = serializers.CharField()
    preconditions = serializers.CharField()
    legislation_recommendation = serializers.CharField()


class EvaluationSerializer(serializers.Serializer):
    kind = serializers.CharField()
    evaluator = serializers.CharField()
    design = serializers.CharField()
    completed_on = serializers.DateField(allow_null=True)
    summary = serializers.CharField()
    url = serializers.URLField()


class PartnerSerializer(serializers.Serializer):
    municipality = MunicipalityRefSerializer(read_only=True)
    local_status = serializers.CharField()
    contact_name = serializers.CharField()
    contact_email = serializers.EmailField()


class ExperimentDetailSerializer(ExperimentListSerializer):
    builds_on = serializers.SerializerMethodField(
        help_text="The id of the experiment this one builds on, when the reader may see it; otherwise null."
    )
    exemptions = ExemptionSerializer(source="exemption_requests", many=True, read_only=True)
    status_history = serializers.SerializerMethodField()
    results = ResultSerializer(many=True, read_only=True)
    learnings = LearningSerializer(many=True, read_only=True)
    evaluations = EvaluationSerializer(many=True, read_only=True)
    partners = PartnerSerializer(many=True, read_only=True)

    class Meta(ExperimentListSerializer.Meta):
        fields = ExperimentListSerializer.Meta.fields + [
            "challenge",
            "purpose",
            "target_group_description",
            "council_decision_date",
            "frikommunevedtaegt_url",
            "contact_name",
            "contact_email",
            "evidence_rating",
            "builds_on",
            "exemptions",
            "status_history",
            "results",
            "learnings",
            "evaluations",
            "partners",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_builds_on(self, page) -> int | None:
        # A predecessor the reader may not read (network-only, unpublished) is not named, not even by its id.
        if not page.builds_on_id:
            return None
        request = self.context.get("request")
        predecessor = ExperimentPage.objects.filter(pk=page.builds_on_id)
        return page.builds_on_id if visible_pages(predecessor, getattr(request, "user", None)).exists() else None

    @extend_schema_field(StatusEventSerializer(many=True))
    def get_status_history(self, page):
        return StatusEventSerializer(page.timeline(), many=True).data


def _unknown(name: str, values) -> ValidationError:
    return ValidationError({name: [_("Ukendt værdi: %(values)s") % {"values": ", ".join(sorted(values))}]})


def filter_experiments(experiments, request):
    """The filters of experiments.filters, read from the query; a filter that names nothing answers 400."""
    try:
        return ExperimentFilter.from_params(request.query_params).apply(experiments)
    except FilterError as error:
        raise ValidationError(error.errors) from error


def _filter_parameters():
    return [
        OpenApiParameter(name, OpenApiTypes.STR, OpenApiParameter.QUERY, description=str(text), many=True)
        for name, text in PARAMETERS.items()
    ]


@extend_schema_view(
    list=extend_schema(
        summary="Forsøg", parameters=_filter_parameters(), responses=list_responses(ExperimentListSerializer)
    ),
    retrieve=extend_schema(
        summary="Et forsøg med paragraffritagelser, statushistorik, resultater og læring",
        responses=detail_responses(ExperimentDetailSerializer),
    ),
)
class ExperimentViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_converter = "int"
    pagination_class = Pagination

    def get_serializer_class(self):
        return ExperimentDetailSerializer if self.action == "retrieve" else ExperimentListSerializer

    def get_queryset(self):
        experiments = with_municipality(visible_experiments(self.request.user)).prefetch_related(
            "target_groups", "service_areas", "tags"
        )
        if self.action == "retrieve":
            return experiments.prefetch_related(
                Prefetch("exemption_requests", ExemptionRequest.objects.select_related("provision__law")),
                "status_events",
                "results",
                "learnings",
                "evaluations",
                "partners__municipality",
            )
        return filter_experiments(experiments, self.request).order_by("pk")


# {"applied": 2, "granted": 5, ...}: the provision's requests per decision, read from `decision_<key>` annotations.
DecisionCountsSerializer = type(
    "DecisionCountsSerializer",
    (serializers.Serializer,),
    {
        decision.value: serializers.IntegerField(source=f"decision_{decision.value}", help_text=str(decision.label))
        for decision in Decision
    },
)


class ProvisionSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="reference_text", read_only=True)
    law = LawSerializer(read_only=True)
    successors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    successor = serializers.SerializerMethodField(
        help_text="The first of `successors` (by id), or null: kept for clients written before a provision could "
        "have several."
    )
    predecessors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    municipality_count = serializers.IntegerField(read_only=True)
    requests = serializers.IntegerField(read_only=True)
    decisions = DecisionCountsSerializer(source="*", read_only=True)

    class Meta:
        model = Provision
        fields = [
            "id",
            "reference",
            "law",
            "paragraph",
            "paragraph_end",
            "stk",
            "nr",
            "heading",
            "successors",
            "successor",
            "predecessors",
            "municipality_count",
            "requests",
            "decisions",
        ]

    def get_successor(self, provision) -> int | None:
        return min((successor.pk for successor in provision.successors.all()), default=None)


@extend_schema_view(
    list=extend_schema(
        summary="Bestemmelser med antal ansøgninger om fritagelse pr. afgørelse",
        parameters=[
            OpenApiParameter("lov", OpenApiTypes.STR, description=str(PARAMETERS["lov"]).split(":")[0]),
            OpenApiParameter("soegt", OpenApiTypes.BOOL, description="Kun bestemmelser, der er søgt fritagelse fra."),
        ],
        responses=list_responses(ProvisionSerializer),
    ),
    retrieve=extend_schema(summary="En bestemmelse", responses=detail_responses(ProvisionSerializer)),
)
class ProvisionViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_converter = "int"
    serializer_class = ProvisionSerializer
    pagination_class = Pagination

    def get_queryset(self):
        only_sought = self.request.query_params.get("soegt", "").lower() in {"1", "true", "ja"}
        provisions = provisions_with_counts(self.request.user, only_sought=only_sought).prefetch_related(
            "predecessors", "successors"
        )
        if name := self.request.query_params.get("lov", "").strip():
            law = find_law(name)
            if law is None:
                raise _unknown("lov", [name])
            provisions = provisions.filter(law__key=law.key)
        return provisions.order_by("law__key", "paragraph_number", "paragraph", "stk", "nr", "pk")
