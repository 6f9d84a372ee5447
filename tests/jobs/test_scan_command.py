"""The doors onto the flag scan: run_scan and its JobRun record, the scan_flags command, the
Celery task and the beat schedule that runs every rule at least hourly."""

import datetime as dt
from io import StringIO

import pytest
from celery.schedules import crontab, schedule
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DataError

from feedback.models import Contribution
from programs.services import revoke_many
from tests.jobs.helpers import at, log_work, make_program, make_tester, make_testers, on, pay
from tracker import flags, tasks
from tracker.models import Flag, JobRun
from tracker.services import run_scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two findings at the real clock's now: one unpaid contribution and a program with undefined terms."""
    tester = make_tester(make_program(responsible_use_definition=""))
    contribution = log_work(tester, on("2026-03-01"))
    return tester, contribution


def mass_revocation_world():
    testers = make_testers(make_program(), 12)
    revoke_many(enrollments=testers[:10], occurred_at=at("2026-05-10", "09:00"))


def kinds_flagged() -> set[str]:
    return set(Flag.objects.values_list("kind", flat=True))


# run_scan and its record.


def test_a_scan_runs_every_rule_and_records_a_finished_run(world):
    run = run_scan(trigger="admin")

    run.refresh_from_db()
    assert (run.rule, run.trigger, run.status) == ("all", "admin", JobRun.Status.SUCCEEDED)
    assert (run.raised, run.resolved, run.error) == (2, 0, "")
    assert run.started_at <= run.finished_at
    assert kinds_flagged() == {"unpaid_feedback", "undefined_terms"}
    assert Flag.objects.filter(raised_at__gte=run.started_at, raised_at__lte=run.finished_at).count() == 2


def test_a_runs_totals_add_up_what_each_rule_raised(world):
    tester, _ = world
    # Unpaid past the terms and requested promotion: two rules flag it.
    log_work(tester, on("2026-05-01"), kind=Contribution.Kind.PROMOTION, requested_by_program=True)

    run = run_scan()

    assert run.raised == Flag.objects.count() == 4
    assert kinds_flagged() == {"unpaid_feedback", "uncompensated_promotion", "undefined_terms"}


def test_a_second_scan_records_a_run_that_changed_nothing(world):
    run_scan()

    second = run_scan()

    assert (second.status, second.raised, second.resolved) == (JobRun.Status.SUCCEEDED, 0, 0)
    assert JobRun.objects.count() == 2
    assert Flag.objects.count() == 2


def test_a_scan_after_payment_records_the_resolved_flag(world):
    tester, contribution = world
    run_scan()
    pay(tester, [contribution], on("2026-04-01"))

    run = run_scan()

    assert (run.raised, run.resolved) == (0, 1)
    resolved = Flag.objects.get(kind="unpaid_feedback")
    assert run.started_at <= resolved.resolved_at <= run.finished_at


def test_a_scan_of_one_rule_runs_only_that_rule(world):
    run = run_scan(rules=["unpaid_feedback"], trigger="api")

    assert (run.rule, run.trigger, run.raised) == ("unpaid_feedback", "api", 1)
    assert kinds_flagged() == {"unpaid_feedback"}


def test_a_scan_of_an_unknown_rule_is_refused_before_anything_runs(world):
    with pytest.raises(ValueError, match="Unknown rule nope"):
        run_scan(rules=["unpaid_feedback", "nope"])

    assert not JobRun.objects.exists()
    assert not Flag.objects.exists()


def broken_rule(now: dt.datetime) -> tuple[str, dict]:
    """Candidates that fail part-way through: a division by zero for every program."""
    return (
        "SELECT id AS flag_program, 'program:' || id AS flag_subject, NULL::bigint AS flag_artist, "
        "'Broken.' AS flag_message, jsonb_build_object('ratio', 1 / (id - id)) AS flag_details, "
        "NULL::date AS flag_occurred_on, NULL::date AS flag_due_on FROM programs_program",
        {},
    )


