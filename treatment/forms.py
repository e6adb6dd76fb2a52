from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from botp import consents
from botp.forms import DateInput, PortalForm, PortalModelForm, SessionMinutesField, YesNoField
from botp.models import (
    Consent,
    Language,
    Referral,
    SessionFormat,
    SessionStatus,
    WorkplaceRole,
)
from treatment.models import FinalReport, WorkStatus


class TreatmentSessionForm(PortalForm):
    """A session the provider gives, of a (type, approach) their plan lines contain."""

    kind = forms.ChoiceField(label=_("Session"))
    date = forms.DateField(label=_("Date"), widget=DateInput())
    duration_minutes = SessionMinutesField(label=_("Duration (minutes)"), initial=60)
    session_format = forms.ChoiceField(label=_("Format"), choices=SessionFormat.choices,
                                       widget=forms.RadioSelect,
                                       initial=SessionFormat.INDIVIDUAL)
    status = forms.ChoiceField(label=_("Status"), choices=SessionStatus.choices,
                               initial=SessionStatus.HELD)
    starts_at = forms.TimeField(
        label=_("Time"), required=False,
        help_text=_("For a planned session: when it starts."),
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}))
    place = forms.CharField(
        label=_("Place"), required=False, max_length=300,
        help_text=_("For a planned session: where it takes place (address, room, or "
                    "“video call”)."))

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["kind"].choices = [
            (f"{session_type.code}:{approach}",
             f"{session_type.name} — {dict(session_type.approach_choices)[approach].lower()}"
             if approach else session_type.name)
            for session_type, approach in kinds
        ]

    def session_kind(self):
        code, _sep, approach = self.cleaned_data["kind"].partition(":")
        return code, approach


class SessionStatusForm(PortalForm):
    status = forms.ChoiceField(choices=SessionStatus.choices)


class AmendPlanForm(PortalForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why does the plan change?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class PrepareMeetingForm(PortalForm):
    consent = forms.TypedChoiceField(label=_("Under the participant's consent"), coerce=int)
    planned_date = forms.DateField(label=_("Planned date"), widget=DateInput())
    planned_time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(
        format="%H:%M", attrs={"type": "time"}))
    place = forms.CharField(
        label=_("Place"), max_length=300,
        help_text=_("Where the participant and the people they named meet, e.g. the "
                    "address and the room."))

    def __init__(self, *args, meeting_consents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].choices = [
            (consent.pk, "; ".join(consent.scope_display())) for consent in meeting_consents
        ]


class RecordMeetingForm(PortalForm):
    date = forms.DateField(label=_("Date held"), widget=DateInput())
    duration_minutes = SessionMinutesField(label=_("Duration (minutes)"), initial=90)
    attended_roles = forms.MultipleChoiceField(
        label=_("Who attended, besides the participant"), choices=WorkplaceRole.choices,
        widget=forms.CheckboxSelectMultiple, required=False,
    )
    adaptations = forms.CharField(label=_("Agreed workplace adaptations"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class TransmissionReportForm(PortalForm):
    consent = forms.TypedChoiceField(label=_("Recipient (named in the participant's consent)"),
                                     coerce=int)
    language = forms.ChoiceField(
        label=_("Language of the report"), choices=Language.choices,
        help_text=_("The recipient's language: the PDF's headings are written in it."))
    purpose = forms.CharField(label=_("Purpose"), max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    content = forms.CharField(label=_("Content agreed with the participant"), max_length=6000,
                              widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, transmission_consents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].choices = [
            (consent.pk, consent.scope_display()[0]) for consent in transmission_consents
        ]


class FinalReportForm(PortalModelForm):
    further_care = YesNoField(label=_("Is further care needed?"))

    class Meta:
        model = FinalReport
        fields = ["work_status", "work_status_other", "adaptations", "outcome", "conclusion",
                  "further_care", "referral", "referral_note"]
        widgets = {
            "work_status": forms.RadioSelect,
            "outcome": forms.RadioSelect,
            "adaptations": forms.Textarea(attrs={"rows": 3}),
            "conclusion": forms.Textarea(attrs={"rows": 5}),
            "referral_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_status"].choices = list(WorkStatus.choices)
        self.fields["outcome"].choices = self.fields["outcome"].choices[1:]
        self.fields["referral"].choices = [("", _("No referral"))] + list(Referral.choices)
        for field in self.fields.values():
            field.required = False
            field.label = field.label[:1].upper() + field.label[1:]

    def values(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def partial_values(self):
        """The fields that could be cleaned, when others could not."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields
                if name in getattr(self, "cleaned_data", {})}


class ConsentForm(PortalForm):
    """The participant names the people they agree to inform (up to four)."""

    PEOPLE = 4

    purpose = forms.ChoiceField(
        label=_("What do you agree to?"), choices=Consent.Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you agree to.")})
    agree = forms.BooleanField(
        label=_("I have read the text above and I agree."),
        error_messages={"required": _("Tick the box to confirm that you agree.")})

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        for index in range(self.PEOPLE):
            number = index + 1
            self.fields[f"role_{index}"] = forms.ChoiceField(
                label=_("Role %(number)s") % {"number": number}, required=False,
                choices=[("", "—")] + list(WorkplaceRole.choices),
            )
            self.fields[f"name_{index}"] = forms.CharField(
                label=_("Name %(number)s") % {"number": number}, required=False,
                max_length=200)
            self.fields[f"organisation_{index}"] = forms.CharField(
                label=_("Organisation %(number)s") % {"number": number}, required=False,
                max_length=200)
        # The page's order, which the error summary follows: the box to tick comes last.
        self.order_fields(["purpose"] + [
            f"{part}_{index}" for index in range(self.PEOPLE)
            for part in ("role", "name", "organisation")] + ["agree"])

    def clean(self):
        # Each row on its own, even when another field is wrong, so that every problem is
        # said at once and next to its row (botp.consents checks the whole again).
        cleaned = super().clean()
        named = False
        for index in range(self.PEOPLE):
            role = cleaned.get(f"role_{index}")
            name = " ".join(str(cleaned.get(f"name_{index}") or "").split())
            if role and not name and f"name_{index}" not in self.errors:
                self.add_error(f"name_{index}", _("Give the name of this person."))
            if name and not role and f"role_{index}" not in self.errors:
                self.add_error(f"role_{index}", _("Choose the role of %(name)s.") % {
                    "name": name})
            named = named or bool(role or name)
        if not named and not any(name.startswith(("role_", "name_", "organisation_"))
                                 for name in self.errors):
            self.add_error("name_0", _("Name at least one person."))
        return cleaned

    def rows(self):
        return [(self[f"role_{i}"], self[f"name_{i}"], self[f"organisation_{i}"])
                for i in range(self.PEOPLE)]

    def people(self):
        return [
            {"role": self.cleaned_data[f"role_{i}"], "name": self.cleaned_data[f"name_{i}"],
             "organisation": self.cleaned_data[f"organisation_{i}"]}
            for i in range(self.PEOPLE)
        ]

    def texts(self):
        return [(purpose, label, consents.text(purpose, programme=self.programme))
                for purpose, label in Consent.Purpose.choices]
