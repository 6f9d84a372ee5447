"""Timing the HTTP doors on gunicorn, against the benchmark's database.

The server runs as production does (DEBUG off, as the Dockerfile starts it) with what
benchmarks/load_run.py changes for a one-machine run: no redirect to https, the API
throttles raised, and FIGURES_STALE_SECONDS=0, so that a request after a write waits for the
figures to be recomputed instead of being served the last ones: "cold" then really means
recomputed. With REDIS_URL in the environment the workers share the Redis cache; without
it each has its local memory.

Each door is timed in four states: after a write to another program, after a write to
the same program (one contribution inserted with SQL before each request; every write
changes the version of the program written to, and the data version), warm (the same
request again, nothing written), and "served": after a write to the same program, on a
second server with the production setting of FIGURES_STALE_SECONDS (`served_env`), which
answers with the last figures computed (the page says when they were) while it computes the
new ones in the background. The first three measure the computation; the last what a
visitor waits for on the production configuration.
"""

import json
import math
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

STATES = ("other", "same", "warm", "served")
# How long a request may take before it counts as timed out (the server's worker is then
# stopped by gunicorn's own --timeout, a little later).
DOOR_TIMEOUT = 600

# One contribution, with what a real one has, logged yesterday to an enrollment.
WRITE = """
INSERT INTO feedback_contribution (enrollment_id, kind, title, description, hours_spent, occurred_on,
                                   requested_by_program, created_at, updated_at)
VALUES (%s, 'feedback_session', 'Benchmark write', '', 1.5, current_date - 1, false, now(), now())
"""


class BenchError(Exception):
    """Why the benchmark cannot run, in one line."""


@dataclass
class Door:
    """A page or endpoint to time; `same_program` is the program a "same program" write goes to."""

    label: str
    path: str
    same_program: int
    other_program: int
    seconds: dict[str, list[float]] = field(default_factory=lambda: {state: [] for state in STATES})


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` fall (nearest rank), in seconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def median(values: list[float]) -> float:
    return statistics.median(values)


def server_env(database_url: str) -> dict:
    """The environment of the server and of the `manage.py` subprocesses."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "API_ANON_RATE": "1000000/minute",
        "API_USER_RATE": "1000000/minute",
        "FIGURES_STALE_SECONDS": "0",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    return env


def served_env(env: dict) -> dict:
    """The environment of the "served" server: as `server_env`, with the production
    FIGURES_STALE_SECONDS and FIGURES_REFRESH_SECONDS (config/settings.py)."""
    served = dict(env)
    served.pop("FIGURES_STALE_SECONDS", None)
    served.pop("FIGURES_REFRESH_SECONDS", None)
    return served


def manage(env: dict, *args: str, timeout: float | None = None) -> str:
    """Run `manage.py` with `env`; its standard output, or BenchError with its last error line."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise BenchError(f"manage.py {args[0]} failed: {last}")
    return result.stdout


def shell_json(env: dict, code: str) -> dict:
    """Run Python code in `manage.py shell` against the benchmark's database; the JSON it printed last."""
    out = manage(env, "shell", "-c", code)
    return json.loads(out.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn on 127.0.0.1 on a free port, stopped (its whole process group) by `stop()`."""

    def __init__(self, env: dict, workers: int, log: Path, timeout: float = DOOR_TIMEOUT):
        self.port = free_port()
        self.address = f"http://127.0.0.1:{self.port}"
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}"]
            + ["--workers", str(workers), "--timeout", str(int(timeout) + 30), "--log-level", "warning"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_up(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited with {self.process.returncode} before answering")
            try:
                with urllib.request.urlopen(f"{self.address}/healthz", timeout=5):
                    return
            except urllib.error.HTTPError:
                return  # it answers, whatever it thinks of its health
            except OSError:
                time.sleep(0.3)
        raise BenchError(f"gunicorn did not answer within {seconds:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def get(url: str, timeout: float = DOOR_TIMEOUT) -> float:
    """Seconds to GET `url` and read the whole body, `math.inf` when it takes more than
    `timeout` seconds; BenchError unless it answers 200."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise BenchError(f"GET {url} answered {error.code}") from None
    except TimeoutError:
        return math.inf
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            return math.inf
        raise
    return time.perf_counter() - started


def warm_up(url: str, workers: int, timeout: float) -> None:
    """Have every worker answer `url` once, each in parallel with the others, so that each has
    computed (local-memory cache) or read (Redis) the figures before the warm requests."""
    with ThreadPoolExecutor(workers) as pool:
        for _ in range(2):
            list(pool.map(lambda one: get(one, timeout), [url] * workers))


def time_doors(
    address: str,
    doors: list[Door],
    runs: int,
    workers: int,
    timeout: float,
    write,
    enrollment_of: dict[int, int],
    progress,
    served_address: str | None = None,
) -> None:
    """Fill each door's seconds: `runs` requests per state, each `math.inf` past `timeout`.
    `write(enrollment_id)` inserts one contribution; `enrollment_of` gives an enrollment of
    each program written to. With `served_address` (a server on `served_env`), the "served"
    state too."""
    for door in doors:
        url = address + door.path
        # Cold means after a write, not a worker's first request: with a cache per worker
        # (no Redis) each would otherwise compute every program's figures once in the timings.
        warm_up(url, workers, timeout)
        for state, program in (("other", door.other_program), ("same", door.same_program)):
            for _ in range(runs):
                write(enrollment_of[program])
                door.seconds[state].append(get(url, timeout))
        warm_up(url, workers, timeout)
        door.seconds["warm"] = [get(url, timeout) for _ in range(runs)]
        if served_address is not None:
            served = served_address + door.path
            warm_up(served, workers, timeout)
            for _ in range(runs):
                write(enrollment_of[door.same_program])
                door.seconds["served"].append(get(served, timeout))
        progress(door.label)


def contribution(n: int, program: str) -> dict:
    """The n-th contribution the API ingest logs to `program`: a bug report of 1 to 4.75 hours, yesterday."""
    return {
        "program": program,
        "kind": "bug_report",
        "title": f"API ingest {n}",
        "hours_spent": f"{1 + n % 16 / 4:.2f}",
        "occurred_on": time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400)),
    }


def post_json(address: str, path: str, token: str, payload) -> dict:
    """POST `payload` as JSON with the token; the answer's JSON, BenchError unless it answers 201."""
    request = urllib.request.Request(
        f"{address}{path}",
        data=json.dumps(payload).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
            if response.status != 201:
                raise BenchError(f"POST {path} answered {response.status}")
            return json.loads(body)
    except urllib.error.HTTPError as error:
        raise BenchError(f"POST {path} answered {error.code}: {error.read()[:200]!r}") from None


def post_contributions(address: str, token: str, program: str, count: int) -> tuple[int, float]:
    """POST `count` contributions one after another; (how many were created, seconds)."""
    created = 0
    started = time.perf_counter()
    for n in range(count):
        post_json(address, "/api/v1/me/contributions/", token, contribution(n, program))
        created += 1
    return created, time.perf_counter() - started


def post_contribution_batches(address: str, token: str, program: str, batches: int, size: int) -> tuple[int, float]:
    """POST `batches` batches of `size` contributions one after another to the batch door;
    (how many were created, seconds)."""
    created = 0
    started = time.perf_counter()
    for b in range(batches):
        items = [contribution(b * size + n, program) for n in range(size)]
        answer = post_json(address, "/api/v1/me/contributions/batch/", token, {"contributions": items})
        created += len(answer["contributions"])
    return created, time.perf_counter() - started
