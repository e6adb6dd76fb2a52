from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.be import vat
from stdnum.exceptions import ValidationError as StdnumError

from botp import nationalnumber, programme_rules
from botp.forms import DateInput, PortalForm, PortalModelForm
from botp.models import Programme, Sector
from intake import eligibility, proposal, selectors
from intake.consent import consent_text, worker_consent_text
from intake.eligibility import Reason
from intake.models import ScreeningRequest, Signal, WorkStatus

OTHER_SECTOR = "other"

# Required for submission; a draft may leave any of them empty.
REQUIRED_ON_SUBMIT = [
    "programme", "first_name", "last_name", "niss", "birth_date", "sex", "email", "language",
    "employer_name", "enterprise_number", "sector_choice", "job_title", "work_status",
]


class ScreeningRequestForm(PortalModelForm):
    niss = forms.CharField(
        label=_("National register number (NISS)"), max_length=20, required=False,
        help_text=_("11 digits, e.g. 85.07.14-123.30. Bis numbers are accepted."),
    )
    sector_choice = forms.ChoiceField(label=_("Sector"), required=False)
    signals = forms.MultipleChoiceField(
        label=_("Signals that led to the referral"), choices=Signal.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent = forms.BooleanField(required=False)
    # As people write it ("BE 0403.170.701"): longer than the 10 digits it is stored as.
    enterprise_number = forms.CharField(
        label=_("Enterprise number"), max_length=40, required=False,
        help_text=_("10 digits, as you find it: 0403.170.701, BE 0403.170.701 or "
                    "BE0403170701."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    class Meta:
        model = ScreeningRequest
        fields = [
            "programme", "first_name", "last_name", "birth_date", "sex", "email", "phone",
            "language", "employer_name", "enterprise_number", "employer_kind", "nace_code",
            "sector_other", "job_title", "work_status", "sick_leave_since",
            "incapacity_not_burnout", "adapted_work_agreed", "signals_other",
        ]
        widgets = {
            "birth_date": DateInput(),
            "sick_leave_since": DateInput(),
            "sex": forms.RadioSelect,
            "work_status": forms.RadioSelect,
            "employer_kind": forms.RadioSelect,
            "signals_other": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        }

    def __init__(self, *args, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        self.fields["programme"].queryset = Programme.objects.filter(active=True)
        self.fields["programme"].required = False
        self.fields["sex"].choices = self.fields["sex"].choices[1:]  # no empty radio
        self.fields["work_status"].choices = self.fields["work_status"].choices[1:]
        self.fields["sector_choice"].choices = (
            [("", _("Choose a sector"))]
            + [(str(s.pk), s.name) for s in Sector.objects.all()]
            + [(OTHER_SECTOR, _("Other sector"))]
        )
        self.fields["consent"].label = consent_text()
        self.fields["employer_kind"].choices = self.fields["employer_kind"].choices[1:]
        self.fields["nace_code"].help_text = _(
            "As on the employer's record in the Crossroads Bank for Enterprises, e.g. 86.101. "
            "With the kind of employer, the portal proposes the sector and the programme.")
        yes_no = [("True", _("Yes")), ("False", _("No")), ("", _("Not answered"))]
        for name, label in [
            ("incapacity_not_burnout", _("Is the incapacity for another reason than burnout?")),
            ("adapted_work_agreed", _("Does the worker do adapted work with the agreement of "
                                      "the mutuality's advisory physician?")),
        ]:
            self.fields[name] = forms.NullBooleanField(
                label=label, required=False,
                widget=forms.RadioSelect(choices=yes_no),
                help_text=_("Only for a sick leave longer than the programme takes: the "
                            "programme since 2024 accepts it in that case."),
            )
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "type": "tel",
                                                  "inputmode": "tel"})
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        # On a phone, the keyboard with digits: the separators are optional.
        self.fields["niss"].widget.attrs["inputmode"] = "numeric"
        if self.instance.pk:
            self.initial.setdefault("niss", self.instance.niss)
            self.initial.setdefault("signals", self.instance.signals)
            self.initial.setdefault("consent", self.instance.consent_given)
            self.initial.setdefault(
                "sector_choice",
                str(self.instance.sector_id) if self.instance.sector_id
                else (OTHER_SECTOR if self.instance.sector_other else ""),
            )
        for name in REQUIRED_ON_SUBMIT:
            self.fields[name].label = f"{self.fields[name].label} *"
            self.fields[name].required = submitting

    def clean_niss(self):
        value = self.cleaned_data["niss"].strip()
        return nationalnumber.validate(value) if value else ""

    def clean_enterprise_number(self):
        # Spaces, dots, dashes and a "BE" prefix are how people write it; python-stdnum
        # takes them away and checks the check digits (mod 97).
        value = self.cleaned_data["enterprise_number"].strip()
        if not value:
            return ""
        try:
            return vat.validate(value)
        except StdnumError:
            raise forms.ValidationError(
                _("This is not a valid Belgian enterprise number (10 digits, e.g. "
                  "0403.170.701)."), code="enterprise_number"
            ) from None

    def clean_birth_date(self):
        born = self.cleaned_data.get("birth_date")
        if born and born > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return born

    def clean_sick_leave_since(self):
        since = self.cleaned_data.get("sick_leave_since")
        if since and since > timezone.localdate():
            raise forms.ValidationError(
                _("The sick leave cannot start in the future."), code="future_sick_leave"
            )
        return since

    def clean(self):
        data = super().clean()
        niss, born = data.get("niss"), data.get("birth_date")
        if niss and born:
            encoded = nationalnumber.birth_date(niss)
            if encoded and encoded != born:
                self.add_error("birth_date", forms.ValidationError(
                    _("The date of birth does not match the national register number "
                      "(which gives %(date)s).") % {"date": encoded.strftime("%d/%m/%Y")},
                    code="birth_date_mismatch",
                ))
        choice = data.get("sector_choice")
        if getattr(self, "proposing", False):
            sector, programme = self.proposal()
            if sector is not None:
                choice = str(sector.pk)
                data["sector_choice"] = choice
            if programme is not None:
                data["programme"] = programme
        if choice == OTHER_SECTOR:
            data["sector"] = None
            if self.submitting and not data.get("sector_other", "").strip():
                self.add_error("sector_other", _("Name the sector."))
        elif choice:
            data["sector"] = Sector.objects.filter(pk=choice).first()
            data["sector_other"] = ""
        else:
            data["sector"] = None
        if data.get("work_status") == WorkStatus.SICK_LEAVE:
            if self.submitting and not data.get("sick_leave_since"):
                self.add_error("sick_leave_since", _("Give the first day of the sick leave."))
        elif data.get("work_status") == WorkStatus.AT_WORK:
            data["sick_leave_since"] = None
        if self.submitting:
            if not data.get("signals") and not data.get("signals_other", "").strip():
                self.add_error("signals", _("Tick at least one signal or describe what you "
                                            "observed."))
            if not data.get("consent"):
                self.add_error("consent", forms.ValidationError(
                    _("The worker's consent is required to submit the request."),
                    code="consent_required",
                ))
        return data

    # --- What the form says about eligibility (Fedris decides it; the form only warns) ---

    def _value(self, name):
        if self.is_bound:
            return getattr(self, "cleaned_data", {}).get(name)
        return self.initial.get(name, getattr(self.instance, name, None))

    def _programme(self):
        chosen = self._value("programme")
        if isinstance(chosen, Programme):
            return chosen
        if chosen:
            return Programme.objects.filter(pk=getattr(chosen, "pk", chosen)).first()
        return selectors.default_programme()

    def eligibility_rules(self):
        """Each active programme's rules in force as the form states them: its sectors, the
        longest sick leave it takes, its exception and whether the worker signs too."""
        found = []
        sectors = {sector.code: sector.name for sector in Sector.objects.all()}
        for programme in Programme.objects.filter(active=True):
            rules = programme_rules.in_force(programme)
            if rules is None:
                continue
            found.append({
                "programme": programme, "max_days": rules.max_sick_leave_days,
                "limit": eligibility.limit_words(rules), "version": rules.version,
                "exception": rules.sick_leave_exception, "months": rules.sick_leave_months,
                "worker_signs": rules.worker_signs_request,
                "sectors": [sectors[code] for code in sorted(rules.sector_codes)
                            if code in sectors]})
        return found

    def proposal(self):
        """(sector, programme) the employer's data point to; either may be None."""
        return proposal.propose(self._value("employer_kind"), self._value("nace_code"))

    def proposal_note(self):
        """What the portal proposes from the employer's data, in words, or ""."""
        if not self._value("employer_kind") and not self._value("nace_code"):
            return ""
        sector, programme = self.proposal()
        if sector is None:
            return _("No sector or programme matches the employer's data: choose them below, "
                     "or “Other sector”.")
        if programme is None:
            return _("From the employer's data: sector “%(sector)s”, which no programme "
                     "covers.") % {"sector": sector.name}
        return _("From the employer's data: sector “%(sector)s”, programme “%(programme)s”.") % {
            "sector": sector.name, "programme": programme.name}

    def sick_leave_warning(self):
        """A warning when the sick leave given is already longer than the programme takes,
        or "" (the request may still be sent: Fedris decides)."""
        if self._value("work_status") != WorkStatus.SICK_LEAVE:
            return ""
        since, programme = self._value("sick_leave_since"), self._programme()
        if not since or programme is None:
            return ""
        rules = programme_rules.in_force(programme)
        today = timezone.localdate()
        if rules is None or not eligibility.over_sick_leave_limit(rules, since, today):
            return ""
        days = (today - since).days
        if rules.sick_leave_months:
            return _("The worker has been on sick leave for %(days)s days: %(limit)s is what "
                     "the programme “%(programme)s” takes at the date the request is signed, "
                     "unless the incapacity is not for burnout and adapted work is agreed by "
                     "the mutuality's advisory physician (answer both questions). You can "
                     "still send it; Fedris decides on eligibility.") % {
                "days": days, "limit": eligibility.limit_words(rules),
                "programme": programme.name}
        return _("The worker has been on sick leave for %(days)s days: more than the "
                 "%(maximum)s days the programme “%(programme)s” takes at the request. You can "
                 "still send it; Fedris decides on eligibility.") % {
            "days": days, "maximum": rules.max_sick_leave_days,
            "programme": programme.name}

    def request_fields(self):
        """What the referrer filled in, as intake.services.save_request takes it."""
        data = self.cleaned_data
        fields = {name: data.get(name) for name in self.Meta.fields}
        fields.update(niss=data.get("niss", ""), sector=data.get("sector"),
                      sector_other=data.get("sector_other", ""),
                      signals=data.get("signals", []), consent=bool(data.get("consent")))
        return fields


class QueueFilterForm(PortalForm):
    """The review queue's filters, from the query string. A value the lists do not offer (a
    hand-made or damaged link) is ignored: the queue is shown without that filter."""

    programme = forms.ModelChoiceField(queryset=Programme.objects.all(), required=False)
    sector = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = (
            [("", "")] + [(str(pk), pk) for pk in Sector.objects.values_list("pk", flat=True)]
            + [(OTHER_SECTOR, OTHER_SECTOR)]
        )

    def _valid(self):
        self.is_valid()  # cleaned_data keeps the valid filters even when another is not
        return self.cleaned_data

    def apply(self, requests):
        data = self._valid()
        if data.get("programme"):
            requests = requests.filter(programme=data["programme"])
        if data.get("sector") == OTHER_SECTOR:
            requests = requests.filter(sector__isnull=True)
        elif data.get("sector"):
            requests = requests.filter(sector_id=int(data["sector"]))
        return requests

    def selected(self):
        """The filters in force, as the page's lists name them."""
        data = self._valid()
        return {"selected_programme": str(data["programme"].pk) if data.get("programme") else "",
                "selected_sector": data.get("sector", "")}


class DecisionForm(PortalForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[("approve", _("Approve: eligible for the programme")),
                 ("not_eligible", _("Not eligible"))],
    )
    reason_code = forms.ChoiceField(
        label=_("Reason (when not eligible)"), required=False, widget=forms.RadioSelect,
        choices=Reason.choices,
        help_text=_("The referrer sees this category; the worker's letter explains it."),
    )
    reason_text = forms.CharField(
        label=_("Explanation for the worker"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed in the worker's letter; required for “Other reason”. The "
                    "referrer does not see it. No medical details."),
    )
    override_reason = forms.CharField(
        label=_("Reason for overriding a failed check"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to approve a request with a failed check; kept in the case log."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "not_eligible" and not data.get("reason_code"):
            self.add_error("reason_code", forms.ValidationError(
                _("Choose the reason why the request is not eligible."), code="reason_required"))
        return data


class WorkerSignatureForm(PortalForm):
    """The worker's confirmation of the request that concerns them."""

    confirm = forms.BooleanField(
        required=True, error_messages={"required": _("Tick the box to confirm and sign the "
                                                      "request.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = worker_consent_text()
