"""Stage 2's reads: the provider directory, the diagnosis report's versions, the psychologist's
decisions and review queue. Nothing here writes; the changes are in diagnosis.services.
"""

from decimal import Decimal

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery
from django.utils.text import capfirst

from botp import geography, instruments, plan, policy, prefill, workflow
from botp.models import Case, CaseEvent, CaseState, Provider, Session, SessionPhase, User
from botp.steps import Step
from diagnosis.models import DiagnosisReport

# The phases whose sessions belong to stage 2 (treatment sessions have their own page).
STAGE_2_PHASES = (SessionPhase.DIAGNOSIS, SessionPhase.DEBRIEF)

# The psychologist's decisions, as the workflow's steps.
DECISION_STEPS = (Step.CONFIRM_DIAGNOSIS, Step.NOT_CONFIRM_DIAGNOSIS, Step.REQUEST_INFORMATION)

# The instrument scores a report records.
SCORE_FIELDS = [
    "bat_total", "bat_exhaustion", "bat_mental_distance", "bat_cognitive_impairment",
    "bat_emotional_impairment", "dass_depression", "dass_anxiety", "dass_stress",
]
# What a new version of the report starts from: the last version sent.
COPIED_FIELDS = SCORE_FIELDS + [
    "scores_source", "anamnesis", "work_factors", "buffering_factors", "aggravating_factors",
    "psychiatric_antecedents", "physical_symptoms", "cognitive_symptoms", "affective_symptoms",
    "behavioural_symptoms", "treatments_and_evolution", "additional_examinations",
    "burnout_present", "burnout_stage", "differential_diagnoses", "differential_notes",
    "conclusion", "suicidal_ideation", "urgent_referral", "treatment_goals",
]


# --- The provider directory -------------------------------------------------------------------


def directory(case: Case, *, language: str = "", province: str = "", postcode: str = "",
              profession: str = "") -> QuerySet[Provider]:
    """The BTPs the participant of ``case`` may choose from, nearest to ``postcode`` first."""
    providers = (
        Provider.objects.btps()
        .filter(programmes=case.programme)
        .exclude(pk__in=workflow.declined_btps(case))
        .select_related("user")
    )
    if case.participant.user_id:
        providers = providers.exclude(user_id=case.participant.user_id)
    if language:
        # ``languages`` is a JSON list; matching the quoted code works on SQLite and PostgreSQL.
        providers = providers.filter(languages__icontains=f'"{language}"')
    if province:
        providers = providers.filter(province=province)
    if profession:
        providers = providers.filter(profession=profession)
    if postcode:
        nearby = providers.values_list("postcode", flat=True).distinct()
        providers = providers.annotate(
            distance=geography.distance_from(postcode, nearby)
        ).order_by("distance", "user__last_name", "pk")
    else:
        providers = providers.order_by("user__last_name", "user__first_name", "pk")
    return providers


# --- Sessions ---------------------------------------------------------------------------------


def stage_2_sessions(user: User, case: Case) -> QuerySet[Session]:
    """The diagnosis and debrief sessions of ``case`` that ``user`` may see."""
    return (policy.visible_sessions(user, case)
            .filter(session_type__phase__in=STAGE_2_PHASES)
            .select_related("session_type", "provider__user"))


def diagnosis_sessions(case: Case) -> QuerySet[Session]:
    """The diagnosis sessions a report rests on (for those who read the report)."""
    return (case.sessions.filter(session_type__phase=SessionPhase.DIAGNOSIS)
            .select_related("session_type", "provider__user"))


# --- The diagnosis report and treatment request -----------------------------------------------


def draft_of(case: Case) -> DiagnosisReport | None:
    return case.diagnosis_reports.filter(submitted_at__isnull=True).first()


def submitted_reports(case: Case) -> QuerySet[DiagnosisReport]:
    return case.diagnosis_reports.filter(submitted_at__isnull=False).order_by("version")


def readable_reports(case: Case, user: User) -> QuerySet[DiagnosisReport]:
    """The report versions ``user`` may list: drafts are the BTP's own until sent. (Whether
    the user may read a report's content at all is Action.VIEW_CLINICAL.)"""
    return policy.sent_or_own_drafts(user, case.diagnosis_reports.all()).order_by("version")


def reports_readable_by(user: User) -> QuerySet[DiagnosisReport]:
    """Every report version ``user`` may read, across cases: ``readable_reports`` of each case
    whose clinical content they may read (Action.VIEW_CLINICAL), as one queryset."""
    return policy.sent_or_own_drafts(
        user, policy.scope_by_case(user, DiagnosisReport.objects.all(),
                                   policy.Action.VIEW_CLINICAL))


