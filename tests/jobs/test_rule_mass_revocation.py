"""mass_revocation: a program revokes at least max(10, 25 % of its active testers)
enrollments within 24 hours (settings MASS_REVOCATION_*).

Both limbs of the threshold are shown: a small program needs ten revocations however large
their share; a large one needs a quarter of its testers however many that is. The window is
inclusive: revocations exactly 24 hours apart are within 24 hours.
"""

import datetime as dt
from decimal import Decimal

import pytest

from programs.services import delete_enrollment, enrol_artist, revoke_access, revoke_many, suspend_access
from tests import factories
from tests.jobs.helpers import NOW, at, flag_table, make_program, make_testers, only_open_flag, scan
from tracker.models import Flag

pytestmark = pytest.mark.django_db

KIND = "mass_revocation"
SPIKE = at("2026-05-10", "09:00")
HOUR = dt.timedelta(hours=1)


def program_with_testers(count: int):
    program = make_program()
    return program, make_testers(program, count)


def revoke_one_by_one(testers, start: dt.datetime, every: dt.timedelta, reason: str = "") -> None:
    for i, tester in enumerate(testers):
        revoke_access(enrollment=tester, occurred_at=start + i * every, reason=reason)


# The minimum: ten, in a small program.


def test_nine_of_twelve_testers_revoked_in_a_day_is_below_the_minimum_of_ten():
    _, testers = program_with_testers(12)
    revoke_many(enrollments=testers[:9], occurred_at=SPIKE)

    assert scan(KIND, NOW) == (0, 0)


def test_ten_of_twelve_testers_revoked_in_a_day_raises_a_flag():
    program, testers = program_with_testers(12)
    revoke_many(enrollments=testers[:10], occurred_at=SPIKE)

    assert scan(KIND, NOW) == (1, 0)

    flag = only_open_flag(KIND)
    assert (flag.program, flag.artist, flag.subject_key) == (program, None, f"revocations:{program.pk}:2026-05-10")
    assert flag.severity == Flag.Severity.HIGH
    assert flag.message == (
        "10 testers lost access within 24 hours from 2026-05-10 09:00 UTC "
        "(12 had access just before; 10 given no reason)."
    )
    assert {key: flag.details[key] for key in ("revoked", "active_before", "without_reason")} == {
        "revoked": 10,
        "active_before": 12,
        "without_reason": 10,
    }
    assert dt.datetime.fromisoformat(flag.details["started_at"]) == SPIKE


# The share: a quarter, in a large program.


def test_fourteen_of_sixty_testers_revoked_in_a_day_is_below_a_quarter():
    _, testers = program_with_testers(60)
    revoke_many(enrollments=testers[:14], occurred_at=SPIKE)

    assert scan(KIND, NOW) == (0, 0)


def test_fifteen_of_sixty_testers_revoked_in_a_day_is_a_quarter_and_raises_a_flag():
    _, testers = program_with_testers(60)
    revoke_many(enrollments=testers[:15], occurred_at=SPIKE)

    assert scan(KIND, NOW) == (1, 0)

    flag = only_open_flag(KIND)
    assert (flag.details["revoked"], flag.details["active_before"]) == (15, 60)


def test_only_testers_with_access_count_towards_the_share():
    program, testers = program_with_testers(40)
    # Invited but never granted, and suspended: neither has access, so a quarter is still 10.
    for _ in range(30):
        enrol_artist(program=program, artist=factories.ArtistFactory(), invited_at=at("2026-02-01"))
    for tester in make_testers(program, 5):
        suspend_access(enrollment=tester, occurred_at=at("2026-03-01"))
    revoke_many(enrollments=testers[:10], occurred_at=SPIKE)

    assert scan(KIND, NOW) == (1, 0)

    assert only_open_flag(KIND).details["active_before"] == 40


# The window: 24 hours, both ends included.


def test_revocations_spread_over_the_day_count_together():
    _, testers = program_with_testers(60)
    revoke_one_by_one(testers[:15], SPIKE, every=dt.timedelta(minutes=90))  # the last 21 h after the first

    assert scan(KIND, NOW) == (1, 0)
    assert only_open_flag(KIND).details["revoked"] == 15


def test_fifteen_revocations_spread_over_thirty_hours_are_not_a_mass_revocation():
    _, testers = program_with_testers(60)
    # One every two hours: 28 hours from first to last, and no 24 hours hold more than 13.
    revoke_one_by_one(testers[:15], SPIKE, every=2 * HOUR)

    assert scan(KIND, NOW) == (0, 0)


def test_revocations_exactly_24_hours_apart_are_within_the_window():
    _, testers = program_with_testers(60)
    revoke_many(enrollments=testers[:8], occurred_at=SPIKE)
    revoke_many(enrollments=testers[8:15], occurred_at=SPIKE + 24 * HOUR)

    assert scan(KIND, NOW) == (1, 0)
    assert only_open_flag(KIND).details["revoked"] == 15


