"""`/eksport/forsoeg.csv` and `/eksport/forsoeg.xlsx`: every experiment the reader may see, as a spreadsheet."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from experiments.exporting import experiments_for_export, write_csv, write_xlsx

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# What a reader gets depends on whether they are logged in, so no shared cache may keep it.
@never_cache
@require_safe
def experiments_csv(request):
    return _attachment(write_csv(experiments_for_export(request.user)), "text/csv; charset=utf-8", "forsoeg.csv")


@never_cache
@require_safe
def experiments_xlsx(request):
    return _attachment(write_xlsx(experiments_for_export(request.user)), XLSX_CONTENT_TYPE, "forsoeg.xlsx")
