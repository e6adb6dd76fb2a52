"""Stages 3 and 4: the sessions given under the treatment plan, the consent-gated meeting and
data transmission reports, and the final report that completes the case.

Every change goes through the case's state machine (botp.workflow), the programme's caps and
the treatment plan (botp.caps and botp.plan, via botp.sessions) and, for anything the workplace
learns, an active consent. The reads are in treatment.selectors.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from botp import audit, consents, documents, plan, sessions, workflow
from botp.models import (
    AuditEntry,
    Case,
    Consent,
    GivenBy,
    Language,
    Referral,
    Session,
    SessionFormat,
    SessionPhase,
    SessionStatus,
    TreatmentPlan,
    User,
    WorkplaceRole,
)
from botp.reports import ReportRefused
from botp.steps import Activity, Step
from treatment import notifications, selectors
from treatment.models import (
    DataTransmissionReport,
    FinalReport,
    WorkplaceMeeting,
    WorkStatus,
)

# --- The plan -----------------------------------------------------------------------------------


def amend_plan(case: Case, btp_user: User, *, lines: list[plan.Line], reason: str,
               expected_version: int | None = None) -> TreatmentPlan:
    """Change the plan within the programme's caps (a workflow step: botp.workflow.amend_plan);
    return the plan."""
    amendment = workflow.amend_plan(case, btp_user, lines=lines, reason=reason,
                                    expected_version=expected_version)
    return amendment.plan


# --- Sessions -----------------------------------------------------------------------------------


def record_session(case: Case, actor: User, *, type_code: str, date: datetime.date,
                   duration_minutes: int, status: str,
                   session_format: str = SessionFormat.INDIVIDUAL,
                   approach: str = "", starts_at: datetime.time | None = None,
                   place: str = "") -> Session:
    session_type = case.programme.session_types.filter(code=type_code).first()
    if session_type is not None and session_type.given_by == GivenBy.WORKPLACE:
        raise ValidationError(_("Record the workplace meeting on its own form."))
    if session_type is not None and session_type.phase != SessionPhase.TREATMENT:
        raise ValidationError(_("This is not a treatment session."))
    return sessions.record(case, actor, type_code=type_code, date=date,
                           duration_minutes=duration_minutes, status=status,
                           session_format=session_format, approach=approach,
                           starts_at=starts_at, place=place)


def change_session(session: Session, actor: User, *, status: str,
                   date: datetime.date | None = None,
                   duration_minutes: int | None = None) -> Session:
    if session.session_type.given_by == GivenBy.WORKPLACE:
        raise ValidationError(_("Record the workplace meeting on its own form."))
    return sessions.change(session, actor, status=status, date=date,
                           duration_minutes=duration_minutes)


# --- The workplace meeting ----------------------------------------------------------------------


def _active_consent(case, consent_id, purpose):
    consent = case.consents.active().filter(pk=consent_id, purpose=purpose).first()
    if consent is None:
        raise ValidationError(
            _("There is no active consent of the participant for this. Ask them to give it in "
              "their own account."), code="no_consent")
    return consent


def prepare_meeting(case: Case, btp_user: User, *, consent_id: int,
                    planned_date: datetime.date | None, planned_time: datetime.time | None,
                    place: str) -> WorkplaceMeeting:
    """Plan the meeting, on a day, at a time and in a place, with the people a meeting consent
    names; at most one per case."""
    place = " ".join((place or "").split())
    errors = {}
    if planned_time is None:
        errors["planned_time"] = _("Give the time of the meeting.")
    if not place:
        errors["place"] = _("Say where the meeting takes place.")
    with transaction.atomic():
        locked = workflow.lock_for(btp_user, Activity.MANAGE_MEETING, case)
        consent = _active_consent(locked, consent_id, Consent.Purpose.MEETING)
        if selectors.current_meeting(locked) is not None:
            raise ValidationError(_("This case already has its workplace meeting."),
                                  code="one_meeting")
        if planned_date is None or planned_date < timezone.localdate():
            errors["planned_date"] = _("Choose a date from today on.")
        if errors:
            raise ValidationError(errors)
        meeting = WorkplaceMeeting.objects.create(case=locked, consent=consent,
                                                  planned_date=planned_date,
                                                  planned_time=planned_time, place=place,
                                                  prepared_by=btp_user)
        audit.record(btp_user, AuditEntry.Kind.CHANGE, "workplace meeting prepared",
                     case=locked)
    return meeting


def record_meeting(case: Case, btp_user: User, *, date: datetime.date, duration_minutes: int,
                   attended_roles: list[str], adaptations: str) -> WorkplaceMeeting:
    """Record the meeting as held: only while the consent it was prepared under is active, and
    only with the workplace actors that consent names."""
    with transaction.atomic():
        locked = workflow.lock_for(btp_user, Activity.MANAGE_MEETING, case)
        meeting = selectors.current_meeting(locked)
        if meeting is None or meeting.status != WorkplaceMeeting.Status.PLANNED:
            raise ValidationError(_("Prepare the meeting first."), code="not_prepared")
        meeting = WorkplaceMeeting.objects.select_for_update().get(pk=meeting.pk)
        consent = _active_consent(locked, meeting.consent_id, Consent.Purpose.MEETING)
        named = {person["role"] for person in consent.scope}
        unnamed = [role for role in attended_roles if role not in named]
        if unnamed:
            labels = dict(WorkplaceRole.choices)
            raise ValidationError({"attended_roles": _(
                "The participant's consent does not name: %(roles)s."
            ) % {"roles": ", ".join(str(labels.get(r, r)) for r in unnamed)}})
        if not adaptations.strip():
            raise ValidationError({"adaptations": _("Record the adaptations agreed (or that "
                                                    "none were).")})
        meeting_type = locked.programme.session_types.get(given_by=GivenBy.WORKPLACE)
        session = sessions.record(locked, btp_user, type_code=meeting_type.code, date=date,
                                  duration_minutes=duration_minutes,
                                  status=SessionStatus.HELD)
        meeting.status = WorkplaceMeeting.Status.HELD
        meeting.session = session
        meeting.attended_roles = list(attended_roles)
        meeting.adaptations = adaptations.strip()
        meeting.recorded_at = timezone.now()
        meeting.save()
        audit.record(btp_user, AuditEntry.Kind.CHANGE, "workplace meeting recorded",
                     case=locked)
    return meeting


def cancel_meeting(case: Case, btp_user: User) -> WorkplaceMeeting:
    with transaction.atomic():
        locked = workflow.lock_for(btp_user, Activity.MANAGE_MEETING, case)
        meeting = selectors.current_meeting(locked)
        if meeting is None or meeting.status != WorkplaceMeeting.Status.PLANNED:
            raise ValidationError(_("There is no planned meeting to cancel."))
        meeting.status = WorkplaceMeeting.Status.CANCELLED
        meeting.cancelled_at = timezone.now()
        meeting.save(update_fields=["status", "cancelled_at"])
        audit.record(btp_user, AuditEntry.Kind.CHANGE, "workplace meeting cancelled",
                     case=locked)
    return meeting


# --- Consents -----------------------------------------------------------------------------------


def withdraw_consent(consent: Consent, participant_user: User) -> Consent:
    """The participant withdraws ``consent``: a meeting planned under it is cancelled and the
    BTP is told by e-mail, all in one transaction. Withdrawing twice changes nothing more."""
    with transaction.atomic():
        was_active = consent.withdrawn_at is None
        consent = consents.withdraw(consent, participant_user)
        if not was_active:
            return consent
        meeting = selectors.meeting_under(consent)
        if meeting is not None:
            meeting = WorkplaceMeeting.objects.select_for_update().get(pk=meeting.pk)
            meeting.status = WorkplaceMeeting.Status.CANCELLED
            meeting.cancelled_at = consent.withdrawn_at
            meeting.cancelled_by_withdrawal = True
            meeting.save(update_fields=["status", "cancelled_at", "cancelled_by_withdrawal"])
            audit.record(participant_user, AuditEntry.Kind.CHANGE,
                         "workplace meeting cancelled: consent withdrawn", case=consent.case)
        notifications.consent_withdrawn(consent, meeting)
    return consent


# --- Data transmission reports ------------------------------------------------------------------


def write_transmission_report(case: Case, btp_user: User, *, consent_id: int, language: str,
                              purpose: str, content: str) -> DataTransmissionReport:
    """A limited report to the one recipient a transmission consent names, while it is
    active, in the recipient's language."""
    errors = {}
    if language not in Language.values:
        errors["language"] = _("Choose Dutch, French or English.")
    if not purpose.strip():
        errors["purpose"] = _("Say what the report is for.")
    if not content.strip():
        errors["content"] = _("Write the content agreed with the participant.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = workflow.lock_for(btp_user, Activity.WRITE_TRANSMISSION_REPORT, case)
        consent = _active_consent(locked, consent_id, Consent.Purpose.TRANSMISSION)
        recipient = consent.scope[0]
        report = DataTransmissionReport.objects.create(
            case=locked, consent=consent, recipient_role=recipient["role"],
            recipient_name=recipient["name"],
            recipient_organisation=recipient.get("organisation", ""), language=language,
            purpose=purpose.strip(), content=content.strip(), author=btp_user,
        )
        audit.record(btp_user, AuditEntry.Kind.CHANGE, "data transmission report written",
                     case=locked)
        documents.issue(locked, "transmission_report", report.pk)
    return report


# --- The final report ---------------------------------------------------------------------------

FINAL_REPORT_FIELDS = ["work_status", "work_status_other", "adaptations", "outcome",
                       "conclusion", "further_care", "referral", "referral_note"]


def _final_report_problems(report, case):
    errors = []
    for name in ("work_status", "outcome", "conclusion"):
        if not getattr(report, name):
            errors.append((name, _("Needed to send the final report.")))
    if report.work_status == WorkStatus.OTHER and not report.work_status_other.strip():
        errors.append(("work_status_other", _("Describe the work status.")))
    if report.further_care is None:
        errors.append(("further_care", _("Say whether further care is needed.")))
    if report.further_care and report.referral not in Referral.values:
        errors.append(("referral", _("Choose where you refer the participant.")))
    if case.sessions.filter(status=SessionStatus.PLANNED).exists():
        errors.append((None, _("Some sessions are still planned: record them as held, no-show "
                               "or cancelled before you send the final report.")))
    return errors


def check_final_report(case: Case, *, values: dict) -> None:
    """Raise ReportRefused with what sending a final report holding ``values`` would be
    refused for; nothing is saved (for a page that says it with the form's own errors)."""
    report = FinalReport(case=case)
    for name, value in values.items():
        setattr(report, name, value)
    problems = _final_report_problems(report, case)
    if problems:
        raise ReportRefused(problems)


def save_final_report(case: Case, btp_user: User, *, values: dict, submit: bool = False,
                      expected_version: int | None = None) -> FinalReport:
    """Save the BTP's final report; with ``submit``, freeze it with the sessions delivered and
    complete the case."""
    with transaction.atomic():
        locked = workflow.lock_for(btp_user, Activity.WRITE_FINAL_REPORT, case,
                                   expected_version=expected_version)
        report = FinalReport.objects.select_for_update().filter(case=locked).first() or \
            FinalReport(case=locked, author=btp_user)
        for name, value in values.items():
            setattr(report, name, value)
        if report.further_care is False:
            report.referral, report.referral_note = "", ""
        if submit:
            problems = _final_report_problems(report, locked)
            if problems:
                raise ReportRefused(problems)
        report.author = btp_user
        report.save()
        audit.record(btp_user, AuditEntry.Kind.CHANGE, "final report saved", case=locked)
        if submit:
            report.sessions_delivered = selectors.sessions_delivered(locked)
            report.submitted_at = timezone.now()
            report.save(update_fields=["sessions_delivered", "submitted_at", "updated_at"])
            workflow.perform(locked, Step.COMPLETE, btp_user)
            documents.issue(locked, "final_report", report.pk)
    case.refresh_from_db()
    return report
