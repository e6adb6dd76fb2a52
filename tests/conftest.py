import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

import pytest
from django.db import connection

from botp.models import CaseState, Participant, Role
from botp.programmes import load_programmes
from tests.environment import ROOT, require_service
from tests.factories import (
    CaseFactory,
    ParticipantFactory,
    ProviderFactory,
    ReferrerFactory,
    UserFactory,
)

# The scenario builders' fixtures (a case at each stage, the API's clients) for every test.
pytest_plugins = ["tests.scenarios"]


def pytest_report_header(config):
    database = os.environ.get("DATABASE_URL", "SQLite (embedded default)").split("@")[-1]
    broker = os.environ.get("REDIS_URL", "none: Celery tasks run eagerly")
    chromium = "/usr/bin/chromium" if shutil.which("chromium") else "not installed"
    return [f"database: {database}", f"broker: {broker}", f"browser: {chromium}"]


@pytest.fixture
def postgres_only():
    require_service(connection.vendor == "postgresql",
                    "needs PostgreSQL: set DATABASE_URL (CI always does)")


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    require_service(bool(url), "needs Redis: set REDIS_URL (CI always does)")
    return url


@pytest.fixture
def chromium():
    path = shutil.which("chromium") or "/usr/bin/chromium"
    require_service(os.path.exists(path), "needs Debian's chromium at /usr/bin/chromium")
    return path


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
    # The worker's output goes to a file (a pipe nobody reads would block it when full) and
    # is shown when a test fails.
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "botp", "worker", "--pool=solo",
             "--concurrency=1", "--without-gossip", "--without-mingle", "--loglevel=warning"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
    try:
        yield tmp_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        print(log.read_text()[-5000:])


@pytest.fixture
def programmes(db):
    return load_programmes()


@pytest.fixture
def botp(programmes):
    return programmes["botp"]


@dataclass
class World:
    """One person for every role and relation, and a helper to put cases between them."""

    programme: object
    referrer: object
    other_referrer: object
    admin: object
    psychologist: object
    btp: object
    other_btp: object
    isp: object
    other_isp: object
    participant: object
    other_participant: object
    researcher: object

    def user(self, role):
        """The account behind ``role``: a role name, or ``other_`` + one (someone of that role
        with no part in the "mine" cases)."""
        person = getattr(self, role)
        return getattr(person, "user", person)

    def case(self, state=CaseState.REQUESTED, *, mine=True, btp=None, isp=None):
        """A case of ``participant`` referred by ``referrer`` (``mine``), or of the others."""
        user = self.participant if mine else self.other_participant
        record = Participant.objects.filter(user=user).first() or ParticipantFactory(user=user)
        case = CaseFactory(
            programme=self.programme, participant=record,
            referrer=self.referrer if mine else self.other_referrer,
            btp=btp, state=state,
        )
        if isp is not None:
            case.isps.add(isp)
        return case


@pytest.fixture
def world(botp):
    btp = ProviderFactory(programmes=[botp])
    other_btp = ProviderFactory(programmes=[botp])
    isp = ProviderFactory(is_btp=False, is_isp=True, programmes=[botp])
    other_isp = ProviderFactory(is_btp=False, is_isp=True, programmes=[botp])
    return World(
        programme=botp,
        referrer=ReferrerFactory().user,
        other_referrer=ReferrerFactory().user,
        admin=UserFactory(role=Role.FEDRIS_ADMIN),
        psychologist=UserFactory(role=Role.FEDRIS_PSYCHOLOGIST),
        btp=btp,
        other_btp=other_btp,
        isp=isp,
        other_isp=other_isp,
        participant=UserFactory(role=Role.PARTICIPANT),
        other_participant=UserFactory(role=Role.PARTICIPANT),
        researcher=UserFactory(role=Role.RESEARCHER),
    )


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.3 s a user; tests create hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english_by_default(settings):
    """Tests read English messages unless they choose a language; the portal defaults to nl."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in-process in tests, also when REDIS_URL is set; the worker tests opt out."""
    from botp.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


@pytest.fixture
def deliver(db):
    """Deliver what the outbox holds due now, as the worker's sweep would."""
    from botp import outbox

    return outbox.deliver_due
