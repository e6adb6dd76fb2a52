"""Stage 2 under simultaneous submissions (PostgreSQL: SQLite serialises every writer)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from botp import workflow
from botp.models import Case, CaseState, SessionStatus
from diagnosis import services
from tests.concurrency import together
from tests.factories import UserFactory
from tests.scenarios import DEFAULT_PLAN, complete_values, in_diagnosis, lines_for


def held_session(case_id, user):
    def record():
        return services.record_session(
            Case.objects.get(pk=case_id), user, phase="diagnosis", status=SessionStatus.HELD,
            date=datetime.date.today(), duration_minutes=60,
        )
    return record


def decision_by(user, case_id, version, decision, comment=""):
    return lambda: services.decide(Case.objects.get(pk=case_id), user, decision=decision,
                                   comment=comment, expected_version=version)


@pytest.mark.django_db(transaction=True)
def test_the_diagnosis_cap_holds_under_simultaneous_saves(postgres_only, world):
    for _ in range(3):
        case = in_diagnosis(world, mine=False)
        outcomes = together(*(held_session(case.pk, world.btp.user) for _ in range(4)))
        refused = [o for o in outcomes if isinstance(o, ValidationError)]
        assert len(refused) == 2, outcomes
        assert all("at most 2" in str(o) for o in refused)
        assert case.sessions.filter(status=SessionStatus.HELD).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_psychologists_deciding_at_once_one_wins(postgres_only, world, record):
    second = UserFactory(role="fedris_psychologist")
    for _ in range(3):
        case = in_diagnosis(world, mine=False)
        record(case, days_ago=1)
        services.save_report(case, world.btp.user, values=complete_values(),
                             lines=lines_for(case, world.isp, **DEFAULT_PLAN), submit=True)
        case.refresh_from_db()
        version = case.version

        outcomes = together(
            decision_by(world.psychologist, case.pk, version, services.Decision.CONFIRM),
            decision_by(second, case.pk, version, services.Decision.NOT_CONFIRM, "Depression."),
        )
        losers = [o for o in outcomes if isinstance(o, workflow.TransitionError)]
        assert len(losers) == 1 and losers[0].status == 409, outcomes
        case.refresh_from_db()
        assert case.state in (CaseState.IN_TREATMENT, CaseState.NOT_CONFIRMED)
        assert case.events.filter(action__in=["confirm_diagnosis",
                                              "not_confirm_diagnosis"]).count() == 1
        # ISPs join only when the confirmation won.
        assert case.isps.exists() == (case.state == CaseState.IN_TREATMENT)
