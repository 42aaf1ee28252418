"""`{% similar_to page as similar %}`: the experiments most like `page` that the reader may see (similarity.py)."""

from django import template
from django.contrib.auth.models import AnonymousUser

register = template.Library()


@register.simple_tag(takes_context=True)
def similar_to(context, page, limit=5):
    from experiments.similarity import similar_experiments

    request = context.get("request")
    user = getattr(request, "user", None) or AnonymousUser()
    return similar_experiments(page, user=user, limit=limit)
