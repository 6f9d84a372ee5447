"""Load-test the app on gunicorn with locust (benchmarks/load.py) against a throwaway database.

    .venv/bin/python benchmarks/load_run.py [--duration 60] [--users 60] [--workers 2] [--threads 1] [--scale 1]
    make load LOAD_ARGS="--duration 30"

It creates a database beside the one in use (the server of DATABASE_URL, else the embedded
one; your data is not touched), migrates it, loads the demo world (`seed_demo --scale`),
runs the flag scan, collects static files and issues API tokens to some demo testers. Then it
starts gunicorn on 127.0.0.1 (DEBUG off, as the Dockerfile runs it, with --workers), runs
locust headless for --duration seconds and prints requests/s, p50/p95 and failures per door,
and the contribution rows before and after: the rows added must equal the contributions the
API acknowledged with a 201, or a write was lost. The database is dropped at the end (--keep
keeps it).

The API throttles (120/minute per address anonymously, 600/minute per user) would turn most
of a one-address load test into 429s, so the server runs with them raised
(API_ANON_RATE/API_USER_RATE); everything else is the production configuration. Locust
runs on the same machine and takes its share of the CPU.

Exits non-zero only when it cannot run (setup, server start, locust missing); the figures
are reported whatever they are.
"""

import argparse
import csv
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

from config.backup import BackupError, connect, create_database  # noqa: E402

DOORS = [
    "POST /api/v1/me/contributions/",
    "/api/v1/auth/token/",
    "/",
    "/programs/[slug]/",
    "/flags/",
    "/api/v1/stats/summary/",
    "/api/v1/stats/programs/",
    "Aggregated",
]

# Run inside `manage.py shell`: an account and a token for N testers with access (demo testers
# have no account), and the program each logs to.
ISSUE_TOKENS = """
import json
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from programs.models import Enrollment, Program
from tracker.demo import DEMO_ARTIST, DEMO_PASSWORD
User = get_user_model()
granted = Enrollment.objects.filter(granted_on__isnull=False).select_related("artist__user", "program")
artists, seen = [], set()
for enrollment in granted.filter(program__status="active").exclude(artist__handle=DEMO_ARTIST).order_by("id"):
    artist = enrollment.artist
    if artist.pk in seen:
        continue
    seen.add(artist.pk)
    if artist.user is None:  # demo testers have no account: give them one, without a password
        artist.user = User.objects.create_user(username=f"load-{artist.handle}"[:150])
        artist.save(update_fields=["user"])
    token, _ = Token.objects.get_or_create(user=artist.user)
    artists.append({"token": token.key, "program": enrollment.program.slug})
    if len(artists) >= COUNT:
        break
mine = granted.filter(artist__handle=DEMO_ARTIST).order_by("id").first()
print(json.dumps({
    "artists": artists,
    "programs": list(Program.objects.order_by("slug").values_list("slug", flat=True)),
    "login": {"username": DEMO_ARTIST, "password": DEMO_PASSWORD, "program": mine.program.slug} if mine else None,
}))
"""


