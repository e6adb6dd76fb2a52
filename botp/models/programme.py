"""A programme's rules as data: sectors, limits, session types and caps, survey schedule.

The Fedris pilot BOTP, the FA-BOTP and the burnout prevention programme since 2024 are rows
here, never code paths. The rows are what the back office edits; a case reads the published
ProgrammeVersion it was submitted under (botp/programme_rules.py), so an edit changes nothing
until it is published from a date.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from botp.converters import validate_reference_prefix

from .i18n import TranslatedName


def validate_survey_order(codes):
    """A list of distinct instrument codes, each with its file in botp/instruments."""
    from botp import instruments  # it reads botp.models: load it once the models are

    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        raise ValidationError(_("List the instrument codes, e.g. [\"employment\", \"bat\"]."))
    if len(set(codes)) != len(codes):
        raise ValidationError(_("Name each instrument once."))
    known = {path.stem for path in instruments.shipped_files()}
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError(_("No such instrument: %(codes)s."),
                              params={"codes": ", ".join(unknown)})


PAYMENT_AMOUNTS = ("meeting_preparation", "travel_cap_per_trip", "travel_cap_per_case")
PAYMENT_FLAGS = ("no_show_paid", "public_transport", "demonstration")
PAYMENT_TABLES = ("group", "reports")


def _is_amount(value):
    from decimal import Decimal, InvalidOperation

    if value is None:
        return True
    try:
        return Decimal(str(value)) >= 0
    except (InvalidOperation, ValueError):
        return False


def validate_payment_rules(rules):
    """The payment rules' shape (botp.payments.tariffs): known keys, amounts as euro (a
    number or a string such as "60.00", or null), flags true or false."""
    if not isinstance(rules, dict):
        raise ValidationError(_("Give the payment rules as an object, e.g. "
                                "{\"meeting_preparation\": \"90.00\"}."))
    unknown = set(rules) - set(PAYMENT_AMOUNTS + PAYMENT_FLAGS + PAYMENT_TABLES)
    if unknown:
        raise ValidationError(_("Unknown payment rule: %(keys)s."),
                              params={"keys": ", ".join(sorted(unknown))})
    amounts = [rules.get(key) for key in PAYMENT_AMOUNTS]
    for table in PAYMENT_TABLES:
        values = rules.get(table, {})
        values = {} if values is None else values
        if not isinstance(values, dict):
            raise ValidationError(_("“%(key)s” maps codes to amounts."), params={"key": table})
        amounts += list(values.values())
    if not all(_is_amount(value) for value in amounts):
        raise ValidationError(_("Every amount is a number of euro, 0 or more, or null."))
    if not all(isinstance(rules.get(flag, False), bool) for flag in PAYMENT_FLAGS):
        raise ValidationError(_("No-show paid, public transport and demonstration are true "
                                "or false."))


class EmployerKind(models.TextChoices):
    """Who employs the worker, as the request form asks it: it decides the programme proposed
    (a federal employer: the FA-BOTP; a province or municipality: the programme since 2024)."""

    PRIVATE = "private", _("Private-sector employer")
    FEDERAL = "federal", _("Federal administration")
    PROVINCIAL_LOCAL = "provincial_local", _("Provincial or local administration")
    OTHER_PUBLIC = "other_public", _("Other public employer (community, region, ...)")


def validate_code_list(value):
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Give a list of codes, e.g. [\"Q86.1\", \"K64\"]."))


class Sector(TranslatedName):
    code = models.SlugField(unique=True)
    # NACE-BEL activity codes (or their beginnings) of the employers in the sector: the request
    # form proposes the sector from the employer's activity code.
    nace_codes = models.JSONField(
        _("NACE codes"), default=list, blank=True, validators=[validate_code_list],
        help_text=_("Codes or their beginnings, e.g. [\"Q86.1\", \"Q87.1\"]; the longest "
                    "match with the employer's activity code wins."),
    )
    # Empty: any employer; otherwise the employer kinds (EmployerKind) the sector is for.
    employer_kinds = models.JSONField(
        _("employer kinds"), default=list, blank=True, validators=[validate_code_list],
        help_text=_("Empty for any employer; otherwise e.g. [\"federal\"]."),
    )

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["code"]


class Programme(TranslatedName):
    code = models.SlugField(unique=True)
    reference_prefix = models.CharField(
        _("case reference prefix"), max_length=12, unique=True,
        validators=[validate_reference_prefix],
        help_text=_("Case references read PREFIX-YEAR-NUMBER, e.g. BOTP-2026-000123."),
    )
    eligible_sectors = models.ManyToManyField(
        Sector, related_name="programmes", verbose_name=_("eligible sectors")
    )
    # No defaults: a programme states its own limits (botp/programmes.py for the shipped ones),
    # so one added in the back office cannot silently inherit the Fedris BOTP's.
    max_sick_leave_days = models.PositiveIntegerField(_("maximum sick-leave days at request"))
    max_duration_months = models.PositiveIntegerField(_("maximum duration (months)"))
    duration_warning_days = models.PositiveIntegerField(
        _("warn this many days before the maximum duration"),
    )
    max_total_sessions = models.PositiveIntegerField(
        _("maximum diagnosis and treatment sessions")
    )
    max_treatment_sessions = models.PositiveIntegerField(
        _("maximum treatment sessions"), null=True, blank=True,
        help_text=_("Leave empty when only the total and per-type caps apply."),
    )
    survey_order = models.JSONField(
        _("survey order"), validators=[validate_survey_order],
        help_text=_("The instrument codes in the order the survey asks them, e.g. "
                    "[\"employment\", \"absence\", \"bat\"]; an instrument not named here "
                    "comes after them."),
    )
    non_eligible_referral_nl = models.TextField(blank=True)
    non_eligible_referral_fr = models.TextField(blank=True)
    non_eligible_referral_en = models.TextField(blank=True)
    non_eligible_referral_de = models.TextField(blank=True)
    # The provider functions of the programme and their labels, as data: {code: {"role":
    # "btp"|"isp", "name_nl"/"name_fr"/"name_en"/"name_de": label, "professions": [...]}}.
    functions = models.JSONField(_("provider functions"), default=dict, blank=True)
    # Eligibility beyond the sectors and the sick-leave days.
    sick_leave_months = models.PositiveIntegerField(
        _("sick leave shorter than (months)"), null=True, blank=True,
        help_text=_("When set, the incapacity must be shorter than this many calendar months "
                    "at the date the request is signed, instead of the days above."),
    )
    sick_leave_exception = models.BooleanField(
        _("longer incapacity accepted when not for burnout, with adapted work"), default=False,
        help_text=_("A longer incapacity is accepted when it is not for burnout and the worker "
                    "does adapted work with the agreement of the mutuality's advisory "
                    "physician."),
    )
    worker_signs_request = models.BooleanField(
        _("the worker signs the request"), default=False,
        help_text=_("The worker confirms the request through their own link; eligibility is "
                    "judged at the date of that signature."),
    )
    travel_costs_paid = models.BooleanField(_("Fedris pays the worker's travel costs"),
                                            default=False)
    travel_cost_per_km = models.DecimalField(
        _("travel costs per km (euro)"), max_digits=6, decimal_places=4, null=True, blank=True)
    # Euro per session type code; null where the amount is not set yet.
    tariffs = models.JSONField(_("tariffs per session type (euro)"), default=dict, blank=True)
    # The rest of what Fedris pays, as botp.payments.tariffs reads it: {"group": {session type
    # code: euro}, "meeting_preparation": euro, "reports": {document kind: euro},
    # "no_show_paid": bool, "public_transport": bool, "travel_cap_per_trip": euro,
    # "travel_cap_per_case": euro, "demonstration": bool}; amounts as strings, null when unset.
    payment_rules = models.JSONField(
        _("payment rules"), default=dict, blank=True, validators=[validate_payment_rules],
        help_text=_("Group tariffs per session type, the meeting's preparation, each report, "
                    "whether a no-show is paid, public transport and the travel caps "
                    "(see the README)."))
    # What the public sources leave open, shown in the back office next to the rule:
    # {rule key: {"nl": ..., "fr": ..., "en": ..., "de": ...}}.
    notes = models.JSONField(_("notes on open points"), default=dict, blank=True)
    active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(
        _("preselected on a new screening request"), default=False,
        help_text=_("At most one programme; the referrer can still choose another."),
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True),
                                    name="one_default_programme",
                                    violation_error_message=_(
                                        "Another programme is already preselected.")),
        ]


class GivenBy(models.TextChoices):
    BTP = "btp", _("BTP")
    ISP = "isp", _("ISP")
    BTP_OR_ISP = "btp_or_isp", _("ISP or BTP")
    WORKPLACE = "workplace", _("Participant with workplace actors, prepared by the BTP")


class SessionPhase(models.TextChoices):
    """When in a case a session type is given; the case's state decides which phase is open."""

    DIAGNOSIS = "diagnosis", _("Diagnosis")
    TREATMENT = "treatment", _("Treatment")
    DEBRIEF = "debrief", _("Debrief after a not-confirmed diagnosis")


