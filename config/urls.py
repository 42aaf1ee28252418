import datetime

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from experiments import export_views
from experiments.views.briefs import provision_brief_docx, provision_brief_pdf
from experiments.views.progress import ProgressView
from experiments.views.provisions import ProvisionListView
from experiments.views.similar import similar_experiments_json
from network.views import ProvisionDetailView
from search import views as search_views
from search.api import SearchAPIView

urlpatterns = [
    path("admin/forsoeg/lignende/", similar_experiments_json, name="experiment_similar"),
    path("admin/", include(wagtailadmin_urls)),
    path("dokumenter/", include(wagtaildocs_urls)),
    path("log-ind/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("log-ud/", auth_views.LogoutView.as_view(), name="logout"),
    path("eksport/forsoeg.csv", export_views.experiments_csv, name="export_experiments_csv"),
    path("eksport/forsoeg.xlsx", export_views.experiments_xlsx, name="export_experiments_xlsx"),
    path("fremdrift/", ProgressView.as_view(), name="progress"),
    path("paragraffer/", ProvisionListView.as_view(), name="provision_list"),
    path("paragraffer/<int:pk>/", ProvisionDetailView.as_view(), name="provision_detail"),
    path("paragraffer/<int:pk>/notat.pdf", provision_brief_pdf, name="provision_brief_pdf"),
    path("paragraffer/<int:pk>/notat.docx", provision_brief_docx, name="provision_brief_docx"),
    path("soeg/", search_views.search_view, name="search"),
    path("forsoeg/", search_views.experiment_list_view, name="experiment_list"),
    path("api/v1/search", SearchAPIView.as_view(), name="api_search"),
    path("api/v1/", include("config.api_urls")),
    path("feeds/", include("config.feed_urls")),
    path("", include("alerts.urls")),
    path(
        "tilgaengelighed/",
        # prepared_on: the date of the latest review of the statement; update it with the text.
        TemplateView.as_view(
            template_name="accessibility_statement.html", extra_context={"prepared_on": datetime.date(2026, 11, 23)}
        ),
        name="accessibility_statement",
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree serves everything else, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]
