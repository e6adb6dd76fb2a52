"""Which survey waves a case is due, and when: the programme's schedule applied to the case.

A wave is triggered by the case's approval (pre-test) or by its end (post-tests): completion, or
withdrawal / closing after a not-confirmed diagnosis when the programme says so. Dates are
Brussels dates.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from botp.models import Case, CaseState, ProgrammeVersion, SurveyWaveSchedule
from evaluation import invitations, links
from evaluation.loading import load_instruments
from evaluation.models import Instrument, SurveyInvitation, WaveInstrument

Trigger = SurveyWaveSchedule.Trigger

@dataclass(frozen=True)
class Due:
    schedule: object
    due_on: datetime.date
    closes_at: datetime.datetime


def _trigger_date(case, schedule):
    if schedule.trigger == Trigger.APPROVED:
        return timezone.localdate(case.approved_at) if case.approved_at else None
    ended = {
        CaseState.COMPLETED: True,
        CaseState.WITHDRAWN: schedule.send_to_withdrawn,
        CaseState.CLOSED: schedule.send_to_not_confirmed,
    }.get(case.state, False)
    if not ended or case.ended_at is None:
        return None
    if case.state == CaseState.WITHDRAWN and case.approved_at is None:
        return None  # withdrawn before the programme admitted them: never a participant
    return timezone.localdate(case.ended_at)


def due_waves(case):
    """The waves ``case`` has reached under its programme version's schedule, with their
    dates (a wave reached today may be due months later, like the post-test 2)."""
    found = []
    for schedule in case.rules.waves:
        start = _trigger_date(case, schedule)
        if start is None:
            continue
        due_on = start + datetime.timedelta(days=schedule.offset_days)
        closes = due_on + datetime.timedelta(days=schedule.open_days)
        closes_at = timezone.make_aware(datetime.datetime.combine(closes, datetime.time.min))
        found.append(Due(schedule, due_on, closes_at))
    return found


def instruments_for(rules, wave):
    """The latest loaded version of each instrument that asks ``wave``, in the survey order of
    ``rules`` (a case's programme version) (any it does not name after those, by code).

    The shipped files are loaded on first use, so a fresh installation invites with them."""
    if not Instrument.objects.exists():
        load_instruments()
    latest = {}
    for instrument in Instrument.objects.order_by("code", "-version"):
        latest.setdefault(instrument.code, instrument)
    chosen = [i for i in latest.values() if wave in i.definition.get("waves", [])]
    position = {code: index for index, code in enumerate(rules.survey_order or [])}
    return sorted(chosen, key=lambda i: (position.get(i.code, len(position)), i.code))


def ensure_invitations(case):
    """Make the invitations ``case`` is due and lacks, each with its e-mail in the outbox;
    return the new ones. One per case and wave, also when two runs meet: the database holds
    the line."""
    created = []
    existing = set(case.survey_invitations.values_list("wave", flat=True))
    for due in due_waves(case):
        if due.schedule.wave in existing or due.closes_at <= timezone.now():
            continue  # made already, or closed before anyone could answer it
        invitation = create_invitation(case, due.schedule.wave, due.due_on, due.closes_at)
        if invitation is not None:
            created.append(invitation)
    return created


def create_invitation(case, wave, due_on, closes_at):
    """The invitation of ``case`` to ``wave``, or None when another run made it first."""
    nonce = links.new_nonce()
    try:
        with transaction.atomic():
            invitation = SurveyInvitation.objects.create(
                case=case, wave=wave, language=case.participant.language, due_on=due_on,
                closes_at=closes_at, nonce=nonce, token_hash=links.hash_of(links.token_for(nonce)),
            )
            WaveInstrument.objects.bulk_create([
                WaveInstrument(invitation=invitation, instrument=instrument, position=position)
                for position, instrument in enumerate(instruments_for(case.rules, wave))
            ])
            invitations.schedule(invitation)
    except IntegrityError:
        return None
    return invitation


def cases_in_reach(today=None):
    """Cases that may have a wave due or open today: approved or ended recently enough for
    the longest schedule. The reconciliation looks at these, not at every case."""
    today = today or timezone.localdate()
    longest = max(
        (spec["offset_days"] + spec["open_days"]
         for rules in ProgrammeVersion.objects.values_list("rules", flat=True)
         for spec in rules.get("waves", {}).values()), default=0)
    start = today - datetime.timedelta(days=longest + 1)
    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    return (Case.objects.filter(Q(approved_at__gte=since) | Q(ended_at__gte=since))
            .select_related("programme", "programme_version", "participant"))
