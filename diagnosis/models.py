"""Stage 2: the BTP's diagnosis report, sent with a treatment request.

Each submission is a version. A submitted version is frozen; revising it after Fedris asks for
more information makes the next version, and every earlier one stays readable. The request's
sessions are a botp TreatmentRequest of the same version: confirming the diagnosis makes the
treatment plan from it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from botp import instruments
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


@deconstructible
class InstrumentScore:
    """A score as subscale ``subscale`` of ``instrument`` can give it: within its range and in
    its steps, both read from the instrument's data (botp/instruments) when a value is checked,
    so the report accepts what the questionnaire gives, whatever version it is at."""

    def __init__(self, instrument, subscale):
        self.instrument, self.subscale = instrument, subscale

    def __call__(self, value):
        if value is None:
            return
        scale = instruments.score_scale(self.instrument, self.subscale)
        MinValueValidator(scale.low)(value)
        MaxValueValidator(scale.high)(value)
        if not scale.takes(value):
            if scale.step == 2:
                raise ValidationError(_("This score is always even."), code="score_step")
            raise ValidationError(_("This score goes in steps of %(step)s."),
                                  code="score_step", params={"step": scale.step})

    def __eq__(self, other):
        return (isinstance(other, InstrumentScore)
                and (self.instrument, self.subscale) == (other.instrument, other.subscale))


def bat_score(label, subscale):
    """A BAT scale score: the mean of its items, kept to two decimals."""
    return models.DecimalField(
        label, max_digits=3, decimal_places=2, null=True, blank=True,
        validators=[InstrumentScore("bat", subscale)],
    )


def dass_score(label, subscale):
    """A DASS-21 scale score: a whole number."""
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=[InstrumentScore("dass21", subscale)],
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

    # Burnout Assessment Tool (BAT-23 core) and DASS-21 scale scores; their ranges are the
    # instruments' own (botp/instruments/bat.yaml, dass21.yaml).
    bat_total = bat_score(_("BAT total"), "total")
    bat_exhaustion = bat_score(_("BAT exhaustion"), "exhaustion")
    bat_mental_distance = bat_score(_("BAT mental distance"), "mental_distance")
    bat_cognitive_impairment = bat_score(_("BAT cognitive impairment"), "cognitive_impairment")
    bat_emotional_impairment = bat_score(_("BAT emotional impairment"), "emotional_impairment")
    dass_depression = dass_score(_("DASS-21 depression"), "depression")
    dass_anxiety = dass_score(_("DASS-21 anxiety"), "anxiety")
    dass_stress = dass_score(_("DASS-21 stress"), "stress")
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

    # The psychologist's request for more information this version answers (a CaseEvent of
    # Step.REQUEST_INFORMATION), and the BTP's answer. Each version answers at most the one
    # question that sent the case back; neither is copied into the next version.
    question = models.ForeignKey("botp.CaseEvent", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+",
                                 verbose_name=_("question answered"))
    answer = models.TextField(_("answer to the psychologist's question"), blank=True)

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

    @property
    def is_submitted(self):
        return self.submitted_at is not None

    @classmethod
    def instrument_scores(cls):
        """{field name: (instrument code, subscale id)} of the scores the report records."""
        return {field.name: (check.instrument, check.subscale) for field in cls._meta.fields
                for check in field.validators if isinstance(check, InstrumentScore)}

    @property
    def request_lines(self):
        """The sessions the treatment request sent with this version asks for."""
        return self.request.lines.all()

    def get_differential_diagnoses_display(self):
        labels = dict(Differential.choices)
        return [labels[code] for code in self.differential_diagnoses if code in labels]
