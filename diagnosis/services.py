"""Stage 2: choosing a BTP, the diagnosis report and treatment request, the psychologist's
decision and the debrief that closes a not-confirmed case.

Every change goes through the case's state machine (botp.workflow) and the treatment request's
rules (botp.plan, with the programme's caps); views only parse and call. The reads are in
diagnosis.selectors.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from botp import audit, documents, plan, sessions, workflow
from botp.models import (
    AuditEntry,
    Case,
    CaseEvent,
    Session,
    SessionPhase,
    SessionStatus,
    User,
)
from botp.reports import ReportRefused
from botp.steps import Activity, Step
from diagnosis import selectors
from diagnosis.models import DiagnosisReport

# --- Choosing a BTP ---------------------------------------------------------------------------


def choose_btp(case: Case, actor: User, *, btp: int, asked_via: str = "", note: str = "",
               expected_version: int | None = None) -> CaseEvent:
    """The participant (or a Fedris administrator on their behalf, saying how the participant
    asked: ``asked_via``) proposes the case to the BTP whose provider id is ``btp``."""
    payload = {"btp": btp}
    if asked_via:
        payload["asked_via"] = asked_via
    if note.strip():
        payload["reason"] = note.strip()
    return workflow.perform(case, Step.CHOOSE_BTP, actor, payload=payload,
                            expected_version=expected_version)


# --- Diagnosis and debrief sessions -----------------------------------------------------------


def record_session(case: Case, actor: User, *, phase: str, date: datetime.date,
                   duration_minutes: int, status: str) -> Session:
    type_code = case.programme.session_types.get(phase=phase).code
    return sessions.record(case, actor, type_code=type_code, date=date,
                           duration_minutes=duration_minutes, status=status)


# --- The diagnosis report and treatment request -----------------------------------------------

REQUIRED_SCORES = selectors.SCORE_FIELDS
REQUIRED_TEXT = ["anamnesis", "work_factors", "conclusion"]
# Every field a report cannot be sent without (the answer: while a question is open), as
# _completeness_problems checks them; the form marks these.
NEEDED_TO_SEND = REQUIRED_SCORES + REQUIRED_TEXT + [
    "burnout_present", "differential_diagnoses", "answer"]


def _completeness_problems(report, lines, case):
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
    if report.question_id is not None and not report.answer.strip():
        errors["answer"] = _(
            "Answer the psychologist's question: Fedris reads your answer beside it."
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


def _fill(report, values, question):
    """``report`` with ``values`` and the open ``question`` it answers. The version sent after
    a request for more information answers it; without an open request there is nothing to
    answer, whatever was posted."""
    for name, value in values.items():
        setattr(report, name, value)
    report.question = question
    if question is None:
        report.answer = ""


def check_sendable(case: Case, actor: User, *, values: dict, lines: list[plan.Line] | None):
    """Raise what sending would refuse for the fields of ``values`` (those a form could clean:
    it may lack some) and ``lines`` (None when they could not be read), saving nothing: the page
    says every problem at once instead of the field errors first and the rest on the next
    post."""
    report, _old_lines = selectors.working_copy(case, actor)
    _fill(report, values, selectors.open_question(case))
    problems = _completeness_problems(report, lines or [], case)
    if lines is None:
        problems = [(field, message) for field, message in problems if field is not None]
    if problems:
        raise ReportRefused(problems)


def save_report(case: Case, actor: User, *, values: dict, lines: list[plan.Line],
                submit: bool = False, expected_version: int | None = None) -> DiagnosisReport:
    """Save the BTP's draft (``values``: report fields; ``lines``: botp.plan.Line objects); with
    ``submit``, freeze it and send report and request to Fedris. Returns the report.

    While the psychologist's request for more information is open, the version answers it:
    it cannot be sent without ``values["answer"]``.

    Nothing is saved when anything is refused.
    """
    with transaction.atomic():
        locked = workflow.lock_for(actor, Activity.WRITE_DIAGNOSIS_REPORT, case,
                                   expected_version=expected_version)
        report, _old_lines = selectors.working_copy(locked, actor)
        if report.pk is not None:
            report = DiagnosisReport.objects.select_for_update().get(pk=report.pk)
        _fill(report, values, selectors.open_question(locked))
        problems = [(None, message) for message in plan.request_problems(locked, lines)]
        if submit:
            problems += _completeness_problems(report, lines, locked)
        if problems:
            raise ReportRefused(problems)
        report.author = actor
        report.request = plan.save_request(locked, version=report.version, lines=lines)
        report.save()
        audit.record(actor, AuditEntry.Kind.CHANGE,
                     f"diagnosis report v{report.version} saved", case=locked)
        if submit:
            report.submitted_at = timezone.now()
            report.save(update_fields=["submitted_at", "updated_at"])
            plan.submit_request(report.request, at=report.submitted_at)
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


def decide(case: Case, psychologist: User, *, decision: str, comment: str = "",
           expected_version: int | None = None) -> CaseEvent:
    """Confirm, not confirm (with reasons) or ask the BTP for more (with a comment).

    Confirming approves the request of the version decided on: the workflow makes the treatment
    plan from it, and its ISPs see the case from then on and are told with the participant and
    the BTP.
    """
    if decision not in DECISION_ACTIONS:
        raise ValidationError(_("Choose a decision."), code="decision")
    report = selectors.latest_submitted(case)
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


def close_after_debrief(case: Case, btp_user: User, *, referral: str, note: str = "",
                        expected_version: int | None = None) -> CaseEvent:
    payload = {"referral": referral}
    if note.strip():
        payload["reason"] = note.strip()
    return workflow.perform(case, Step.CLOSE_AFTER_DEBRIEF, btp_user, payload=payload,
                            expected_version=expected_version)
