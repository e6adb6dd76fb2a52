"""Settings fail closed: production refuses the demo secrets, an unknown environment, a
boolean or number that is not one, and a secret file it cannot read; the embedded default needs
nothing set."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG = "x" * 50
# Variables the settings read, cleared so that the machine's own cannot change the outcome.
READ = {"SECRET_KEY", "DEBUG", "PERSONAL_DATA_KEY", "BOTP_ENV", "ALLOWED_HOSTS", "DATABASE_URL",
        "REDIS_URL", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS",
        "DB_CONN_MAX_AGE", "API_TOKEN_DAYS", "BOTP_MIN_GROUP_SIZE", "BOTP_TRUSTED_PROXY_COUNT",
        "BOTP_CLIENT_IP_HEADER", "PG_RANDOM_PAGE_COST"}
PRODUCTION = {"BOTP_ENV": "production", "SECRET_KEY": STRONG, "PERSONAL_DATA_KEY": STRONG,
              "ALLOWED_HOSTS": "botp.example"}


def load_settings(show="s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
                       "s.DEMO_MODE", **env):
    clean = {k: v for k, v in os.environ.items()
             if k not in READ and k.removesuffix("_FILE") not in READ}
    clean.update(env, DJANGO_SETTINGS_MODULE="botp.settings")
    code = ("import django; django.setup(); from django.conf import settings as s; "
            f"print({show})")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=60)


def refused(result):
    """The settings' own refusal (its message), not some other crash."""
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr, result.stderr
    return result.stderr.strip().splitlines()[-1]


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


@pytest.mark.parametrize("name", ["prod", "staging", "Production", "", "demo "])
def test_an_unknown_environment_refuses_to_start(name):
    message = refused(load_settings(BOTP_ENV=name))
    assert "BOTP_ENV must be" in message and repr(name) in message


