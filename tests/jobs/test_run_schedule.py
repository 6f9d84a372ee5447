"""The beat schedule without a broker (`manage.py run_schedule`, started by `make run` on the
embedded default): every scheduled job runs in process when it comes due."""

import io

import pytest
from django.core.management import call_command

from tests.jobs.helpers import log_work, make_program, make_tester, on
from tracker.models import Flag, JobRun

pytestmark = pytest.mark.django_db


def test_every_scheduled_job_runs_in_process_without_a_broker():
    program = make_program(opened_on=on("2025-01-01"))
    log_work(make_tester(program), on("2025-02-01"), hours="2.00")  # unpaid long past its terms
    out = io.StringIO()

    call_command("run_schedule", "--iterations=1", "--run-all-now", stdout=out)

    # One run per rule entry and one of every rule (data changed since no scan), each scheduled.
    assert JobRun.objects.filter(trigger="schedule").count() == 9
    assert Flag.objects.filter(kind="unpaid_feedback", program=program).exists()
    text = out.getvalue()
    assert "Running 12 scheduled jobs in process" in text
    assert "scan-unpaid-feedback" in text and "deliver-webhooks" in text and "send-flag-digests" in text
    assert "send-weekly-reminders" in text


def test_a_job_runs_only_when_it_comes_due():
    call_command("run_schedule", "--iterations=1", stdout=io.StringIO())

    # Started just now: the hourly scans are not due yet.
    assert not JobRun.objects.exists()


def test_a_write_is_scanned_within_a_minute_and_nothing_is_scanned_twice():
    from tracker.services import scan_if_changed

    program = make_program(opened_on=on("2025-01-01"))
    other = make_program(name="Other", slug="other", opened_on=on("2025-01-01"))
    tester = make_tester(program)

    assert scan_if_changed() == 2  # never scanned here: everything is new
    assert scan_if_changed() == 0  # nothing changed since

    log_work(tester, on("2025-02-01"), hours="2.00")  # an artist logs work long unpaid
    runs = JobRun.objects.count()

    # Only the program written to is scanned again, by every rule.
    assert scan_if_changed() == 1
    run = JobRun.objects.order_by("-id").first()
    assert JobRun.objects.count() == runs + 1 and run.rule == "all"
    assert Flag.objects.filter(kind="unpaid_feedback", program=program, resolved_at__isnull=True).exists()
    assert scan_if_changed() == 0
    assert other.pk not in [f.program_id for f in Flag.objects.all()]
