"""Production settings pass Django's deployment checks, and what a browser is told: the
Content-Security-Policy on every page, HTTPS (redirect, HSTS) when the request is secure or
comes through a proxy that says it was, and nothing of the kind forced on plain http where
the environment turns it off."""

import datetime as dt
import json
import os
import re
import secrets
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tests import factories
from tracker.charts import hours_chart, stylesheet
from tracker.series import SeriesPoint

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "tracker.example.org",
    # Never connected to: the checks read settings only.
    "DATABASE_URL": "postgresql://someone@db.invalid:5432/tracker",
}
SECURITY_VARIABLES = {
    "SECURE_COOKIES",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "TRUST_X_FORWARDED_PROTO",
    "REDIS_URL",
    # Set for the browser tests' live server (tests/browser/conftest.py); never in deployment.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def deploy_check(**env):
    clean = {k: v for k, v in os.environ.items() if k not in SECURITY_VARIABLES | set(PRODUCTION)}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", **PRODUCTION)
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks_with_no_warning():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_turning_https_off_for_a_plain_http_stack_is_what_the_deployment_checks_warn_about():
    result = deploy_check(SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0")
    assert "security.W008" in result.stdout + result.stderr  # SECURE_SSL_REDIRECT
    assert "security.W012" in result.stdout + result.stderr  # SESSION_COOKIE_SECURE


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";"))}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/flags/", "/compare/", "/accounts/login/", "/admin/login/"])
def test_pages_forbid_inline_scripts_and_styles_and_outside_sources(client, path):
    response = client.get(path)
    assert response.status_code == 200
    rules = policy(response)
    assert rules["script-src"] == ["'self'"]
    assert rules["style-src"] == ["'self'"]
    assert rules["default-src"] == ["'self'"]
    assert rules["object-src"] == ["'none'"]
    assert rules["frame-ancestors"] == ["'none'"]
    assert "style-src-attr" not in rules


@pytest.mark.django_db
def test_a_program_page_with_charts_has_no_inline_style_and_the_strict_policy(client):
    program = factories.ProgramFactory(slug="open-canvas")
    response = client.get(f"/programs/{program.slug}/")
    page = response.content.decode()
    assert policy(response)["style-src"] == ["'self'"]
    assert "/static/css/charts.css" in page
    assert not re.search(r"<style|\sstyle=|<script(?![^>]*\ssrc=)", page)


def test_charts_carry_no_inline_style_and_the_static_stylesheet_matches_them():
    svg = hours_chart([SeriesPoint(dt.date(2026, 1, 1), 3, Decimal("4"), Decimal("2"), 0, False, False)])
    assert "<style" not in svg and " style=" not in svg and "<script" not in svg
    assert 'class="pygal-chart"' in svg
    shipped = (ROOT / "static" / "css" / "charts.css").read_text()
    assert shipped == stylesheet(), "static/css/charts.css is out of date: regenerate it (tracker/charts.py)"


@pytest.mark.django_db
def test_api_docs_and_browsable_api_widen_the_policy_for_styles_only(client):
    for path in ["/api/v1/docs/", "/api/v1/redoc/", "/api/v1/programs/"]:
        response = client.get(path, HTTP_ACCEPT="text/html")
        assert response.status_code == 200
        rules = policy(response)
        assert rules["script-src"] == ["'self'"], path
        assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    # Swagger UI's start-up script is its own URL, not inline.
    docs = client.get("/api/v1/docs/").content.decode()
    assert re.search(r'<script src="/api/v1/docs/\?[^"]*script', docs)
    assert not re.search(r"<script>", docs)


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_when_the_redirect_is_on(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/flags/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/flags/"


@pytest.mark.django_db
def test_behind_a_tls_proxy_the_forwarded_proto_is_believed_and_hsts_is_sent(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client.get("/flags/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
def test_a_forwarded_proto_is_ignored_unless_the_proxy_is_trusted(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/flags/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301  # a client cannot claim https by sending the header
    assert "Strict-Transport-Security" not in response


def test_the_plain_http_test_server_is_not_redirected(client, db):
    # The suite's settings turn the redirect off, as .ci/run and docker-compose.yml do.
    assert client.get("/flags/").status_code == 200


SHOW_HTTPS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'redirect': settings.SECURE_SSL_REDIRECT, 'proxy': settings.SECURE_PROXY_SSL_HEADER, "
    "'hsts': settings.SECURE_HSTS_SECONDS, 'health': settings.DATABASES['default']['CONN_HEALTH_CHECKS'], "
    "'age': settings.DATABASES['default']['CONN_MAX_AGE']}))"
)


def show_https(**env):
    clean = {k: v for k, v in os.environ.items() if k not in SECURITY_VARIABLES | set(PRODUCTION)}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", **PRODUCTION)
    clean.update(env)
    result = subprocess.run([sys.executable, "-c", SHOW_HTTPS], cwd=ROOT, env=clean, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_https_settings_come_from_the_environment():
    production = show_https()
    assert production["redirect"] is True
    assert production["proxy"] is None  # no proxy header believed unless told
    assert production["hsts"] == 31_536_000
    assert production["health"] is True and production["age"] == 60

    behind_proxy = show_https(TRUST_X_FORWARDED_PROTO="1", SECURE_HSTS_SECONDS="300")
    assert behind_proxy["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert behind_proxy["hsts"] == 300

    plain_http = show_https(SECURE_SSL_REDIRECT="0")
    assert plain_http["redirect"] is False

    local = show_https(DEBUG="1")
    assert local["redirect"] is False and local["hsts"] == 0
