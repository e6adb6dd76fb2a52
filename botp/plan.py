"""The treatment request and the treatment plan: which lines may stand in them (who gives what,
within the programme's caps), copying lines from one to the other, and whether a session is in
the plan.

Making the plan and amending it change who sees the case, so they are workflow steps
(botp.workflow.perform "confirm_diagnosis" and botp.workflow.amend_plan); this module checks
and writes their lines. Reading a plan never writes one.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from botp import caps, programme_rules, sessions
from botp.models import (
    Case,
    GivenBy,
    PlanAmendment,
    PlanLine,
    Provider,
    Session,
    SessionPhase,
    SessionStatus,
    SessionType,
    TreatmentPlan,
    TreatmentRequest,
    TreatmentRequestLine,
    User,
)

# Sessions that use up a plan line: those held and those still to come.
USING_THE_PLAN = [SessionStatus.HELD, SessionStatus.PLANNED]


@dataclass
class Line:
    """One line of a treatment request or plan as the BTP filled it in."""

    session_type: object
    approach: str
    provider: object  # a Provider, or None when the BTP gives these sessions
    planned_sessions: int


def lines_of(owner):
    """The lines of a request or plan, as Lines to edit or copy."""
    return [Line(line.session_type, line.approach, line.provider, line.planned_sessions)
            for line in owner.lines.select_related("session_type", "provider")]


def _write(model, lines, **owner):
    """Store ``lines`` under ``owner`` (request=... or plan=...); empty lines are left out."""
    model.objects.bulk_create([
        model(session_type=line.session_type, approach=line.approach, provider=line.provider,
              planned_sessions=line.planned_sessions, **owner)
        for line in lines if line.planned_sessions
    ])


# --- Which lines may stand ----------------------------------------------------------------------


def slots(case):
    """The (session type, approach) pairs a request or plan of ``case`` has a line for, in
    order; each type carries the cap of the case's programme version."""
    found = []
    for session_type in programme_rules.of(case).session_types():
        if session_type.phase != SessionPhase.TREATMENT:
            continue
        for approach, _label in session_type.approach_choices or [("", "")]:
            found.append((session_type, approach))
    return found


def proposable_isps(programme, session_type, approach=""):
    """Accredited ISPs of ``programme`` whose profession may give the type in that approach."""
    return [
        provider for provider in Provider.objects.isps().filter(programmes=programme)
        .select_related("user").order_by("user__last_name", "pk")
        if sessions.profession_problem(session_type, provider, approach) is None
    ]


def line_problem(programme, line):
    """Why a line may not stand in a treatment request or plan of ``programme``, or None."""
    session_type = line.session_type
    if line.planned_sessions < 0:
        return _("The number of sessions cannot be negative.")
    if line.provider is None:
        if session_type.given_by == GivenBy.ISP and line.planned_sessions:
            return _("Propose the ISP who will give “%(type)s”.") % {"type": session_type.name}
        return None
    if session_type.given_by not in (GivenBy.ISP, GivenBy.BTP_OR_ISP):
        return _("“%(type)s” is given by the BTP, not an ISP.") % {"type": session_type.name}
    provider = line.provider
    accredited = (provider.is_isp and provider.is_accredited
                  and provider.programmes.filter(pk=programme.pk).exists())
    if not accredited:
        return _("%(name)s is not an accredited ISP of this programme.") % {"name": provider}
    return sessions.profession_problem(session_type, provider, line.approach)


def request_problems(case, lines):
    """Everything wrong with request or plan ``lines`` for ``case``: its lines, then the caps
    (with the diagnosis sessions held)."""
    found = [problem for line in lines if (problem := line_problem(case.programme, line))]
    return found + cap_problems(case, lines)


def cap_problems(case, lines):
    """What in request or plan ``lines`` breaks the programme's caps for ``case``, with the
    diagnosis sessions held."""
    planned = {}
    for line in lines:
        planned[line.session_type] = planned.get(line.session_type, 0) + line.planned_sessions
    for session_type, held in sessions.held_counts(case).items():
        if session_type.phase == SessionPhase.DIAGNOSIS:
            planned[session_type] = held
    return caps.problems(case, planned)


# --- The treatment request ----------------------------------------------------------------------


def request_of(case, version):
    return TreatmentRequest.objects.filter(case=case, version=version).first()


def save_request(case: Case, *, version: int, lines: list[Line]) -> TreatmentRequest:
    """Replace the lines of the request sent with report ``version`` (a draft until sent)."""
    request, _created = TreatmentRequest.objects.get_or_create(case=case, version=version)
    request.lines.all().delete()
    _write(TreatmentRequestLine, lines, request=request)
    return request


def submit_request(request: TreatmentRequest, *, at: datetime.datetime) -> None:
    """Send ``request``: from now on it is frozen."""
    request.submitted_at = at
    request.save(update_fields=["submitted_at"])


def approvable_request(case, version):
    """The request Fedris approves when it confirms report ``version``: that version's, if it
    is the last one sent; otherwise None."""
    latest = case.treatment_requests.filter(submitted_at__isnull=False).order_by("version").last()
    return latest if latest is not None and latest.version == version else None