def latest_submitted(case: Case) -> DiagnosisReport | None:
    return submitted_reports(case).last()


def scores(report: DiagnosisReport, language: str) -> list[dict]:
    """The report's instrument scores as the page shows them: each with its label, value and
    severity band (botp.instruments.Band, or None) in ``language``."""
    return [
        {"name": name, "label": capfirst(DiagnosisReport._meta.get_field(name).verbose_name),
         "value": getattr(report, name),
         "band": instruments.band_of(instrument, subscale, getattr(report, name), language)}
        for name, (instrument, subscale) in DiagnosisReport.instrument_scores().items()
    ]


def request_lines(report: DiagnosisReport):
    """The lines of the treatment request sent with ``report``."""
    return report.request_lines.select_related("session_type", "provider__user")


def working_copy(case: Case, author: User) -> tuple[DiagnosisReport, list[plan.Line]]:
    """The report the BTP edits, with its request's lines (botp.plan.Line): the draft, or a new
    one (not saved) filled from the last version sent."""
    draft = draft_of(case)
    if draft is not None:
        return draft, plan.lines_of(draft.request)
    previous = case.diagnosis_reports.order_by("version").last()
    report = DiagnosisReport(case=case, author=author,
                             version=(previous.version + 1) if previous else 1)
    lines = []
    if previous is None and policy.can(author, policy.Action.VIEW_PRETEST_SCORES, case):
        scores, sources = prefill.values_for("pretest_scores", case)
        recorded = DiagnosisReport.instrument_scores().items()
        for name, (instrument, subscale) in recorded:
            if (instrument, subscale) in scores:
                places = instruments.score_scale(instrument, subscale).precision
                value = scores[instrument, subscale].quantize(Decimal(1).scaleb(-places))
                setattr(report, name, report._meta.get_field(name).to_python(value))
        if any(key in scores for _name, key in recorded):
            report.scores_source = "; ".join(sources)[:100]
    if previous is not None:
        for name in COPIED_FIELDS:
            setattr(report, name, getattr(previous, name))
        lines = plan.lines_of(previous.request)
    return report, lines


def version_in_work(case: Case) -> int:
    """The version of the report the BTP edits: the draft's, or the one after the last sent."""
    last = case.diagnosis_reports.order_by("version").last()
    if last is None:
        return 1
    return last.version if last.submitted_at is None else last.version + 1


# --- The Fedris psychologist's decision -------------------------------------------------------


def decisions(case: Case) -> QuerySet[CaseEvent]:
    """The psychologist's decisions on ``case``, oldest first."""
    return case.events.filter(action__in=DECISION_STEPS).select_related("actor")


def open_question(case: Case) -> CaseEvent | None:
    """The psychologist's request for more information the BTP has not answered yet: the case
    is back with the BTP and no version was sent since the request. None otherwise."""
    if case.state != CaseState.IN_DIAGNOSIS:
        return None
    last = (case.events.filter(action__in=[Step.REQUEST_INFORMATION, Step.SUBMIT_DIAGNOSIS])
            .select_related("actor").order_by("-at", "-pk").first())
    return last if last is not None and last.action == Step.REQUEST_INFORMATION else None


def closing(case: Case) -> CaseEvent | None:
    """The BTP's closing of a not-confirmed case after the debrief, once it happened."""
    return case.events.filter(action=Step.CLOSE_AFTER_DEBRIEF).first()


def review_queue(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Of ``cases``, those waiting for a psychologist: a red flag first (urgent), then those
    whose last version answers a question the psychologist asked, then the longest waiting."""
    latest = DiagnosisReport.objects.filter(
        case=OuterRef("pk"), submitted_at__isnull=False
    ).order_by("-version")
    return (
        cases.filter(state=CaseState.DIAGNOSIS_REVIEW)
        .annotate(
            submitted_at=Subquery(latest.values("submitted_at")[:1]),
            report_version=Subquery(latest.values("version")[:1]),
            red_flag=Subquery(latest.values("suicidal_ideation")[:1]),
            answered_question=Subquery(latest.values("question")[:1]),
        )
        .annotate(answered=ExpressionWrapper(Q(answered_question__isnull=False),
                                             output_field=BooleanField()))
        .select_related("programme", "programme_version", "btp__user")
        .order_by("-red_flag", "-answered", "submitted_at", "pk")
    )
