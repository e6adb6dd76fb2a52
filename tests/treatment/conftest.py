import datetime

import pytest

from botp import consents
from botp.models import Consent, SessionStatus
from diagnosis import services as diagnosis
from tests.diagnosis.conftest import (  # noqa: F401  (stage 2 fixtures, used here too)
    DEFAULT_PLAN,
    complete_values,
    diagnosis_case,
    in_diagnosis,
    lines_for,
    physio,
    record,
    submitted,
)
from treatment import services


def confirm(world, case, plan=None):
    """Take an accepted case through two diagnosis sessions, the report and the confirmation."""
    for days_ago in (5, 4):
        diagnosis.record_session(case, world.btp.user, phase="diagnosis", status="held",
                                 duration_minutes=60,
                                 date=datetime.date.today() - datetime.timedelta(days=days_ago))
    diagnosis.save_report(case, world.btp.user, complete_values(),
                          lines_for(case, world.isp, **(plan or DEFAULT_PLAN)), submit=True)
    diagnosis.decide(case, world.psychologist, diagnosis.Decision.CONFIRM)
    case.refresh_from_db()
    return case


@pytest.fixture
def treated(world):
    """A case in treatment: work-related 3 and follow-up 2 by the BTP, starter kit 3 and
    cognitive-emotional individual 5 by the world's ISP."""
    return confirm(world, in_diagnosis(world))


@pytest.fixture
def give(world):
    """Record a treatment session as ``who`` (the BTP by default)."""

    def make(case, code, *, who=None, status=SessionStatus.HELD, approach="", days=0,
             minutes=60):
        return services.record_session(
            case, who or world.btp.user, type_code=code, approach=approach, status=status,
            duration_minutes=minutes, date=datetime.date.today() + datetime.timedelta(days=days),
        )

    return make


@pytest.fixture
def consent(world):
    """Give a consent as the case's participant."""

    def make(case, purpose=Consent.Purpose.MEETING, people=None):
        people = people or [
            {"role": "occupational_physician", "name": "Dr. An Smet"},
            {"role": "employer", "name": "Jo Peeters", "organisation": "AZ Demo"},
        ]
        return consents.give(case, world.participant, purpose, people)

    return make
