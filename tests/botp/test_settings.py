"""Production mode refuses the demo secrets; the embedded default needs nothing set."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRONG = "x" * 50


def load_settings(**env):
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "DEBUG", "PERSONAL_DATA_KEY", "BOTP_ENV", "ALLOWED_HOSTS",
                          "DATABASE_URL", "REDIS_URL"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="botp.settings")
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEMO_MODE)")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=60)


def test_the_embedded_default_is_sqlite_with_eager_tasks():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "True"]


def test_database_and_broker_urls_switch_to_the_real_services():
    result = load_settings(DATABASE_URL="postgres://u@127.0.0.1:5432/x",
                           REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False", "True"]


def test_production_refuses_the_demo_secret_key():
    result = load_settings(BOTP_ENV="production", PERSONAL_DATA_KEY=STRONG,
                           ALLOWED_HOSTS="botp.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_debug():
    result = load_settings(BOTP_ENV="production", SECRET_KEY=STRONG, PERSONAL_DATA_KEY=STRONG,
                           ALLOWED_HOSTS="botp.example", DEBUG="true")
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_refuses_the_demo_personal_data_key():
    result = load_settings(BOTP_ENV="production", SECRET_KEY=STRONG,
                           ALLOWED_HOSTS="botp.example")
    assert result.returncode != 0
    assert "PERSONAL_DATA_KEY" in result.stderr


def test_production_starts_with_real_secrets():
    result = load_settings(BOTP_ENV="production", SECRET_KEY=STRONG, PERSONAL_DATA_KEY=STRONG,
                           ALLOWED_HOSTS="botp.example")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "False"
