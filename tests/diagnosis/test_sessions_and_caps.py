"""Diagnosis and debrief sessions: who records them, when, and the programme's caps."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from botp import caps, workflow
from botp.models import CaseState, SessionPhase, SessionStatus
from tests.factories import set_rules


@pytest.mark.django_db
def test_at_most_two_diagnosis_sessions_are_held(diagnosis_case, record):
    record(diagnosis_case, days_ago=5)
    record(diagnosis_case, days_ago=2)
    with pytest.raises(ValidationError, match=r"at most 2 × “Diagnosis session”; this makes 3"):
        record(diagnosis_case, days_ago=1)
    assert diagnosis_case.sessions.count() == 2


@pytest.mark.django_db
def test_a_no_show_does_not_use_up_a_diagnosis_session(diagnosis_case, record):
    record(diagnosis_case, status=SessionStatus.NO_SHOW, days_ago=6)
    record(diagnosis_case, days_ago=4)
    record(diagnosis_case, days_ago=2)
    assert diagnosis_case.sessions.filter(status=SessionStatus.HELD).count() == 2
    with pytest.raises(ValidationError):
        record(diagnosis_case)


@pytest.mark.django_db
@pytest.mark.parametrize("days_ago, minutes, message", [
    (-1, 60, "cannot be in the future"),
    (30, 60, "before the case was approved"),
    (1, 5, "between 10 and 480 minutes"),
    (1, 600, "between 10 and 480 minutes"),
])
def test_bad_dates_and_durations_are_refused(diagnosis_case, record, days_ago, minutes,
                                             message):
    with pytest.raises(ValidationError, match=message):
        record(diagnosis_case, days_ago=days_ago, minutes=minutes)
    assert not diagnosis_case.sessions.exists()


@pytest.mark.django_db
def test_a_diagnosis_session_cannot_be_planned(world, diagnosis_case):
    from diagnosis import services

    with pytest.raises(ValidationError, match="status is not possible"):
        services.record_session(diagnosis_case, world.btp.user, phase=SessionPhase.DIAGNOSIS,
                                status=SessionStatus.PLANNED, duration_minutes=60,
                                date=datetime.date.today() + datetime.timedelta(days=3))


@pytest.mark.django_db
def test_only_the_cases_btp_records_diagnosis_sessions(world, diagnosis_case, record):
    diagnosis_case.isps.add(world.isp)
    for someone in (world.other_btp.user, world.isp.user, world.psychologist, world.admin,
                    world.participant):
        with pytest.raises(workflow.TransitionForbidden):
            record(diagnosis_case, actor=someone)
    assert not diagnosis_case.sessions.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("state", [CaseState.BTP_PROPOSED, CaseState.DIAGNOSIS_REVIEW,
                                   CaseState.IN_TREATMENT, CaseState.CLOSED])
def test_diagnosis_sessions_are_recorded_only_in_diagnosis(world, record, state):
    case = world.case(state, btp=world.btp)
    with pytest.raises(workflow.TransitionError) as refused:
        record(case, days_ago=0)
    assert refused.value.status == 409
    assert not case.sessions.exists()


@pytest.mark.django_db
def test_exactly_one_debrief_after_a_not_confirmed_diagnosis(world, record):
    case = world.case(CaseState.NOT_CONFIRMED, btp=world.btp)
    record(case, phase=SessionPhase.DEBRIEF, days_ago=0)
    with pytest.raises(ValidationError, match="at most 1"):
        record(case, phase=SessionPhase.DEBRIEF, days_ago=0)
    assert case.sessions.get().session_type.code == "debrief"


@pytest.mark.django_db
def test_every_recorded_session_is_audited(world, diagnosis_case, record):
    record(diagnosis_case)
    entry = diagnosis_case.audit_entries.get(what__startswith="session recorded")
    assert entry.actor == world.btp.user


# The limits themselves, on the programmes' data.

def counts(programme, **numbers):
    types = {t.code: t for t in programme.session_types.all()}
    return {types[code]: number for code, number in numbers.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("code, cap", [
    ("diagnosis", 2), ("work_related", 4), ("starter_kit", 3), ("individual", 7),
    ("follow_up", 2), ("career_change", 2), ("multidisciplinary_meeting", 1), ("debrief", 1),
])
def test_each_type_cap(botp, code, cap):
    assert caps.problems(botp, counts(botp, **{code: cap})) == []
    assert f"at most {cap} ×" in caps.problems(botp, counts(botp, **{code: cap + 1}))[0]


@pytest.mark.django_db
def test_diagnosis_and_treatment_total_at_most_20(botp):
    # Every counting type at its cap is 2 + 4 + 3 + 7 + 2 + 2 = 20: allowed.
    full = counts(botp, diagnosis=2, work_related=4, starter_kit=3, individual=7, follow_up=2,
                  career_change=2)
    assert caps.problems(botp, full) == []
    # The meeting and the debrief do not count toward the 20.
    assert caps.problems(botp, {**full, **counts(botp, multidisciplinary_meeting=1,
                                                 debrief=1)}) == []
    set_rules(botp, max_total_sessions=19)
    assert caps.problems(botp, full) == [
        "The programme allows at most 19 diagnosis and treatment sessions in all; this makes 20."
    ]


@pytest.mark.django_db
def test_the_fa_botp_treatment_limit_of_ten(programmes):
    fa = programmes["fa-botp"]
    ten = counts(fa, diagnosis=2, work_related=4, starter_kit=3, individual=3)
    assert caps.problems(fa, ten) == []
    eleven = counts(fa, diagnosis=1, work_related=4, starter_kit=3, individual=4)
    assert caps.problems(fa, eleven) == [
        "The programme allows at most 10 treatment sessions; this makes 11."
    ]
    # Its total of 12 with diagnosis holds too.
    assert len(caps.problems(fa, {**eleven, **counts(fa, diagnosis=2)})) == 2


@pytest.mark.django_db
def test_a_new_session_is_refused_only_for_the_limits_it_takes_part_in(botp):
    # An old excess of work-related sessions (caps lowered later) does not block a debrief.
    over = counts(botp, work_related=5, debrief=1)
    debrief = botp.session_types.get(code="debrief")
    work = botp.session_types.get(code="work_related")
    assert caps.problems(botp, over, only=debrief) == []
    assert caps.problems(botp, over, only=work)
