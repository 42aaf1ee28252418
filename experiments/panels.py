"""Admin panels: exemption requests are typed as Danish references, as the programme's documents cite them."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import InlinePanel

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
