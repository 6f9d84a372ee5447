"""Settings come from the environment and are secure by default. Each case imports the
settings in a fresh interpreter, as a deployment would."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'debug': settings.DEBUG, 'eager': settings.CELERY_TASK_ALWAYS_EAGER, "
    "'cache': settings.CACHES['default']['BACKEND'], 'broker': settings.CELERY_BROKER_URL, "
    "'db_host': settings.DATABASES['default']['HOST'], 'engine': settings.DATABASES['default']['ENGINE'], "
    "'min_group': settings.MIN_GROUP_SIZE, 'rate': str(settings.FAIR_HOURLY_RATE), "
    "'hosts': settings.ALLOWED_HOSTS, 'secure_cookie': settings.SESSION_COOKIE_SECURE}))"
)
REAL_DB = "postgresql://someone@db.invalid:5432/tracker"


def load_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"}}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    result = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )
    return result


def test_debug_is_off_and_a_secret_key_is_required_by_default():
    result = load_settings(DATABASE_URL=REAL_DB)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_like_settings_are_secure():
    result = load_settings(DATABASE_URL=REAL_DB, SECRET_KEY="x" * 50, ALLOWED_HOSTS="tracker.example.org")
    shown = json.loads(result.stdout)
    assert shown["debug"] is False
    assert shown["hosts"] == ["tracker.example.org"]
    assert shown["secure_cookie"] is True


def test_without_redis_tasks_run_in_process_and_cache_is_local_memory():
    shown = json.loads(load_settings(DATABASE_URL=REAL_DB, SECRET_KEY="k").stdout)
    assert shown["eager"] is True
    assert shown["cache"].endswith("LocMemCache")


def test_redis_url_makes_redis_the_broker_and_cache():
    shown = json.loads(load_settings(DATABASE_URL=REAL_DB, SECRET_KEY="k", REDIS_URL="redis://cache:6379/1").stdout)
    assert shown["eager"] is False
    assert shown["broker"] == "redis://cache:6379/1"
    assert shown["cache"].endswith("RedisCache")


def test_database_url_selects_a_real_postgresql_server():
    shown = json.loads(load_settings(DATABASE_URL=REAL_DB, SECRET_KEY="k").stdout)
    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["db_host"] == "db.invalid"


def test_without_database_url_the_embedded_postgresql_is_used():
    shown = json.loads(load_settings(DEBUG="1").stdout)
    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["db_host"].endswith(".data/pg") or "python_PostgresServer" in shown["db_host"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": "sqlite:///db.sqlite3"}, "PostgreSQL is the only engine"),
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
        ({"MIN_GROUP_SIZE": "five"}, "MIN_GROUP_SIZE must be a whole number"),
        ({"MIN_GROUP_SIZE": "0"}, "MIN_GROUP_SIZE must be at least 1"),
        ({"FAIR_HOURLY_RATE": "-3"}, "FAIR_HOURLY_RATE must not be negative"),
        ({"FAIR_HOURLY_RATE": "lots"}, "FAIR_HOURLY_RATE must be a decimal number"),
    ],
)
def test_bad_settings_stop_with_one_clear_line(env, message):
    result = load_settings(**{"DATABASE_URL": REAL_DB, "SECRET_KEY": "k", **env})
    assert result.returncode != 0
    assert message in result.stderr


def test_domain_settings_are_read_from_the_environment():
    shown = json.loads(
        load_settings(DATABASE_URL=REAL_DB, SECRET_KEY="k", MIN_GROUP_SIZE="7", FAIR_HOURLY_RATE="62.50").stdout
    )
    assert shown["min_group"] == 7
    assert shown["rate"] == "62.50"
