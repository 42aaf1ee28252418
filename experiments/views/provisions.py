"""`/paragraffer/` and `/paragraffer/<id>/`: the provisions experiments sought exemption from, and what came of it."""

from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from experiments.models import Decision, Law, Learning, Provision, Result
from experiments.selectors import exemptions_of, provision_family, provisions_with_counts


def _decision_columns():
    return [(f"decision_{decision.value}", decision.label) for decision in Decision]


class ProvisionListView(TemplateView):
    template_name = "experiments/provision_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        provisions = provisions_with_counts(self.request.user).prefetch_related("successors__law")
        law_key = self.request.GET.get("lov", "")
        laws = Law.objects.filter(provisions__in=provisions.values("pk")).order_by("key").values_list("key", flat=True)
        laws = list(dict.fromkeys(laws))
        if law_key in laws:
            provisions = provisions.filter(law__key=law_key)
        rows = []
        for provision in provisions:
            counts = [(label, getattr(provision, name)) for name, label in _decision_columns()]
            rows.append((provision, counts))
        context.update(
            rows=rows,
            decisions=[label for _name, label in _decision_columns()],
            laws=laws,
            active_law=law_key if law_key in laws else "",
        )
        return context


class ProvisionDetailView(TemplateView):
    template_name = "experiments/provision_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        provision = get_object_or_404(
            Provision.objects.select_related("law").prefetch_related("successors__law"), pk=kwargs["pk"]
        )
        family = provision_family(provision)
        exemptions = list(exemptions_of(family, user))
        experiment_ids = {exemption.experiment_id for exemption in exemptions}
        results = Result.objects.filter(experiment_id__in=experiment_ids).select_related("experiment")
        learnings = Learning.objects.filter(experiment_id__in=experiment_ids).select_related("experiment")
        municipalities = {exemption.municipality_info["id"] for exemption in exemptions}
        context.update(
            provision=provision,
            lineage=provision.lineage(),
            family=family,
            exemptions=exemptions,
            municipality_count=len(municipalities),
            decision_counts=[
                (decision.label, sum(1 for e in exemptions if e.decision == decision.value)) for decision in Decision
            ],
            results=results.order_by("experiment__title", "sort_order"),
            learnings=learnings.order_by("experiment__title", "sort_order"),
        )
        return context
