import re

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from botp import caps, plan, sessions, text
from botp.models import CaseState, GivenBy, OutboxMessage, Provider, SessionPhase


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
    NEAR, OVERDUE = "near", "overdue"

    q = forms.CharField(
        label=_("Search"), required=False, max_length=100,
        help_text=_("A reference, or where you may see it, a name or a national register "
                    "number."),
    )
    state = forms.ChoiceField(
        label=_("Stage"), required=False,
        choices=[("", _("All stages"))] + list(CaseState.choices),
    )
    clock = forms.ChoiceField(
        label=_("Maximum duration"), required=False,
        choices=[("", _("Any")), (NEAR, _("Near or past it")), (OVERDUE, _("Past it"))],
    )


class LeaveForm(PortalForm):
    """Leaving the programme: the participant says why and confirms."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why do you leave the programme?"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("A reason is required.")},
    )
    confirm = forms.BooleanField(
        label=_("I understand that my participation ends and that my case is closed."),
        error_messages={"required": _("Tick the box to confirm that you leave.")},
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

    # The rules are stated before the first try, not only in its errors.
    password1 = forms.CharField(label=_("Choose a password"), max_length=128,
                                help_text=password_validation.password_validators_help_text_html(),
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Repeat the password"), max_length=128,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, user_hint=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_hint = user_hint

    def clean(self):
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
        ("login", _("Logins, account unknown")),
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


class YesNoField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=[("yes", _("Yes")), ("no", _("No"))],
            coerce=lambda value: value == "yes", empty_value=None, required=False,
            widget=forms.RadioSelect, **kwargs,
        )

    def prepare_value(self, value):
        return {True: "yes", False: "no"}.get(value, value)


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


class SessionLinesForm(PortalForm):
    """The sessions of a treatment request or plan: one row per session type (and approach) of
    the programme's treatment, how many sessions, and for an ISP's sessions, which ISP.

    Each row shows the cap it is bound by, and says so when rows of one session type share it;
    ``totals`` are the programme's limits across types. The caps are checked here, whatever
    else on the page is wrong, so that every problem is said at once; the service checks them
    again, and its check is the rule."""

    def __init__(self, *args, case, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.rows = []
        existing = {(line.session_type.pk, line.approach): line for line in lines}
        for session_type, approach in plan.slots(case):
            key = f"{session_type.code}-{approach}" if approach else session_type.code
            line = existing.get((session_type.pk, approach))
            planned = forms.IntegerField(
                label=session_type.name, min_value=0, required=False,
                initial=line.planned_sessions if line else 0,
                widget=forms.NumberInput(attrs={
                    "min": 0, "max": session_type.cap, "inputmode": "numeric", "class": "count",
                    "data-type": session_type.code,
                    "data-total": "1" if session_type.counts_toward_total else "0",
                    "data-treatment": "1" if caps.counts_toward_treatment(session_type) else "0",
                }),
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
                    label=f"{_('Given by')} — {planned.label}", required=False,
                    initial=line.provider.pk if line and line.provider else "",
                    choices=[("", empty)] + [
                        (provider.pk, f"{provider} — {provider.get_profession_display()}, "
                                      f"{provider.city or provider.postcode}")
                        for provider in plan.proposable_isps(case.programme, session_type,
                                                             approach)
                    ],
                )
                row["isp"] = self[f"isp_{key}"]
            row["key"] = key
            self.rows.append(row)
        shown = self._shown_counts()
        for row in self.rows:
            row["used"] = shown.get(row["session_type"], 0)
            # Rows of one session type (its approaches) share its cap.
            row["shared_with"] = [other["planned"].label for other in self.rows
                                  if other["session_type"] == row["session_type"]
                                  and other is not row]
            row["shared_first"] = all(other["session_type"] != row["session_type"]
                                      for other in self.rows[:self.rows.index(row)])

    def clean(self):
        cleaned = super().clean()
        self._lines = self._rows_as_lines()
        # Each line's own problem on its row; rows that could not be read count as none, and
        # the limits across rows are still checked.
        for row, line in zip(self.rows, self._lines, strict=True):
            problem = plan.line_problem(self.case.programme, line)
            if problem:
                field = row["isp"] if row["isp"] is not None else row["planned"]
                if not field.errors:
                    self.add_error(field.name, problem)
        for problem in plan.cap_problems(self.case, self._lines):
            self.add_error(None, problem)
        return cleaned

    def lines(self):
        """The rows as botp.plan.Line objects (after is_valid)."""
        return self._lines

    def _shown_counts(self):
        """{SessionType: sessions} as the page shows them now: the typed values (or the
        initial ones), with the diagnosis sessions held, which count toward the total."""
        counts = {}
        for row in self.rows:
            value = row["planned"].value()
            try:
                number = max(int(value), 0)
            except (TypeError, ValueError):
                number = 0
            counts[row["session_type"]] = counts.get(row["session_type"], 0) + number
        counts.update(self.held_diagnosis())
        return counts

    def held_diagnosis(self):
        if not hasattr(self, "_held_diagnosis"):
            self._held_diagnosis = {
                session_type: held
                for session_type, held in sessions.held_counts(self.case).items()
                if session_type.phase == SessionPhase.DIAGNOSIS}
        return self._held_diagnosis

    def totals(self):
        """The programme's limits across session types, with what the rows use of them:
        dicts of kind ("total" or "treatment"), cap, used, and held (diagnosis sessions
        already held, which the total counts)."""
        held = sum(n for t, n in self.held_diagnosis().items() if t.counts_toward_total)
        return [{"kind": kind, "cap": cap, "used": used,
                 "held": held if kind == "total" else 0}
                for kind, cap, used in caps.totals(self.case, self._shown_counts())]

    def _rows_as_lines(self):
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
            found.append(plan.Line(
                row["session_type"], row["approach"], provider,
                self.cleaned_data.get(f"planned_{row['key']}") or 0,
            ))
        return found
