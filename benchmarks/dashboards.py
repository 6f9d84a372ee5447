"""Time the fairness metrics and the pages built on them, at demo scale 1 and 10.

    .venv/bin/python benchmarks/dashboards.py [--scales 1 10] [--runs 3]

For each scale it builds a throwaway database (the test settings, the same PostgreSQL; your
own data is not touched), loads the demo world with `seed_demo --scale`, runs the flag scan,
then measures each with a cold cache and again with a warm one (median of --runs):

- metrics: tracker.metrics.program_metrics() for every program (queries and seconds);
- landing page `/`, a program page and the stats API list, through Django's test client.

The query counts must not grow with the data; the seconds show how the database work grows.
The figures go to docs/benchmarks.md.
"""

import argparse
import io
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")
django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from feedback.models import Contribution  # noqa: E402
from tracker.metrics import program_metrics  # noqa: E402

INCIDENT = "halcyon-motion-preview"


def measure(call, runs: int, cold: bool = True) -> tuple[float, int]:
    seconds, queries = [], 0
    for _ in range(runs):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            call()
            seconds.append(time.perf_counter() - started)
        queries = len(captured.captured_queries)
    return statistics.median(seconds), queries


def get(client: Client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        client = Client()
        for scale in options.scales:
            call_command("flush", interactive=False, verbosity=0)
            started = time.perf_counter()
            call_command("seed_demo", f"--scale={scale}", "--no-progress", stdout=io.StringIO())
            seeded = time.perf_counter() - started
            started = time.perf_counter()
            call_command("scan_flags", stdout=io.StringIO())
            scanned = time.perf_counter() - started
            print(
                f"scale {scale:g}: {Contribution.objects.count():,} contributions "
                f"(seed {seeded:.1f} s, scan {scanned:.1f} s)"
            )
            for name, call in (
                ("program_metrics()", lambda: program_metrics()),
                ("GET /", lambda: get(client, "/")),
                (f"GET /programs/{INCIDENT}/", lambda: get(client, f"/programs/{INCIDENT}/")),
                ("GET /api/v1/stats/programs/", lambda: get(client, "/api/v1/stats/programs/")),
            ):
                seconds, queries = measure(call, options.runs)
                warm_seconds, warm_queries = measure(call, options.runs, cold=False)
                print(
                    f"  {name:<42} cold {seconds:6.2f} s {queries:3d} queries   "
                    f"warm {warm_seconds:6.3f} s {warm_queries:3d} queries"
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
