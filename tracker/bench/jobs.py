"""What the benchmark runs inside the app, against its own database: the flag scan, the two
ingest artists and the CSV import.

The command's own process is configured for the database in use, so each of these runs in
`manage.py shell` with DATABASE_URL pointing at the benchmark's database, times itself (the
start of Django is not counted) and prints one line of JSON.
"""

import datetime as dt
import json

from tracker.bench.doors import shell_json

# The scan twice: the first raises every flag the world deserves, the second finds nothing new.
SCAN = """
import json, time
from tracker.services import run_scan
started = time.perf_counter()
first = run_scan(trigger="command")
first_seconds = time.perf_counter() - started
started = time.perf_counter()
again = run_scan(trigger="command")
print(json.dumps({"first": first_seconds, "first_raised": first.raised, "again": time.perf_counter() - started,
                  "again_raised": again.raised, "again_resolved": again.resolved}))
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


def run_scans(env: dict) -> dict:
    return shell_json(env, SCAN)


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
