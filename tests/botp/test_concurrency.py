"""Two people acting on one case at the same moment: exactly one wins, the other is told."""

import pytest

from botp import workflow
from botp.models import Case, CaseEvent, CaseState
from tests.concurrency import together


def race(*attempts):
    """Take each (case_id, action, actor, payload) at the same moment; "won" or the error."""

    def attempt(case_id, action, actor, payload):
        workflow.perform(Case.objects.get(pk=case_id), action, actor, payload=payload)
        return "won"

    return together(*(lambda a=a: attempt(*a) for a in attempts))


@pytest.mark.django_db(transaction=True)
def test_two_administrators_deciding_at_once(postgres_only, world):
    case = world.case(CaseState.REQUESTED)
    other_admin = type(world.admin).objects.create_user(
        "second.admin@example.org", "x-password-123", role="fedris_admin"
    )
    for _ in range(5):
        outcomes = race(
            (case.pk, "approve", world.admin, {}),
            (case.pk, "declare_ineligible", other_admin, {"reason": "sector"}),
        )
        assert sorted(map(str, outcomes)).count("won") == 1, outcomes
        loser = next(o for o in outcomes if o != "won")
        assert isinstance(loser, workflow.TransitionError) and loser.status == 409
        case.refresh_from_db()
        assert CaseEvent.objects.filter(case=case).count() == 1
        assert case.version == 2
        # Reset for the next round (the event log is append-only, so use a fresh case).
        case = world.case(CaseState.REQUESTED, mine=False)


@pytest.mark.django_db(transaction=True)
def test_the_same_transition_twice_at_once_happens_once(postgres_only, world):
    case = world.case(CaseState.BTP_PROPOSED, btp=world.btp)
    outcomes = race(
        (case.pk, "accept_case", world.btp.user, {}),
        (case.pk, "accept_case", world.btp.user, {}),
    )
    assert outcomes.count("won") == 1
    assert CaseEvent.objects.filter(case=case, action="accept_case").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_change_the_event_log(postgres_only, world):
    from django.db import connection, transaction

    case = world.case(CaseState.REQUESTED)
    event = workflow.perform(case, "approve", world.admin)
    for statement in ("UPDATE botp_caseevent SET action = 'forged' WHERE id = %s",
                      "DELETE FROM botp_caseevent WHERE id = %s"):
        with pytest.raises(Exception, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement, [event.pk])
    assert CaseEvent.objects.get(pk=event.pk).action == "approve"
