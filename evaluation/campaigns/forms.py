import datetime

from django import forms
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from botp.models import Programme
from evaluation.campaigns import questionnaires
from evaluation.campaigns.models import Audience
from evaluation.forms import text_in

MAX_EXTERNAL = 500


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    questionnaire = forms.ChoiceField(label=_("Questionnaire"))
    audiences = forms.MultipleChoiceField(
        label=_("Recipients with a portal account"), required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(a.value, a.label) for a in Audience if a != Audience.EXTERNAL])
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.order_by("pk"), required=False,
        empty_label=_("Every programme"),
        help_text=_("Providers accredited for it; referrers who referred someone to it."))
    external = forms.CharField(
        label=_("External e-mail addresses"), required=False, widget=forms.Textarea(
            attrs={"rows": 4}),
        help_text=_("One a line: prevention advisors, social partners and others without an "
                    "account."))
    external_language = forms.ChoiceField(
        label=_("Language of the external invitations"),
        choices=[("nl", _("Dutch")), ("fr", _("French")), ("en", _("English"))])
    closes_on = forms.DateField(label=_("Closes on"), widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The answers are shown once it has closed."))

    def __init__(self, *args, language="en", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].choices = [
            (code, text_in(definition["name"], language))
            for code, definition in questionnaires.available().items()]
        self.fields["closes_on"].initial = timezone.localdate() + datetime.timedelta(days=21)

    def clean_external(self):
        addresses = []
        for line in self.cleaned_data["external"].splitlines():
            line = line.strip()
            if not line:
                continue
            try:
                validate_email(line)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(line)s” is not an e-mail address."), params={"line": line[:80]},
                ) from None
            if line.lower() not in addresses:
                addresses.append(line.lower())
        if len(addresses) > MAX_EXTERNAL:
            raise forms.ValidationError(_("At most %(max)s addresses."),
                                        params={"max": MAX_EXTERNAL})
        return addresses

    def clean_closes_on(self):
        day = self.cleaned_data["closes_on"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("Choose a day from today on."))
        return day

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("audiences") and not cleaned.get("external"):
            raise forms.ValidationError(_("Choose recipients: a group, external addresses or "
                                          "both."))
        return cleaned
