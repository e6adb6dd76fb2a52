"""A real Celery worker on Redis picks up the notification of a case change and sends it."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from botp import tasks, workflow
from botp.models import CaseState

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(redis_url, tmp_path, settings, eager_celery):
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.fail("REDIS_URL is set but Celery still runs eagerly")
    eager_celery.conf.task_always_eager = False
    database = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
                     f"{database['NAME']}" if connection.vendor == "postgresql" else "",
        BOTP_VAR_DIR=str(tmp_path),
        REDIS_URL=redis_url,
    )
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database it can share with the test: PostgreSQL")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "botp", "worker", "--pool=solo",
         "--concurrency=1", "--without-gossip", "--without-mingle", "--loglevel=warning"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        yield tmp_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.django_db(transaction=True)
def test_a_worker_answers(worker):
    assert tasks.ping.delay(42).get(timeout=60) == 42


@pytest.mark.django_db(transaction=True)
def test_a_case_change_is_mailed_by_the_worker(worker, world):
    world.participant.language = "fr"
    world.participant.save()
    case = world.case(CaseState.DIAGNOSIS_REVIEW, btp=world.btp)
    workflow.perform(case, "confirm_diagnosis", world.psychologist)  # commits: transactional test

    mail_dir = worker / "mail"
    deadline = time.monotonic() + 60
    messages = []
    while time.monotonic() < deadline:
        messages = [p.read_text() for p in mail_dir.glob("*.log")] if mail_dir.exists() else []
        if len(messages) >= 2:
            break
        time.sleep(0.5)
    text = "\n".join(messages)
    assert world.participant.email in text and world.btp.user.email in text
    assert case.reference in text
