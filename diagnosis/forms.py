from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from botp import geography, instruments
from botp.forms import DateInput, PortalForm, PortalModelForm, SessionMinutesField, YesNoField
from botp.models import (
    BTP_PROFESSIONS,
    Profession,
    Province,
    Referral,
    RequestChannel,
    SessionStatus,
    SpokenLanguage,
)
from diagnosis import selectors, services
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

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"]
        if postcode and not geography.known(postcode):
            raise forms.ValidationError(_("There is no Belgian postcode %(postcode)s."),
                                        params={"postcode": postcode}, code="unknown")
        return postcode

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


ANSWER_MAX_LENGTH = 4000


class DiagnosisReportForm(PortalModelForm):
    """The report's own fields. Nothing is required here: a draft may be incomplete, and the
    service says what is missing when the BTP sends it."""

    burnout_present = YesNoField(label=capfirst(DiagnosisReport._meta.get_field(
        "burnout_present").verbose_name))
    differential_diagnoses = forms.MultipleChoiceField(
        label=_("Differential diagnosis considered"), required=False,
        choices=Differential.choices, widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = DiagnosisReport
        fields = [name for name in selectors.COPIED_FIELDS if name != "scores_source"] + [
            "answer"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in selectors.COPIED_FIELDS
            if name not in services.REQUIRED_SCORES + [
                "burnout_present", "burnout_stage", "differential_diagnoses",
                "suicidal_ideation", "scores_source"]
        } | {"answer": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, question=None, **kwargs):
        """``question``: the psychologist's open request for more information (a CaseEvent),
        which this version must answer; without one the form has no answer field."""
        super().__init__(*args, **kwargs)
        if question is None:
            del self.fields["answer"]
        else:
            # As long as a question may be (DecisionForm.comment).
            self.fields["answer"].max_length = ANSWER_MAX_LENGTH
            self.fields["answer"].validators.append(MaxLengthValidator(ANSWER_MAX_LENGTH))
            self.fields["answer"].widget.attrs["maxlength"] = ANSWER_MAX_LENGTH
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
            if name in services.NEEDED_TO_SEND:
                field.label = f"{field.label} *"

    def values(self):
        return {name: self.cleaned_data[name] for name in self.fields}


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
        label=_("Reasons or questions for the BTP"), required=False,
        max_length=ANSWER_MAX_LENGTH,
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
