"""Small worlds for the flag-rule tests, built through the services.

Everything happens in 2026, well before the real clock (the services refuse the future),
and each test passes its own `now` to `sync_rule`, so every date in a test is explicit.
"""

import datetime as dt
from decimal import Decimal

from artists.models import Work
from artists.services import submit_work
from feedback.models import Compensation, Contribution
from feedback.services import log_contribution, record_compensation
from programs.models import Enrollment, Program
from programs.services import enrol_artist
from tests import factories
from tracker.flags import sync_rule
from tracker.models import Flag

OPENED_ON = dt.date(2026, 1, 1)
# The moment most tests scan at.
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def at(day: str, time: str = "12:00:00") -> dt.datetime:
    """A moment in UTC: at("2026-05-10", "09:30")."""
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=dt.UTC)


def on(day: str) -> dt.date:
    return dt.date.fromisoformat(day)


def make_program(**fields) -> Program:
    """An active program that opened on OPENED_ON and has defined its terms, unless told otherwise."""
    fields.setdefault("opened_on", OPENED_ON)
    fields.setdefault("responsible_use_definition", "No deepfakes of real people.")
    fields.setdefault("confidential_content_definition", "Unreleased model outputs.")
    return factories.ProgramFactory(**fields)


def make_tester(
    program: Program,
    *,
    handle: str | None = None,
    granted_on: dt.date = OPENED_ON,
    verification: str = Enrollment.Verification.VERIFIED,
) -> Enrollment:
    """An artist with tester access since `granted_on`, verified unless said otherwise."""
    artist = factories.ArtistFactory(**({"handle": handle} if handle else {}))
    return factories.set_verification(enrol_artist(program=program, artist=artist, granted_on=granted_on), verification)


def make_testers(program: Program, count: int) -> list[Enrollment]:
    return [make_tester(program) for _ in range(count)]


def log_work(
    enrollment: Enrollment,
    occurred_on: dt.date,
    *,
    kind: str = Contribution.Kind.FEEDBACK_SESSION,
    hours: str = "2.00",
    requested_by_program: bool = False,
) -> Contribution:
    """A contribution whose title names the artist, as artists' own titles often do."""
    return log_contribution(
        enrollment=enrollment,
        kind=kind,
        title=f"Session by {enrollment.artist.handle}",
        hours_spent=Decimal(hours),
        occurred_on=occurred_on,
        requested_by_program=requested_by_program,
    )


def pay(
    enrollment: Enrollment,
    contributions: list[Contribution],
    paid_on: dt.date,
    *,
    kind: str = Compensation.Kind.CASH,
    amount: str = "50.00",
) -> Compensation:
    return record_compensation(
        enrollment=enrollment, kind=kind, amount=Decimal(amount), paid_on=paid_on, contributions=contributions
    )


def submit(enrollment: Enrollment, submitted_at: dt.datetime) -> Work:
    return submit_work(enrollment=enrollment, title=f"Clip by {enrollment.artist.handle}", submitted_at=submitted_at)


def open_flags(kind: str):
    return Flag.objects.filter(kind=kind, resolved_at__isnull=True)


def only_open_flag(kind: str) -> Flag:
    """The one open flag of `kind`; fails if there are none or several."""
    flags = list(open_flags(kind))
    assert len(flags) == 1, f"expected one open {kind} flag, found {[f.subject_key for f in flags]}"
    return flags[0]


def flag_table() -> list[tuple]:
    """Every flag, every column, to show that a run changed nothing."""
    return list(
        Flag.objects.order_by("pk").values_list(
            "pk",
            "kind",
            "severity",
            "program_id",
            "subject_key",
            "artist_id",
            "message",
            "details",
            "raised_at",
            "resolved_at",
        )
    )


def scan(kind: str, now: dt.datetime) -> tuple[int, int]:
    """Run one rule at `now`; return (raised, resolved)."""
    result = sync_rule(kind, now=now)
    return result.raised, result.resolved