def test_revocations_a_second_more_than_24_hours_apart_are_not():
    _, testers = program_with_testers(60)
    revoke_many(enrollments=testers[:8], occurred_at=SPIKE)
    revoke_many(enrollments=testers[8:15], occurred_at=SPIKE + 24 * HOUR + dt.timedelta(seconds=1))

    assert scan(KIND, NOW) == (0, 0)


def test_revocations_after_the_scans_now_are_not_counted():
    _, testers = program_with_testers(12)
    revoke_many(enrollments=testers[:5], occurred_at=SPIKE)
    revoke_many(enrollments=testers[5:10], occurred_at=SPIKE + HOUR)

    assert scan(KIND, SPIKE + dt.timedelta(minutes=30)) == (0, 0)
    assert scan(KIND, SPIKE + HOUR) == (1, 0)


# One spike, one flag.


def test_one_spike_is_one_flag_though_many_of_its_windows_qualify():
    program, testers = program_with_testers(20)
    # One an hour for twelve hours: the windows starting at the first three all hold ten or more.
    revoke_one_by_one(testers[:12], SPIKE, every=HOUR)

    assert scan(KIND, NOW) == (1, 0)

    flag = only_open_flag(KIND)
    assert flag.subject_key == f"revocations:{program.pk}:2026-05-10"
    assert (flag.details["revoked"], flag.details["active_before"]) == (12, 20)


def test_two_spikes_a_week_apart_are_two_flags():
    program, testers = program_with_testers(30)
    revoke_many(enrollments=testers[:10], occurred_at=SPIKE)
    revoke_many(enrollments=testers[10:20], occurred_at=SPIKE + dt.timedelta(days=7))

    assert scan(KIND, NOW) == (2, 0)

    flags = Flag.objects.filter(kind=KIND).order_by("subject_key")
    assert [f.subject_key for f in flags] == [
        f"revocations:{program.pk}:2026-05-10",
        f"revocations:{program.pk}:2026-05-17",
    ]
    # The second spike is measured against the twenty testers left after the first.
    assert [(f.details["revoked"], f.details["active_before"]) for f in flags] == [(10, 30), (10, 20)]


def test_each_program_is_measured_on_its_own():
    first, first_testers = program_with_testers(12)
    second, second_testers = program_with_testers(12)
    # Ten revocations at once, but split across two programs.
    revoke_many(enrollments=first_testers[:5] + second_testers[:5], occurred_at=SPIKE)

    assert scan(KIND, NOW) == (0, 0)


def test_a_spike_that_goes_on_keeps_its_one_flag():
    _, testers = program_with_testers(60)
    revoke_many(enrollments=testers[:15], occurred_at=SPIKE)
    scan(KIND, SPIKE + HOUR)
    first = flag_table()

    # The program keeps going the next day: 5 more within 24 hours of the first wave, then 20.
    revoke_many(enrollments=testers[15:20], occurred_at=SPIKE + 23 * HOUR)
    revoke_many(enrollments=testers[20:40], occurred_at=SPIKE + 35 * HOUR)

    assert scan(KIND, NOW) == (0, 0)
    assert flag_table() == first


def test_a_spike_over_two_days_is_named_by_its_first_day_and_described_by_its_busiest_24_hours():
    program, testers = program_with_testers(60)
    revoke_many(enrollments=testers[:15], occurred_at=SPIKE)
    revoke_many(enrollments=testers[15:20], occurred_at=SPIKE + 23 * HOUR)
    revoke_many(enrollments=testers[20:40], occurred_at=SPIKE + 35 * HOUR)

    assert scan(KIND, NOW) == (1, 0)

    flag = only_open_flag(KIND)
    assert flag.subject_key == f"revocations:{program.pk}:2026-05-10"
    assert (flag.details["revoked"], flag.details["active_before"]) == (25, 45)
    assert flag.message.startswith("25 testers lost access within 24 hours from 2026-05-11 08:00 UTC")


# What the flag says.


def test_the_flag_counts_revocations_given_no_reason():
    _, testers = program_with_testers(60)
    revoke_many(enrollments=testers[:10], occurred_at=SPIKE, reason="Program paused.")
    revoke_many(enrollments=testers[10:16], occurred_at=SPIKE + HOUR)

    assert scan(KIND, NOW) == (1, 0)

    flag = only_open_flag(KIND)
    assert {key: flag.details[key] for key in ("revoked", "active_before", "without_reason")} == {
        "revoked": 16,
        "active_before": 60,
        "without_reason": 6,
    }
    assert "16 testers lost access" in flag.message
    assert "60 had access just before; 6 given no reason" in flag.message


