"""Views that span the content apps: a provision's page with the knowledge articles that concern it."""

from core.visibility import visible_pages
from experiments.views import provisions
from knowledge.models import KnowledgeArticlePage


class ProvisionDetailView(provisions.ProvisionDetailView):
    """`/paragraffer/<id>/`: the experiments app's provision page, plus the articles on the provision's family."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        family = [provision.pk for provision in context["family"]]
        context["articles"] = (
            visible_pages(KnowledgeArticlePage.objects.filter(provisions__in=family), self.request.user)
            .distinct()
            .order_by("-first_published_at")
        )
        return context
