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
        from experiments.models import Provision

        text = self.cleaned_data["reference"]
        try:
            reference = parse_reference(text)
        except ReferenceError as error:
            raise forms.ValidationError(str(error)) from error
        self.instance.provision = Provision.objects.resolve(reference)
        return self.instance.provision.reference_text


class ExemptionRequestPanel(InlinePanel):
    """An InlinePanel whose rows use ExemptionRequestForm, so the provision is typed rather than picked."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = ExemptionRequestForm
        return options
