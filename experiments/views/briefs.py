"""`/paragraffer/<id>/notat.pdf` and `/paragraffer/<id>/notat.docx`: a provision's brief for the ministry."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control, patch_vary_headers

from experiments.briefs import brief_docx, brief_pdf, provision_brief
from experiments.models import Provision

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _brief(request, pk):
    provision = get_object_or_404(Provision.objects.select_related("law").prefetch_related("successors__law"), pk=pk)
    return provision_brief(provision, user=request.user)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # What a brief holds depends on who reads it: no shared cache may keep a network reader's copy.
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def provision_brief_pdf(request, pk):
    brief = _brief(request, pk)
    return _download(brief_pdf(brief), "application/pdf", f"{brief.filename_stem}.pdf")


def provision_brief_docx(request, pk):
    brief = _brief(request, pk)
    return _download(brief_docx(brief), DOCX, f"{brief.filename_stem}.docx")
