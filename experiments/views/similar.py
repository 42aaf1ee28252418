"""The admin's "Har andre prøvet det?" endpoint: the experiments most like the one being written, as JSON.

static/js/similar.js posts the experiment form's current values here as the project manager types.
"""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import JsonResponse
from django.views.decorators.http import require_POST
from wagtail.models import Page

from experiments.similarity import similar_experiments

TEXT_FIELDS = ("title", "summary", "challenge", "purpose", "target_group_description")
# A form's text is short; a body far beyond it is not a form's (and would make the ranking slow).
MAX_TEXT = 20_000


@require_POST
@login_required
@permission_required("wagtailadmin.access_admin", raise_exception=True)
def similar_experiments_json(request):
    values = {name: request.POST.get(name, "")[:MAX_TEXT] for name in TEXT_FIELDS}
    values.update(
        target_groups=request.POST.getlist("target_groups")[:50],
        service_areas=request.POST.getlist("service_areas")[:50],
        provisions=[text[:200] for text in request.POST.getlist("provisions")[:50]],
        exclude=request.POST.get("exclude", ""),
    )
    results = []
    for experiment, score, reasons in similar_experiments(values, user=request.user):
        results.append(
            {
                "id": experiment.pk,
                "title": experiment.title,
                "municipality": experiment.municipality_title,
                "url": Page.get_url(experiment, request=request),
                "score": score,
                "reasons": reasons,
            }
        )
    return JsonResponse({"results": results})
