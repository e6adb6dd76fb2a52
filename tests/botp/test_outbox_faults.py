"""Every hand-off delivered once under faults, with a real Celery worker and beat on Redis and
PostgreSQL: a batch of screening requests sent and approved while the worker is killed in the
middle of its work and restarted, the broker is restarted empty, and the worker's database
connections are terminated. Each e-mail arrives once (counted by its Message-ID, made from its
outbox key), each PDF is rendered into exactly one file, nothing is lost."""

import collections
import datetime
import email
import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid

import pytest
from django.db import connection

from botp import documents, mail, nationalnumber
from botp.models import Document, OutboxMessage
from intake import services
from intake.forms import ScreeningRequestForm
from tests.environment import ROOT, require_service

CASES_PER_ROUND = 4


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Broker:
    """A Redis server of this test's own, which it can kill and start again, empty."""

    def __init__(self, workdir):
        self.port = free_port()
        self.workdir = workdir
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: _answers(self.port), "the broker to start")

    def kill(self):
        self.process.kill()
        self.process.wait()


def _answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def wait_for(condition, what, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class Celery:
    """The worker (or beat) as deployed, in its own process."""

    def __init__(self, command, env, log):
        self.command, self.env, self.log = command, env, log
        self.process = None

    def start(self):
        output = self.log.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "botp", *self.command],
            cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def deployment(postgres_only, redis_url, tmp_path, settings, eager_celery):
    """Broker, worker and beat against the test database; the test process kicks the worker
    through the broker as the web processes do."""
    require_service(shutil.which("redis-server"), "needs redis-server to restart a broker")
    broker = Broker(tmp_path)
    broker.start()
    database = connection.settings_dict
    env = dict(os.environ,
               DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:"
                            f"{database['PORT']}/{database['NAME']}",
               REDIS_URL=broker.url, BOTP_VAR_DIR=str(tmp_path),
               # A dead worker's claim runs out quickly here, and beat sweeps every 2 s.
               OUTBOX_LEASE_SECONDS="8", OUTBOX_RETRY_SECONDS="1", OUTBOX_SWEEP_SECONDS="2")
    log = tmp_path / "celery.log"
    worker = Celery(["worker", "--pool=solo", "--without-gossip", "--without-mingle",
                     "--loglevel=warning"], env, log)
    beat = Celery(["beat", "--scheduler", "celery.beat:PersistentScheduler",
                   "--schedule", str(tmp_path / "beat-schedule"), "--loglevel=warning"],
                  env, log)
    settings.MEDIA_ROOT = tmp_path / "media"
    eager_celery.conf.task_always_eager = False
    saved_url = eager_celery.conf.broker_url
    eager_celery.conf.broker_url = broker.url
    eager_celery._pool = None
    worker.start()
    beat.start()
    try:
        yield broker, worker, tmp_path
    finally:
        worker.stop()
        beat.stop()
        broker.kill()
        eager_celery.conf.broker_url = saved_url
        eager_celery._pool = None
        print("\n".join(line for line in log.read_text().splitlines()
                        if "worker not reached" not in line)[-8000:])


def send_and_approve(world, form_data, count):
    """``count`` workers referred and approved, each causing two PDFs and four e-mails."""
    for _ in range(count):
        born = datetime.date(1970, 1, 1) + datetime.timedelta(days=next(SERIALS))
        form = ScreeningRequestForm(form_data(
            niss=nationalnumber.build(born, 7), birth_date=born.isoformat(),
            email=f"worker.{uuid.uuid4().hex[:8]}@example.org"), submitting=True)
        assert form.is_valid(), form.errors
        screening = services.save_request(world.referrer, form_key=uuid.uuid4(),
                                          fields=form.request_fields(), submit=True)
        services.decide(screening, world.admin, decision="approve")


SERIALS = itertools.count()


def kill_mid_batch(worker, var):
    """SIGKILL the worker while it holds a batch with a PDF in it: frozen first, then killed
    only when no e-mail is between being handed to the mail server and being recorded as sent
    (that instant is the one a stable Message-ID covers, not this test). A worker claims a
    batch at once, so the e-mails it has claimed but not yet sent go again after its lease."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        held = OutboxMessage.objects.filter(status="sending", kind="document")
        if held.exists():
            os.kill(worker.process.pid, signal.SIGSTOP)
            if held.exists() and not emails_in_flight(var):
                os.kill(worker.process.pid, signal.SIGKILL)
                worker.process.wait()
                return
            os.kill(worker.process.pid, signal.SIGCONT)
        time.sleep(0.02)
    raise AssertionError("the worker never held a document")


def emails_in_flight(var):
    """Whether an e-mail has been written out but not yet recorded as sent."""
    written = len(list((var / "mail").glob("*.eml")))
    recorded = OutboxMessage.objects.filter(status="sent").exclude(kind="document").count()
    return written != recorded


def terminate_connections_at_work():
    """Terminate the other processes' database connections at a moment the worker holds a
    message (it opens one per task, so between tasks there may be none to terminate)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if OutboxMessage.objects.filter(status="sending").exists():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")
                if cursor.fetchone()[0]:
                    return
        time.sleep(0.01)
    raise AssertionError("the worker was never caught at work")


@pytest.mark.django_db(transaction=True)
def test_every_message_and_document_once_under_faults(deployment, world, form_data):
    broker, worker, var = deployment

    # The worker is killed in the middle of its work; while it is gone, more work arrives.
    send_and_approve(world, form_data, CASES_PER_ROUND)
    kill_mid_batch(worker, var)
    send_and_approve(world, form_data, CASES_PER_ROUND)
    worker.start()

    # The broker dies and comes back empty: what it held, and the kicks sent while it was
    # down, are lost.
    send_and_approve(world, form_data, CASES_PER_ROUND)
    broker.kill()
    send_and_approve(world, form_data, CASES_PER_ROUND)
    broker.start()

    # The database drops the worker's (and beat's) connections while it works.
    send_and_approve(world, form_data, CASES_PER_ROUND)
    terminate_connections_at_work()
    send_and_approve(world, form_data, CASES_PER_ROUND)

    cases = 6 * CASES_PER_ROUND
    expected = {"document": 2 * cases, "case_event": 2 * cases, "activation": cases,
                "survey_invitation": cases}
    wait_for(lambda: OutboxMessage.objects.filter(status="sent").count()
             == sum(expected.values()), "every message to be delivered", seconds=240)

    messages = OutboxMessage.objects.all()
    assert collections.Counter(messages.values_list("kind", flat=True)) == expected
    assert set(messages.values_list("status", flat=True)) == {"sent"}

    # Each e-mail arrived exactly once.
    arrived = collections.Counter(
        email.message_from_bytes(path.read_bytes())["Message-ID"]
        for path in (var / "mail").glob("*.eml"))
    intended = {mail.message_id(m.key) for m in messages.exclude(kind="document")}
    assert set(arrived) == intended
    assert [key for key, count in arrived.items() if count != 1] == []

    # Each PDF was rendered into one file, and no file is an orphan.
    rendered = Document.objects.all()
    assert rendered.count() == expected["document"]
    assert set(rendered.values_list("status", flat=True)) == {"rendered"}
    files = sorted(str(p.relative_to(var / "media")) for p in (var / "media").rglob("*.enc"))
    assert files == sorted(d.file.name for d in rendered)
    for document in rendered:
        assert documents.read(document).startswith(b"%PDF")
