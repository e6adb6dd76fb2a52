import datetime

import pytest
from django.utils import timezone

from botp.models import CaseState, ProgrammeVersion, Session, SessionStatus
from botp.payments.tariffs import DEMO_PAYMENT_RULES, DEMO_PER_KM, DEMO_TARIFFS
from tests.factories import put_case_in


def with_tariffs(programme, tariffs=None, payments=None, **limits):
    """Give every version of ``programme`` tariffs, in place (a test of what they do, not of
    publishing them)."""
    for version in ProgrammeVersion.objects.filter(programme=programme):
        limits = {"travel_cost_per_km": str(DEMO_PER_KM), "travel_costs_paid": True,
                  **limits}
        rules = dict(version.rules, tariffs=dict(tariffs or DEMO_TARIFFS),
                     payments=dict(payments or DEMO_PAYMENT_RULES), **limits)
        ProgrammeVersion.objects.filter(pk=version.pk).update(rules=rules)


@pytest.fixture
def tariffed(botp):
    with_tariffs(botp)
    return botp


def held(case, code, provider, *, days_ago=1, status=SessionStatus.HELD, fmt="individual"):
    return Session.objects.create(
        case=case, session_type=case.programme.session_types.get(code=code), provider=provider,
        date=timezone.localdate() - datetime.timedelta(days=days_ago), duration_minutes=60,
        status=status, format=fmt, recorded_by=provider.user)


@pytest.fixture
def treated(world, tariffed):
    """A case in treatment for 60 days with world's BTP and ISP."""
    case = world.case(CaseState.IN_TREATMENT, btp=world.btp, isp=world.isp)
    started = timezone.now() - datetime.timedelta(days=60)
    return put_case_in(case, CaseState.IN_TREATMENT, requested_at=started, approved_at=started)
