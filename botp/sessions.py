"""Recording the sessions given to a participant, in every phase, within the programme's caps
and, for treatment sessions, the treatment plan.

A provider records the sessions they give themselves. ``record`` and ``change`` lock the case
row before counting, so two providers saving at the same moment are counted one after the
other and neither a cap nor a plan line is ever exceeded (botp.caps holds the limits,
botp.plan the plan's rules).
"""

import datetime
from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from botp import audit, caps, plan, policy, workflow
from botp.models import (
    AuditEntry,
    Case,
    GivenBy,
    Session,
    SessionFormat,
    SessionPhase,
    SessionStatus,
    User,
)
from botp.steps import Activity

# The workflow activity that opens each phase for recording.
ACTIVITY_FOR_PHASE = {
    SessionPhase.DIAGNOSIS: Activity.RECORD_DIAGNOSIS_SESSION,
    SessionPhase.DEBRIEF: Activity.RECORD_DEBRIEF_SESSION,
    SessionPhase.TREATMENT: Activity.RECORD_TREATMENT_SESSION,
}

# Diagnosis and debrief sessions are recorded after the fact; treatment sessions can be planned.
STATUSES_FOR_PHASE = {
    SessionPhase.DIAGNOSIS: [SessionStatus.HELD, SessionStatus.NO_SHOW],
    SessionPhase.DEBRIEF: [SessionStatus.HELD, SessionStatus.NO_SHOW],
    SessionPhase.TREATMENT: list(SessionStatus),
}


def duration_problem(minutes):
    """Why ``minutes`` is not a session's length (outside settings.SESSION_MINUTES), or None."""
    low, high = settings.SESSION_MINUTES
    if minutes is None or not low <= minutes <= high:
        return _("The duration is between %(min)s and %(max)s minutes.") % {"min": low,
                                                                             "max": high}
    return None


def held_counts(case, *, exclude=None):
    """{SessionType: sessions held} for ``case``."""
    held = case.sessions.filter(status=SessionStatus.HELD).select_related("session_type")
    if exclude is not None:
        held = held.exclude(pk=exclude.pk)
    return Counter(session.session_type for session in held)


def provider_problem(case, session_type, provider, approach=""):
    """Why ``provider`` may not give ``session_type`` (in ``approach``) on ``case``, or None."""
    is_btp = provider.pk == case.btp_id
    is_isp = any(isp.pk == provider.pk for isp in case.isps.all())
    allowed = {
        GivenBy.BTP: is_btp,
        GivenBy.ISP: is_isp,
        GivenBy.BTP_OR_ISP: is_btp or is_isp,
        GivenBy.WORKPLACE: is_btp,
    }[session_type.given_by]
    if not allowed:
        return _("“%(type)s” is given by: %(who)s.") % {
            "type": session_type.name, "who": session_type.get_given_by_display()}
    return profession_problem(session_type, provider, approach)


def profession_problem(session_type, provider, approach=""):
    """Why ``provider``'s profession may not give ``session_type`` in ``approach``, or None."""
    if session_type.approaches and approach not in session_type.approaches:
        return _("Choose the approach of “%(type)s”.") % {"type": session_type.name}
    if not session_type.approaches and approach:
        return _("“%(type)s” has no approach to choose.") % {"type": session_type.name}
    if not session_type.allows_profession(provider.profession, approach):
        return _("%(name)s is a %(profession)s and cannot give “%(type)s”%(approach)s.") % {
            "name": provider,
            "profession": provider.get_profession_display().lower(),
            "type": session_type.name,
            "approach": f" ({dict(session_type.approach_choices)[approach].lower()})"
            if approach else "",
        }
    return None


