"""Atom feeds under /feeds/."""

from django.urls import path

from experiments.feeds import ExperimentFeed, MunicipalityExperimentFeed, ProvisionExperimentFeed
from knowledge.feeds import KnowledgeArticleFeed

app_name = "feeds"


def per_request(feed_class):
    """A view making a new feed object per request: feeds keep the request on themselves for absolute ids."""

    def view(request, *args, **kwargs):
        return feed_class()(request, *args, **kwargs)

    return view


urlpatterns = [
    path("forsoeg/", per_request(ExperimentFeed), name="experiments"),
    path("kommuner/<slug:slug>/", per_request(MunicipalityExperimentFeed), name="municipality"),
    path("paragraffer/<int:pk>/", per_request(ProvisionExperimentFeed), name="provision"),
    path("viden/", per_request(KnowledgeArticleFeed), name="knowledge"),
]
