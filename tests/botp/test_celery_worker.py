"""A real Celery worker on Redis picks up the notification of a case change and sends it."""

import time

import pytest

from botp import tasks, workflow
from botp.models import CaseState
from tests.scenarios import send_request


@pytest.mark.django_db(transaction=True)
def test_a_worker_answers(worker):
    assert tasks.ping.delay(42).get(timeout=60) == 42


@pytest.mark.django_db(transaction=True)
def test_a_case_change_is_mailed_by_the_worker(worker, world):
    world.participant.language = "fr"
    world.participant.save()
    case = world.case(CaseState.DIAGNOSIS_REVIEW, btp=world.btp)
    send_request(case)
    workflow.perform(case, "confirm_diagnosis", world.psychologist,  # commits: transactional test
                     payload={"report_version": 1})

    mail_dir = worker / "mail"
    deadline = time.monotonic() + 60
    messages = []
    while time.monotonic() < deadline:
        messages = [p.read_text() for p in mail_dir.glob("*.eml")] if mail_dir.exists() else []
        if len(messages) >= 2:
            break
        time.sleep(0.5)
    text = "\n".join(messages)
    assert world.participant.email in text and world.btp.user.email in text
    assert case.reference in text


@pytest.mark.django_db(transaction=True)
def test_a_heavy_job_runs_in_the_worker_as_its_own_task(worker, world, settings):
    import datetime

    from botp import outbox
    from botp.models import OutboxMessage
    from botp.payments import services as payments

    # Every drain's place taken: a kick queues no drain, so only the job's own task can
    # deliver it (beat does not run here).
    client = outbox._broker_client()
    places = [outbox._drain_place_key(place) for place in range(settings.OUTBOX_DRAINS)]
    for key in places:
        client.set(key, 1, ex=120)
    job = payments.request_statements(world.admin, datetime.date(2026, 10, 1))  # commits
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == OutboxMessage.Status.SENT:
            break
        time.sleep(0.5)
    client.delete(*places)
    assert job.status == OutboxMessage.Status.SENT
