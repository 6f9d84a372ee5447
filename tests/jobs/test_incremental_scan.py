"""The scan on change looks only at programs whose records changed, or whose deadlines may
have passed, since their last scan (tracker.services.scan_if_changed), and a scan over some
programs never raises or resolves another program's flags."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.jobs.helpers import log_work, make_program, make_tester, on, open_flags, submit
from tracker.flags import sync_rule
from tracker.models import ProgramChange
from tracker.services import changed_programs, run_scan, scan_if_changed

pytestmark = pytest.mark.django_db


def scanned(*programs) -> None:
    """Everything is scanned now."""
    run_scan(trigger="command")
    assert [p for p, _ in changed_programs()] == [], programs


def test_a_new_day_brings_every_program_back(settings):
    program = make_program(opened_on=on("2025-01-01"))
    scanned(program)
    ProgramChange.objects.update(scanned_at=timezone.now() - dt.timedelta(days=1))

    assert [p for p, _ in changed_programs()] == [program.pk]


def test_an_approval_deadline_passing_brings_its_program_back():
    program = make_program(opened_on=on("2025-01-01"), approval_sla_days=3)
    quiet = make_program(name="Quiet", slug="quiet", opened_on=on("2025-01-01"))
    tester = make_tester(program)
    now = timezone.now()
    submit(tester, now - dt.timedelta(days=3) + dt.timedelta(minutes=1))  # due in a minute
    scanned(program, quiet)
    assert changed_programs(now) == []

    later = now + dt.timedelta(minutes=2)  # the deadline passed, nothing was written
    assert [p for p, _ in changed_programs(later)] == [program.pk]


def test_a_scan_over_one_program_leaves_the_others_flags_alone():
    mine = make_program(opened_on=on("2025-01-01"))
    other = make_program(name="Other", slug="other", opened_on=on("2025-01-01"))
    log_work(make_tester(mine), on("2025-02-01"), hours="1.00")
    log_work(make_tester(other), on("2025-02-01"), hours="1.00")

    result = sync_rule("unpaid_feedback", programs=[mine.pk])

    assert result.raised == 1
    assert {f.program_id for f in open_flags("unpaid_feedback")} == {mine.pk}
    # And resolving: the other program's flag, once raised, is not resolved by a scan of mine.
    sync_rule("unpaid_feedback", programs=[other.pk])
    assert sync_rule("unpaid_feedback", programs=[mine.pk]).resolved == 0
    assert {f.program_id for f in open_flags("unpaid_feedback")} == {mine.pk, other.pk}


def test_a_write_during_a_scan_is_scanned_next_time():
    program = make_program(opened_on=on("2025-01-01"))
    tester = make_tester(program)
    chosen = changed_programs()
    log_work(tester, on("2025-02-01"), hours="1.00")  # lands after the scan chose its programs

    from tracker.services import scan_programs

    scan_programs(chosen)
    assert [p for p, _ in changed_programs()] == [program.pk]
    assert scan_if_changed() == 1
    assert changed_programs() == []


def test_a_program_loaded_with_triggers_off_is_scanned_as_new():
    program = make_program(opened_on=on("2025-01-01"))
    log_work(make_tester(program), on("2025-02-01"), hours="1.00")
    ProgramChange.objects.all().delete()  # as after a bulk load that bypassed the triggers

    assert scan_if_changed() == 1
    assert open_flags("unpaid_feedback").filter(program=program).exists()
    assert changed_programs() == []
