"""Caps hold when providers save at the same moment (PostgreSQL: SQLite serialises writers)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from botp.models import Case, SessionStatus
from tests.concurrency import together
from tests.factories import set_rules
from tests.scenarios import confirm, in_diagnosis, lines_for
from treatment import services


def session_by(user, case_id, code):
    return lambda: services.record_session(
        Case.objects.get(pk=case_id), user, type_code=code, status=SessionStatus.HELD,
        duration_minutes=60, date=datetime.date.today())


@pytest.mark.django_db(transaction=True)
def test_the_btp_and_an_isp_at_the_total_cap(postgres_only, world):
    for _ in range(3):
        case = confirm(world, in_diagnosis(world, mine=False))
        # 2 diagnosis sessions held; allow one more session in all.
        set_rules(world.programme, max_total_sessions=3)
        outcomes = together(session_by(world.btp.user, case.pk, "work_related"),
                            session_by(world.isp.user, case.pk, "starter_kit"))
        set_rules(world.programme, max_total_sessions=20)
        refused = [o for o in outcomes if isinstance(o, ValidationError)]
        assert len(refused) == 1, outcomes
        assert "at most 3 diagnosis and treatment sessions" in str(refused[0])
        assert case.sessions.filter(status="held").count() == 3


@pytest.mark.django_db(transaction=True)
def test_one_provider_saving_twice_at_once_uses_the_plan_once(postgres_only, world):
    case = confirm(world, in_diagnosis(world, mine=False))
    for _ in range(2):
        services.record_session(case, world.isp.user, type_code="starter_kit", status="held",
                                duration_minutes=60, date=datetime.date.today())
    outcomes = together(*(session_by(world.isp.user, case.pk, "starter_kit") for _ in range(3)))
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1, outcomes
    assert case.sessions.filter(session_type__code="starter_kit", status="held").count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_amendments_at_once_one_wins_and_the_isps_follow_it(postgres_only, world):
    from botp import workflow
    from botp.models import PlanAmendment
    from tests.factories import ProviderFactory

    case = confirm(world, in_diagnosis(world, mine=False))
    newcomer = ProviderFactory(is_btp=False, is_isp=True, programmes=[world.programme])

    def amend(isp):
        return lambda: services.amend_plan(
            Case.objects.get(pk=case.pk), world.btp.user,
            lines=lines_for(case, isp, **{"individual-psycho_corporal": 2}), reason="Change",
            expected_version=case.version)

    outcomes = together(amend(world.isp), amend(newcomer))
    losers = [o for o in outcomes if isinstance(o, workflow.StaleCase)]
    assert len(losers) == 1, outcomes
    amendment = PlanAmendment.objects.get()
    assert case.events.filter(action="amend_plan").count() == 1
    winner = amendment.after[0]["provider"]
    assert list(case.isps.values_list("pk", flat=True)) == [winner]


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_change_a_plan_amendment(postgres_only, world):
    from django.db import connection, transaction

    from botp.models import PlanAmendment

    case = confirm(world, in_diagnosis(world, mine=False))
    services.amend_plan(case, world.btp.user, lines=lines_for(case, world.isp, work_related=4),
                        reason="More work focus")
    amendment = PlanAmendment.objects.get()
    for statement in ("UPDATE botp_planamendment SET reason = 'forged' WHERE id = %s",
                      "DELETE FROM botp_planamendment WHERE id = %s"):
        with pytest.raises(Exception, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement, [amendment.pk])
    assert PlanAmendment.objects.get(pk=amendment.pk).reason == "More work focus"
