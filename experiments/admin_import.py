"""Importér forsøg: a municipality's coordinators and editors import a spreadsheet in the admin.

Three steps: upload a file for one's own municipality; see what would happen (new, changed with the changed
columns, unchanged, problems by row and column, and the municipality's own words to confirm, each with the closest
registry words to choose from); confirm. Confirming runs `experiment_import` again on the same file, so everything
is checked anew, and nothing is written unless every row is right. Changes are saved as drafts and submitted to the
municipality's moderation workflow; a coordinator may publish them at once instead.

The file waits between the steps as a `PendingImport` row that only its uploader can reach.
"""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from experiments.importing import ImportRejected, Problem, experiment_import, plan_import, read_rows
from experiments.importing.reading import max_file_bytes
from experiments.models import PendingImport, ServiceArea, TargetGroup, VocabularyKind, VocabularyMapping
from experiments.models.importing import fold_term
from experiments.spreadsheet_format import COLUMN_BY_KEY
from municipalities.models import MunicipalityPage

# An upload that was never confirmed is deleted after this long.
PENDING_LIFETIME = datetime.timedelta(days=1)


def importable_municipalities(user) -> list[MunicipalityPage]:
    """The municipalities `user` may add experiments to: their own (all of them for network administrators)."""
    if not user.is_authenticated:
        return []
    return [m for m in MunicipalityPage.objects.order_by("title") if m.permissions_for_user(user).can_add_subpage()]


def may_import(user) -> bool:
    return bool(importable_municipalities(user))


class UploadForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=gettext_lazy("Kommune"), queryset=MunicipalityPage.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label=gettext_lazy("Fil"),
        help_text=gettext_lazy("Excel (.xlsx) eller CSV i registrets format; se vejledningen til importformatet."),
    )
    publish = forms.BooleanField(
        label=gettext_lazy("Udgiv med det samme"),
        required=False,
        help_text=gettext_lazy(
            "Kun for koordinatorer. Ellers gemmes ændringerne som kladder og sendes til godkendelse."
        ),
    )

    def __init__(self, *args, municipalities, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = MunicipalityPage.objects.filter(pk__in=[m.pk for m in municipalities])
        if not any(m.permissions_for_user(user).can_publish_subpage() for m in municipalities):
            del self.fields["publish"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_file_bytes():
            raise forms.ValidationError(
                _("Filen er for stor (%(size)s MB); højst %(max)s MB kan importeres.")
                % {"size": round(upload.size / 1e6, 1), "max": round(max_file_bytes() / 1e6, 1)}
            )
        return upload


def upload_view(request):
    municipalities = importable_municipalities(request.user)
    if not municipalities:
        raise PermissionDenied
    PendingImport.objects.filter(created_at__lt=timezone.now() - PENDING_LIFETIME).delete()
    form = UploadForm(request.POST or None, request.FILES or None, municipalities=municipalities, user=request.user)
    if request.method == "POST" and form.is_valid():
        municipality = form.cleaned_data["municipality"]
        publish = form.cleaned_data.get("publish", False)
        publish = publish and municipality.permissions_for_user(request.user).can_publish_subpage()
        upload = form.cleaned_data["file"]
        pending = PendingImport.objects.create(
            user=request.user,
            municipality=municipality,
            filename=upload.name[:255],
            data=upload.read(),
            publish=publish,
        )
        return redirect("experiments_import_preview", token=pending.token)
    return TemplateResponse(
        request,
        "experiments/admin/import_upload.html",
        {"form": form, "page_title": _("Importér forsøg"), "municipalities": municipalities},
    )


def _pending(request, token) -> PendingImport:
    pending = PendingImport.objects.filter(token=token, user=request.user).select_related("municipality").first()
    if pending is None:
        raise Http404
    if pending.municipality.pk not in {m.pk for m in importable_municipalities(request.user)}:
        raise PermissionDenied
    return pending


def _vocabulary_choices(kind: str, candidates) -> list[tuple[int, str]]:
    """The candidates first, then every other registry word of the kind, for the coordinator to choose from."""
    model = TargetGroup if kind == VocabularyKind.TARGET_GROUP else ServiceArea
    first = [(item.pk, item.name) for item in candidates]
    rest = [(item.pk, item.name) for item in model.objects.exclude(pk__in=[pk for pk, _name in first])]
    return first + rest


def _preview_context(request, pending: PendingImport, problems=None):
    try:
        table = read_rows(bytes(pending.data), filename=pending.filename)
    except ImportRejected as rejected:
        return {"file_problems": rejected.problems, "table": None}
    preview = plan_import(table, user=request.user, publish=pending.publish, municipality=pending.municipality)
    outcomes = {"create": [], "update": [], "unchanged": []}
    for plan in preview.plans:
        changed = [COLUMN_BY_KEY[key].heading for key in plan.changed]
        outcomes[plan.action].append({"row": plan.row, "changed": changed})
    mappings = [
        {
            "field": f"mapping-{index}",
            "mapping": mapping,
            "kind_label": VocabularyKind(mapping.kind).label,
            "choices": _vocabulary_choices(mapping.kind, mapping.candidates),
        }
        for index, mapping in enumerate(preview.mappings)
    ]
    return {
        "table": table,
        "ignored_headings": table.ignored_headings,
        "created": outcomes["create"],
        "updated": outcomes["update"],
        "unchanged": outcomes["unchanged"],
        "problems": problems if problems is not None else preview.problems,
        "mappings": mappings,
        "can_confirm": preview.ok and problems is None and bool(outcomes["create"] or outcomes["update"]),
    }


def preview_view(request, token):
    pending = _pending(request, token)
    if request.method == "POST" and request.POST.get("action") == "mappings":
        return _confirm_mappings(request, pending)
    if request.method == "POST" and request.POST.get("action") == "import":
        return _confirm_import(request, pending)
    if request.method == "POST" and request.POST.get("action") == "cancel":
        pending.delete()
        messages.info(request, _("Importen er annulleret; intet er gemt."))
        return redirect("experiments_import")
    return _render_preview(request, pending)


def _render_preview(request, pending, problems=None):
    context = {
        "pending": pending,
        "page_title": _("Importér forsøg: %(file)s") % {"file": pending.filename},
        **_preview_context(request, pending, problems),
    }
    return TemplateResponse(request, "experiments/admin/import_preview.html", context)


def _confirm_mappings(request, pending: PendingImport):
    """Store the chosen registry word for each of the municipality's own words that the form names."""
    context = _preview_context(request, pending)
    saved = 0
    with transaction.atomic():
        for entry in context.get("mappings", []):
            chosen = request.POST.get(entry["field"], "")
            allowed = {str(pk) for pk, _name in entry["choices"]}
            if chosen not in allowed:
                continue
            mapping = entry["mapping"]
            target = {"target_group_id" if mapping.kind == VocabularyKind.TARGET_GROUP else "service_area_id": chosen}
            VocabularyMapping.objects.update_or_create(
                municipality=pending.municipality,
                kind=mapping.kind,
                source_text=fold_term(mapping.text),
                defaults={**target, "created_by": request.user},
            )
            saved += 1
    if saved:
        messages.success(
            request,
            _("%(count)s tilknytninger er gemt for %(municipality)s.")
            % {"count": saved, "municipality": pending.municipality.title},
        )
    return redirect("experiments_import_preview", token=pending.token)


def _confirm_import(request, pending: PendingImport):
    try:
        table = read_rows(bytes(pending.data), filename=pending.filename)
        report = experiment_import(
            rows=table, user=request.user, publish=pending.publish, municipality=pending.municipality
        )
    except ImportRejected as rejected:
        problems = rejected.problems or [Problem(_("ordene nedenfor skal bekræftes, før der kan importeres"))]
        messages.error(request, _("Filen er ikke importeret; intet er gemt."))
        return _render_preview(request, pending, problems=problems)
    pending.delete()
    summary = _("%(created)s oprettet, %(updated)s opdateret, %(unchanged)s uændret.") % {
        "created": len(report.created),
        "updated": len(report.updated),
        "unchanged": len(report.unchanged),
    }
    if report.published:
        messages.success(request, _("Importen er gemt og udgivet: %(summary)s") % {"summary": summary})
    else:
        messages.success(
            request,
            _("Importen er gemt som kladder og sendt til godkendelse: %(summary)s") % {"summary": summary},
        )
    return redirect("wagtailadmin_explore", pending.municipality.pk)


def admin_urls():
    return [
        path("importer-forsoeg/", upload_view, name="experiments_import"),
        path("importer-forsoeg/<uuid:token>/", preview_view, name="experiments_import_preview"),
    ]


# --- a municipality's own words, edited by its coordinators and editors ------------------------------------------


class MappingPermissionPolicy(BasePermissionPolicy):
    """Whoever may import into a municipality may see and edit its own words, and no other municipality's."""

    def user_has_permission(self, user, action):
        return may_import(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return instance.municipality_id in {m.pk for m in importable_municipalities(user)}

    def instances_user_has_permission_for(self, user, action):
        return VocabularyMapping.objects.filter(municipality__in=[m.pk for m in importable_municipalities(user)])


class OwnMunicipalitiesOnly:
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .filter(municipality__in=[m.pk for m in importable_municipalities(self.request.user)])
        )

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.filter(municipality__in=[m.pk for m in importable_municipalities(self.request.user)])


class MappingForm(WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None:
            allowed = [m.pk for m in importable_municipalities(for_user)]
            self.fields["municipality"].queryset = MunicipalityPage.objects.filter(pk__in=allowed)


class MappingIndexView(OwnMunicipalitiesOnly, generic.IndexView):
    pass


class MappingEditView(OwnMunicipalitiesOnly, generic.EditView):
    pass


class MappingDeleteView(OwnMunicipalitiesOnly, generic.DeleteView):
    pass


class VocabularyMappingViewSet(ModelViewSet):
    """Egne betegnelser: each municipality's own words for target groups and service areas (see
    experiments.importing.vocabulary), listed and edited by the municipality's coordinators and editors."""

    model = VocabularyMapping
    icon = "link"
    menu_label = gettext_lazy("Egne betegnelser")
    add_to_admin_menu = True
    menu_order = 261
    list_display = ["source_text", "kind", "target", "municipality"]
    list_filter = ["kind"]
    search_fields = ["source_text"]
    edit_handler = ObjectList(
        [
            # A select of the user's own municipalities, not a page chooser over the whole tree.
            FieldPanel("municipality", widget=forms.Select),
            FieldPanel("kind"),
            FieldPanel("source_text"),
            FieldPanel("target_group"),
            FieldPanel("service_area"),
        ],
        base_form_class=MappingForm,
    )
    index_view_class = MappingIndexView
    edit_view_class = MappingEditView
    delete_view_class = MappingDeleteView

    @property
    def permission_policy(self):
        return MappingPermissionPolicy(VocabularyMapping)
