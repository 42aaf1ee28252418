"""Nothing is lost: an experiment that has ever been published is archived, not deleted.

Municipal staff keep their records for years, and others link to and learn from them. So once an experiment has
been published (`first_published_at` is set) its editors and coordinators cannot delete it, neither alone nor with
the page above it nor in a bulk action; a coordinator archives it instead ("Arkivér"): it is unpublished and the
reason is kept in the page's history (the audit log, action `experiments.archive`). Network administrators may still
delete. Drafts that were never published stay the editors' own to delete.
"""

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.admin import messages
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.log_actions import LogFormatter, log
from wagtail.models import Page, PagePermissionTester

from municipalities.permissions import ADMINISTRATORS_GROUP

ARCHIVE_LOG_ACTION = "experiments.archive"


def may_delete_published(user: AbstractBaseUser) -> bool:
    """Network administrators (superusers and the administrators' group) may delete what was published."""
    return user.is_active and (user.is_superuser or user.groups.filter(name=ADMINISTRATORS_GROUP).exists())


def published_experiments_in(pages) -> list[Page]:
    """The experiments among `pages` and below them that have ever been published."""
    from experiments.models import ExperimentPage

    found = []
    for page in pages:
        subtree = ExperimentPage.objects.descendant_of(page, inclusive=True)
        found += list(subtree.filter(first_published_at__isnull=False).order_by("path"))
    return found


def refusal_message(experiments: list[Page]) -> str:
    titles = ", ".join(f"“{page.title}”" for page in experiments[:5])
    return _(
        "Et forsøg, der har været offentliggjort, kan ikke slettes (%(titles)s). Arkivér det i stedet: det "
        "afpubliceres, og begrundelsen gemmes i sidens historik. Kun netværkets administratorer kan slette det."
    ) % {"titles": titles}


class ExperimentPermissionTester(PagePermissionTester):
    """Wagtail's page permissions, except that only network administrators may delete a published experiment:
    the delete buttons are not shown to the others and Wagtail's delete views refuse them."""

    def can_delete(self, ignore_bulk=False):
        if self.page.first_published_at and not may_delete_published(self.user):
            return False
        return super().can_delete(ignore_bulk=ignore_bulk)

    def can_archive(self) -> bool:
        return self.can_unpublish()


# Hooks (registered in experiments/wagtail_hooks.py) ------------------------------------------------------------------


def refuse_deleting_published_experiments(request, page):
    """`before_delete_page`: a page with a published experiment in its subtree stays, unless an administrator asks."""
    if may_delete_published(request.user):
        return None
    experiments = published_experiments_in([page])
    if not experiments:
        return None
    messages.error(request, refusal_message(experiments))
    return redirect("wagtailadmin_explore", page.get_parent().pk)


def refuse_bulk_deleting_published_experiments(request, action_type, objects, action_class_instance):
    """`before_bulk_action`: the same for Wagtail's bulk delete of pages."""
    if action_type != "delete" or may_delete_published(request.user):
        return None
    pages = [obj for obj in objects if isinstance(obj, Page)]
    experiments = published_experiments_in(pages)
    if not experiments:
        return None
    messages.error(request, refusal_message(experiments))
    parent = pages[0].get_parent()
    return redirect("wagtailadmin_explore", parent.pk)


class ArchiveLogFormatter(LogFormatter):
    label = gettext_lazy("Arkivér")

    def format_message(self, log_entry):
        return _("Arkiveret (afpubliceret): %(reason)s") % {"reason": log_entry.data.get("reason", "")}

    def format_comment(self, log_entry):
        return log_entry.data.get("reason", "")


def register_log_actions(actions):
    actions.register_action(ARCHIVE_LOG_ACTION)(ArchiveLogFormatter)


class ArchiveMenuItem(PageMenuItem):
    label = gettext_lazy("Arkivér")
    icon_name = "folder-inverse"
    url_name = "experiments_archive"

    def is_shown(self, user):
        return archivable(self.page, user)


def archivable(page: Page, user: AbstractBaseUser) -> bool:
    from experiments.models import ExperimentPage

    return (
        isinstance(page.specific_deferred, ExperimentPage)
        and page.live
        and page.permissions_for_user(user).can_unpublish()
    )


def archive_buttons(page, user, next_url=None, view_name=None):
    """`register_page_header_buttons` and `register_page_listing_more_buttons`: "Arkivér" beside "Afpublicér"."""
    yield ArchiveMenuItem(page=page, next_url=next_url, priority=35)


# The archive action -------------------------------------------------------------------------------------------------


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Begrundelse"),
        help_text=gettext_lazy("Hvorfor arkiveres forsøget? Begrundelsen gemmes i sidens historik."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


def experiment_archive(*, page: Page, user: AbstractBaseUser, reason: str) -> None:
    """Unpublish `page` and record why in its history, in one transaction."""
    with transaction.atomic():
        UnpublishPageAction(page, user=user).execute(skip_permission_checks=True)
        log(instance=page, action=ARCHIVE_LOG_ACTION, user=user, data={"reason": reason})


def archive_view(request, page_id):
    page = get_object_or_404(Page, pk=page_id).specific
    if not archivable(page, request.user):
        raise PermissionDenied
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        experiment_archive(page=page, user=request.user, reason=form.cleaned_data["reason"].strip())
        messages.success(request, _("Forsøget “%(title)s” er arkiveret.") % {"title": page.title})
        return redirect("wagtailadmin_pages:edit", page.pk)
    return TemplateResponse(
        request,
        "experiments/admin/archive.html",
        {
            "page": page,
            "form": form,
            "header_title": _("Arkivér “%(title)s”") % {"title": page.title},
            "page_title": _("Arkivér forsøg"),
            "header_icon": "folder-inverse",
            "cancel_url": reverse("wagtailadmin_pages:edit", args=[page.pk]),
        },
    )


def admin_urls():
    return [path("forsoeg/<int:page_id>/arkiver/", archive_view, name="experiments_archive")]
