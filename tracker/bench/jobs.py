"""What the benchmark runs inside the app, against its own database: the flag scan, the two
ingest artists and the CSV import.

The command's own process is configured for the database in use, so each of these runs in
`manage.py shell` with DATABASE_URL pointing at the benchmark's database, times itself (the
start of Django is not counted) and prints one line of JSON.
"""

import datetime as dt
import json

from tracker.bench.doors import shell_json

# The scans: the first, over every program, raises every flag the world deserves; the second
# runs the same full scan again and finds nothing new; then the scan on change (the job that
# runs every minute) with nothing new, and after one contribution logged in one program. Each
# statement is cancelled after TIMEOUT seconds: a cancelled rule fails its run (JobRun
# "failed") and writes nothing, and the scans after a cancelled first one are not run.
SCAN = """
import datetime as dt, json, time
from django.db import DatabaseError, connection
from feedback.models import Contribution
from tracker.models import JobRun
from tracker.services import run_scan, scan_if_changed

def timed(scan):
    started = time.perf_counter()
    last = JobRun.objects.order_by("-id").values_list("id", flat=True).first() or 0
    try:
        programs = scan()
    except DatabaseError:
        return None
    runs = JobRun.objects.filter(id__gt=last)
    return {
        "seconds": time.perf_counter() - started,
        "raised": sum(r.raised for r in runs),
        "resolved": sum(r.resolved for r in runs),
        "programs": programs,
    }

def log_one():
    enrollment = Contribution.objects.order_by("id").first().enrollment
    Contribution.objects.create(
        enrollment=enrollment, kind="survey", title="bench", hours_spent=1, occurred_on=dt.date(2026, 1, 5)
    )
    return scan_if_changed()

with connection.cursor() as cursor:
    cursor.execute("SET statement_timeout = %s", [int(TIMEOUT * 1000)])
found = {"first": timed(lambda: run_scan(trigger="command") and None)}
if found["first"] is not None:
    found["again"] = timed(lambda: run_scan(trigger="command") and None)
    found["on_change_nothing"] = timed(scan_if_changed)
    found["on_change_one_write"] = timed(log_one)
print(json.dumps(found))
"""

# Two new artists with access to the program, one for the API (with a token), one for the import.
ACCOUNTS = """
import json
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from artists.models import Artist
from programs.models import Program
from programs.services import enrol_artist
program = Program.objects.get(slug=SLUG)
found = {}
for role in ("api", "import"):
    user = get_user_model().objects.create_user(username=f"bench-{role}")
    artist = Artist.objects.create(user=user, handle=f"bench-{role}")
    enrol_artist(program=program, artist=artist, granted_on=program.opened_on)
    found[role] = Token.objects.create(user=user).key if role == "api" else artist.pk
print(json.dumps(found))
"""

IMPORT = """
import json, time
from artists.models import Artist
from feedback.imports import CsvFile, import_ledger
artist = Artist.objects.get(pk=ARTIST)
content = open(PATH, "rb").read()
started = time.perf_counter()
preview = import_ledger(artist=artist, contributions=CsvFile("contributions.csv", content))
print(json.dumps({"rows": preview.record_count, "seconds": time.perf_counter() - started}))
"""

KINDS = ["feedback_session", "bug_report", "survey", "exploration", "promotion", "interview"]


def run_scans(env: dict, timeout: float) -> dict:
    """{"first", "again", "on_change_nothing", "on_change_one_write"}: each {"seconds", "raised", "resolved",
    "programs"}, or None when cancelled."""
    return shell_json(env, SCAN.replace("TIMEOUT", repr(float(timeout))))


def make_accounts(env: dict, slug: str) -> dict:
    """{"api": a token, "import": an artist id}: two artists enrolled in the program `slug`."""
    return shell_json(env, ACCOUNTS.replace("SLUG", json.dumps(slug)))


def contributions_csv(slug: str, rows: int, today: dt.date) -> bytes:
    """`rows` contributions to the program over the 120 days before today (as benchmarks/import_10k.py)."""
    lines = ["program,kind,title,hours_spent,occurred_on,requested_by_program,description"]
    for n in range(rows):
        day = today - dt.timedelta(days=1 + n % 120)
        lines.append(
            f"{slug},{KINDS[n % len(KINDS)]},Session {n},{1 + n % 7}.{25 * (n % 4):02d},{day},"
            f'{"yes" if n % 5 == 0 else "no"},"Notes, for row {n}"'
        )
    return ("\n".join(lines) + "\n").encode()


def run_import(env: dict, artist: int, path: str) -> dict:
    """{"rows": written, "seconds": …}: the CSV at `path` through feedback.imports.import_ledger."""
    return shell_json(env, IMPORT.replace("ARTIST", str(artist)).replace("PATH", json.dumps(path)))
