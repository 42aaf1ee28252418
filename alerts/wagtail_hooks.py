"""In the admin: the coordinator's list of experiments that need attention (their own municipality only), and the
extensions of exemptions' legal bases."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from alerts.reminders import due_reminders
from experiments.models import ExemptionExtension, ExperimentPage
from municipalities.models import MunicipalityPage
from municipalities.permissions import ADMINISTRATORS_GROUP, coordinators_group_name


def coordinated_municipalities(user):
    """The municipalities whose coordinator `user` is; all of them for superusers and network administrators."""
    municipalities = MunicipalityPage.objects.all()
    if user.is_superuser or user.groups.filter(name=ADMINISTRATORS_GROUP).exists():
        return municipalities
    names = set(user.groups.values_list("name", flat=True))
    return municipalities.filter(pk__in=[m.pk for m in municipalities if coordinators_group_name(m.title) in names])


def may_see_reminders(user) -> bool:
    return coordinated_municipalities(user).exists()


def reminders_view(request):
    municipalities = list(coordinated_municipalities(request.user))
    if not municipalities:
        raise PermissionDenied
    experiments = ExperimentPage.objects.none()
    for municipality in municipalities:
        experiments = experiments | ExperimentPage.objects.descendant_of(municipality)
    reminders = due_reminders(experiments=experiments)
    return TemplateResponse(
        request,
        "alerts/admin/reminders.html",
        {"reminders": reminders, "municipalities": municipalities, "page_title": _("Forsøg, der kræver opmærksomhed")},
    )


@hooks.register("register_admin_urls")
def register_reminder_urls():
    return [path("paamindelser/", reminders_view, name="alerts_reminders")]


class RemindersMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_reminders(request.user)


@hooks.register("register_admin_menu_item")
def register_reminders_menu_item():
    return RemindersMenuItem(_("Påmindelser"), reverse("alerts_reminders"), icon_name="warning", order=250)


class ExemptionExtensionForm(WagtailAdminModelForm):
    """The exemption is named with its experiment: "SEL § 140" alone would not say which experiment's it is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["exemption"]
        field.queryset = field.queryset.select_related("experiment", "provision__law").order_by(
            "experiment__title", "sort_order"
        )
        field.label_from_instance = lambda exemption: f"{exemption.experiment.title}: {exemption}"


class ExemptionExtensionViewSet(SnippetViewSet):
    model = ExemptionExtension
    icon = "date"
    menu_label = _("Forlængelser af hjemmel")
    list_display = ["exemption", "ends_on", "legal_instrument"]
    edit_handler = ObjectList(
        [FieldPanel("exemption"), FieldPanel("ends_on"), FieldPanel("legal_instrument"), FieldPanel("decided_on")],
        base_form_class=ExemptionExtensionForm,
    )


register_snippet(ExemptionExtensionViewSet)
