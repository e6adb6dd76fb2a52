"""Stages 3 and 4's reads: the plan and sessions as each person may see them, the workplace
meeting, the data transmission reports and the final report. Nothing here writes; the changes
are in treatment.services.
"""

from collections import Counter

from django.db.models import QuerySet

from botp import plan, policy
from botp.models import Case, PlanAmendment, Session, SessionPhase, SessionStatus, User
from treatment.models import DataTransmissionReport, FinalReport, WorkplaceMeeting

# --- The plan and its sessions ------------------------------------------------------------------


def plan_lines_seen_by(user: User, case: Case) -> list:
    """The lines of the case's plan ``user`` may see: all of them, or an ISP's own."""
    treatment_plan = plan.plan_for(case)
    lines = plan.plan_lines(treatment_plan) if treatment_plan else []
    return policy.own_part(user, case, lines)


def amendments(case: Case) -> QuerySet[PlanAmendment]:
    return PlanAmendment.objects.filter(plan__case=case).select_related("actor")


def treatment_sessions(user: User, case: Case) -> QuerySet[Session]:
    """The treatment sessions of ``case`` that ``user`` may see."""
    return (policy.visible_sessions(user, case)
            .filter(session_type__phase=SessionPhase.TREATMENT)
            .select_related("session_type", "provider__user"))


def own_planned(user: User, case: Case) -> set[int]:
    """The ids of the planned sessions ``user`` gave and may still change."""
    return set(policy.sessions_changeable_by(user, case)
               .filter(status=SessionStatus.PLANNED).values_list("pk", flat=True))


def sessions_delivered(case: Case) -> dict[str, int]:
    """{session type code: sessions held}, counted from what was recorded."""
    return dict(Counter(case.sessions.filter(status=SessionStatus.HELD)
                        .values_list("session_type__code", flat=True)))


def recordable_types(case: Case, user: User) -> list:
    """(session type, approach) pairs ``user`` may record now under the plan."""
    return plan.recordable(case, getattr(user, "provider", None))


def sessions_summary(case: Case, delivered: dict[str, int] | None = None) -> list:
    """(session type, planned in the plan, held) for each type of the programme that has either,
    in the programme's order."""
    delivered = sessions_delivered(case) if delivered is None else delivered
    treatment_plan = plan.plan_for(case)
    planned = Counter()
    if treatment_plan is not None:
        for line in treatment_plan.lines.select_related("session_type"):
            planned[line.session_type.code] += line.planned_sessions
    return [
        (session_type, planned.get(session_type.code, 0), delivered.get(session_type.code, 0))
        for session_type in case.rules.session_types()
        if planned.get(session_type.code) or delivered.get(session_type.code)
    ]


# --- The workplace meeting and data transmission reports ----------------------------------------


def current_meeting(case: Case) -> WorkplaceMeeting | None:
    return case.workplace_meetings.exclude(status=WorkplaceMeeting.Status.CANCELLED).first()


def meeting_under(consent) -> WorkplaceMeeting | None:
    """The planned meeting prepared under ``consent``, which withdrawing it cancels."""
    return WorkplaceMeeting.objects.filter(consent=consent,
                                           status=WorkplaceMeeting.Status.PLANNED).first()


def cancelled_meetings(case: Case) -> QuerySet[WorkplaceMeeting]:
    return case.workplace_meetings.filter(status=WorkplaceMeeting.Status.CANCELLED)


def transmission_reports(case: Case) -> QuerySet[DataTransmissionReport]:
    return case.transmission_reports.all()


# --- The final report ---------------------------------------------------------------------------


def final_reports_readable_by(user: User) -> QuerySet[FinalReport]:
    """The final reports ``user`` may read: with clinical access, and a draft only by the BTP
    who writes it."""
    return policy.sent_or_own_drafts(
        user, policy.scope_by_case(user, FinalReport.objects.all(), policy.Action.VIEW_CLINICAL))


def readable_final_report(case: Case, user: User) -> FinalReport | None:
    """The final report of ``case`` as ``user`` may read it, or None."""
    return final_reports_readable_by(user).filter(case=case).first()