def test_the_flag_is_resolved_when_the_revocations_behind_it_are_withdrawn():
    _, testers = program_with_testers(12)
    revoke_many(enrollments=testers[:10], occurred_at=SPIKE)
    scan(KIND, SPIKE + HOUR)
    # An artist removes the program from their ledger: nine revocations are left.
    delete_enrollment(enrollment=testers[0])

    assert scan(KIND, NOW) == (0, 1)

    assert Flag.objects.get(kind=KIND).resolved_at == NOW


def test_a_spike_that_comes_back_after_resolution_is_a_new_flag():
    _, testers = program_with_testers(12)
    revoke_many(enrollments=testers[:10], occurred_at=SPIKE)
    scan(KIND, SPIKE + HOUR)
    delete_enrollment(enrollment=testers[0])
    scan(KIND, SPIKE + 2 * HOUR)
    revoke_access(enrollment=testers[10], occurred_at=SPIKE + 3 * HOUR)

    assert scan(KIND, NOW) == (1, 0)

    resolved, reopened = Flag.objects.filter(kind=KIND).order_by("raised_at")
    assert (resolved.raised_at, resolved.resolved_at) == (SPIKE + HOUR, SPIKE + 2 * HOUR)
    assert (reopened.raised_at, reopened.resolved_at) == (NOW, None)
    assert reopened.subject_key == resolved.subject_key


# The thresholds are settings.


def test_the_minimum_the_share_and_the_window_are_settings(settings):
    settings.MASS_REVOCATION_MIN_TESTERS = 3
    settings.MASS_REVOCATION_SHARE = Decimal("0.5")
    settings.MASS_REVOCATION_WINDOW_HOURS = 2
    _, testers = program_with_testers(8)
    # Four of eight is half; the fourth comes exactly two hours after the first.
    revoke_one_by_one(testers[:3], SPIKE, every=HOUR / 2)
    revoke_access(enrollment=testers[3], occurred_at=SPIKE + 2 * HOUR)

    assert scan(KIND, NOW) == (1, 0)

    flag = only_open_flag(KIND)
    assert (flag.details["revoked"], flag.details["active_before"]) == (4, 8)
    assert "within 2 hours" in flag.message


def test_below_a_share_set_in_settings_raises_nothing(settings):
    settings.MASS_REVOCATION_MIN_TESTERS = 3
    settings.MASS_REVOCATION_SHARE = Decimal("0.5")
    _, testers = program_with_testers(8)
    revoke_many(enrollments=testers[:3], occurred_at=SPIKE)

    assert scan(KIND, NOW) == (0, 0)


# An orderly end: on or after the announced closing date, with a reason and a week's notice.

CLOSING = dt.date(2026, 5, 10)
ORDERLY = {"reason": "The pilot ended on its announced date.", "notice_days": 30}


def closing_program(count: int):
    program = make_program(closed_on=CLOSING)
    return program, make_testers(program, count)


def test_an_orderly_end_on_the_announced_closing_date_is_not_a_mass_revocation():
    _, testers = closing_program(12)
    revoke_many(enrollments=testers, occurred_at=SPIKE, **ORDERLY)

    assert scan(KIND, NOW) == (0, 0)


@pytest.mark.parametrize(
    ("when", "how"),
    [
        # The day before the announced date: not the end that was announced.
        (SPIKE - dt.timedelta(days=1), ORDERLY),
        # On the date, but without notice, or with less than a week's.
        (SPIKE, {"reason": "The pilot ended.", "notice_days": None}),
        (SPIKE, {"reason": "The pilot ended.", "notice_days": 6}),
        # On the date, with notice, but no reason given.
        (SPIKE, {"reason": " ", "notice_days": 30}),
    ],
)
def test_a_wave_that_misses_any_part_of_an_orderly_end_is_still_a_mass_revocation(when, how):
    _, testers = closing_program(12)
    revoke_many(enrollments=testers, occurred_at=when, **how)

    assert scan(KIND, NOW) == (1, 0)


def test_orderly_revocations_do_not_help_a_disorderly_wave_over_the_threshold():
    # Six leave in an orderly way and six without notice on the same day: six is below ten.
    _, testers = closing_program(24)
    revoke_many(enrollments=testers[:6], occurred_at=SPIKE, **ORDERLY)
    revoke_many(enrollments=testers[6:12], occurred_at=SPIKE + HOUR, reason="Closed.")

    assert scan(KIND, NOW) == (0, 0)


def test_an_orderly_end_keeps_the_fair_access_points():
    from tracker.metrics import metrics_for_program

    program, testers = closing_program(12)
    revoke_many(enrollments=testers, occurred_at=SPIKE, **ORDERLY)
    scan(KIND, NOW)

    points = {(p.principle, p.point): p.earned for p in metrics_for_program(program, now=NOW).score_breakdown}

    assert points["fair access", 1] and points["fair access", 2]
