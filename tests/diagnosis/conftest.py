import datetime
from decimal import Decimal

import pytest

from botp import plan
from botp.models import Approach, CaseState, SessionPhase, SessionStatus
from diagnosis import services
from tests.factories import ProviderFactory


def in_diagnosis(world, *, mine=True):
    """A case the world's BTP has accepted, approved a week ago."""
    case = world.case(CaseState.IN_DIAGNOSIS, btp=world.btp, mine=mine)
    case.approved_at = case.requested_at = case.requested_at - datetime.timedelta(days=7)
    case.save()
    return case


@pytest.fixture
def diagnosis_case(world):
    return in_diagnosis(world)


@pytest.fixture
def record(world):
    """Record a diagnosis (or debrief) session as the case's BTP."""

    def make(case, *, status=SessionStatus.HELD, phase=SessionPhase.DIAGNOSIS, days_ago=1,
             minutes=60, actor=None):
        return services.record_session(
            case, actor or world.btp.user, phase=phase, status=status, duration_minutes=minutes,
            date=datetime.date.today() - datetime.timedelta(days=days_ago),
        )

    return make


@pytest.fixture
def physio(world):
    return ProviderFactory(is_btp=False, is_isp=True, profession="physiotherapist",
                           programmes=[world.programme])


def complete_values(**overrides):
    """A report with everything Fedris needs."""
    values = {
        "bat_total": Decimal("3.40"), "bat_exhaustion": Decimal("4.10"),
        "bat_mental_distance": Decimal("3.20"), "bat_cognitive_impairment": Decimal("3.00"),
        "bat_emotional_impairment": Decimal("2.75"),
        "dass_depression": 12, "dass_anxiety": 8, "dass_stress": 24,
        "anamnesis": "Nurse, fatigue since a reorganisation.",
        "work_factors": "Understaffing.", "conclusion": "Early-stage occupational burnout.",
        "burnout_present": True, "burnout_stage": "early",
        "differential_diagnoses": ["depression", "adjustment_disorder"],
        "suicidal_ideation": False, "urgent_referral": "",
    }
    values.update(overrides)
    return values


def lines_for(case, isp, **planned):
    """Treatment request lines: ``planned`` maps a type code (or ``code-approach``) to a number;
    ISP-given types name ``isp``."""
    types = {t.code: t for t in case.programme.session_types.all()}
    found = []
    for key, number in planned.items():
        code, _, approach = key.partition("-")
        session_type = types[code]
        provider = isp if session_type.given_by == "isp" or (
            session_type.given_by == "btp_or_isp" and isp is not None) else None
        found.append(plan.Line(session_type, approach, provider, number))
    return found


DEFAULT_PLAN = {"work_related": 3, "starter_kit": 3,
                f"individual-{Approach.COGNITIVE_EMOTIONAL}": 5, "follow_up": 2}


@pytest.fixture
def submitted(world, diagnosis_case, record):
    """The case with two diagnosis sessions and version 1 sent to Fedris."""

    def make(case=None, **overrides):
        case = case or diagnosis_case
        record(case, days_ago=3)
        record(case, days_ago=1)
        return services.save_report(case, world.btp.user, complete_values(**overrides),
                                    lines_for(case, world.isp, **DEFAULT_PLAN), submit=True)

    return make
