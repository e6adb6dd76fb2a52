"""Stage 2: the BTP's diagnosis report, sent with a treatment request.

Each submission is a version. A submitted version is frozen; revising it after Fedris asks for
more information makes the next version, and every earlier one stays readable. The request's
sessions are a botp TreatmentRequest of the same version: confirming the diagnosis makes the
treatment plan from it.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from botp.models import FrozenOnceSubmitted


class BurnoutStage(models.TextChoices):
    EARLY = "early", _("Early stage: complaints, still largely able to work")
    ESTABLISHED = "established", _("Established burnout: marked loss of functioning")
    ADVANCED = "advanced", _("Advanced burnout: prolonged incapacity for work")


class Differential(models.TextChoices):
    """Diagnoses to exclude before concluding burnout (Superior Health Council, 2017)."""

    DEPRESSION = "depression", _("Major depression")
    ANXIETY = "anxiety_disorder", _("Anxiety disorder")
    ADJUSTMENT = "adjustment_disorder", _("Adjustment disorder")
    CHRONIC_FATIGUE = "chronic_fatigue", _("Chronic fatigue syndrome")
    FIBROMYALGIA = "fibromyalgia", _("Fibromyalgia")
    SOMATIC = "somatic", _("Somatic causes (thyroid, sleep apnoea, Lyme disease, cardiac)")
    NEUROLOGICAL = "neurological", _("Neurological causes")
    WORKAHOLISM = "workaholism", _("Workaholism")
    BULLYING = "bullying_conflict", _("Bullying or conflict at work")
    OTHER = "other", _("Other")


def _even(value):
    if value is not None and value % 2:
        raise ValidationError(
            _("DASS-21 scale scores are the sum of 7 items multiplied by 2, so always even."),
            code="odd_dass",
        )


def bat_score(label):
    """A BAT scale score: the mean of its items, each answered 1 (never) to 5 (always)."""
    return models.DecimalField(
        label, max_digits=3, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("5"))],
    )


def dass_score(label):
    """A DASS-21 scale score: the sum of 7 items scored 0-3, multiplied by 2."""
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=[MaxValueValidator(42), _even],
    )


class DiagnosisReport(FrozenOnceSubmitted):
    case = models.ForeignKey("botp.Case", on_delete=models.PROTECT,
                             related_name="diagnosis_reports")
    version = models.PositiveIntegerField(_("version"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)

    # Burnout Assessment Tool (BAT-23 core): scale means, 1 to 5.
    bat_total = bat_score(_("BAT total"))
    bat_exhaustion = bat_score(_("BAT exhaustion"))
    bat_mental_distance = bat_score(_("BAT mental distance"))
    bat_cognitive_impairment = bat_score(_("BAT cognitive impairment"))
    bat_emotional_impairment = bat_score(_("BAT emotional impairment"))
    # DASS-21: 0 to 42 per scale.
    dass_depression = dass_score(_("DASS-21 depression"))
    dass_anxiety = dass_score(_("DASS-21 anxiety"))
    dass_stress = dass_score(_("DASS-21 stress"))
    # Where the scores came from when they were filled from the participant's own answers.
    scores_source = models.CharField(max_length=100, blank=True)

    # The six parts of the framework Fedris uses for burnout files.
    anamnesis = models.TextField(_("anamnesis"), blank=True)
    work_factors = models.TextField(_("work-related factors"), blank=True)
    buffering_factors = models.TextField(_("buffering factors"), blank=True)
    aggravating_factors = models.TextField(_("aggravating factors"), blank=True)
    psychiatric_antecedents = models.TextField(_("psychiatric antecedents"), blank=True)
    physical_symptoms = models.TextField(_("physical symptoms"), blank=True)
    cognitive_symptoms = models.TextField(_("cognitive symptoms"), blank=True)
    affective_symptoms = models.TextField(_("affective symptoms"), blank=True)
    behavioural_symptoms = models.TextField(_("behavioural symptoms"), blank=True)
    treatments_and_evolution = models.TextField(_("treatments so far and evolution"),
                                                 blank=True)
    additional_examinations = models.TextField(_("additional examinations"), blank=True)
    burnout_present = models.BooleanField(_("early-stage occupational burnout present"),
                                          null=True, blank=True)
    burnout_stage = models.CharField(_("burnout stage"), max_length=16,
                                     choices=BurnoutStage.choices, blank=True)
    differential_diagnoses = models.JSONField(_("differential diagnosis considered"),
                                              default=list, blank=True)
    differential_notes = models.TextField(_("differential diagnosis: notes"), blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    # Red flag: suicidal ideation points to depression rather than burnout and needs urgent
    # referral; such reports come first in the psychologist's queue.
    suicidal_ideation = models.BooleanField(_("suicidal ideation observed"), default=False)
    urgent_referral = models.TextField(_("urgent referral made"), blank=True)

    # The treatment request's own words; its sessions are ``request``'s lines.
    treatment_goals = models.TextField(_("treatment goals and motivation"), blank=True)
    request = models.OneToOneField("botp.TreatmentRequest", on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("treatment request"))

    class Meta:
        verbose_name = _("diagnosis report")
        verbose_name_plural = _("diagnosis reports")
        ordering = ["case", "version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="unique_report_version"),
        ]

    def __str__(self):
        return f"{self.case} v{self.version}"

    def _submitted_in_database(self):
        return type(self).objects.filter(pk=self.pk, submitted_at__isnull=False).exists()

    @property
    def is_submitted(self):
        return self.submitted_at is not None

    @property
    def request_lines(self):
        """The sessions the treatment request sent with this version asks for."""
        return self.request.lines.all()

    def get_differential_diagnoses_display(self):
        labels = dict(Differential.choices)
        return [labels[code] for code in self.differential_diagnoses if code in labels]
