"""Redis down does not take the site down.

The site runs as in production (gunicorn, DEBUG off, cache, throttles and Celery broker on
Redis) against a Redis of the test's own; once the pages have been served with Redis up,
that Redis is killed and the same pages, API reads and writes are driven over HTTP: every
one answers as before, promptly, and the writes land. /healthz then says Redis is down and
counts what was served without it; the admin's "run scan" says the scan could not be queued. Once Redis is back, the
same server uses it again.

Without `redis-server` installed the test skips with the reason (with REQUIRE_SERVICES=1, as
in CI, it fails instead).
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection

from feedback.models import Contribution
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
START_TIMEOUT = 30
# A dead Redis must cost milliseconds, not the seconds of a connection timeout or retries.
PROMPT = 2.0
PASSWORD = "correct-horse-battery"
# How long the server leaves a failed Redis alone before trying it again.
RETRY_SECONDS = 1


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_SERVICES"):
        pytest.fail(reason)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited with status {process.returncode} before listening:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"not listening on {port} within {START_TIMEOUT} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class PrivateRedis:
    """A redis-server of this test's own, on a free port, that the test may kill and restart."""

    def __init__(self, binary: str, folder: Path):
        self.binary, self.folder, self.port = binary, folder, _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = self.folder / "redis.log"
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                cwd=self.folder,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait_for_port(self.port, self.process, log)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)


