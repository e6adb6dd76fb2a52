"""The case state machine: every allowed transition, who may take it and under what condition.

Stage apps call ``perform``; they never set ``Case.state`` themselves. A transition runs in one
transaction with the case row locked: it checks the state, the actor's relation to the case and
the guard, applies its effect, bumps the version, writes a CaseEvent and an audit entry, and
records the notifications it causes in the outbox, in that same transaction. Anything refused
changes nothing.

This module is also the only one that sets a case's BTP and ISPs, or opens a case: who sees a
case changes with a CaseEvent. The ISPs follow the treatment plan, which confirming the
diagnosis makes and ``amend_plan`` changes (a step that keeps the state but is written, and
versioned, like a transition).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from botp import audit, notifications, plan, policy, states
from botp.models import (
    AuditEntry,
    Case,
    CaseEvent,
    Invitation,
    Provider,
    Referral,
    RequestChannel,
    Session,
    SessionPhase,
    SessionStatus,
)
from botp.models import CaseState as S
from botp.models.case import changing_state
from botp.policy import Relation as R
from botp.steps import Activity, Step


class TransitionError(Exception):
    """A transition that cannot happen now. Views answer 409."""

    status = 409


class TransitionForbidden(TransitionError):
    """The actor may not take this transition on this case. Views answer 403."""

    status = 403


class StaleCase(TransitionError):
    """Someone else changed the case since the actor loaded it."""


def _require_reason(case, actor, payload):
    if not str(payload.get("reason", "")).strip():
        return _("A reason is required.")


def _require_btp(case, actor, payload):
    provider = Provider.objects.btps().filter(
        pk=payload.get("btp"), programmes=case.programme
    ).first()
    if provider is None:
        return _("Choose an accredited, active BTP of this programme.")
    if case.participant.user_id and provider.user_id == case.participant.user_id:
        return _("A participant cannot be their own BTP.")
    if provider.pk in declined_btps(case):
        return _("This BTP has declined this case: choose another one.")


def _require_participant_request(case, actor, payload):
    """Fedris chooses a BTP only because the participant asked, and says how they asked: the
    participant is told (botp.notifications), and the case keeps it."""
    if not _on_behalf(case, actor):
        return None
    if payload.get("asked_via") not in RequestChannel.values:
        return _("Say how the participant asked Fedris to choose for them.")
    # Whoever brought a provider into the directory does not also send them cases on someone
    # else's word: another administrator, or the participant, makes that choice.
    if Invitation.objects.filter(provider_id=payload.get("btp"), invited_by=actor).exists():
        return _("You invited this BTP yourself: the participant or another administrator "
                 "must choose them.")
    return None


def _on_behalf(case, actor):
    """Whether ``actor`` acts for the participant rather than being them: Fedris staff."""
    return R.FEDRIS_ADMIN in policy.relations(actor, case)


def _record_request(case, actor, payload):
    if _on_behalf(case, actor):
        payload["asked_by"] = "participant"
    else:  # the participant chose themselves
        payload.pop("asked_via", None)
        payload.pop("asked_by", None)


def declined_btps(case):
    """The BTPs who declined ``case``; they are not proposed to it again."""
    return set(case.events.filter(action=Step.DECLINE_CASE)
               .values_list("payload__btp", flat=True))


def _set_btp(case, actor, payload):
    case.btp_id = payload["btp"]


def _cancel_planned_sessions(case, actor, payload):
    # Leaving ends what was planned: the sessions no longer show as coming to anyone, and the
    # providers, told of the withdrawal, need not cancel them one by one.
    payload["sessions_cancelled"] = Session.objects.filter(
        case=case, status=SessionStatus.PLANNED).update(status=SessionStatus.CANCELLED)


def _clear_btp(case, actor, payload):
    # Kept in the event, so the same BTP is not proposed again.
    payload["btp"] = case.btp_id
    case.btp = None


def _require_debrief_and_referral(case, actor, payload):
    if not case.sessions.filter(
        session_type__code="debrief", status__in=[SessionStatus.HELD, SessionStatus.NO_SHOW]
    ).exists():
        return _("Record the debrief session (held or not attended) before closing the case.")
    if payload.get("referral") not in Referral.values:
        return _("Choose where you refer the participant.")


def _approved(case, actor, payload):
    case.approved_at = timezone.now()


def _treatment_started(case, actor, payload):
    case.treatment_started_at = timezone.now()


def _require_approvable_request(case, actor, payload):
    if plan.approvable_request(case, payload.get("report_version")) is None:
        return _("There is no treatment request of the last diagnosis report sent to approve.")


def _start_plan(case, actor, payload):
    # Before the event's notifications, which go to the ISPs the plan brings in.
    started = plan.start(case, plan.approvable_request(case, payload["report_version"]))
    case.isps.set(plan.isps_in(started))


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset
    target: str
    relations: frozenset
    guards: tuple = ()
    effects: tuple = field(default=())
    # Actions a person takes from a case page; others are taken by a stage's own form.
    manual: bool = True
    # Its reason is clinical content (a diagnostic judgement), not administration.
    clinical: bool = False
    # Who is told, when not those the target state names (botp.states).
    told: frozenset | None = None

    def allowed_from(self, state):
        return state in self.sources

    @property
    def needs_reason(self):
        return _require_reason in self.guards


def _t(action, label, sources, target, relations, guards=(), effects=(), manual=True,
       clinical=False, told=None):
    return Transition(
        action, label, frozenset(sources), target, frozenset(relations),
        tuple(guards), tuple(effects), manual, clinical,
        frozenset(told) if told is not None else None,
    )


TRANSITIONS = {t.action: t for t in [
    # The worker hears of it by the approval e-mail with their activation link instead.
    _t(Step.APPROVE, _("Approve the request"),
       [S.REQUESTED], S.AWAITING_BTP_CHOICE, [R.FEDRIS_ADMIN],
       effects=[_approved], manual=False, told=[R.REFERRER]),
    # The stage that decides tells them: the worker by the letter (they have no account to log
    # in to), the referrer with the reason's category.
    _t(Step.DECLARE_INELIGIBLE, _("Declare not eligible"),
       [S.REQUESTED], S.INELIGIBLE, [R.FEDRIS_ADMIN],
       guards=[_require_reason], manual=False, told=[]),
    _t(Step.CHOOSE_BTP, _("Choose a BTP"),
       [S.AWAITING_BTP_CHOICE], S.BTP_PROPOSED, [R.PARTICIPANT, R.FEDRIS_ADMIN],
       guards=[_require_btp, _require_participant_request],
       effects=[_set_btp, _record_request], manual=False),
    # Until the BTP accepts, the participant may think again; the BTP is told they are no
    # longer asked.
    _t(Step.UNDO_BTP_CHOICE, _("Undo my choice of BTP"),
       [S.BTP_PROPOSED], S.AWAITING_BTP_CHOICE, [R.PARTICIPANT],
       effects=[_clear_btp], told=[R.BTP]),
    _t(Step.ACCEPT_CASE, _("Accept the case"),
       [S.BTP_PROPOSED], S.IN_DIAGNOSIS, [R.BTP]),
    _t(Step.DECLINE_CASE, _("Decline the case"),
       [S.BTP_PROPOSED], S.AWAITING_BTP_CHOICE, [R.BTP],
       guards=[_require_reason], effects=[_clear_btp]),
    _t(Step.SUBMIT_DIAGNOSIS, _("Submit the diagnosis report and treatment request"),
       [S.IN_DIAGNOSIS], S.DIAGNOSIS_REVIEW, [R.BTP], manual=False),
    _t(Step.REQUEST_INFORMATION, _("Ask the BTP for more information"),
       [S.DIAGNOSIS_REVIEW], S.IN_DIAGNOSIS, [R.FEDRIS_PSYCHOLOGIST],
       guards=[_require_reason], manual=False, clinical=True),
    _t(Step.CONFIRM_DIAGNOSIS, _("Confirm the diagnosis"),
       [S.DIAGNOSIS_REVIEW], S.IN_TREATMENT, [R.FEDRIS_PSYCHOLOGIST],
       guards=[_require_approvable_request], effects=[_treatment_started, _start_plan],
       manual=False),
    _t(Step.NOT_CONFIRM_DIAGNOSIS, _("Do not confirm the diagnosis"),
       [S.DIAGNOSIS_REVIEW], S.NOT_CONFIRMED, [R.FEDRIS_PSYCHOLOGIST],
       guards=[_require_reason], manual=False, clinical=True),
    _t(Step.CLOSE_AFTER_DEBRIEF, _("Close the case after the debrief"),
       [S.NOT_CONFIRMED], S.CLOSED, [R.BTP],
       guards=[_require_debrief_and_referral], manual=False, clinical=True),
    _t(Step.COMPLETE, _("Complete the treatment"),
       [S.IN_TREATMENT], S.COMPLETED, [R.BTP], manual=False),
    # Why someone leaves the programme is often about their health: not for administrators.
    _t(Step.WITHDRAW, _("Withdraw from the programme"),
       states.OPEN, S.WITHDRAWN, [R.PARTICIPANT, R.FEDRIS_ADMIN],
       guards=[_require_reason], effects=[_cancel_planned_sessions], clinical=True),
]}


def told(event):
    """The relations told of ``event``: its transition's, or those its new state names."""
    transition = TRANSITIONS.get(event.action)
    if transition is not None and transition.told is not None:
        return transition.told
    return states.told_on_entering(event.to_state)