class Approach(models.TextChoices):
    """The two kinds of individual session (DESIGN.md section 1)."""

    COGNITIVE_EMOTIONAL = "cognitive_emotional", _("Cognitive-emotional")
    PSYCHO_CORPORAL = "psycho_corporal", _("Psycho-corporal")


class SessionType(TranslatedName):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="session_types")
    code = models.SlugField()
    cap = models.PositiveIntegerField(_("maximum sessions"))
    recommended = models.PositiveIntegerField(_("recommended sessions"), null=True, blank=True)
    given_by = models.CharField(_("given by"), max_length=16, choices=GivenBy.choices)
    phase = models.CharField(_("phase"), max_length=16, choices=SessionPhase.choices,
                             default=SessionPhase.TREATMENT)
    # Counts toward the programme's diagnosis + treatment total (the workplace meeting and the
    # debrief after a not-confirmed diagnosis do not).
    counts_toward_total = models.BooleanField(default=True)
    # Professions allowed to give it; empty means any profession of the provider role.
    professions = models.JSONField(default=list, blank=True)
    # For types given in several approaches: approach code -> professions allowed to give it.
    approaches = models.JSONField(default=dict, blank=True)
    order = models.PositiveIntegerField(default=0)
    # The provider function that gives it (a key of the programme's functions), if any.
    function = models.SlugField(_("provider function"), blank=True)

    class Meta:
        verbose_name = _("session type")
        verbose_name_plural = _("session types")
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="unique_session_type")
        ]

    def allows_profession(self, profession, approach=""):
        """Whether a provider of ``profession`` may give this type (in ``approach``)."""
        allowed = self.professions or self.function_professions
        if allowed and profession not in allowed:
            return False
        if approach:
            return profession in self.approaches.get(approach, [])
        return True

    @property
    def function_professions(self):
        return (self.programme.functions or {}).get(self.function, {}).get("professions", [])

    @property
    def given_by_label(self):
        """Who gives it, as the programme names the function (e.g. "Path guide"); the
        portal's generic label otherwise."""
        from django.utils.translation import get_language

        language = (get_language() or "nl")[:2]
        functions = self.programme.functions or {}
        chosen = [functions[self.function]] if self.function in functions else [
            spec for spec in functions.values() if spec.get("approach") in self.approaches]
        if not chosen:
            return self.get_given_by_display()
        return ", ".join(spec.get(f"name_{language}") or spec.get("name_nl", "")
                         for spec in chosen)

    @property
    def approach_choices(self):
        return [(code, label) for code, label in Approach.choices if code in self.approaches]


