from celery import shared_task
from django.db import InterfaceError, OperationalError, connection

from botp import duration, outbox, states
from botp.models import Case


def _outbox_work(work, *args, default=None):
    """Run outbox ``work``. When the database goes away under the worker, what was not recorded
    stays due and the sweep takes it up again: the connection is dropped, nothing raised."""
    try:
        return work(*args)
    except (OperationalError, InterfaceError):
        connection.close()
        return default


@shared_task(ignore_result=True)
def deliver_outbox(ids):
    """Deliver the outbox messages a commit has just recorded (kicked after the commit)."""
    _outbox_work(outbox.deliver, ids)


@shared_task(ignore_result=True)
def drain_outbox(place):
    """Deliver every due message (kicked after a commit, at most OUTBOX_DRAINS waiting)."""
    return _outbox_work(outbox.drain, place, default=0)


@shared_task(ignore_result=True)
def deliver_heavy(pk):
    """Deliver one heavy outbox message (an export, a month's statements) on its own."""
    _outbox_work(outbox.run_heavy, pk)


@shared_task(ignore_result=True)
def sweep_outbox():
    """Every minute (beat): deliver what is due — a kick lost with the broker, a retry whose
    time has come, a message left by a worker that died, a survey wave due today."""
    return _outbox_work(outbox.deliver_due, default=0)


@shared_task(ignore_result=True)
def check_durations():
    """Daily (beat): warn about cases nearing their programme's maximum duration and flag those
    past it. Safe to run twice: each alert is recorded, and mailed, once."""
    cases = Case.objects.filter(
        state__in=states.CLOCK_RUNS, approved_at__isnull=False
    ).select_related("programme", "programme_version", "btp__user")
    return len(duration.raise_alerts(cases))


@shared_task(ignore_result=False)
def ping(value):
    """Round-trip check used by the deployment health check and the worker test."""
    return value