@dataclass(frozen=True)
class ActivityRule:
    """An activity is allowed in ``states``, to the relations in ``relations``."""

    name: str
    states: frozenset
    relations: frozenset


def _recording(phase):
    """The states whose sessions of ``phase`` may be recorded (botp.states)."""
    return frozenset(state for state, meaning in states.STATES.items() if meaning.phase == phase)


def _a(activity, states_, relations):
    return ActivityRule(activity, frozenset(states_), frozenset(relations))


A = Activity
ACTIVITIES = {a.name: a for a in [
    _a(A.RECORD_DIAGNOSIS_SESSION, _recording(SessionPhase.DIAGNOSIS), [R.BTP]),
    _a(A.WRITE_DIAGNOSIS_REPORT, [S.IN_DIAGNOSIS], [R.BTP]),
    _a(A.RECORD_DEBRIEF_SESSION, _recording(SessionPhase.DEBRIEF), [R.BTP]),
    _a(A.RECORD_TREATMENT_SESSION, _recording(SessionPhase.TREATMENT), [R.BTP, R.ISP]),
    _a(A.AMEND_PLAN, [S.IN_TREATMENT], [R.BTP]),
    _a(A.MANAGE_MEETING, [S.IN_TREATMENT], [R.BTP]),
    _a(A.WRITE_TRANSMISSION_REPORT, [S.IN_TREATMENT], [R.BTP]),
    _a(A.WRITE_FINAL_REPORT, [S.IN_TREATMENT], [R.BTP]),
    _a(A.GIVE_CONSENT, [S.IN_DIAGNOSIS, S.DIAGNOSIS_REVIEW, S.IN_TREATMENT], [R.PARTICIPANT]),
    # Withdrawing is always possible, also once the case has ended.
    _a(A.WITHDRAW_CONSENT, S, [R.PARTICIPANT]),
]}