def test_demo_is_the_default_and_can_be_named():
    for env in ({}, {"BOTP_ENV": "demo"}):
        result = load_settings(show="s.DEMO_MODE, s.DEBUG, s.SECRET_KEY", **env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["True", "True", "demo-only-not-secret-botp"]


@pytest.mark.parametrize("value, debug", [
    ("1", True), ("true", True), ("YES", True), (" on ", True),
    ("0", False), ("False", False), ("no", False), ("OFF", False),
])
def test_booleans_accept_the_usual_words(value, debug):
    result = load_settings(show="s.DEBUG", DEBUG=value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(debug)


@pytest.mark.parametrize("name, value", [
    ("DEBUG", "flase"), ("DEBUG", ""), ("DEBUG", "2"), ("DEBUG", "enabled"),
    ("EMAIL_USE_TLS", "tru"),
])
def test_a_boolean_that_is_not_one_refuses_to_start_naming_the_variable(name, value):
    message = refused(load_settings(**{name: value, "EMAIL_HOST": "smtp.example"}))
    assert message.startswith(f"django.core.exceptions.ImproperlyConfigured: {name} must be")
    assert repr(value) in message


def test_production_accepts_debug_off_as_a_word():
    result = load_settings(show="s.DEBUG, s.DEMO_MODE", DEBUG="off", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("name, value", [
    ("DB_CONN_MAX_AGE", "60s"), ("DB_CONN_MAX_AGE", "-1"), ("API_TOKEN_DAYS", "ninety"),
    ("API_TOKEN_DAYS", "0"), ("BOTP_MIN_GROUP_SIZE", "1.5"), ("BOTP_MIN_GROUP_SIZE", ""),
    ("BOTP_TRUSTED_PROXY_COUNT", "one"), ("EMAIL_PORT", "smtp"),
    ("PG_RANDOM_PAGE_COST", "cheap"), ("PG_RANDOM_PAGE_COST", "0"),
])
def test_a_number_that_is_not_one_refuses_to_start_naming_the_variable(name, value):
    message = refused(load_settings(**{name: value, "EMAIL_HOST": "smtp.example"}))
    assert f"{name} must be" in message


def test_numbers_are_read():
    result = load_settings(
        show="s.DATABASES['default']['CONN_MAX_AGE'], s.API_TOKEN_DAYS, s.BOTP_MIN_GROUP_SIZE",
        DB_CONN_MAX_AGE="60", API_TOKEN_DAYS="30", BOTP_MIN_GROUP_SIZE=" 5 ")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["60", "30", "5"]


def test_a_kept_database_connection_is_checked_before_use():
    result = load_settings(show="s.DATABASES['default']['CONN_HEALTH_CHECKS']",
                           DATABASE_URL="postgres://u@127.0.0.1:5432/x", DB_CONN_MAX_AGE="60")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_postgresql_is_told_random_reads_are_cheap_unless_the_database_url_says_otherwise():
    """Cases in memory or on SSD: PostgreSQL's default cost of a random read (a spinning
    disk's) makes it scan every case to show a provider's page of theirs."""
    show = "s.DATABASES['default']['OPTIONS'].get('options')"
    assert load_settings(show=show, DATABASE_URL="postgres://u@127.0.0.1:5432/x").stdout \
        .strip() == "-c random_page_cost=1.1"
    assert load_settings(show=show, DATABASE_URL="postgres://u@127.0.0.1:5432/x",
                         PG_RANDOM_PAGE_COST="2").stdout.strip() == "-c random_page_cost=2.0"
    kept = load_settings(show=show, DATABASE_URL="postgres://u@127.0.0.1:5432/x"
                         "?options=-c%20statement_timeout%3D5000")
    assert kept.stdout.strip() == "-c statement_timeout=5000"
    assert load_settings(show=show).stdout.strip() == "None"  # SQLite


def test_an_unreadable_database_url_is_refused_without_showing_it():
    result = load_settings(DATABASE_URL="mysqll://botp:hunter2secret@db/botp")
    assert "DATABASE_URL cannot be read" in refused(result)
    assert "hunter2secret" not in result.stderr


def test_secrets_can_come_from_files(tmp_path):
    files = {}
    for name, value in [("SECRET_KEY", "s" * 40), ("PERSONAL_DATA_KEY", "p" * 40),
                        ("DATABASE_URL", "postgres://botp:pw@db:5432/botp"),
                        ("REDIS_URL", "redis://redis:6379/3"),
                        ("EMAIL_HOST_PASSWORD", "smtp password")]:
        path = tmp_path / name.lower()
        path.write_text(value + "\n")  # as `echo` or an editor writes it
        files[f"{name}_FILE"] = str(path)
    result = load_settings(
        show="repr(s.SECRET_KEY), repr(s.PERSONAL_DATA_KEY), s.DATABASES['default']['HOST'], "
             "repr(s.REDIS_URL), repr(s.EMAIL_HOST_PASSWORD)",
        BOTP_ENV="production", ALLOWED_HOSTS="botp.example", EMAIL_HOST="smtp.example",
        **files)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == " ".join([
        repr("s" * 40), repr("p" * 40), "db", "'redis://redis:6379/3'", "'smtp password'"])


def test_a_secret_set_twice_is_refused(tmp_path):
    path = tmp_path / "key"
    path.write_text(STRONG)
    message = refused(load_settings(SECRET_KEY=STRONG, SECRET_KEY_FILE=str(path)))
    assert "Set SECRET_KEY or SECRET_KEY_FILE, not both" in message


def test_a_secret_file_that_cannot_be_read_is_refused(tmp_path):
    missing = tmp_path / "no-such-file"
    message = refused(load_settings(PERSONAL_DATA_KEY_FILE=str(missing)))
    assert "PERSONAL_DATA_KEY_FILE: cannot read" in message and str(missing) in message
    empty = tmp_path / "empty"
    empty.write_text("\n")
    message = refused(load_settings(SECRET_KEY_FILE=str(empty)))
    assert "SECRET_KEY_FILE" in message and "is empty" in message


def test_production_refusals_apply_to_a_secret_from_a_file(tmp_path):
    short = tmp_path / "short"
    short.write_text("too-short\n")
    env = {**PRODUCTION, "SECRET_KEY_FILE": str(short)}
    del env["SECRET_KEY"]
    assert "SECRET_KEY must be set" in refused(load_settings(**env))


def test_the_client_address_comes_from_a_proxy_only_when_configured():
    show = "s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER"
    for env, expected in [({}, ["0", "None"]),
                          ({"BOTP_TRUSTED_PROXY_COUNT": "1"}, ["1", "None"]),
                          ({"BOTP_CLIENT_IP_HEADER": "X-Real-IP"}, ["0", "X-Real-IP"])]:
        result = load_settings(show=show, **env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == expected
    both = load_settings(BOTP_TRUSTED_PROXY_COUNT="1", BOTP_CLIENT_IP_HEADER="X-Real-IP")
    assert "not both" in refused(both)
    meta_name = load_settings(BOTP_CLIENT_IP_HEADER="HTTP_X_REAL_IP")
    assert "BOTP_CLIENT_IP_HEADER must be" in refused(meta_name)
