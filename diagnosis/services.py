"""Stage 2: choosing a BTP, the diagnosis report and treatment request, the psychologist's
decision and the debrief that closes a not-confirmed case.

Every change goes through the case's state machine (botp.workflow) and the treatment request's
rules (botp.plan, with the programme's caps); views only parse and call.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Abs, Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from botp import audit, documents, instruments, plan, policy, prefill, sessions, workflow
from botp.models import (
    AuditEntry,
    CaseState,
    Provider,
    SessionPhase,
    SessionStatus,
)
from botp.reports import ReportRefused
from botp.steps import Activity, Step
from diagnosis.models import DiagnosisReport

# --- The provider directory -------------------------------------------------------------------


def directory(case, *, language="", province="", postcode="", profession=""):
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
        providers = providers.annotate(
            distance=Abs(Cast("postcode", IntegerField()) - Value(int(postcode)))
        ).order_by("distance", "user__last_name", "pk")
    else:
        providers = providers.order_by("user__last_name", "user__first_name", "pk")
    return providers


def choose_btp(case, actor, provider_id, *, asked_via="", note="", expected_version=None):
    """The participant (or a Fedris administrator on their behalf, saying how the participant
    asked: ``asked_via``) proposes the case to a BTP."""
    payload = {"btp": provider_id}
    if asked_via:
        payload["asked_via"] = asked_via
    if note.strip():
        payload["reason"] = note.strip()
    return workflow.perform(case, Step.CHOOSE_BTP, actor, payload=payload,
                            expected_version=expected_version)


# --- Diagnosis and debrief sessions -----------------------------------------------------------


def record_session(case, actor, *, phase, date, duration_minutes, status):
    type_code = case.programme.session_types.get(phase=phase).code
    return sessions.record(case, actor, type_code=type_code, date=date,
                           duration_minutes=duration_minutes, status=status)


# --- The diagnosis report and treatment request -----------------------------------------------

REQUIRED_SCORES = [
    "bat_total", "bat_exhaustion", "bat_mental_distance", "bat_cognitive_impairment",
    "bat_emotional_impairment", "dass_depression", "dass_anxiety", "dass_stress",
]
REQUIRED_TEXT = ["anamnesis", "work_factors", "conclusion"]
COPIED_FIELDS = REQUIRED_SCORES + [
    "scores_source", "anamnesis", "work_factors", "buffering_factors", "aggravating_factors",
    "psychiatric_antecedents", "physical_symptoms", "cognitive_symptoms", "affective_symptoms",
    "behavioural_symptoms", "treatments_and_evolution", "additional_examinations",
    "burnout_present", "burnout_stage", "differential_diagnoses", "differential_notes",
    "conclusion", "suicidal_ideation", "urgent_referral", "treatment_goals",
]


def completeness_problems(report, lines, case):
    """What a report needs before it can be sent to Fedris (a draft may lack any of it)."""
    errors = {}
    for name in REQUIRED_SCORES + REQUIRED_TEXT:
        if getattr(report, name) in (None, ""):
            errors[name] = _("Needed to send the report.")
    if report.burnout_present is None:
        errors["burnout_present"] = _("Say whether an early-stage occupational burnout is present.")
    if report.burnout_present and not report.burnout_stage:
        errors["burnout_stage"] = _("Give the burnout stage.")
    if not report.differential_diagnoses:
        errors["differential_diagnoses"] = _("Record the differential diagnosis you considered.")
    if report.suicidal_ideation and not report.urgent_referral.strip():
        errors["urgent_referral"] = _(
            "Suicidal ideation calls for urgent referral: say to whom and when you referred "
            "the participant."
        )
    problems = list(errors.items())
    if report.burnout_present and not any(line.planned_sessions for line in lines):
        problems.append((None, _("The treatment request plans no session.")))
    held = case.sessions.filter(session_type__phase=SessionPhase.DIAGNOSIS,
                                status=SessionStatus.HELD)
    if not held.exists():
        problems.append((None, _("Record the diagnosis session(s) held before sending the "
                                 "report.")))
    return problems


def draft_of(case):
    return case.diagnosis_reports.filter(submitted_at__isnull=True).first()


def submitted_reports(case):
    return case.diagnosis_reports.filter(submitted_at__isnull=False).order_by("version")


def readable_reports(case, user):
    """The report versions ``user`` may list: drafts are the BTP's own until sent. (Whether
    the user may read a report's content at all is Action.VIEW_CLINICAL.)"""
    return policy.sent_or_own_drafts(user, case.diagnosis_reports.all()).order_by("version")


