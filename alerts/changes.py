"""What a publication adds: new experiments, status events, decisions, results, learnings, extended legal bases and
knowledge articles, found by comparing the published page with what it held at its previous publication."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from alerts.models import Change, PageState
from experiments.models import Decision, ExperimentPage
from knowledge.models import KnowledgeArticlePage


def _event_key(event) -> str:
    return f"{event.status}|{event.date.isoformat() if event.date else ''}"


def _result_key(result) -> str:
    return f"{result.indicator}|{result.measured_on.isoformat() if result.measured_on else ''}"


def _learning_text(learning) -> str:
    return learning.what_worked or learning.effect or learning.method or learning.target_group or ""


def experiment_state(page: ExperimentPage) -> dict:
    """What the page holds, by content rather than row ids: an import or a revert may write the same status event
    or result as a new row, which is nothing new to a reader."""
    exemptions = list(page.exemption_requests.select_related("provision__law").prefetch_related("extensions"))
    return {
        "status_events": sorted({_event_key(event) for event in page.status_events.all()}),
        "decisions": {str(exemption.provision_id): exemption.decision for exemption in exemptions},
        "basis_ends": {
            str(exemption.provision_id): exemption.basis_end.isoformat() if exemption.basis_end else ""
            for exemption in exemptions
        },
        "results": sorted({_result_key(result) for result in page.results.all()}),
        "learnings": sorted({_learning_text(learning)[:200] for learning in page.learnings.all()}),
    }


def _date(value) -> str:
    return date_format(value, "j. F Y") if value else ""


def experiment_changes(page: ExperimentPage, before: dict | None) -> list[tuple[str, str]]:
    """(kind, Danish summary) for what `page` holds now and did not at its previous publication."""
    if before is None:
        return [(Change.Kind.NEW_EXPERIMENT, _("Nyt forsøg: %(title)s") % {"title": page.title})]
    found = []
    known_events = set(before.get("status_events", []))
    for event in sorted(page.status_events.all(), key=lambda e: (e.date, e.sort_order or 0)):
        if event.date and _event_key(event) not in known_events:
            found.append(
                (
                    Change.Kind.STATUS,
                    _("Ny status: %(status)s (%(date)s)")
                    % {"status": event.get_status_display(), "date": _date(event.date)},
                )
            )
    decisions = before.get("decisions", {})
    basis_ends = before.get("basis_ends", {})
    for exemption in page.exemption_requests.select_related("provision__law").prefetch_related("extensions"):
        reference = exemption.provision.reference_text
        if exemption.decision != decisions.get(str(exemption.provision_id), Decision.APPLIED):
            found.append(
                (
                    Change.Kind.DECISION,
                    _("Afgørelse om %(provision)s: %(decision)s")
                    % {"provision": reference, "decision": exemption.get_decision_display()},
                )
            )
        end = exemption.basis_end
        if end and basis_ends.get(str(exemption.provision_id), "") != end.isoformat():
            found.append(
                (
                    Change.Kind.BASIS,
                    _("Hjemlen til %(provision)s gælder til %(date)s") % {"provision": reference, "date": _date(end)},
                )
            )
    known_results = set(before.get("results", []))
    for result in page.results.all():
        if _result_key(result) not in known_results:
            found.append((Change.Kind.RESULT, _("Nyt resultat: %(indicator)s") % {"indicator": result.indicator}))
    known_learnings = set(before.get("learnings", []))
    for learning in page.learnings.all():
        text = _learning_text(learning)
        if text[:200] not in known_learnings:
            found.append((Change.Kind.LEARNING, _("Ny læring: %(text)s") % {"text": text[:200]}))
    if not found:
        found.append((Change.Kind.UPDATED, _("Forsøget er opdateret.")))
    return found


def article_links(page: KnowledgeArticlePage) -> dict:
    return {
        "experiments": sorted(experiment.pk for experiment in page.experiments.all()),
        "provisions": sorted(provision.pk for provision in page.provisions.all()),
        "target_groups": sorted(group.pk for group in page.target_groups.all()),
    }


def record_changes(sender, instance, **kwargs):
    """On every publication: log what is new on the page (the page_published signal of Wagtail)."""
    page = instance.specific if hasattr(instance, "specific") else instance
    now = timezone.now()
    if isinstance(page, ExperimentPage):
        state = PageState.objects.filter(page_id=page.pk).first()
        if state is None and page.first_published_at != page.last_published_at:
            # Published before alerts kept track of it: only that it changed is known.
            changes = [(Change.Kind.UPDATED, _("Forsøget er opdateret."))]
        else:
            changes = experiment_changes(page, state.state if state else None)
        PageState.objects.update_or_create(page_id=page.pk, defaults={"state": experiment_state(page)})
    elif isinstance(page, KnowledgeArticlePage):
        state = PageState.objects.filter(page_id=page.pk).first()
        links = article_links(page)
        before = state.state if state else None
        if before is None:
            changes = [(Change.Kind.KNOWLEDGE, _("Ny viden: %(title)s") % {"title": page.title})]
        elif any(set(links[name]) - set(before.get(name, [])) for name in links):
            # Newly linked to an experiment, a provision or a target group: news to those who follow that.
            changes = [(Change.Kind.KNOWLEDGE, _("Ny viden: %(title)s") % {"title": page.title})]
        else:
            changes = []
        PageState.objects.update_or_create(page_id=page.pk, defaults={"state": links})
        if not changes:
            return
    else:
        return
    Change.objects.bulk_create(
        [Change(page_id=page.pk, kind=kind, summary=text, created_at=now) for kind, text in changes]
    )
    from alerts.tasks import enqueue_immediate_alerts

    enqueue_immediate_alerts()
