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


class ChoosePasswordForm(forms.Form):
    """The invited person's own password, checked by the portal's password rules."""

    password1 = forms.CharField(label=_("Choose a password"), max_length=128,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Repeat the password"), max_length=128,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, user_hint=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_hint = user_hint

    def clean(self):
        from django.contrib.auth import password_validation

        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first, self.user_hint)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class AccountAuditFilterForm(forms.Form):
    RECORDS = [
        ("", _("Every record")),
        ("user", _("Accounts")),
        ("provider", _("Care providers")),
        ("referrer", _("Referrers")),
        ("invitation", _("Invitations")),
        ("group", _("Groups of rights")),
        ("apitoken", _("API tokens")),
        ("emailaddress", _("E-mail addresses")),
        ("authenticator", _("Two-factor devices")),
    ]

    record = forms.ChoiceField(label=_("Record"), required=False, choices=RECORDS)
    q = forms.CharField(label=_("Name or e-mail contains"), required=False, max_length=100)
