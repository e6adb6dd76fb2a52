"""Kicks through a real broker are drains: a burst of commits queues as many tasks as may run
at once, not one a message, and none of its messages waits for the sweep."""

from unittest import mock

import pytest
from django.core import mail

from botp import outbox, tasks, workflow
from botp.models import CaseState, OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(redis_url, eager_celery):
    """Tasks go to Redis, as in production, and no worker takes them: the queue shows what
    the kicks sent."""
    app = eager_celery
    saved = app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_url
    app._pool = None
    client = outbox._broker_client()

    def clean():
        client.delete("celery", "heavy",
                      *(outbox._drain_place_key(place) for place in range(10)))

    clean()
    yield client
    clean()
    app.conf.broker_url = saved
    app._pool = None


def queued(client):
    return client.llen("celery")


def waiting_messages(world, count):
    """``count`` notifications recorded and due (the test's transaction never commits, so no
    kick of their own)."""
    messages = []
    for _ in range(count):
        case = world.case(CaseState.BTP_PROPOSED, btp=world.btp)
        workflow.perform(case, "accept_case", world.btp.user)
        messages.append(OutboxMessage.objects.get(kind="case_event", case=case))
    return messages


def test_a_burst_of_kicks_queues_only_the_drains_that_may_wait(broker, settings):
    for pk in range(30):
        outbox.kick([pk])
    assert queued(broker) == settings.OUTBOX_DRAINS == 2

    settings.OUTBOX_DRAINS = 3
    outbox.kick([31])
    assert queued(broker) == 3


def test_a_drain_gives_its_place_back_then_delivers_everything_due(broker, world):
    messages = waiting_messages(world, 3)
    outbox.kick([messages[0].pk])
    outbox.kick([messages[1].pk])
    assert queued(broker) == 2
    outbox.kick([messages[2].pk])  # both places are taken: nothing more is queued
    assert queued(broker) == 2

    assert outbox.drain(0) == 3
    assert {m.status for m in OutboxMessage.objects.filter(pk__in=[m.pk for m in messages])} \
        == {"sent"}
    assert len(mail.outbox) == 3
    # Its place is free again: the next commit kicks a new drain.
    outbox.kick([0])
    assert queued(broker) == 3
    # The other drain, when its turn comes, finds nothing left and sends nothing twice.
    assert outbox.drain(1) == 0
    assert len(mail.outbox) == 3


def test_a_drain_that_runs_long_hands_the_rest_to_a_new_kick(broker, world):
    messages = waiting_messages(world, 2)
    assert outbox.drain(0, seconds=0) == 0
    assert queued(broker) == 1
    assert set(OutboxMessage.objects.filter(pk__in=[m.pk for m in messages])
               .values_list("status", flat=True)) == {"queued"}


def test_a_kick_the_broker_refuses_gives_its_place_back(broker, caplog):
    with mock.patch.object(tasks.drain_outbox, "apply_async",
                           side_effect=ConnectionError("refused")):
        outbox.kick([1])
    assert "the sweep will deliver" in caplog.text
    assert broker.get(outbox._drain_place_key(0)) is None
    outbox.kick([1])
    assert queued(broker) == 1


def test_without_a_broker_a_kick_delivers_its_own_messages_at_once(world, eager_celery):
    [message] = waiting_messages(world, 1)
    outbox.kick([message.pk])
    message.refresh_from_db()
    assert message.status == "sent" and len(mail.outbox) == 1


# --- Heavy jobs (a month's statements, a research export) run as tasks of their own ---------


def tasks_queued(client, queue="celery"):
    import json

    return [json.loads(body)["headers"]["task"] for body in client.lrange(queue, 0, -1)]


def statements_asked(world):
    import datetime

    from botp.payments import services as payments

    return payments.request_statements(world.admin, datetime.date(2026, 10, 1))


def test_a_heavy_job_is_kicked_as_its_own_task_once(broker, world):
    job = statements_asked(world)
    outbox.kick([job.pk], heavy=True)
    outbox.kick([job.pk], heavy=True)  # its task waits already
    # On the long jobs' own queue, which a worker of its own takes.
    assert tasks_queued(broker, "heavy") == ["botp.tasks.deliver_heavy"]
    assert tasks_queued(broker) == []
    broker.delete(outbox._heavy_place_key(job.pk))


def test_a_drain_sends_the_e_mails_and_leaves_the_heavy_job_to_its_own_task(broker, world):
    job = statements_asked(world)
    messages = waiting_messages(world, 2)
    assert outbox.drain(0) == 3  # two sent, one handed over
    assert len(mail.outbox) == 2
    job.refresh_from_db()
    assert job.status == "queued"  # not run inside the drain
    assert tasks_queued(broker, "heavy") == ["botp.tasks.deliver_heavy"]
    assert {m.status for m in OutboxMessage.objects.filter(pk__in=[m.pk for m in messages])} \
        == {"sent"}

    outbox.run_heavy(job.pk)
    job.refresh_from_db()
    assert job.status == "sent"
    # Its place is free: a later kick of it (the sweep) queues a task that finds it done.
    assert broker.get(outbox._heavy_place_key(job.pk)) is None


def test_a_heavy_job_is_held_under_the_longer_lease(broker, world, settings):
    import datetime

    from django.utils import timezone

    settings.OUTBOX_HEAVY_LEASE_SECONDS = 1800
    job = statements_asked(world)
    seen = {}

    def deliver(message, mailer):
        held = OutboxMessage.objects.get(pk=message.pk)
        seen["lease"] = held.lease_until - timezone.now()
        return {"statements": 0}

    handler = outbox._handlers[job.kind]
    with mock.patch.dict(outbox._handlers, {job.kind: handler.__class__(
            **{**handler.__dict__, "deliver": deliver})}):
        outbox.run_heavy(job.pk)
    assert seen["lease"] > datetime.timedelta(minutes=25)


def test_without_a_broker_the_sweep_runs_a_heavy_job_at_once(world, eager_celery):
    job = statements_asked(world)
    [message] = waiting_messages(world, 1)
    assert outbox.deliver_due() == 2
    job.refresh_from_db()
    message.refresh_from_db()
    assert job.status == "sent" and message.status == "sent"
