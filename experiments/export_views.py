"""`/eksport/forsoeg.csv` and `/eksport/forsoeg.xlsx`: every experiment the reader may see, as a spreadsheet.

The API's filters (experiments.filters: `?kommune=helsingor&aar=2018`) narrow an export the same way.
"""

from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from experiments.exporting import experiments_for_export, write_csv, write_xlsx
from experiments.filters import ExperimentFilter, FilterError

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export(request, write, content_type: str, filename: str) -> HttpResponse:
    try:
        experiment_filter = ExperimentFilter.from_params(request.GET)
    except FilterError as error:
        messages = [f"{name}: {message}" for name, texts in error.errors.items() for message in texts]
        return HttpResponseBadRequest("\n".join(messages), content_type="text/plain; charset=utf-8")
    experiments = experiments_for_export(request.user, experiment_filter)
    return _attachment(write(experiments), content_type, filename)


# What a reader gets depends on whether they are logged in, so no shared cache may keep it.
@never_cache
@require_safe
def experiments_csv(request):
    return _export(request, write_csv, "text/csv; charset=utf-8", "forsoeg.csv")


@never_cache
@require_safe
def experiments_xlsx(request):
    return _export(request, write_xlsx, XLSX_CONTENT_TYPE, "forsoeg.xlsx")
