import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from botp import instruments
from botp.forms import DateInput, PortalForm, PortalModelForm, SessionMinutesField
from botp.models import (
    BTP_PROFESSIONS,
    GivenBy,
    Profession,
    Provider,
    Province,
    Referral,
    RequestChannel,
    SessionStatus,
    SpokenLanguage,
)
from diagnosis import services
from diagnosis.models import BurnoutStage, DiagnosisReport, Differential


class DirectoryFilterForm(PortalForm):
    language = forms.ChoiceField(
        label=_("Language of the sessions"), required=False,
        choices=[("", _("Any language"))] + list(SpokenLanguage.choices),
    )
    province = forms.ChoiceField(
        label=_("Province"), required=False,
        choices=[("", _("Any province"))] + list(Province.choices),
    )
    postcode = forms.RegexField(
        label=_("Near postcode"), required=False, regex=r"^[0-9]{4}\Z", max_length=4,
        error_messages={"invalid": _("A Belgian postcode has 4 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code",
                                      "size": 6}),
    )
    profession = forms.ChoiceField(
        label=_("Profession"), required=False,
        choices=[("", _("Any profession"))] + [
            (value, label) for value, label in Profession.choices if value in BTP_PROFESSIONS
        ],
    )

    def filters(self):
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


class ChooseBTPForm(PortalForm):
    btp = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    asked_via = forms.ChoiceField(
        label=_("The participant asked Fedris to choose for them"), required=False,
        choices=RequestChannel.choices, widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (optional), e.g. the date of the call"),
        required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, on_behalf=False, **kwargs):
        super().__init__(*args, **kwargs)
        # Fedris chooses only at the participant's request, and says how it came.
        self.fields["asked_via"].required = on_behalf


