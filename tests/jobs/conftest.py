"""Fixtures for the real-worker tests: Redis, and Celery workers started as subprocesses.

Each test gets a queue of its own, so parallel runs and messages left by an earlier run never
reach its worker. Without REDIS_URL (or with Redis unreachable) the tests skip with the
reason; with REQUIRE_SERVICES=1 (as in CI) they fail instead, so CI can never pass by
skipping them.
"""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"
READY_TIMEOUT = 30
STOP_TIMEOUT = 10


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_SERVICES"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def redis_client():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        _unavailable("needs Redis: set REDIS_URL to run the real-worker tests")
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=10)
    try:
        client.ping()
    except redis.RedisError as error:
        _unavailable(f"needs Redis: {url} did not answer ({error})")
    yield client
    client.close()


class Worker:
    """One `celery worker` process (solo pool: the task runs in this very process)."""

    def __init__(self, *, queue: str, application_name: str, log_path: Path, env: dict):
        self.queue = queue
        self.application_name = application_name
        self.log_path = log_path
        command = [
            str(CELERY),
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            queue,
            "--loglevel=INFO",
        ]
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def log(self) -> str:
        return f"--- worker log ({self.log_path}) ---\n{self.log_path.read_text(errors='replace')}"

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                status = self.process.returncode
                pytest.fail(f"The worker exited with status {status} before it was ready.\n{self.log()}")
            if " ready." in self.log_path.read_text(errors="replace"):
                return
            time.sleep(0.1)
        pytest.fail(f"The worker was not ready within {READY_TIMEOUT} s.\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no cleanup, as when a machine or the OOM killer stops it."""
        self.process.kill()
        self.process.wait(timeout=STOP_TIMEOUT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.kill()


def _forget_queue(client, queue: str) -> None:
    """Delete what the test's queue left in Redis, including messages a killed worker never acked."""
    # The queue's lists, and kombu's binding of the queue's exchange (named as the queue).
    keys = [*client.scan_iter(match=f"{queue}*"), *client.scan_iter(match=f"_kombu.binding*.{queue}")]
    if keys:
        client.delete(*keys)
    for tag, payload in client.hscan_iter("unacked"):
        _message, _exchange, routing_key = json.loads(payload)
        if routing_key == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


def worker_backends(application_name: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [application_name])
        return [pid for (pid,) in cursor.fetchall()]


@pytest.fixture
def real_broker():
    """Send tasks to the broker for real: the test settings run them in process otherwise."""
    from config.celery import app

    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = True


@pytest.fixture
def start_worker(redis_client, real_broker, transactional_db, tmp_path):
    """Start a Celery worker on this test's queue and database; returns the ready Worker.

    The worker sees only committed data, hence transactional_db. Workers are stopped (and
    their database sessions gone) before the test database is flushed.
    """
    run_id = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    queue = f"tracker-test-{run_id}"
    application_name = f"tracker-test-worker-{run_id}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.jobs.worker_settings",
        "TRACKER_TEST_DATABASE": connection.settings_dict["NAME"],
        "TRACKER_TEST_WORKER_APP_NAME": application_name,
        "REDIS_URL": os.environ["REDIS_URL"],
        "SECRET_KEY": settings.SECRET_KEY,
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    }
    workers: list[Worker] = []

    def start() -> Worker:
        log_path = tmp_path / f"worker-{len(workers) + 1}.log"
        worker = Worker(queue=queue, application_name=application_name, log_path=log_path, env=env)
        workers.append(worker)
        worker.wait_until_ready()
        return worker

    yield start
    for worker in workers:
        worker.stop()
    deadline = time.monotonic() + STOP_TIMEOUT
    while worker_backends(application_name) and time.monotonic() < deadline:
        time.sleep(0.1)
    with connection.cursor() as cursor:
        # A session still open would stop the test database from being dropped.
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", [application_name]
        )
    _forget_queue(redis_client, queue)
