from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.models import Frequency, Subscription


class SubscriptionSettingsForm(forms.ModelForm):
    """Name, how often and how: what a subscriber may change on Min side."""

    class Meta:
        model = Subscription
        fields = ["name", "email_alerts", "frequency", "feed_enabled"]
        labels = {
            "name": _("Navn"),
            "email_alerts": _("Send mig e-mail"),
            "frequency": _("Hvor ofte"),
            "feed_enabled": _("Giv mig et feed (Atom)"),
        }


class SaveSearchForm(SubscriptionSettingsForm):
    query = forms.CharField(widget=forms.HiddenInput, required=False)
    email = forms.EmailField(label=_("Din e-mail"), required=False)

    class Meta(SubscriptionSettingsForm.Meta):
        pass

    def __init__(self, *args, anonymous: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.anonymous = anonymous
        if anonymous:
            self.fields["email"].required = True

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email_alerts") and not cleaned.get("feed_enabled"):
            raise forms.ValidationError(_("Vælg e-mail, feed eller begge."))
        if self.anonymous and not cleaned.get("email_alerts"):
            raise forms.ValidationError(_("Uden login kan du kun abonnere med e-mail."))
        return cleaned


class FollowForm(forms.Form):
    kind = forms.ChoiceField(choices=[c for c in Subscription.Kind.choices if c[0] != Subscription.Kind.SEARCH])
    target = forms.IntegerField(min_value=1)
    frequency = forms.ChoiceField(label=_("Hvor ofte"), choices=Frequency.choices, initial=Frequency.DAILY)
    email = forms.EmailField(label=_("Din e-mail"), required=False)
    next = forms.CharField(required=False)
