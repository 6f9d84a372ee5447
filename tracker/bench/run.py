"""`manage.py bench` from start to end: a throwaway database, the data set, the scans, the
doors on gunicorn, the ingest rates, the raw SQL beside them, and the report.

The database is created beside the one in use (the server of `DATABASES["default"]`, with
config/backup.py's helpers, as benchmarks/load_run.py does), named `bench_<pid>_<time>`,
migrated by `manage.py migrate` in a subprocess, and dropped at the end, also after an error
or Ctrl-C, unless `keep` is set. Nothing is read from or written to the database in use.
"""

import datetime as dt
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from tqdm import tqdm

from config.backup import BackupError, connect, create_database
from tracker.bench import jobs, raw, report
from tracker.bench.data import STEPS, Sizes, load
from tracker.bench.doors import (
    WRITE,
    BenchError,
    Door,
    Server,
    manage,
    post_contribution_batches,
    post_contributions,
    served_env,
    server_env,
    time_doors,
)


@dataclass(frozen=True)
class Options:
    scale: float = 1
    runs: int = 5
    workers: int = 2
    api_requests: int = 200
    api_batches: int = 20
    batch_size: int = 100
    scan_timeout: float = 600
    door_timeout: float = 600
    keep: bool = False
    progress: bool = True


def database_url(db: dict, name: str) -> str:
    """A postgresql:// URL for database `name` on the server of a DATABASES entry (a socket
    directory as host is percent-encoded, as dj-database-url reads it)."""
    auth = quote(str(db.get("USER") or ""), safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(str(db["PASSWORD"]), safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    query = f"?sslmode={sslmode}" if sslmode else ""
    return f"postgresql://{auth}@{quote(str(db.get('HOST') or ''), safe='')}{port}/{name}{query}"


def drop_database(db: dict, name: str) -> None:
    with connect(db, "postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def programs_by_size(conn) -> list[tuple[int, str, int, int]]:
    """(id, slug, first enrollment id, enrollments) of every program with enrollments, the largest first."""
    return conn.execute(
        "SELECT program_id, p.slug, min(e.id), count(*) "
        "FROM programs_enrollment e JOIN programs_program p ON p.id = e.program_id "
        "GROUP BY program_id, p.slug ORDER BY count(*) DESC, program_id"
    ).fetchall()


def build(db: dict, name: str, env: dict, options: Options, now: dt.datetime) -> dict:
    """Migrate and fill the database; the rows per table."""
    manage(env, "migrate", "--noinput")
    sizes = Sizes.at(options.scale)
    with (
        connect(db, name) as conn,
        tqdm(total=len(STEPS), desc="bench data", unit="table", disable=not options.progress, file=sys.stderr) as bar,
    ):
        counts = load(conn, sizes, now, progress=lambda table: (bar.set_postfix_str(table), bar.update()))
        # The stats cache is keyed by the data version: start far from any other database's
        # versions, so a Redis cache shared with it can never answer with its figures.
        conn.execute("SELECT setval('tracker_data_version', %s)", [random.randrange(10**12, 10**13)])
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        manage(env, "collectstatic", "--noinput")  # DEBUG off serves the hashed files
    return counts


def machine(conn) -> str:
    version = conn.info.server_version
    return (
        f"{os.cpu_count()} cores ({platform.machine()}, {platform.system()}), "
        f"PostgreSQL {version // 10000}.{version % 100}, Python {platform.python_version()}"
    )


def run(options: Options, write) -> None:
    """Run the whole benchmark, writing the report line by line with `write`; BenchError when it cannot run."""
    db = settings.DATABASES["default"]
    name = f"bench_{os.getpid()}_{int(time.time())}"
    try:
        create_database(db, name)
    except BackupError as error:
        raise BenchError(f"cannot create database {name}: {error}") from None
    env = server_env(database_url(db, name))
    work = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    server = served = None
    try:
        now = dt.datetime.now(dt.UTC)
        started = time.perf_counter()
        counts = build(db, name, env, options, now)
        setup = time.perf_counter() - started
        with connect(db, name) as conn:
            about = machine(conn)
            programs = programs_by_size(conn)
        (largest, slug, _, size), (other, *_) = programs[0], programs[1]
        enrollment_of = {program: enrollment for program, _, enrollment, _ in programs}

        scans = jobs.run_scans(env, options.scan_timeout)
        today, rate = now.date(), settings.FAIR_HOURLY_RATE
        with connect(db, name) as conn:
            raw_all, _ = raw.core_figures(conn, today, rate, options.runs)
            raw_one, _ = raw.core_figures(conn, today, rate, options.runs, program=largest)
            raw_scan, candidates = raw.unpaid_candidates(conn, today, options.runs)
        accounts = jobs.make_accounts(env, slug)

        server = Server(env, options.workers, work / "gunicorn.log", options.door_timeout)
        server.wait_until_up()
        served = Server(served_env(env), options.workers, work / "gunicorn-served.log", options.door_timeout)
        served.wait_until_up()
        doors = [
            Door("/", "/", largest, other),
            Door("/api/v1/stats/programs/", "/api/v1/stats/programs/", largest, other),
            Door("/api/v1/stats/summary/", "/api/v1/stats/summary/", largest, other),
            Door("/programs/<largest>/", f"/programs/{slug}/", largest, other),
            Door("/api/v1/stats/programs/<largest>/", f"/api/v1/stats/programs/{slug}/", largest, other),
            Door("/flags/", "/flags/", largest, other),
        ]
        with (
            connect(db, name) as conn,
            tqdm(total=len(doors), desc="doors", unit="door", disable=not options.progress, file=sys.stderr) as bar,
        ):
            time_doors(
                server.address,
                doors,
                options.runs,
                options.workers,
                options.door_timeout,
                lambda enrollment: conn.execute(WRITE, [enrollment]),
                enrollment_of,
                lambda label: (bar.set_postfix_str(label), bar.update()),
                served_address=served.address,
            )
        served.stop()

        rows = max(100, min(10_000, round(10_000 * options.scale)))
        path = work / "contributions.csv"
        path.write_bytes(jobs.contributions_csv(slug, rows, today))
        imported = jobs.run_import(env, accounts["import"], str(path))
        created, api_seconds = post_contributions(server.address, accounts["api"], slug, options.api_requests)
        batched, batch_seconds = post_contribution_batches(
            server.address, accounts["api"], slug, options.api_batches, options.batch_size
        )

        raw_seconds = {"/api/v1/stats/programs/": raw_all, "/api/v1/stats/programs/<largest>/": raw_one}
        lines = [
            f"## `manage.py bench --scale {options.scale:g} --runs {options.runs}`",
            "",
            f"- Machine: {about}; gunicorn --workers {options.workers}, "
            f"cache: {'Redis' if env.get('REDIS_URL') else 'local memory'}, FIGURES_STALE_SECONDS=0.",
            f"- Scale {options.scale:g}: set up in {setup:,.1f} s (migrate, load, analyze). "
            + report.counts_line(counts),
            f"- Largest program: `{slug}`, {size:,} enrollments; {len(programs)} programs have testers.",
            "",
            f"Doors: p50 / p95 over {options.runs} requests each (a request is given up after "
            f"{options.door_timeout:g} s); ratio = cold (same program) p50 / raw SQL. Served: on a second "
            "server with the production FIGURES_STALE_SECONDS, which answers with the last figures "
            "computed, saying when, while it computes the new ones.",
            "",
            *report.door_table(doors, raw_seconds),
            "",
            *report.scan_table(scans, options.scan_timeout, raw_scan, candidates),
            "",
            *report.ingest_table(
                [
                    ("CSV import (feedback.imports.import_ledger)", imported["rows"], imported["seconds"]),
                    ("API, POST /api/v1/me/contributions/, sequential", created, api_seconds),
                    (
                        f"API, POST /api/v1/me/contributions/batch/, batches of {options.batch_size}",
                        batched,
                        batch_seconds,
                    ),
                ]
            ),
        ]
        for line in lines:
            write(line)
    finally:
        for running in (server, served):
            if running is not None:
                running.stop()
        if options.keep:
            write(f"Kept database {name}.")
        else:
            try:
                drop_database(db, name)
            except BackupError as error:
                print(f"bench: could not drop {name}: {error}", file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)