class Wave(models.TextChoices):
    PRE = "pre", _("Pre-test")
    POST1 = "post1", _("Post-test 1")
    POST2 = "post2", _("Post-test 2")


class SurveyWaveSchedule(models.Model):
    """When a programme invites its participants to a survey wave."""

    class Trigger(models.TextChoices):
        APPROVED = "approved", _("Case approved at stage 1")
        COMPLETED = "completed", _("Case completed")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="waves")
    wave = models.CharField(max_length=8, choices=Wave.choices)
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    offset_days = models.PositiveIntegerField(_("days after the trigger"))
    open_days = models.PositiveIntegerField(_("days the survey stays open"))
    reminder_days = models.JSONField(
        _("reminders, in days after the invitation"), default=list, blank=True,
        help_text=_("For example [7, 14]: a reminder a week and two weeks after the "
                    "invitation, until the survey is answered or closes."),
    )
    # A "completed" wave can also go to cases that ended otherwise, counted from their end.
    send_to_withdrawn = models.BooleanField(_("also to withdrawn cases"), default=False)
    send_to_not_confirmed = models.BooleanField(
        _("also to cases closed after a not-confirmed diagnosis"), default=False)

    class Meta:
        verbose_name = _("survey wave")
        verbose_name_plural = _("survey waves")
        ordering = ["programme", "offset_days"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "wave"], name="unique_programme_wave")
        ]

    def __str__(self):
        return f"{self.programme.code}: {self.get_wave_display()}"


class ProgrammeVersionQuerySet(models.QuerySet):
    def in_force(self, programme, day=None):
        """The version of ``programme`` in force on ``day`` (today by default): the latest one
        valid from that day or before; the first one for a day before every version."""
        day = day or timezone.localdate()
        mine = self.filter(programme=programme)
        return (mine.filter(valid_from__lte=day).order_by("-valid_from", "-number").first()
                or mine.order_by("valid_from", "number").first())


class ProgrammeVersion(models.Model):
    """A programme's rules as published from a date: what a case submitted on or after that
    date runs under for its whole life. Published once, never edited (a change is a new
    version)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    valid_from = models.DateField(_("valid from"))
    # The snapshot botp.programme_rules reads: limits, caps, eligibility, schedule, tariffs.
    rules = models.JSONField(_("rules"))
    change_note = models.TextField(_("what changed and why"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("published by"))
    created_at = models.DateTimeField(_("published on"), default=timezone.now)

    objects = ProgrammeVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme version")
        verbose_name_plural = _("programme versions")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"],
                                    name="unique_programme_version"),
        ]

    def __str__(self):
        return _("%(programme)s, version %(number)s (from %(date)s)") % {
            "programme": self.programme.name, "number": self.number,
            "date": self.valid_from.strftime("%d/%m/%Y")}

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("A published programme version is not changed: publish another")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("A published programme version is not removed")