def _validate(locked, session_type, status, date, duration_minutes, session_format,
              starts_at=None, place=""):
    errors = {}
    if status not in STATUSES_FOR_PHASE[session_type.phase]:
        errors["status"] = _("This status is not possible for this session.")
    today = timezone.localdate()
    if date is None:
        errors["date"] = _("Enter the date of the session.")
    elif status in (SessionStatus.HELD, SessionStatus.NO_SHOW) and date > today:
        errors["date"] = _("A session that took place cannot be in the future.")
    elif status == SessionStatus.PLANNED and date < today:
        errors["date"] = _("A planned session cannot be in the past.")
    elif locked.approved_at and date < timezone.localdate(locked.approved_at):
        errors["date"] = _("The session cannot be before the case was approved (%(date)s).") % {
            "date": timezone.localdate(locked.approved_at).strftime("%d/%m/%Y")}
    if problem := duration_problem(duration_minutes):
        errors["duration_minutes"] = problem
    if session_format not in SessionFormat.values:
        errors["format"] = _("Choose individual or group.")
    if status == SessionStatus.PLANNED and "status" not in errors:
        # The participant is told when and where (their home page shows the next session).
        if starts_at is None:
            errors["starts_at"] = _("Give the time of the planned session.")
        if not place.strip():
            errors["place"] = _("Say where the planned session takes place.")
    if errors:
        raise ValidationError(errors)


def _check_caps(locked, session_type, *, replacing=None):
    counts = held_counts(locked, exclude=replacing)
    counts[session_type] += 1
    found = caps.problems(locked, counts, only=session_type)
    if found:
        raise ValidationError(found, code="cap")


def record(case: Case, actor: User, *, type_code: str, date: datetime.date | None,
           duration_minutes: int | None, status: str,
           session_format: str = SessionFormat.INDIVIDUAL, approach: str = "",
           starts_at: datetime.time | None = None, place: str = "") -> Session:
    """Record a session ``actor`` gave on ``case`` (a planned one with its time and place);
    return it.

    Raises ValidationError for bad input, a cap or a treatment session the plan does not give
    ``actor``, and the workflow's errors when the case is not open for this phase or the actor
    has no part in it.
    """
    provider = getattr(actor, "provider", None)
    session_type = case.programme.session_types.filter(code=type_code).first()
    if session_type is None:
        raise ValidationError(_("This programme has no such session type."), code="type")
    with transaction.atomic():
        locked = workflow.lock_for(actor, ACTIVITY_FOR_PHASE[session_type.phase], case)
        problem = provider_problem(locked, session_type, provider, approach)
        if problem:
            raise ValidationError(problem, code="provider")
        if plan.governs(session_type):
            plan.check_session(locked, session_type, provider=provider, approach=approach,
                               status=status)
        _validate(locked, session_type, status, date, duration_minutes, session_format,
                  starts_at, place)
        if status == SessionStatus.HELD:
            _check_caps(locked, session_type)
        session = Session.objects.create(
            case=locked, session_type=session_type, provider=provider, approach=approach,
            date=date, duration_minutes=duration_minutes, format=session_format,
            status=status, recorded_by=actor, starts_at=starts_at, place=place.strip(),
        )
        audit.record(actor, AuditEntry.Kind.CHANGE,
                     f"session recorded: {session_type.code} {status}", case=locked)
    return session


def change(session: Session, actor: User, *, status: str, date: datetime.date | None = None,
           duration_minutes: int | None = None) -> Session:
    """Update a session its provider recorded (a planned one held, a date corrected)."""
    with transaction.atomic():
        locked = workflow.lock_for(actor, ACTIVITY_FOR_PHASE[session.session_type.phase],
                                   session.case)
        session = Session.objects.select_for_update().select_related("session_type").get(
            pk=session.pk)
        if not policy.may_change_session(actor, session):
            raise workflow.TransitionForbidden(_("Only who gave a session can change it."))
        date = date or session.date
        duration_minutes = duration_minutes or session.duration_minutes
        _validate(locked, session.session_type, status, date, duration_minutes, session.format,
                  session.starts_at, session.place)
        if plan.governs(session.session_type) and status != session.status:
            plan.check_session(locked, session.session_type, provider=session.provider,
                               approach=session.approach, status=status, replacing=session)
        if status == SessionStatus.HELD and session.status != SessionStatus.HELD:
            _check_caps(locked, session.session_type, replacing=session)
        session.status, session.date, session.duration_minutes = status, date, duration_minutes
        session.save(update_fields=["status", "date", "duration_minutes", "updated_at"])
        audit.record(actor, AuditEntry.Kind.CHANGE,
                     f"session changed: {session.session_type.code} {status}", case=locked)
    return session