def may(user, activity, case):
    """Whether ``user`` may do ``activity`` on ``case`` as it stands."""
    rule = ACTIVITIES[activity]
    return case.state in rule.states and bool(policy.relations(user, case) & rule.relations)


def check(user, name, case):
    """Refuse, as ``perform`` or ``lock_for`` would, a transition or activity ``user`` cannot
    take on ``case`` as last loaded (for pages that offer it; the action itself re-checks)."""
    rule = TRANSITIONS.get(name) or ACTIVITIES[name]
    if not policy.relations(user, case) & rule.relations:
        raise TransitionForbidden(_("You may not do this on this case."))
    states = rule.sources if isinstance(rule, Transition) else rule.states
    if case.state not in states:
        raise _not_now(case)


def lock_for(actor, activity, case, *, expected_version=None):
    """Lock the case row for ``activity`` by ``actor`` and return it, or refuse.

    Call inside a transaction: until it commits, whoever else locks the case waits, so counts
    read after this call (sessions against a cap) stay true.
    """
    rule = ACTIVITIES[activity]
    locked = _lock(case)
    _require(actor, locked, rule.relations, expected_version)
    if locked.state not in rule.states:
        raise _not_now(locked)
    return locked


def _lock(case):
    return (
        # Not the programme version: a nullable join, which PostgreSQL does not lock.
        Case.objects.select_for_update()
        .select_related("participant", "programme")
        .get(pk=case.pk)
    )


def _require(actor, locked, relations, expected_version):
    """The relations ``actor`` holds among ``relations``, or refuse; also refuse a stale form."""
    held = policy.relations(actor, locked) & relations
    if not held:
        raise TransitionForbidden(_("You may not do this on this case."))
    if expected_version is not None and int(expected_version) != locked.version:
        raise StaleCase(
            _("Someone else changed this case in the meantime. Reload it and try again.")
        )
    return held


def _not_now(locked):
    return TransitionError(
        _("This is not possible while the case is “%(state)s”.")
        % {"state": locked.get_state_display()}
    )


