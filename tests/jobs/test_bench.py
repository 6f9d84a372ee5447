"""CI smoke test of `manage.py bench` (tracker/bench/): at 1 % of the data set and one request
per door and state it builds its throwaway database, runs the scans, starts gunicorn, times
every door and the ingest, and reports. The figures are not asserted: they are the point of
the command, not a property of the code; that it runs end to end, and says what it measured,
is. It takes about a minute (more the first time, when collectstatic has not run yet).

The command runs in a subprocess, on the server the suite uses: the environment's
DATABASE_URL, else the embedded server's (as a URL built from its settings), beside whose
databases it creates and drops its own.
"""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tracker.bench.run import database_url

ROOT = Path(__file__).resolve().parents[2]
DOORS = [
    "`/`",
    "`/api/v1/stats/programs/`",
    "`/api/v1/stats/summary/`",
    "`/programs/<largest>/`",
    "`/api/v1/stats/programs/<largest>/`",
    "`/flags/`",
]


def bench_env() -> dict:
    db = settings.DATABASES["default"]
    return {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL") or database_url(db, db["NAME"]),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "bench-smoke-test-only",
    }


def test_bench_runs_at_one_percent_and_reports_every_door_and_scan():
    result = subprocess.run(
        [sys.executable, "manage.py", "bench", "--scale", "0.01", "--runs", "1", "--no-progress"],
        cwd=ROOT,
        env=bench_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    rows = {line.split(" | ")[0].lstrip("| ") for line in result.stdout.splitlines() if line.startswith("| ")}
    assert set(DOORS) <= rows, result.stdout
    # Each door timed cold, warm and as served on the production setting: every cell a figure.
    assert "served after a write" in result.stdout
    door_rows = [line for line in result.stdout.splitlines() if line.startswith("| `")]
    assert door_rows and all(line.count(" / ") >= 4 for line in door_rows), result.stdout
    scans = {
        "first scan, every program",
        "full scan again, nothing new",
        "scan on change, nothing new",
        "scan on change, one contribution logged",
    }
    assert scans <= rows, result.stdout
    assert any(row.startswith("CSV import") for row in rows), result.stdout
    assert any(row.startswith("API, POST /api/v1/me/contributions/,") for row in rows), result.stdout
    assert any(row.startswith("API, POST /api/v1/me/contributions/batch/") for row in rows), result.stdout


def test_bench_cannot_run_says_why_in_one_line():
    result = subprocess.run(
        [sys.executable, "manage.py", "bench", "--scale", "0"],
        cwd=ROOT,
        env=bench_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