# --- The plan -----------------------------------------------------------------------------------


def plan_for(case):
    """The case's treatment plan, or None until Fedris confirms the diagnosis."""
    return TreatmentPlan.objects.filter(case=case).first()


def plan_lines(plan):
    return list(plan.lines.select_related("session_type", "provider__user"))


def start(case, request):
    """The plan of ``case``, made from the approved ``request``; call from the workflow."""
    plan = TreatmentPlan.objects.create(case=case, approved_request=request)
    _write(PlanLine, lines_of(request), plan=plan)
    return plan


def isps_in(plan):
    """The ISPs the plan names: the providers who see the case besides its BTP."""
    return {line.provider for line in plan.lines.select_related("provider") if line.provider_id}


def as_data(lines):
    return [
        {"type": line.session_type.code, "approach": line.approach,
         "provider": line.provider.pk if line.provider else None,
         "provider_name": str(line.provider) if line.provider else "",
         "planned": line.planned_sessions}
        for line in lines if line.planned_sessions
    ]


def amend(locked: Case, actor: User, *, lines: list[Line], reason: str) -> PlanAmendment:
    """Replace the plan's lines with ``lines`` within the caps and above what is already held
    or planned; record the amendment and return it. ``locked``: the case, locked for the
    amendment by the workflow."""
    plan = plan_for(locked)
    if plan is None:
        raise ValidationError(_("This case has no approved treatment plan yet."))
    problems = request_problems(locked, lines)
    planned = Counter()
    for line in lines:
        provider = line.provider or locked.btp
        planned[(line.session_type.pk, line.approach, provider.pk)] += line.planned_sessions
    used = Counter(
        (session.session_type_id, session.approach, session.provider_id)
        for session in locked.sessions.filter(status__in=USING_THE_PLAN,
                                              session_type__phase=SessionPhase.TREATMENT)
        .exclude(session_type__given_by=GivenBy.WORKPLACE)
    )
    for key, count in used.items():
        if planned[key] < count:
            problems.append(_(
                "%(count)s sessions of a line you lower are already held or planned: the "
                "plan cannot go below that."
            ) % {"count": count})
    if problems:
        raise ValidationError(problems, code="plan")
    before = as_data(plan_lines(plan))
    plan.lines.all().delete()
    _write(PlanLine, lines, plan=plan)
    return PlanAmendment.objects.create(plan=plan, actor=actor, reason=reason,
                                        before=before, after=as_data(plan_lines(plan)))


# --- Sessions under the plan --------------------------------------------------------------------


def governs(session_type):
    """Whether sessions of ``session_type`` must be in the plan: treatment sessions, except the
    workplace meeting, which the participant's consent governs instead."""
    return (session_type.phase == SessionPhase.TREATMENT
            and session_type.given_by != GivenBy.WORKPLACE)


def _gives(line, case, provider):
    """Whether ``provider`` gives the sessions of ``line``: its ISP, or the BTP when it names
    none."""
    return (line.provider_id == provider.pk
            or (line.provider_id is None and provider.pk == case.btp_id))


def _used(case, session_type, approach, provider, *, replacing=None):
    used = case.sessions.filter(session_type=session_type, approach=approach,
                                provider=provider, status__in=USING_THE_PLAN)
    if replacing is not None:
        used = used.exclude(pk=replacing.pk)
    return used.count()


def check_session(case: Case, session_type: SessionType, *, provider: Provider, approach: str,
                  status: str, replacing: Session | None = None) -> None:
    """Refuse a session the plan does not contain, or one more than it plans for this provider
    (cancelled sessions and no-shows do not use the plan up)."""
    plan = plan_for(case)
    if plan is None:
        raise ValidationError(_("This case has no approved treatment plan yet."))
    lines = [line for line in plan.lines.all()
             if line.session_type_id == session_type.pk and line.approach == approach
             and _gives(line, case, provider)]
    if not lines:
        raise ValidationError(
            _("The treatment plan has no “%(type)s” sessions given by you. The BTP can amend "
              "the plan.") % {"type": session_type.name}, code="not_in_plan")
    if status in USING_THE_PLAN:
        planned = sum(line.planned_sessions for line in lines)
        if _used(case, session_type, approach, provider, replacing=replacing) + 1 > planned:
            raise ValidationError(
                _("The plan has %(count)s “%(type)s” sessions by you, all held or planned "
                  "already. The BTP can amend the plan.")
                % {"count": planned, "type": session_type.name}, code="plan_used_up")


def recordable(case, provider):
    """(session type, approach) pairs ``provider`` may record under the plan of ``case``."""
    plan = plan_for(case)
    if provider is None or plan is None:
        return []
    return sorted({
        (line.session_type, line.approach) for line in plan.lines.select_related("session_type")
        if line.session_type.given_by != GivenBy.WORKPLACE and _gives(line, case, provider)
    }, key=lambda pair: (pair[0].order, pair[1]))
