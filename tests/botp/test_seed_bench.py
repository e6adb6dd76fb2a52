"""The load benchmark's data set, built at a tiny size (the national one is bench/'s to build)."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from botp import bench_data
from botp.models import Case, CaseState, Participant, Provider, Referrer, Session, SessionStatus
from evaluation.models import SurveyInvitation


@pytest.mark.django_db
def test_the_bench_set_is_consistent_with_every_state_and_its_pools():
    call_command("seed_bench", "--cases", "80", "--waves", "140", "--check")

    assert Case.objects.count() == 80
    assert set(Case.objects.values_list("state", flat=True)) == set(CaseState.values)
    assert bench_data.check() == []
    # Every copy has a participant of its own, with their own national number.
    assert Participant.objects.values("niss_hash").distinct().count() == Case.objects.count()
    assert Case.objects.values("reference").distinct().count() == 80
    assert Provider.objects.count() == bench_data.PROVIDERS
    assert Referrer.objects.count() == bench_data.REFERRERS
    # A finished treatment holds its plan's sessions, and the copies spread over the pools.
    completed = Case.objects.filter(state=CaseState.COMPLETED)
    held = (Session.objects.filter(case__in=completed, status=SessionStatus.HELD)
            .values("case").annotate(n=Count("pk")).values_list("n", flat=True))
    assert min(held) >= 10
    assert completed.values("btp").distinct().count() > 5
    answered = SurveyInvitation.objects.filter(completed_at__isnull=False).count()
    assert answered == pytest.approx(140, abs=3)

    # Kept per database: a second run adds nothing.
    call_command("seed_bench", "--cases", "80")
    assert Case.objects.count() == 80
