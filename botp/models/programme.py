"""A programme's rules as data: sectors, limits, session types and caps, survey schedule.

The Fedris BOTP and the FA-BOTP are two rows here, never two code paths.
"""

from django.core.exceptions import ValidationError
from django.db import models
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


class Sector(TranslatedName):
    code = models.SlugField(unique=True)

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

    class Meta:
        verbose_name = _("session type")
        verbose_name_plural = _("session types")
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="unique_session_type")
        ]

    def allows_profession(self, profession, approach=""):
        """Whether a provider of ``profession`` may give this type (in ``approach``)."""
        if self.professions and profession not in self.professions:
            return False
        if approach:
            return profession in self.approaches.get(approach, [])
        return True

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
