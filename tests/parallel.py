"""Loaded before Django reads its settings (``-p tests.parallel``): when pytest-xdist runs the
suite in several processes, each gets its own Redis database and its own var directory, as
pytest-django gives each its own test database. Two processes sharing one would take each
other's Celery tasks and drain places."""

import os
from urllib.parse import urlsplit, urlunsplit

from tests.environment import ROOT


def _worker_index():
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker[2:]) if worker.startswith("gw") else None


def _own_redis_database(url, index):
    """``url`` on database (its own number - ``index``): 15 and 14 for two processes."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    if base - index < 0:
        raise RuntimeError(f"REDIS_URL's database {base} leaves no database for process {index}:"
                           " use a higher one (CI uses 15)")
    return urlunsplit(parts._replace(path=f"/{base - index}"))


index = _worker_index()
if index is not None:
    if os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = _own_redis_database(os.environ["REDIS_URL"], index)
    base = os.environ.get("BOTP_VAR_DIR") or str(ROOT / "var")
    os.environ["BOTP_VAR_DIR"] = os.path.join(base, f"test-gw{index}")
