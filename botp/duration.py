"""The programme's maximum duration (9 months for the Fedris BOTP, 2 years since 2024), as the
case's programme version sets it, counted from the approval of the request: warn before it,
flag a case past it."""

import calendar
import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from botp import notifications, states
from botp.models import DurationAlert, ProgrammeVersion


def add_months(day, months):
    """``day`` plus whole calendar months, on the last day of a shorter month (31/5 + 1 =
    30/6)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def deadline(case):
    """The last day of the programme for ``case``, or None before its approval."""
    if case.approved_at is None:
        return None
    return add_months(timezone.localdate(case.approved_at), case.rules.max_duration_months)


def due_kind(case, today):
    """Which alert ``case`` is due on ``today``: overdue, near, or None."""
    end = deadline(case)
    if end is None:
        return None
    if today > end:
        return DurationAlert.Kind.OVERDUE
    if today >= end - datetime.timedelta(days=case.rules.duration_warning_days):
        return DurationAlert.Kind.NEAR
    return None


def raise_alerts(cases, today=None):
    """Record the alerts due for ``cases``, each with its e-mails in the outbox; return those
    newly recorded. Running it again records nothing more."""
    today = today or timezone.localdate()
    new = []
    for case in cases.iterator(chunk_size=500):
        kind = due_kind(case, today)
        if kind is None:
            continue
        try:
            with transaction.atomic():
                alert, created = DurationAlert.objects.get_or_create(
                    case=case, kind=kind, defaults={"deadline": deadline(case)}
                )
                if created:
                    notifications.announce_duration_alert(alert)
        except IntegrityError:  # a concurrent run recorded it first
            continue
        if created:
            new.append(alert)
    return new


def is_overdue(case):
    return due_kind(case, timezone.localdate()) == DurationAlert.Kind.OVERDUE


@dataclass(frozen=True)
class Clock:
    """Where a case stands against its programme's maximum duration, while the clock runs."""

    deadline: datetime.date
    days_left: int  # negative once past the deadline
    warning_days: int

    @property
    def overdue(self):
        return self.days_left < 0

    @property
    def near(self):
        return 0 <= self.days_left <= self.warning_days

    @property
    def days_over(self):
        return -self.days_left


def clock(case, today=None):
    """The case's clock (its programme loaded with it), or None when it does not run: before
    the approval, and once the case has ended."""
    if not states.of(case.state).clock_runs:
        return None
    end = deadline(case)
    if end is None:
        return None
    today = today or timezone.localdate()
    return Clock(end, (end - today).days, case.rules.duration_warning_days)


def _last_approval_day(months, last_deadline):
    """The latest approval day whose deadline falls on or before ``last_deadline`` for a
    duration of ``months``: deadlines grow with the approval day, so every earlier approval's
    does too."""
    day = add_months(last_deadline, -months)
    while add_months(day + datetime.timedelta(days=1), months) <= last_deadline:
        day += datetime.timedelta(days=1)
    return day


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def due(cases, *, overdue_only=False, today=None):
    """Of ``cases``, those whose clock runs and that are near (or, with ``overdue_only``, past)
    their programme version's maximum duration, as a queryset: one condition per version,
    worked out from the date, so the database does the counting."""
    from botp import programme_rules

    today = today or timezone.localdate()
    condition = Q(pk__in=[])
    for version in ProgrammeVersion.objects.filter(pk__in=cases.values("programme_version")):
        rules = programme_rules.for_version(version)
        last = (today - datetime.timedelta(days=1) if overdue_only
                else today + datetime.timedelta(days=rules.duration_warning_days))
        condition |= Q(programme_version=version, approved_at__lt=_start_of(
            _last_approval_day(rules.max_duration_months, last) + datetime.timedelta(days=1)))
    return cases.filter(condition, state__in=states.CLOCK_RUNS, approved_at__isnull=False)