@pytest.fixture
def private_redis(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        _unavailable("needs redis-server installed (apt-get install redis-server) to stop a real Redis")
    redis = PrivateRedis(binary, tmp_path)
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def server(private_redis, transactional_db, tmp_path):
    """The site under gunicorn, on the test database, with REDIS_URL at the private Redis."""
    port = _free_port()
    application_name = f"tracker-test-server-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.config.redis_down_settings",
        "TRACKER_TEST_DATABASE": connection.settings_dict["NAME"],
        "TRACKER_TEST_SERVER_APP_NAME": application_name,
        "REDIS_URL": private_redis.url,
        "REDIS_RETRY_SECONDS": str(RETRY_SECONDS),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "server.log"
    command = [str(GUNICORN), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    _wait_for_port(port, process, log)
    yield f"http://127.0.0.1:{port}", log
    _stop(process)
    with connection.cursor() as cursor:
        # A session still open would stop the test database from being flushed or dropped.
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", [application_name]
        )


def _timed(send, *args, **kwargs) -> requests.Response:
    started = time.monotonic()
    response = send(*args, timeout=30, **kwargs)
    elapsed = time.monotonic() - started
    assert elapsed < PROMPT, f"{response.request.method} {response.request.url} took {elapsed:.1f} s"
    return response


def _untimed(send, *args, **kwargs) -> requests.Response:
    return send(*args, timeout=30, **kwargs)


def _drive(base: str, program, enrollment, title: str, *, timed: bool = True) -> dict[str, int]:
    """Every door the issue named, as an anonymous visitor and as an artist with a token;
    each answer within PROMPT seconds unless `timed` is off (the server's first requests
    load the code)."""
    _timed = globals()["_timed"] if timed else _untimed
    anonymous = requests.Session()
    statuses = {}
    for path in ["/", f"/programs/{program.slug}/", "/flags/"]:
        statuses[path] = _timed(anonymous.get, base + path).status_code
    for path in ["/api/v1/stats/summary/", "/api/v1/programs/", "/api/v1/flags/"]:
        response = _timed(anonymous.get, base + path, headers={"Accept": "application/json"})
        statuses[path] = response.status_code
        response.json()
    token = _timed(
        anonymous.post,
        base + "/api/v1/auth/token/",
        json={"username": enrollment.artist.user.username, "password": PASSWORD},
    )
    statuses["POST /api/v1/auth/token/"] = token.status_code
    artist = requests.Session()
    artist.headers["Authorization"] = f"Token {token.json()['token']}"
    statuses["/api/v1/me/contributions/"] = _timed(artist.get, base + "/api/v1/me/contributions/").status_code
    statuses["/api/v1/me/enrollments/"] = _timed(artist.get, base + "/api/v1/me/enrollments/").status_code
    written = _timed(
        artist.post,
        base + "/api/v1/me/contributions/",
        json={
            "program": program.slug,
            "kind": "feedback_session",
            "title": title,
            "hours_spent": "2.00",
            "occurred_on": str(enrollment.granted_on),
        },
    )
    statuses["POST /api/v1/me/contributions/"] = written.status_code
    return statuses


def _staff_session(base: str, user) -> requests.Session:
    staff = requests.Session()
    staff.get(base + "/admin/login/", timeout=30)
    login = staff.post(
        base + "/admin/login/?next=/admin/",
        data={"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": staff.cookies["csrftoken"]},
        timeout=30,
    )
    assert login.url.endswith("/admin/"), login.text[:500]
    return staff


def test_the_site_serves_reads_and_writes_with_redis_killed(server, private_redis):
    base, log = server
    program = factories.ProgramFactory()
    enrollment = factories.EnrollmentFactory(program=program)
    staff_user = factories.UserFactory(username="operator", is_staff=True, is_superuser=True)
    expected = {
        "/": 200,
        f"/programs/{program.slug}/": 200,
        "/flags/": 200,
        "/api/v1/stats/summary/": 200,
        "/api/v1/programs/": 200,
        "/api/v1/flags/": 200,
        "POST /api/v1/auth/token/": 200,
        "/api/v1/me/contributions/": 200,
        "/api/v1/me/enrollments/": 200,
        "POST /api/v1/me/contributions/": 201,
    }

    # Redis up: pages served and cached, throttle counters kept, connections open.
    assert _drive(base, program, enrollment, "With Redis up", timed=False) == expected, log.read_text()
    assert requests.get(base + "/healthz", timeout=30).json() == {"status": "ok", "database": "up", "redis": "up"}

    private_redis.kill()

    assert _drive(base, program, enrollment, "With Redis down") == expected, log.read_text()
    assert set(Contribution.objects.filter(enrollment=enrollment).values_list("title", flat=True)) == {
        "With Redis up",
        "With Redis down",
    }
    # The cache computes afresh: the page shows what the database holds, not a stale entry.
    assert _drive(base, program, enrollment, "Still down")["POST /api/v1/me/contributions/"] == 201
    assert Contribution.objects.filter(enrollment=enrollment).count() == 3

    # The throttles let requests through rather than fail: past the 10 a minute of auth/token.
    # (A new account name each time: the sign-in lockout, kept in the database, would
    # otherwise answer the sixth guess at one account with 429 whatever Redis does.)
    guesses = [
        _timed(requests.post, base + "/api/v1/auth/token/", json={"username": f"nobody{n}", "password": "x"})
        for n in range(12)
    ]
    assert [guess.status_code for guess in guesses] == [400] * 12

    # The operator is told, and sees what was served without Redis.
    assert requests.get(base + "/healthz", timeout=30).json() == {
        "status": "degraded",
        "database": "up",
        "redis": "down",
    }
    staff = _staff_session(base, staff_user)
    health = staff.get(base + "/healthz", timeout=30).json()
    assert health["redis"] == "down"
    counts = health["degraded_since_start"]
    assert counts["cache_errors"] >= 1
    assert counts["cache_errors"] + counts["cache_skipped"] >= 20
    assert counts["enqueue_errors"] == 0

    # A task that cannot be queued is reported on the page, not raised.
    scan = _timed(
        staff.post,
        base + "/admin/tracker/jobrun/run-scan/",
        data={"csrfmiddlewaretoken": staff.cookies["csrftoken"]},
    )
    assert scan.status_code == 200
    assert "Could not queue the scan" in scan.text
    assert staff.get(base + "/healthz", timeout=30).json()["degraded_since_start"]["enqueue_errors"] == 1
    assert "Redis unreachable" in log.read_text()

    # Redis back: the cache and the queue are used again, without restarting the site.
    private_redis.start()
    time.sleep(RETRY_SECONDS + 0.5)
    assert requests.get(base + "/healthz", timeout=30).json()["redis"] == "up"
    assert _drive(base, program, enrollment, "Redis back")["POST /api/v1/me/contributions/"] == 201
    scan = _timed(
        staff.post,
        base + "/admin/tracker/jobrun/run-scan/",
        data={"csrfmiddlewaretoken": staff.cookies["csrftoken"]},
    )
    assert "Scan queued" in scan.text
    # The throttle counts again (new account names, so the lockout is not what answers 429).
    guesses = [
        requests.post(base + "/api/v1/auth/token/", json={"username": f"again{n}", "password": "x"}, timeout=30)
        for n in range(11)
    ]
    assert 429 in [guess.status_code for guess in guesses]
    counts = staff.get(base + "/healthz", timeout=30).json()["degraded_since_start"]
    assert counts["enqueue_errors"] == 1
    assert "Redis reachable again" in log.read_text()
