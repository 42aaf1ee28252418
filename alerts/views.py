"""Min side, saving a search, following, the double opt-in's confirmation and unsubscribing (no login needed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from alerts.forms import FollowForm, SaveSearchForm, SubscriptionSettingsForm
from alerts.mail import read_confirm_token, read_unsubscribe_token
from alerts.models import Subscription
from alerts.subscribing import clean_query_string, confirm, describe_query, subscribe, unsubscribe
from core.visibility import is_network_reader, visible_pages
from experiments.models import ExperimentPage, Provision, TargetGroup
from municipalities.models import MunicipalityPage


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@require_POST
def save_search(request):
    anonymous = not is_network_reader(request.user)
    query_string = clean_query_string(request.POST.get("query", ""))
    back = reverse("search") + (f"?{query_string}" if query_string else "")
    form = SaveSearchForm(request.POST, anonymous=anonymous)
    if not form.is_valid():
        return render(
            request, "alerts/save_search_page.html", {"form": form, "query_string": query_string, "back": back}
        )
    _subscription, needs_confirmation = subscribe(
        user=request.user,
        email=form.cleaned_data.get("email", ""),
        kind=Subscription.Kind.SEARCH,
        name=form.cleaned_data["name"] or describe_query(query_string),
        query_string=query_string,
        frequency=form.cleaned_data["frequency"],
        email_alerts=form.cleaned_data["email_alerts"],
        feed_enabled=form.cleaned_data["feed_enabled"] and not anonymous,
    )
    if needs_confirmation:
        messages.success(request, _("Tjek din e-mail: klik på linket i beskeden for at bekræfte dit abonnement."))
        return redirect(back)
    messages.success(request, _("Søgningen er gemt."))
    return redirect("alerts:my_page")


def _follow_target(request, kind: str, target: int) -> dict:
    """The followed object as the subscription's fields, or 404 when it does not exist or the reader may not see it."""
    if kind == Subscription.Kind.EXPERIMENT:
        page = get_object_or_404(visible_pages(ExperimentPage.objects.filter(pk=target), request.user))
        return {"page": page.page_ptr, "name": page.title}
    if kind == Subscription.Kind.MUNICIPALITY:
        page = get_object_or_404(MunicipalityPage.objects.live(), pk=target)
        return {"page": page.page_ptr, "name": page.title}
    if kind == Subscription.Kind.PROVISION:
        provision = get_object_or_404(Provision.objects.select_related("law"), pk=target)
        return {"provision": provision, "name": provision.reference_text}
    if kind == Subscription.Kind.TARGET_GROUP:
        group = get_object_or_404(TargetGroup, pk=target)
        return {"target_group": group, "name": str(group)}
    raise Http404


@require_POST
def follow(request):
    form = FollowForm(request.POST)
    anonymous = not is_network_reader(request.user)
    if form.is_valid() and anonymous and not form.cleaned_data["email"]:
        form.add_error("email", _("Skriv din e-mail, eller log ind."))
    if not form.is_valid():
        messages.error(request, _("Du kunne ikke følge siden: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect(_safe_next(request, "/"))
    fields = _follow_target(request, form.cleaned_data["kind"], form.cleaned_data["target"])
    subscription, needs_confirmation = subscribe(
        user=request.user,
        email=form.cleaned_data["email"],
        kind=form.cleaned_data["kind"],
        frequency=form.cleaned_data["frequency"],
        **fields,
    )
    if needs_confirmation:
        messages.success(
            request, _("Tjek din e-mail: klik på linket i beskeden for at bekræfte, at du vil følge siden.")
        )
    else:
        messages.success(request, _("Du følger nu %(name)s.") % {"name": subscription.name})
    return redirect(_safe_next(request, reverse("alerts:my_page")))


@login_required
def my_page(request):
    subscriptions = request.user.subscriptions.filter(unsubscribed_at__isnull=True).select_related(
        "provision__law", "target_group", "page"
    )
    context = {
        "searches": [s for s in subscriptions if s.kind == Subscription.Kind.SEARCH],
        "follows": [s for s in subscriptions if s.kind != Subscription.Kind.SEARCH],
        "target_groups": TargetGroup.objects.all(),
    }
    return render(request, "alerts/my_page.html", context)


def _own(request, pk) -> Subscription:
    return get_object_or_404(Subscription, pk=pk, user=request.user, unsubscribed_at__isnull=True)


@login_required
def edit(request, pk):
    subscription = _own(request, pk)
    form = SubscriptionSettingsForm(request.POST or None, instance=subscription)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Ændringerne er gemt."))
        return redirect("alerts:my_page")
    return render(request, "alerts/edit.html", {"form": form, "subscription": subscription})


@login_required
@require_POST
def toggle_pause(request, pk):
    subscription = _own(request, pk)
    subscription.paused = not subscription.paused
    if not subscription.paused:
        # A paused subscription starts again from now: what happened during the pause was not asked for.
        subscription.covered_until = timezone.now()
    subscription.save(update_fields=["paused", "covered_until"])
    return redirect("alerts:my_page")


@login_required
@require_POST
def delete(request, pk):
    subscription = _own(request, pk)
    subscription.delete()
    messages.success(request, _("»%(name)s« er slettet.") % {"name": subscription.name})
    return redirect("alerts:my_page")


def confirm_view(request, token):
    try:
        payload = read_confirm_token(token)
    except signing.BadSignature:
        return render(request, "alerts/confirm.html", {"invalid": True}, status=400)
    subscription = get_object_or_404(Subscription, pk=payload["c"], unsubscribed_at__isnull=True)
    confirm(subscription)
    return render(request, "alerts/confirm.html", {"subscription": subscription})


@csrf_exempt
def unsubscribe_view(request, token):
    """GET asks (link scanners must not unsubscribe anyone); POST unsubscribes, also as RFC 8058's one-click POST
    from a mail client, which carries no CSRF token. Repeating it changes nothing."""
    try:
        payload = read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "alerts/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        name = unsubscribe(payload)
        return render(request, "alerts/unsubscribe.html", {"done": True, "name": name})
    return render(request, "alerts/unsubscribe.html", {"token": token})