class SessionForm(PortalForm):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    duration_minutes = SessionMinutesField(label=_("Duration (minutes)"), initial=60)
    status = forms.ChoiceField(
        label=_("The participant"), widget=forms.RadioSelect, initial=SessionStatus.HELD,
        choices=[(SessionStatus.HELD, _("attended: the session was held")),
                 (SessionStatus.NO_SHOW, _("did not come (no-show)"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class YesNoField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=[("yes", _("Yes")), ("no", _("No"))],
            coerce=lambda value: value == "yes", empty_value=None, required=False,
            widget=forms.RadioSelect, **kwargs,
        )

    def prepare_value(self, value):
        return {True: "yes", False: "no"}.get(value, value)


class DiagnosisReportForm(PortalModelForm):
    """The report's own fields. Nothing is required here: a draft may be incomplete, and the
    service says what is missing when the BTP sends it."""

    burnout_present = YesNoField(label=DiagnosisReport._meta.get_field("burnout_present")
                                 .verbose_name.capitalize())
    differential_diagnoses = forms.MultipleChoiceField(
        label=_("Differential diagnosis considered"), required=False,
        choices=Differential.choices, widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = DiagnosisReport
        fields = [name for name in services.COPIED_FIELDS if name != "scores_source"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in services.COPIED_FIELDS
            if name not in services.REQUIRED_SCORES + [
                "burnout_present", "burnout_stage", "differential_diagnoses",
                "suicidal_ideation", "scores_source"]
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["burnout_stage"].choices = (
            [("", _("Not applicable"))] + list(BurnoutStage.choices)
        )
        self.scales = {}  # field name -> its instrument's ScoreScale, for the page's notes
        for name, (instrument, subscale) in DiagnosisReport.instrument_scores().items():
            scale = self.scales[name] = instruments.score_scale(instrument, subscale)
            self.fields[name].widget.attrs.update({
                "step": scale.step, "min": scale.low, "max": scale.high,
                "inputmode": "decimal" if scale.precision else "numeric",
            })
        for name, field in self.fields.items():
            field.label = field.label[:1].upper() + field.label[1:]
            if name in services.REQUIRED_SCORES or name in services.REQUIRED_TEXT:
                field.label = f"{field.label} *"

    def values(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ProviderChoiceField(forms.ChoiceField):
    """A provider picked from a list, as its number; whether they may be proposed is the
    service's question, so an unlisted or changed provider gets its clear message there."""

    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    NUMBER = re.compile(r"[0-9]{1,18}")

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if not self.NUMBER.fullmatch(value):
            raise forms.ValidationError(_("Choose a provider from the list."),
                                        code="invalid_choice")
        return int(value)

    def valid_value(self, value):
        return True


class TreatmentRequestForm(PortalForm):
    """One row per session type (and approach) of the programme's treatment: how many
    sessions, and for an ISP's sessions, which ISP."""

    def __init__(self, *args, case, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.rows = []
        existing = {(line.session_type.pk, line.approach): line for line in lines}
        for session_type, approach in services.slots(case.programme):
            key = f"{session_type.code}-{approach}" if approach else session_type.code
            line = existing.get((session_type.pk, approach))
            planned = forms.IntegerField(
                label=session_type.name, min_value=0, required=False,
                initial=line.planned_sessions if line else 0,
                widget=forms.NumberInput(attrs={"min": 0, "max": session_type.cap,
                                                "inputmode": "numeric", "class": "count"}),
            )
            if approach:
                approach_label = dict(session_type.approach_choices)[approach].lower()
                planned.label = f"{session_type.name} — {approach_label}"
            self.fields[f"planned_{key}"] = planned
            row = {"session_type": session_type, "approach": approach,
                   "planned": self[f"planned_{key}"], "isp": None}
            if session_type.given_by in (GivenBy.ISP, GivenBy.BTP_OR_ISP):
                empty = (_("The BTP gives them") if session_type.given_by == GivenBy.BTP_OR_ISP
                         else _("Choose an ISP"))
                self.fields[f"isp_{key}"] = ProviderChoiceField(
                    label=_("Given by"), required=False,
                    initial=line.provider_id if line and line.provider_id else "",
                    choices=[("", empty)] + [
                        (provider.pk, f"{provider} — {provider.get_profession_display()}, "
                                      f"{provider.city or provider.postcode}")
                        for provider in services.proposable_isps(case.programme, session_type,
                                                                 approach)
                    ],
                )
                row["isp"] = self[f"isp_{key}"]
            row["key"] = key
            self.rows.append(row)

    def lines(self):
        """The rows as service Lines (call after is_valid)."""
        chosen = {
            row["key"]: self.cleaned_data.get(f"isp_{row['key']}")
            for row in self.rows if row["isp"] is not None
        }
        providers = Provider.objects.in_bulk([value for value in chosen.values() if value])
        found = []
        for row in self.rows:
            value = chosen.get(row["key"])
            provider = providers.get(value) if value else None
            if value and provider is None:
                self.add_error(f"isp_{row['key']}", _("This provider is not in the directory."))
            found.append(services.Line(
                row["session_type"], row["approach"], provider,
                self.cleaned_data.get(f"planned_{row['key']}") or 0,
            ))
        return found


class DecisionForm(PortalForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[
            (services.Decision.CONFIRM, _("Confirm the early-stage occupational burnout: "
                                          "treatment can start")),
            (services.Decision.NOT_CONFIRM, _("Do not confirm: the BTP holds a debrief and "
                                              "refers the participant")),
            (services.Decision.MORE_INFORMATION, _("Ask the BTP for more information")),
        ],
    )
    comment = forms.CharField(
        label=_("Reasons or questions for the BTP"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you do not confirm or ask for more information."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") in (services.Decision.NOT_CONFIRM,
                                    services.Decision.MORE_INFORMATION):
            if not data.get("comment", "").strip():
                self.add_error("comment", _("Give your reasons or questions for the BTP."))
        return data


class CloseAfterDebriefForm(PortalForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    referral = forms.ChoiceField(
        label=_("Referral recommended to"), choices=Referral.choices, widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note on the referral"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))
