"""The read-only JSON API under /api/v1/ and its OpenAPI schema.

The schema is generated from every route of the site whose path starts with /api/v1, so endpoints declared
elsewhere in config/urls.py (the search endpoint) appear in the same schema.
"""

from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import SimpleRouter

from experiments.api import ExperimentViewSet, ProvisionViewSet
from knowledge.api import KnowledgeArticleViewSet
from network.api import MunicipalityViewSet

app_name = "api"

# Path converters let the schema say that ids are integers (each viewset sets `lookup_value_converter = "int"`).
router = SimpleRouter(trailing_slash=True, use_regex_path=False)
router.register("municipalities", MunicipalityViewSet, basename="municipality")
router.register("experiments", ExperimentViewSet, basename="experiment")
router.register("provisions", ProvisionViewSet, basename="provision")
router.register("articles", KnowledgeArticleViewSet, basename="article")

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    *router.urls,
]
