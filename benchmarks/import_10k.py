"""Time the CSV import of 10,000 contributions, with 1,000 compensations paying for them.

    .venv/bin/python benchmarks/import_10k.py [--runs 3] [--rows 10000]

It builds a throwaway database (as the tests do, with the test settings and the same
PostgreSQL), so the database you work with is not touched. Each run imports the files for
a new artist and measures:

- preview: feedback.imports.preview_import (read and check every row, write nothing);
- commit: feedback.imports.import_ledger (check again under locks, then write everything);
- web: the upload POST (preview page) and the confirm POST, through Django's test client.

The figures go to docs/benchmarks.md.
"""

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

# WhiteNoise warns that collectstatic has not run; the benchmark serves no static files.
warnings.filterwarnings("ignore", message="No directory at")
django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from artists.models import Artist  # noqa: E402
from feedback.imports import CsvFile, import_ledger, preview_import  # noqa: E402
from feedback.models import Compensation, CompensationAllocation, Contribution  # noqa: E402
from programs.models import Organization, Program  # noqa: E402
from programs.services import enrol_artist  # noqa: E402

KINDS = ["feedback_session", "bug_report", "survey", "exploration", "promotion", "interview"]


def build_files(program: Program, rows: int) -> tuple[bytes, bytes]:
    """`rows` contributions over the past year and one payment per ten of them."""
    today = timezone.localdate()
    lines = ["program,kind,title,hours_spent,occurred_on,requested_by_program,description,ref"]
    for n in range(rows):
        day = today - dt.timedelta(days=1 + n % 360)
        lines.append(
            f"{program.slug},{KINDS[n % len(KINDS)]},Session {n},{1 + n % 7}.{25 * (n % 4):02d},{day},"
            f'{"yes" if n % 5 == 0 else "no"},"Notes, for row {n}",r{n}'
        )
    contributions = ("\n".join(lines) + "\n").encode()
    lines = ["program,kind,amount,paid_on,note,pays_for"]
    for start in range(0, rows, 10):
        refs = ";".join(f"r{n}" for n in range(start, min(start + 10, rows)))
        lines.append(f"{program.slug},cash,{100 + start % 900}.50,{today},Invoice {start // 10},{refs}")
    compensations = ("\n".join(lines) + "\n").encode()
    return contributions, compensations


def new_artist(program: Program, number: int) -> Artist:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=f"bench{number}", password="bench-password-1")
    artist = Artist.objects.create(user=user, handle=f"bench_{number}")
    enrol_artist(program=program, artist=artist, granted_on=program.opened_on)
    return artist


def timed(call):
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=10_000)
    options = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        organization = Organization.objects.create(name="Bench Org", slug="bench-org")
        program = Program.objects.create(
            name="Bench Program",
            slug="bench-program",
            organization=organization,
            status=Program.Status.ACTIVE,
            opened_on=timezone.localdate() - dt.timedelta(days=400),
        )
        contributions, compensations = build_files(program, options.rows)
        print(
            f"Python {platform.python_version()}, Django {django.get_version()}, "
            f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 100}, {platform.machine()}"
        )
        print(
            f"Files: {options.rows:,} contribution rows ({len(contributions) / 1024:,.0f} KiB), "
            f"{-(-options.rows // 10):,} compensation rows ({len(compensations) / 1024:,.0f} KiB), "
            f"{options.rows:,} allocations"
        )
        figures: dict[str, list[float]] = {"preview": [], "commit": [], "web upload": [], "web confirm": []}
        for run in range(options.runs):
            artist = new_artist(program, 2 * run)
            files = {
                "contributions": CsvFile("contributions.csv", contributions),
                "compensations": CsvFile("compensations.csv", compensations),
            }
            seconds, preview = timed(lambda artist=artist, files=files: preview_import(artist=artist, **files))
            assert preview.is_valid, preview.errors[:5]
            figures["preview"].append(seconds)
            seconds, _ = timed(lambda artist=artist, files=files: import_ledger(artist=artist, **files))
            figures["commit"].append(seconds)

            client = Client()
            client.force_login(new_artist(program, 2 * run + 1).user)
            uploads = {
                "contributions": SimpleUploadedFile("contributions.csv", contributions, "text/csv"),
                "compensations": SimpleUploadedFile("compensations.csv", compensations, "text/csv"),
            }
            seconds, response = timed(lambda client=client, uploads=uploads: client.post(reverse("import"), uploads))
            assert f"Import {options.rows} contributions".encode() in response.content
            figures["web upload"].append(seconds)
            token = response.content.decode().split('name="token" value="')[1].split('"')[0]
            seconds, response = timed(
                lambda client=client, token=token: client.post(reverse("import-confirm"), {"token": token})
            )
            assert response.status_code == 302, response.status_code
            figures["web confirm"].append(seconds)

        expected = 2 * options.runs * options.rows
        assert Contribution.objects.count() == expected, Contribution.objects.count()
        assert CompensationAllocation.objects.count() == expected
        print(
            f"Written: {Contribution.objects.count():,} contributions, {Compensation.objects.count():,} "
            f"compensations, {CompensationAllocation.objects.count():,} allocations over {options.runs} runs x 2"
        )
        for name, values in figures.items():
            print(
                f"  {name:<12} median {statistics.median(values):6.2f} s   "
                f"(runs: {', '.join(f'{v:.2f}' for v in values)})"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
