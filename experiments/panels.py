"""Admin panels: exemption requests are typed as Danish references, as the programme's documents cite them; "Har
andre prøvet det?" lists similar experiments while the project manager writes."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.panels import InlinePanel, Panel

from experiments.references import ReferenceError, parse_reference


class ExemptionRequestForm(WagtailAdminModelForm):
    reference = forms.CharField(
        label=_("Bestemmelse"),
        max_length=200,
        help_text=_("Skriv henvisningen som i loven, fx SEL § 140, stk. 3 eller LAB §§ 27–30."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.provision_id:
            self.initial.setdefault("reference", self.instance.provision.reference_text)

    def clean_reference(self):
        text = self.cleaned_data["reference"]
        try:
            self.parsed_reference = parse_reference(text)
        except ReferenceError as error:
            raise forms.ValidationError(str(error)) from error
        return text

    def save(self, commit=True):
        # The provision is looked up, or added to the catalogue, only when the whole page form is valid and saved:
        # a page rejected for another field's error leaves the catalogue as it was.
        from experiments.models import Provision

        reference = getattr(self, "parsed_reference", None)
        current = self.instance.provision if self.instance.provision_id else None
        # An unchanged reference keeps its provision, even one of an older version of the law.
        if reference is not None and (current is None or current.reference != reference):
            self.instance.provision = Provision.objects.resolve(reference)
        return super().save(commit=commit)


class ExemptionRequestPanel(InlinePanel):
    """An InlinePanel whose rows use ExemptionRequestForm, so the provision is typed rather than picked."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = ExemptionRequestForm
        return options


def _live_forms(formset):
    """The rows of an inline formset that will be kept: filled in and not marked for deletion."""
    for form in formset.forms:
        if not hasattr(form, "cleaned_data") or not form.cleaned_data or form.cleaned_data.get("DELETE"):
            continue
        yield form


class ExperimentPageForm(WagtailAdminPageForm):
    """Checks that span the rows of an experiment: the same provision sought twice in one round, the own
    municipality or the same municipality twice as partner."""

    def is_valid(self):
        valid = super().is_valid()
        if valid and self.formsets:
            self._check_exemption_requests()
            self._check_partners()
            valid = not any(form.errors for formset in self.formsets.values() for form in formset.forms)
        return valid

    def _check_exemption_requests(self):
        formset = self.formsets.get("exemption_requests")
        if formset is None:
            return
        seen = set()
        for form in _live_forms(formset):
            reference = getattr(form, "parsed_reference", None)
            if reference is None:
                continue
            key = (reference, form.cleaned_data.get("application_round"))
            if key in seen:
                form.add_error(
                    "reference", _("%(reference)s er allerede søgt i samme ansøgningsrunde.") % {"reference": reference}
                )
            seen.add(key)

    def _check_partners(self):
        from municipalities.models import MunicipalityPage

        formset = self.formsets.get("partners")
        if formset is None:
            return
        own = MunicipalityPage.objects.ancestor_of(self.parent_page, inclusive=True).first()
        seen = set()
        for form in _live_forms(formset):
            municipality = form.cleaned_data.get("municipality")
            if municipality is None:
                continue
            if own is not None and municipality.pk == own.pk:
                form.add_error("municipality", _("Forsøgets egen kommune kan ikke være partnerkommune."))
            elif municipality.pk in seen:
                form.add_error("municipality", _("%(name)s er allerede partnerkommune.") % {"name": municipality})
            seen.add(municipality.pk)


class SimilarExperimentsPanel(Panel):
    """The panel "Har andre prøvet det?": the experiments most like the one being written, with why.

    Rendered first from the saved page, then kept current by static/js/similar.js, which posts the form's title,
    challenge, purpose, target groups, service areas and provisions to the `experiment_similar` endpoint as they
    change (a file of the site's own, as the admin's Content-Security-Policy allows no inline script).
    """

    class BoundPanel(Panel.BoundPanel):
        template_name = "experiments/includes/similar_panel.html"

        class Media:
            js = ["js/similar.js"]

        def get_context_data(self, parent_context=None):
            from experiments.similarity import similar_experiments

            context = super().get_context_data(parent_context)
            context["endpoint"] = reverse("experiment_similar")
            context["exclude"] = self.instance.pk or ""
            context["similar"] = similar_experiments(self.instance, user=self.request.user) if self.instance.pk else []
            return context
