from django import forms
from django.utils.translation import gettext_lazy as _

from botp.models import CaseState, OutboxMessage


class DateInput(forms.DateInput):
    """The browser's date picker, which posts ISO dates whatever the page's language."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TransitionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DashboardFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Stage"), required=False,
        choices=[("", _("All stages"))] + list(CaseState.choices),
    )


class DeliveryFilterForm(forms.Form):
    TROUBLED = "troubled"
    ALL = "all"

    status = forms.ChoiceField(
        label=_("Show"), required=False,
        choices=[(TROUBLED, _("Retrying or failed")), (ALL, _("Everything"))]
        + list(OutboxMessage.Status.choices),
    )
