"""`/fremdrift/`: the ministry's view of progress across the network."""

from django.utils import timezone
from django.views.generic import TemplateView

from experiments.progress import ProgressFilter, ProgressFilterForm, progress


class ProgressView(TemplateView):
    template_name = "experiments/progress.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ProgressFilterForm(self.request.GET or None)
        progress_filter = ProgressFilter.from_form(form) if form.is_bound else ProgressFilter()
        context.update(progress(self.request.user, progress_filter, today=timezone.localdate()))
        context["form"] = form
        context["progress_filter"] = progress_filter
        return context