def test_a_failing_rule_records_a_failed_run_with_the_error_and_raises_it(world, monkeypatch):
    monkeypatch.setitem(flags.RULES, "approval_overdue", broken_rule)

    with pytest.raises(DataError, match="division by zero"):
        run_scan()

    run = JobRun.objects.get()
    assert run.status == JobRun.Status.FAILED
    assert run.error.startswith("DataError: division by zero")
    assert run.finished_at is not None
    # The rules before it committed their flags and the run counted them.
    assert run.raised == 1
    assert kinds_flagged() == {"unpaid_feedback"}


def test_a_failing_rule_leaves_no_flags_of_its_own(world, monkeypatch):
    monkeypatch.setitem(flags.RULES, "undefined_terms", broken_rule)

    with pytest.raises(DataError):
        run_scan(rules=["undefined_terms"])

    assert not Flag.objects.filter(kind="undefined_terms").exists()
    assert JobRun.objects.get().status == JobRun.Status.FAILED


def test_a_failing_rule_leaves_its_earlier_flags_as_they_were(world, monkeypatch):
    run_scan(rules=["undefined_terms"])
    before = list(Flag.objects.values_list("pk", "resolved_at"))
    monkeypatch.setitem(flags.RULES, "undefined_terms", broken_rule)

    with pytest.raises(DataError):
        run_scan(rules=["undefined_terms"])

    # Not resolved by the half-run: the rule's one statement was undone whole.
    assert list(Flag.objects.values_list("pk", "resolved_at")) == before


# The management command.


def scan_flags(*args) -> str:
    out = StringIO()
    call_command("scan_flags", *args, stdout=out)
    return out.getvalue()


def test_the_command_runs_every_rule_and_prints_what_changed(world):
    output = scan_flags()

    run = JobRun.objects.get()
    assert output.strip() == f"Scan all: 2 flags raised, 0 resolved (run {run.pk})."
    assert (run.rule, run.trigger, run.status) == ("all", "command", JobRun.Status.SUCCEEDED)


def test_the_command_run_twice_raises_nothing_the_second_time(world):
    scan_flags()

    output = scan_flags()

    assert "0 flags raised, 0 resolved" in output


def test_the_command_can_run_one_rule(world):
    mass_revocation_world()

    output = scan_flags("--rule", "mass_revocation")

    run = JobRun.objects.get()
    assert output.strip() == f"Scan mass_revocation: 1 flags raised, 0 resolved (run {run.pk})."
    assert run.rule == "mass_revocation"
    assert kinds_flagged() == {"mass_revocation"}


def test_the_command_refuses_an_unknown_rule(world):
    with pytest.raises(CommandError, match="invalid choice: 'nope'"):
        scan_flags("--rule", "nope")

    assert not JobRun.objects.exists()
    assert not Flag.objects.exists()


# The Celery task and the schedule.


def test_the_task_runs_a_rule_and_returns_a_summary(world):
    summary = tasks.scan_flags.apply(kwargs={"rule": "unpaid_feedback"}).get()

    run = JobRun.objects.get()
    assert summary == {"job_run": run.pk, "rule": "unpaid_feedback", "raised": 1, "resolved": 0}
    assert run.trigger == "schedule"


def test_the_task_runs_every_rule_by_default(world):
    summary = tasks.scan_flags.apply().get()

    assert (summary["rule"], summary["raised"]) == ("all", 2)


EVERY_HOUR, EVERY_DAY = set(range(24)), set(range(7))


def fires_at_least_hourly(when) -> bool:
    if isinstance(when, crontab):
        return (
            bool(when.minute)
            and when.hour == EVERY_HOUR
            and when.day_of_week == EVERY_DAY
            and when.day_of_month == set(range(1, 32))
            and when.month_of_year == set(range(1, 13))
        )
    if isinstance(when, schedule):
        when = when.run_every
    if isinstance(when, int | float):
        when = dt.timedelta(seconds=when)
    return when <= dt.timedelta(hours=1)


def test_the_beat_schedule_runs_every_rule_at_least_hourly():
    hourly = {}
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        if entry["task"] != tasks.scan_flags.name:
            continue
        rule = entry.get("kwargs", {}).get("rule")
        assert rule is None or rule in flags.RULES, f"{name} names an unknown rule {rule!r}"
        for kind in [rule] if rule else flags.RULES:
            hourly[kind] = hourly.get(kind, False) or fires_at_least_hourly(entry["schedule"])

    assert hourly == dict.fromkeys(flags.RULES, True)