def base_url() -> str:
    """A postgresql:// URL for the database in use (DATABASE_URL, else the embedded server)."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    from config.embedded_db import embedded_database

    db = embedded_database(ROOT / ".data" / "pg")
    return f"postgresql://{db['USER']}@{quote(db['HOST'], safe='')}/{db['NAME']}"


def with_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def db_dict(url: str) -> dict:
    import dj_database_url

    return dj_database_url.parse(url)


def contribution_rows(url: str) -> int:
    db = db_dict(url)
    with connect(db) as conn:
        return conn.execute("SELECT count(*) FROM feedback_contribution").fetchone()[0]


def stored(url: str, ids: list[int]) -> int:
    with connect(db_dict(url)) as conn:
        return conn.execute("SELECT count(*) FROM feedback_contribution WHERE id = ANY(%s)", [ids]).fetchone()[0]


def manage(env: dict, *args: str) -> str:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"load_run: manage.py {args[0]} failed: {(result.stderr.strip().splitlines() or ['?'])[-1]}")
    print(f"  manage.py {args[0]}: {time.perf_counter() - started:.1f} s", flush=True)
    return result.stdout


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"load_run: gunicorn exited with {server.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"load_run: gunicorn did not answer {url} within {seconds:.0f} s")


def read_stats(prefix: Path) -> dict[str, dict]:
    with open(f"{prefix}_stats.csv", newline="") as stats:
        return {row["Name"]: row for row in csv.DictReader(stats)}


def read_failures(prefix: Path) -> list[dict]:
    path = Path(f"{prefix}_failures.csv")
    return list(csv.DictReader(open(path, newline=""))) if path.exists() else []


def second_half_rate(prefix: Path, duration: int) -> float | None:
    """Requests/s over the second half of the run, once every worker's cache has warmed."""
    path = Path(f"{prefix}_stats_history.csv")
    if not path.exists():
        return None
    with open(path, newline="") as history:
        rows = [row for row in csv.DictReader(history) if row["Name"] == "Aggregated"]
    if len(rows) < 4:
        return None
    start = int(rows[0]["Timestamp"])
    middle = next((row for row in rows if int(row["Timestamp"]) - start >= duration / 2), None)
    last = rows[-1]
    seconds = int(last["Timestamp"]) - int(middle["Timestamp"]) if middle else 0
    if seconds <= 0:
        return None
    return (int(last["Total Request Count"]) - int(middle["Total Request Count"])) / seconds


