"""The programme's maximum duration: a scheduled task warns before it and flags a case past it,
once, however often it runs."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from botp import duration
from botp.celery import app
from botp.models import Case, CaseState, DurationAlert
from botp.tasks import check_durations
from tests.factories import set_rules
from tests.scenarios import backdate, confirm, in_diagnosis


def approved_days_ago(world, days, state=CaseState.IN_TREATMENT):
    return backdate(world.case(state, btp=world.btp, mine=False), approved_days=days)


@pytest.mark.parametrize("day, months, expected", [
    (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
    (datetime.date(2026, 5, 31), 9, datetime.date(2027, 2, 28)),
    (datetime.date(2026, 3, 15), 9, datetime.date(2026, 12, 15)),
    (datetime.date(2027, 11, 30), 3, datetime.date(2028, 2, 29)),
])
def test_months_are_calendar_months(day, months, expected):
    assert duration.add_months(day, months) == expected


@pytest.mark.django_db
def test_the_deadline_is_nine_months_after_approval(world):
    case = approved_days_ago(world, 0)
    assert duration.deadline(case) == duration.add_months(timezone.localdate(), 9)
    case.approved_at = None
    assert duration.deadline(case) is None


@pytest.mark.django_db
def test_near_overdue_and_neither(world):
    today = timezone.localdate()
    fresh = approved_days_ago(world, 10)
    near = approved_days_ago(world, 260)  # 9 months is ~273 days: within the last 30
    overdue = approved_days_ago(world, 290)
    assert duration.due_kind(fresh, today) is None
    assert duration.due_kind(near, today) == DurationAlert.Kind.NEAR
    assert duration.due_kind(overdue, today) == DurationAlert.Kind.OVERDUE
    end = duration.deadline(near)
    assert duration.due_kind(near, end) == DurationAlert.Kind.NEAR
    assert duration.due_kind(near, end + datetime.timedelta(days=1)) == "overdue"
    warn_from = end - datetime.timedelta(days=30)
    assert duration.due_kind(near, warn_from - datetime.timedelta(days=1)) is None
    assert duration.due_kind(near, warn_from) == DurationAlert.Kind.NEAR


@pytest.mark.django_db
def test_the_task_warns_the_btp_and_the_psychologists_once(world, deliver):
    near = approved_days_ago(world, 260)
    overdue = approved_days_ago(world, 290)
    for ended in (CaseState.COMPLETED, CaseState.CLOSED, CaseState.WITHDRAWN):
        approved_days_ago(world, 290, state=ended)  # ended: no alert
    approved_days_ago(world, 10)  # well within its duration
    waiting = world.case(CaseState.REQUESTED, mine=False)  # not approved: the clock has not run
    waiting.requested_at = timezone.now() - datetime.timedelta(days=290)
    waiting.save()
    mail.outbox.clear()
    assert check_durations() == 2
    deliver()
    assert set(DurationAlert.objects.values_list("case", "kind")) == {
        (near.pk, "near"), (overdue.pk, "overdue")}
    sent = [(m.to[0], m.subject) for m in mail.outbox]
    assert len(sent) == 4  # two cases, each to the BTP and the psychologist
    assert {to for to, _ in sent} == {world.btp.user.email, world.psychologist.email}
    assert any("past the programme's maximum duration" in subject for _, subject in sent)
    assert all(near.participant.last_name not in m.body for m in mail.outbox)

    # Run again (a retry, a second beat): nothing new, nothing mailed.
    mail.outbox.clear()
    assert check_durations() == 0
    deliver()
    assert DurationAlert.objects.count() == 2 and mail.outbox == []


@pytest.mark.django_db
def test_the_warning_starts_on_the_first_day_of_the_window_not_the_day_before(world):
    case = world.case(CaseState.IN_TREATMENT, btp=world.btp, mine=False)
    case.approved_at = timezone.make_aware(datetime.datetime(2026, 1, 15, 12))
    case.save()
    # Deadline 15 October 2026; the 30-day window opens on 15 September.
    cases = Case.objects.filter(pk=case.pk)
    assert duration.raise_alerts(cases, today=datetime.date(2026, 9, 14)) == []
    assert not DurationAlert.objects.exists()
    [alert] = duration.raise_alerts(cases, today=datetime.date(2026, 9, 15))
    assert (alert.kind, alert.deadline) == ("near", datetime.date(2026, 10, 15))


@pytest.mark.django_db
def test_a_near_case_later_becomes_overdue(world):
    case = approved_days_ago(world, 260)
    check_durations()
    assert set(case.duration_alerts.values_list("kind", flat=True)) == {"near"}
    case.approved_at -= datetime.timedelta(days=40)
    case.save()
    check_durations()
    assert set(case.duration_alerts.values_list("kind", flat=True)) == {"near", "overdue"}


@pytest.mark.django_db
def test_the_fa_botp_duration_is_its_own(world, programmes):
    fa = programmes["fa-botp"]
    set_rules(fa, max_duration_months=6)
    case = approved_days_ago(world, 200)
    assert duration.due_kind(case, timezone.localdate()) is None  # within the BOTP's 9 months
    case.programme, case.programme_version = fa, fa.versions.get()
    case.save()
    assert duration.due_kind(case, timezone.localdate()) == DurationAlert.Kind.OVERDUE


def test_the_check_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["check-durations"]
    assert entry["task"] == "botp.tasks.check_durations"
    assert entry["task"] in app.tasks


@pytest.mark.django_db
def test_the_treatment_page_flags_an_overdue_case(client, world):
    case = confirm(world, in_diagnosis(world))
    client.force_login(world.btp.user)
    page = client.get(f"/treatment/cases/{case.reference}/").content.decode()
    assert "Programme ends at the latest on" in page and "Overdue" not in page
    case.approved_at -= datetime.timedelta(days=300)
    case.save()
    page = client.get(f"/treatment/cases/{case.reference}/").content.decode()
    assert "Overdue" in page


def test_the_index_of_running_clocks_covers_every_state_where_the_clock_runs():
    """The follow-up list reads the cases whose clock runs through a partial index: with a
    state the index does not name, PostgreSQL could no longer use it and would read every
    case for the administrator's dashboard again."""
    from botp import states
    from botp.models.case import CLOCK_RUNS_STATES

    assert sorted(CLOCK_RUNS_STATES) == sorted(states.CLOCK_RUNS)
    index = next(i for i in Case._meta.indexes if i.name == "case_clock_runs")
    assert index.condition.children == [("state__in", CLOCK_RUNS_STATES)]