def open_case(programme, participant, referrer, *, request_key, payload=None):
    """Open a case in 'requested' for a submitted screening request, with its first event.
    ``request_key`` names the request: the database opens one case per request."""
    case = Case.objects.create(programme=programme, participant=participant, referrer=referrer,
                               request_key=request_key)
    event = CaseEvent.objects.create(
        case=case, actor=referrer, actor_role=R.REFERRER, action=Step.SUBMIT_REQUEST,
        from_state="", to_state=S.REQUESTED, payload=payload or {},
    )
    audit.record(referrer, AuditEntry.Kind.CHANGE, "screening request submitted", case=case)
    notifications.announce(event, states.told_on_entering(S.REQUESTED))
    return case


def reason_action(event):
    """The policy action that guards reading this event's reason."""
    transition = TRANSITIONS.get(event.action)
    if transition is not None and transition.clinical:
        return policy.Action.VIEW_CLINICAL
    return policy.Action.VIEW_EVENT_DETAILS


def available(case, user):
    """The transitions ``user`` may take on ``case`` in its current state."""
    held = policy.relations(user, case)
    return [
        t for t in TRANSITIONS.values()
        if t.allowed_from(case.state) and held & t.relations
    ]


def perform(case, action, actor, *, payload=None, expected_version=None):
    """Take ``action`` on ``case`` as ``actor``; return the CaseEvent written.

    Raises TransitionForbidden when the actor may not, TransitionError when the case is not in a
    state that allows it or a guard refuses, StaleCase when ``expected_version`` is out of date.
    """
    payload = dict(payload or {})
    try:
        transition = TRANSITIONS[action]
    except KeyError:
        raise TransitionError(_("Unknown action.")) from None

    with transaction.atomic():
        locked = _lock(case)
        held = _require(actor, locked, transition.relations, expected_version)
        if not transition.allowed_from(locked.state):
            raise _not_now(locked)
        for guard in transition.guards:
            problem = guard(locked, actor, payload)
            if problem:
                raise TransitionError(problem)

        from_state = locked.state
        for effect in transition.effects:
            effect(locked, actor, payload)
        with changing_state():
            locked.state = transition.target
        locked.version += 1
        if states.of(transition.target).final:
            locked.ended_at = timezone.now()
        locked.save()

        event = CaseEvent.objects.create(
            case=locked, actor=actor, actor_role=sorted(held)[0], action=action,
            from_state=from_state, to_state=transition.target, payload=payload,
        )
        audit.record(actor, AuditEntry.Kind.CHANGE, f"transition:{action}", case=locked)
        notifications.announce(event, told(event))

    # Give the caller the case as it now stands.
    with changing_state():
        for name in ("state", "version", "btp_id", "approved_at", "treatment_started_at",
                     "ended_at", "updated_at"):
            setattr(case, name, getattr(locked, name))
    return event


# Steps that change who sees a case without moving it to another state: written as a CaseEvent
# from the state to itself, and versioned, like a transition.
STEP_TITLES = {
    Step.AMEND_PLAN: _("Treatment plan amended"),
    Step.UNDO_BTP_CHOICE: _("Choice of BTP undone"),
    Step.DECLINE_CASE: _("The BTP declined the case"),
}


def event_title(event):
    """What a timeline says happened: the state entered, or the step taken."""
    if event.action in STEP_TITLES:
        return STEP_TITLES[event.action]
    return event.get_to_state_display()


def amend_plan(case: Case, actor, *, lines: list, reason: str,
               expected_version: int | None = None):
    """Change the treatment plan of ``case`` to ``lines`` (botp.plan.Line) within the caps, with
    ``reason``; the ISPs follow the plan: one taken out no longer sees the case, from this
    transaction on. Return the PlanAmendment.

    Raises ValidationError when the plan cannot change so, and the errors ``perform`` raises
    when the actor may not or the case is not in treatment.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the plan changes."), code="reason")
    rule = ACTIVITIES[Activity.AMEND_PLAN]
    with transaction.atomic():
        locked = _lock(case)
        held = _require(actor, locked, rule.relations, expected_version)
        if locked.state not in rule.states:
            raise _not_now(locked)
        amendment = plan.amend(locked, actor, lines=lines, reason=reason)
        locked.isps.set(plan.isps_in(amendment.plan))
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        # The reason is clinical (it reads with the plan); the event only points to it.
        CaseEvent.objects.create(
            case=locked, actor=actor, actor_role=sorted(held)[0], action=Step.AMEND_PLAN,
            from_state=locked.state, to_state=locked.state,
            payload={"amendment": amendment.pk},
        )
        audit.record(actor, AuditEntry.Kind.CHANGE, "treatment plan amended", case=locked)
    case.version, case.updated_at = locked.version, locked.updated_at
    return amendment