def report(stats: dict[str, dict], duration: float) -> None:
    print(f"\n{'door':<34} {'requests':>9} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'failures':>9}")
    for door in DOORS:
        row = stats.get(door)
        if not row:
            continue
        count, failures = int(row["Request Count"]), int(row["Failure Count"])
        print(f"{door:<34} {count:>9,} {count / duration:>8.1f} {row['50%']:>7} {row['95%']:>7} {failures:>9,}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="Seconds of load (default %(default)s).")
    parser.add_argument("--users", type=int, default=60, help="Simulated visitors (default %(default)s).")
    parser.add_argument("--spawn-rate", type=float, default=20, help="Visitors started per second.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default %(default)s).")
    parser.add_argument(
        "--threads", type=int, default=1, help="Threads per gunicorn worker (gthread when > 1; default %(default)s)."
    )
    parser.add_argument("--redis", metavar="URL", help="REDIS_URL for the server (default: none, local memory).")
    parser.add_argument("--scale", type=float, default=1, help="seed_demo --scale (default %(default)s).")
    parser.add_argument("--wait", default="0.05,0.25", help="Think time per visitor, 'min,max' seconds.")
    parser.add_argument("--reads-only", action="store_true", help="Advocates and stats clients only, no writes.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--keep", action="store_true", help="Keep the throwaway database.")
    options = parser.parse_args()
    if not (BIN / "locust").exists() or not (BIN / "gunicorn").exists():
        raise SystemExit("load_run: locust or gunicorn is missing; run `make install` (requirements-dev.txt)")

    source = base_url()
    name = f"tracker_load_{os.getpid()}"
    url = with_name(source, name)
    try:
        create_database(db_dict(source), name)
    except (BackupError, Exception) as error:  # noqa: BLE001 - one line, whatever went wrong
        raise SystemExit(f"load_run: cannot create database {name}: {error}") from None
    work = Path(tempfile.mkdtemp(prefix="tracker-load-"))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "API_ANON_RATE": "1000000/minute",
        "API_USER_RATE": "1000000/minute",
        "PYTHONUNBUFFERED": "1",
    }
    if options.redis:
        env["REDIS_URL"] = options.redis  # the cache shared by the workers, as in docker-compose
    else:
        env.pop("REDIS_URL", None)
    server = None
    try:
        started = time.perf_counter()
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo", f"--scale={options.scale}", "--no-progress")
        manage(env, "scan_flags")
        if not (ROOT / ".data" / "static" / "staticfiles.json").exists():
            manage(env, "collectstatic", "--noinput")  # DEBUG off serves the hashed, compressed files
        issued = manage(env, "shell", "-c", ISSUE_TOKENS.replace("COUNT", str(options.users)))
        world = json.loads(issued.strip().splitlines()[-1])
        (work / "world.json").write_text(json.dumps(world))
        print(
            f"Set up {name} in {time.perf_counter() - started:.1f} s: demo scale {options.scale:g}, "
            f"{len(world['artists'])} artist tokens, {len(world['programs'])} programs."
        )

        address = f"http://127.0.0.1:{options.port}"
        log = (work / "gunicorn.log").open("w")
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{options.port}"]
            + ["--workers", str(options.workers), "--threads", str(options.threads), "--log-level", "warning"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until_up(f"{address}/", server)
        before = contribution_rows(url)

        prefix = work / "load"
        print(
            f"Load: {options.users} users for {options.duration} s on gunicorn --workers {options.workers} "
            f"--threads {options.threads} …"
        )
        locust = subprocess.run(
            [str(BIN / "locust"), "-f", str(ROOT / "benchmarks" / "load.py"), "--headless", "--only-summary"]
            + ["-u", str(options.users), "-r", str(options.spawn_rate), "-t", f"{options.duration}s"]
            + (["Advocate", "StatsClient"] if options.reads_only else [])
            + [
                "--host",
                address,
                "--csv",
                str(prefix),
                "--loglevel",
                "WARNING",
                "--stop-timeout",
                "5",
            ],
            cwd=ROOT,
            env={
                **env,
                "LOAD_WORLD": str(work / "world.json"),
                "LOAD_WAIT": options.wait,
                "LOAD_ACKNOWLEDGED": str(work / "acknowledged.json"),
            },
            capture_output=True,
            text=True,
        )
        if not Path(f"{prefix}_stats.csv").exists():
            raise SystemExit(f"load_run: locust did not run: {(locust.stderr.strip().splitlines() or ['?'])[-1]}")
        time.sleep(2)  # let requests still in flight at the stop finish before counting
        after = contribution_rows(url)

        stats = read_stats(prefix)
        total = stats["Aggregated"]
        writes = stats.get("POST /api/v1/me/contributions/", {"Request Count": "0", "Failure Count": "0"})
        acknowledged = int(writes["Request Count"]) - int(writes["Failure Count"])
        report(stats, options.duration)
        print(
            f"\nTotal: {int(total['Request Count']):,} requests, {float(total['Requests/s']):.1f} req/s, "
            f"p50 {total['50%']} ms, p95 {total['95%']} ms, {int(total['Failure Count']):,} failures."
        )
        late = second_half_rate(prefix, options.duration)
        if late is not None:
            print(f"Second half of the run: {late:.1f} req/s.")
        for failure in read_failures(prefix)[:10]:
            print(
                f"  failure: {failure['Method']} {failure['Name']}: {failure['Error'][:160]} x{failure['Occurrences']}"
            )
        ids = json.loads((work / "acknowledged.json").read_text()) if (work / "acknowledged.json").exists() else []
        found = stored(url, ids)
        print(
            f"Contribution rows: {before:,} before, {after:,} after (+{after - before:,}); the API acknowledged "
            f"{len(ids):,} with a 201 and {found:,} of them are stored: "
            + ("no write lost." if found == len(ids) == acknowledged else f"LOST {len(ids) - found:,}.")
        )
        if after - before > len(ids):
            print(f"  {after - before - len(ids):,} more rows: requests still in flight when locust stopped.")
        return 0
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        if not options.keep:
            try:
                with connect(db_dict(source), "postgres") as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except BackupError as error:
                print(f"load_run: could not drop {name}: {error}", file=sys.stderr)
        else:
            print(f"Kept database {name}: {url}")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
