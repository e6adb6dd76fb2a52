"""The programme's maximum duration (9 months for the Fedris BOTP), counted from the approval
of the request: warn before it, flag a case past it."""

import calendar
import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from botp import notifications
from botp.models import DurationAlert


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
    return add_months(timezone.localdate(case.approved_at), case.programme.max_duration_months)


def due_kind(case, today):
    """Which alert ``case`` is due on ``today``: overdue, near, or None."""
    end = deadline(case)
    if end is None:
        return None
    if today > end:
        return DurationAlert.Kind.OVERDUE
    if today >= end - datetime.timedelta(days=case.programme.duration_warning_days):
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
