"""An artist with every kind of record the export holds, and helpers to read an export zip."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

from django.utils import timezone

from artists.exports import TABLES
from artists.services import record_decision, update_profile
from feedback.models import Contribution
from feedback.services import record_compensation
from programs.services import reinstate_access, revoke_access, suspend_access
from tests import factories

PASSWORD = "correct-horse-battery"


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def moment(days: int, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(days_ago(days), dt.time(hour, 15), tzinfo=dt.UTC)


def artist_with_everything():
    """Three programs (two currencies); access suspended and reinstated, and revoked with a
    reason and notice; contributions of several kinds; works with decisions; cash and credits
    allocated in part."""
    artist = factories.ArtistFactory()
    update_profile(
        artist=artist,
        handle=artist.handle,
        public_name="Ada Pixel",
        disciplines=["animation", "illustration"],
        country="FR",
    )
    video = factories.ProgramFactory(slug="video-preview", name="Video Preview", currency="USD")
    sound = factories.ProgramFactory(slug="sound-lab", name="Sound Lab", currency="EUR")
    quiet = factories.ProgramFactory(slug="quiet-beta", name="Quiet Beta", currency="USD")
    in_video = factories.EnrollmentFactory(artist=artist, program=video, granted_on=days_ago(200))
    in_sound = factories.EnrollmentFactory(artist=artist, program=sound, granted_on=days_ago(150))
    factories.EnrollmentFactory(artist=artist, program=quiet, granted_on=days_ago(100))
    suspend_access(enrollment=in_video, occurred_at=moment(90), reason="Policy review", notice_days=0)
    reinstate_access(enrollment=in_video, occurred_at=moment(80))
    revoke_access(enrollment=in_sound, occurred_at=moment(20), reason="Program paused", notice_days=3)

    def contribution(enrollment, kind, hours, days, **extra):
        return Contribution.objects.create(
            enrollment=enrollment,
            kind=kind,
            title=f"{kind} {days}",
            hours_spent=Decimal(hours),
            occurred_on=days_ago(days),
            **extra,
        )

    call = contribution(in_video, "feedback_session", "1.50", 120, description="Camera tests; three crashes")
    # Text a spreadsheet would run as a formula: the export quotes it, the import unquotes it.
    bug = contribution(in_video, "bug_report", "0.75", 60, description="-5 fps at night; @team knows")
    promo = contribution(in_video, "promotion", "4.00", 60, requested_by_program=True)
    # Logged later but happened earlier: ids and dates in different orders.
    contribution(in_video, "exploration", "2.25", 150)
    mix = contribution(in_sound, "interview", "3.00", 40)
    contribution(in_sound, "survey", "0.50", 30)

    record_compensation(
        enrollment=in_video,
        kind="cash",
        amount=Decimal("150.00"),
        paid_on=days_ago(50),
        allocations={call.pk: Decimal("40.00"), promo.pk: Decimal("70.50")},
        note="=March invoice",
    )
    record_compensation(
        enrollment=in_video, kind="credits", amount=Decimal("25.00"), paid_on=days_ago(45), contributions=[bug]
    )
    record_compensation(
        enrollment=in_sound, kind="cash", amount=Decimal("30.00"), paid_on=days_ago(35), contributions=[mix]
    )
    record_compensation(enrollment=in_sound, kind="gift", amount=Decimal("0.00"), paid_on=days_ago(25))

    shown = factories.WorkFactory(enrollment=in_video, title="Harbour at dusk", submitted_at=moment(70))
    record_decision(work=shown, outcome="changes_requested", decided_at=moment(68), reason="Shorter, please")
    record_decision(work=shown, outcome="showcased", decided_at=moment(60))
    rejected = factories.WorkFactory(enrollment=in_sound, title="Rain loop", medium="audio", submitted_at=moment(45))
    record_decision(work=rejected, outcome="rejected", decided_at=moment(44), reason="")
    factories.WorkFactory(enrollment=in_video, title="Still waiting", submitted_at=moment(5), description="Draft")
    return artist


def tables_of(archive: bytes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        return {
            name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(zipped.read(name).decode("utf-8"))))
            for name in zipped.namelist()
        }


def zip_of(tables: dict[str, list[dict[str, str]]], *, extra_columns: dict[str, dict[str, str]] | None = None) -> bytes:
    """An export zip with these rows (columns from the rows, plus `extra_columns` per table)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for table, rows in tables.items():
            extra = (extra_columns or {}).get(table, {})
            rows = [{**row, **extra} for row in rows]
            text = io.StringIO()
            fields = list(rows[0]) if rows else TABLES[table]
            writer = csv.DictWriter(text, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            zipped.writestr(f"{table}.csv", text.getvalue())
    return buffer.getvalue()
