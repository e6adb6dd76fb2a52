from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from botp import sessions, text
from botp.models import CaseState, OutboxMessage


def _is_free_text(field):
    # A password is the user's own business, whatever it holds.
    return (isinstance(field, forms.CharField)
            and not isinstance(field.widget, forms.PasswordInput))


class CleanTextMixin:
    """Every free-text field of the form is composed (NFC) before it is cleaned and refuses the
    characters botp.text names; a text area keeps its line breaks. Every form of the portal has
    it, through PortalForm and PortalModelForm (a test holds every form to that)."""

    def full_clean(self):
        # Here rather than in __init__: forms add fields of their own after super().__init__().
        free_text = [(name, field) for name, field in self.fields.items()
                     if _is_free_text(field)]
        for _name, field in free_text:
            if not any(isinstance(v, text.TextValidator) for v in field.validators):
                field.validators.append(
                    text.TextValidator(multiline=isinstance(field.widget, forms.Textarea)))
        if self.is_bound:
            self.data = self._composed(self.data, [self.add_prefix(name)
                                                   for name, _field in free_text])
        super().full_clean()

    @staticmethod
    def _composed(data, keys):
        if hasattr(data, "setlist"):
            data = data.copy()
            for key in keys:
                if key in data:
                    data.setlist(key, [text.normalise(value) if isinstance(value, str) else value
                                       for value in data.getlist(key)])
            return data
        return {**data, **{key: text.normalise(data[key]) for key in keys
                           if isinstance(data.get(key), str)}}


class PortalForm(CleanTextMixin, forms.Form):
    pass


class PortalModelForm(CleanTextMixin, forms.ModelForm):
    pass


class DateInput(forms.DateInput):
    """The browser's date picker, which posts ISO dates whatever the page's language."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CaseVersionForm(PortalForm):
    """The case's version a page was shown at, posted back with a form that has no field of its
    own for it: a change someone else made meanwhile is then noticed (workflow.StaleCase)."""

    version = forms.IntegerField(
        required=False, min_value=0, widget=forms.HiddenInput,
        error_messages={key: _("This page is out of date or damaged: reload it and try again.")
                        for key in ("invalid", "min_value")},
    )


class TransitionForm(PortalForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DashboardFilterForm(PortalForm):
    state = forms.ChoiceField(
        label=_("Stage"), required=False,
        choices=[("", _("All stages"))] + list(CaseState.choices),
    )


class DeliveryFilterForm(PortalForm):
    TROUBLED = "troubled"
    ALL = "all"

    status = forms.ChoiceField(
        label=_("Show"), required=False,
        choices=[(TROUBLED, _("Retrying or failed")), (ALL, _("Everything"))]
        + list(OutboxMessage.Status.choices),
    )


class ChoosePasswordForm(PortalForm):
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


class AccountAuditFilterForm(PortalForm):
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


class SessionMinutesInput(forms.NumberInput):
    """Shows the bounds of settings.SESSION_MINUTES as they are when the page is drawn."""

    def get_context(self, name, value, attrs):
        low, high = settings.SESSION_MINUTES
        return super().get_context(name, value, {**(attrs or {}), "min": low, "max": high,
                                                 "inputmode": "numeric"})


class SessionMinutesField(forms.IntegerField):
    """A session's length in minutes, within settings.SESSION_MINUTES: checked by the session
    service's own rule, with its message."""

    widget = SessionMinutesInput

    def validate(self, value):
        super().validate(value)
        if value is not None and (problem := sessions.duration_problem(value)):
            raise forms.ValidationError(problem, code="duration")
