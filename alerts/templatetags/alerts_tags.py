from django import template

from alerts.models import Subscription

register = template.Library()

_TARGET_FIELD = {
    Subscription.Kind.EXPERIMENT: "page_id",
    Subscription.Kind.MUNICIPALITY: "page_id",
    Subscription.Kind.PROVISION: "provision_id",
    Subscription.Kind.TARGET_GROUP: "target_group_id",
}


@register.simple_tag(takes_context=True)
def following(context, kind: str, target) -> Subscription | None:
    """The logged-in reader's follow of this experiment, municipality, provision or target group, if any."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated or kind not in _TARGET_FIELD:
        return None
    return Subscription.objects.filter(
        user=user, kind=kind, unsubscribed_at__isnull=True, **{_TARGET_FIELD[kind]: target}
    ).first()
