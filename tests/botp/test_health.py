"""/healthz says the process is up; /readyz says whether the database and the broker answer,
which is what docker-compose waits for. Neither needs a login nor tells more than that."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DatabaseError

from botp import views
from tests.environment import require_service

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def closed_port():
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_broker():
    """A broker that accepts connections and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"


def test_healthz_answers_without_login_or_dependencies(client, monkeypatch):
    def no_database(*args, **kwargs):
        raise AssertionError("liveness must not ask the database")

    monkeypatch.setattr(views, "_check_database", no_database)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_without_a_broker_reports_eager_tasks(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "failed": [],
                               "checks": {"database": "ok", "broker": "eager"}}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_with_a_running_broker(client, settings):
    url = os.environ.get("REDIS_URL")
    require_service(bool(url), "needs Redis: set REDIS_URL (CI always does)")
    settings.REDIS_URL = url
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


@pytest.mark.django_db
@pytest.mark.parametrize("broker", ["closed_port", "silent_broker"])
def test_readyz_names_a_broker_that_is_down(client, settings, broker, request):
    if broker == "closed_port":
        url = f"redis://:secret-password@127.0.0.1:{request.getfixturevalue('closed_port')}/0"
    else:
        url = request.getfixturevalue("silent_broker")
    settings.REDIS_URL = url
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failed": ["broker"],
                               "checks": {"database": "ok", "broker": "unavailable"}}
    # Neither the broker's address nor its password is told.
    assert b"127.0.0.1" not in response.content and b"secret" not in response.content


@pytest.mark.django_db
def test_readyz_names_a_database_that_is_down(client, settings, monkeypatch):
    settings.REDIS_URL = ""

    class BrokenCursor:
        def __enter__(self):
            raise DatabaseError("connection to server at 10.0.0.5 failed: password for botp")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(views.connection, "cursor", BrokenCursor)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]
    assert b"10.0.0.5" not in response.content and b"password" not in response.content


# A web process with a kept connection (DB_CONN_MAX_AGE), whose database connection dies as
# when PostgreSQL restarts: the next request must get a new connection, not an error. Run in a
# process of its own, through the WSGI handler, so that Django's per-request connection
# handling runs as it does under gunicorn.
RESTART = """
import sys, wsgiref.util
import django, psycopg
django.setup()
from django.core.wsgi import get_wsgi_application
from django.db import connection
app = get_wsgi_application()

def get(path):
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET"}
    wsgiref.util.setup_testing_defaults(environ)
    status = []
    body = b"".join(app(environ, lambda s, h, exc_info=None: status.append(s)))
    return status[0], body

print(get("/readyz")[0])
pid = connection.connection.info.backend_pid
with psycopg.connect(sys.argv[1], autocommit=True) as admin:
    admin.execute("SELECT pg_terminate_backend(%s)", [pid])
print(get("/readyz")[0])
print(connection.connection.info.backend_pid != pid)
"""


def test_a_kept_connection_that_died_is_replaced_before_the_next_request():
    url = os.environ.get("DATABASE_URL", "")
    require_service(url.startswith("postgres"), "needs PostgreSQL: set DATABASE_URL")
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(DJANGO_SETTINGS_MODULE="botp.settings", BOTP_ENV="demo", DB_CONN_MAX_AGE="600",
               DATABASE_URL=url)
    result = subprocess.run([sys.executable, "-c", RESTART, url], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == ["200 OK", "200 OK", "True"], result.stdout
