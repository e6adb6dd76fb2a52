import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from botp.forms import DateInput, PortalForm
from botp.models import TravelMode
from botp.payments import sepa

REASON = {"max_length": 2000, "widget": forms.Textarea(attrs={"rows": 3})}


class DisputeForm(PortalForm):
    line = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(label=_("Why do you dispute this line?"), **REASON)


class AnswerForm(PortalForm):
    line = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    answer = forms.CharField(label=_("Your answer to Fedris"), **REASON)


class CorrectionForm(PortalForm):
    line = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    amount = forms.DecimalField(
        label=_("Amount of the correction (euro)"), max_digits=8, decimal_places=2,
        min_value=Decimal("-99999"), max_value=Decimal("99999"),
        help_text=_("Negative to take back an amount paid too much."))
    reason = forms.CharField(label=_("Reason of the correction"), max_length=300)


class MonthField(forms.CharField):
    """A month as the browser's month picker posts it (YYYY-MM): its first day."""

    widget = forms.TextInput(attrs={"type": "month", "maxlength": 7})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            if len(value) > 7:
                raise ValueError(value)
            return datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise ValidationError(_("Give a month as YYYY-MM, e.g. 2026-11."),
                                  code="month") from None


class BuildForm(PortalForm):
    month = MonthField(label=_("Month"))

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month is not None and month > timezone.localdate().replace(day=1):
            raise ValidationError(_("A month not begun yet has nothing to pay."),
                                  code="future")
        if month is not None and month.year < 2019:
            raise ValidationError(_("The programme began in 2019."), code="past")
        return month


class TripForm(PortalForm):
    case = forms.ModelChoiceField(label=_("Your programme"), queryset=None, empty_label=None)
    trip_date = forms.DateField(label=_("Date of the trip"), widget=DateInput,
                                help_text=_("The day of one of your sessions."))
    origin = forms.CharField(label=_("From where"), max_length=200,
                             help_text=_("The town or address you left from."))
    mode = forms.ChoiceField(label=_("How did you travel?"), choices=TravelMode.choices,
                             widget=forms.RadioSelect)
    km = forms.DecimalField(label=_("Kilometres, there and back (by car)"), required=False,
                            max_digits=6, decimal_places=1, min_value=Decimal("0.1"),
                            max_value=Decimal("9999"))
    ticket_amount = forms.DecimalField(
        label=_("Amount of the ticket(s), there and back (euro, by public transport)"),
        required=False, max_digits=8, decimal_places=2, min_value=Decimal("0.01"),
        max_value=Decimal("9999"))

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda case: (
            f"{case.reference} — {case.programme.name}")
        if len(cases) == 1:
            self.fields["case"].widget = forms.HiddenInput()
            self.fields["case"].initial = cases[0].pk


class DecideClaimForm(PortalForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("approve", _("Approve: paid with the next payment run")),
        ("refuse", _("Refuse, with the reason"))])
    reason = forms.CharField(label=_("Reason of the refusal"), required=False, **REASON)


class BankAccountForm(PortalForm):
    holder = forms.CharField(label=_("Account holder"), max_length=70)
    iban = forms.CharField(label=_("IBAN"), max_length=42,
                           help_text=_("For example BE68 5390 0754 7034."))
    bic = forms.CharField(label=_("BIC (optional)"), max_length=11, required=False,
                          help_text=_("Only for an account outside Belgium."))

    def clean_iban(self):
        return sepa.clean_iban(self.cleaned_data["iban"])

    def clean_bic(self):
        return sepa.clean_bic(self.cleaned_data["bic"])


class PaymentRunForm(PortalForm):
    execution_date = forms.DateField(label=_("Execution date"), widget=DateInput,
                                     help_text=_("The day the bank makes the transfers: "
                                                 "today or later."))

    def clean_execution_date(self):
        day = self.cleaned_data["execution_date"]
        if day < timezone.localdate():
            raise ValidationError(_("The execution date is today or later."), code="past")
        if day > timezone.localdate() + datetime.timedelta(days=365):
            raise ValidationError(_("The execution date is within a year."), code="far")
        return day
