"""The trusted-proxy and sign-in lockout settings come from the environment, in a fresh
interpreter as a deployment would load them: one count of trusted proxies serves both the
API throttles (DRF's NUM_PROXIES) and the lockout (django-axes)."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'proxies': settings.TRUSTED_PROXY_COUNT, "
    "'num_proxies': settings.REST_FRAMEWORK['NUM_PROXIES'], 'limit': settings.AXES_FAILURE_LIMIT, "
    "'cooloff': settings.AXES_COOLOFF_TIME.total_seconds(), 'keys': settings.AXES_LOCKOUT_PARAMETERS, "
    "'backends': settings.AUTHENTICATION_BACKENDS, 'last_middleware': settings.MIDDLEWARE[-1]}))"
)


def load(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "REDIS_URL"}}
    clean.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL="postgresql://someone@db.invalid:5432/tracker",
        SECRET_KEY="k",
        **env,
    )
    return subprocess.run([sys.executable, "-c", SHOW], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60)


def test_by_default_no_proxy_is_trusted_and_five_failures_lock_for_fifteen_minutes():
    shown = json.loads(load().stdout)
    assert shown["proxies"] == shown["num_proxies"] == 0
    assert shown["limit"] == 5
    assert shown["cooloff"] == timedelta(minutes=15).total_seconds()
    assert shown["keys"] == [["username", "ip_address"]]
    assert shown["backends"][0] == "axes.backends.AxesStandaloneBackend"
    assert shown["last_middleware"] == "axes.middleware.AxesMiddleware"


def test_the_settings_are_read_from_the_environment():
    shown = json.loads(load(TRUSTED_PROXY_COUNT="2", LOGIN_FAILURE_LIMIT="8", LOGIN_COOLOFF_MINUTES="60").stdout)
    assert shown["proxies"] == shown["num_proxies"] == 2
    assert shown["limit"] == 8
    assert shown["cooloff"] == 3600


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT must not be negative"),
        ({"TRUSTED_PROXY_COUNT": "one"}, "TRUSTED_PROXY_COUNT must be a whole number"),
        ({"LOGIN_FAILURE_LIMIT": "0"}, "LOGIN_FAILURE_LIMIT must be at least 1"),
        ({"LOGIN_COOLOFF_MINUTES": "0"}, "LOGIN_COOLOFF_MINUTES must be at least 1"),
    ],
)
def test_bad_values_stop_with_one_clear_line(env, message):
    result = load(**env)
    assert result.returncode != 0
    assert message in result.stderr