def reports_readable_by(user):
    """Every report version ``user`` may read, across cases: ``readable_reports`` of each case
    whose clinical content they may read (Action.VIEW_CLINICAL), as one queryset."""
    return policy.sent_or_own_drafts(
        user, policy.scope_by_case(user, DiagnosisReport.objects.all(),
                                   policy.Action.VIEW_CLINICAL))


def latest_submitted(case):
    return submitted_reports(case).last()


def working_copy(case, author):
    """The report the BTP edits, with its request's lines (botp.plan.Line): the draft, or a new
    one filled from the last version sent."""
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


def save_report(case, actor, values, lines, *, submit=False, expected_version=None):
    """Save the BTP's draft (``values``: report fields; ``lines``: botp.plan.Line objects); with
    ``submit``, freeze it and send report and request to Fedris. Returns the report.

    Nothing is saved when anything is refused.
    """
    with transaction.atomic():
        locked = workflow.lock_for(actor, Activity.WRITE_DIAGNOSIS_REPORT, case,
                                   expected_version=expected_version)
        report, _old_lines = working_copy(locked, actor)
        if report.pk is not None:
            report = DiagnosisReport.objects.select_for_update().get(pk=report.pk)
        for name, value in values.items():
            setattr(report, name, value)
        problems = [(None, message) for message in plan.request_problems(locked, lines)]
        if submit:
            problems += completeness_problems(report, lines, locked)
        if problems:
            raise ReportRefused(problems)
        report.author = actor
        report.request = plan.save_request(locked, report.version, lines)
        report.save()
        audit.record(actor, AuditEntry.Kind.CHANGE,
                     f"diagnosis report v{report.version} saved", case=locked)
        if submit:
            report.submitted_at = timezone.now()
            report.save(update_fields=["submitted_at", "updated_at"])
            plan.submit_request(report.request, report.submitted_at)
            workflow.perform(locked, Step.SUBMIT_DIAGNOSIS, actor,
                             payload={"report_version": report.version})
            documents.issue(locked, "diagnosis_report", report.pk, version=report.version)
    case.refresh_from_db()
    return report


# --- The Fedris psychologist's decision -------------------------------------------------------


class Decision:
    CONFIRM = "confirm"
    NOT_CONFIRM = "not_confirm"
    MORE_INFORMATION = "more_information"


DECISION_ACTIONS = {
    Decision.CONFIRM: Step.CONFIRM_DIAGNOSIS,
    Decision.NOT_CONFIRM: Step.NOT_CONFIRM_DIAGNOSIS,
    Decision.MORE_INFORMATION: Step.REQUEST_INFORMATION,
}


def decide(case, psychologist, decision, *, comment="", expected_version=None):
    """Confirm, not confirm (with reasons) or ask the BTP for more (with a comment).

    Confirming approves the request of the version decided on: the workflow makes the treatment
    plan from it, and its ISPs see the case from then on and are told with the participant and
    the BTP.
    """
    if decision not in DECISION_ACTIONS:
        raise ValidationError(_("Choose a decision."), code="decision")
    report = latest_submitted(case)
    if report is None:
        raise workflow.TransitionError(_("There is no submitted diagnosis report to decide on."))
    payload = {"report_version": report.version}
    if comment.strip():
        payload["reason"] = comment.strip()
    with transaction.atomic():
        event = workflow.perform(case, DECISION_ACTIONS[decision], psychologist,
                                 payload=payload, expected_version=expected_version)
        if decision != Decision.MORE_INFORMATION:
            documents.issue(case, "decision_letter", event.pk)
    return event


def decisions(case):
    """The psychologist's decisions on ``case``, oldest first."""
    return case.events.filter(action__in=DECISION_ACTIONS.values()).select_related("actor")


def close_after_debrief(case, btp_user, *, referral, note="", expected_version=None):
    payload = {"referral": referral}
    if note.strip():
        payload["reason"] = note.strip()
    return workflow.perform(case, Step.CLOSE_AFTER_DEBRIEF, btp_user, payload=payload,
                            expected_version=expected_version)


def review_queue(cases):
    """Of ``cases``, those waiting for a psychologist: a red flag first, then the longest
    waiting."""
    latest = DiagnosisReport.objects.filter(
        case=OuterRef("pk"), submitted_at__isnull=False
    ).order_by("-version")
    return (
        cases.filter(state=CaseState.DIAGNOSIS_REVIEW)
        .annotate(
            submitted_at=Subquery(latest.values("submitted_at")[:1]),
            report_version=Subquery(latest.values("version")[:1]),
            red_flag=Subquery(latest.values("suicidal_ideation")[:1]),
        )
        .select_related("programme", "btp__user")
        .order_by("-red_flag", "submitted_at", "pk")
    )
