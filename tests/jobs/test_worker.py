"""The flag scan on a real Celery worker (a subprocess) over Redis, as it runs in production.

A scan enqueued from this process runs in the worker and its flags appear; a worker killed
in the middle of writing flags leaves none half-written, and the next run completes.
"""

import datetime as dt
import time
from decimal import Decimal

import psycopg
import pytest
from celery.result import AsyncResult
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from feedback.models import Compensation, Contribution
from feedback.services import log_contribution, record_compensation
from programs.models import AccessEvent
from programs.services import revoke_many
from tests import factories
from tests.jobs.conftest import Worker, worker_backends
from tracker.flags import sync_rule
from tracker.models import Flag, JobRun
from tracker.tasks import scan_flags

# redis_client first, so the tests skip (or fail) before a test database is set up.
pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("redis_client")]

RESULT_TIMEOUT = 60
WAIT_TIMEOUT = 30
PROMOTION = Flag.Kind.UNCOMPENSATED_PROMOTION


def wait_for_result(result: AsyncResult, worker: Worker) -> dict:
    try:
        summary = result.get(timeout=RESULT_TIMEOUT)
    except Exception as error:
        pytest.fail(f"The scan did not complete on the worker: {type(error).__name__}: {error}\n{worker.log()}")
    result.forget()
    return summary


def wait_until(condition, *, what: str, worker: Worker):
    deadline = time.monotonic() + WAIT_TIMEOUT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"Gave up after {WAIT_TIMEOUT} s waiting until {what}.\n{worker.log()}")


def backend_waiting_for_a_lock(application_name: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND wait_event_type = 'Lock'",
            [application_name],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def open_flag_insert_must_wait(*, program, subject_key: str) -> bool:
    """Whether another transaction holds an uncommitted open flag with this subject.

    The one-open-flag index makes an insert of the same subject wait for that transaction;
    the probe gives up after a moment and leaves nothing behind either way.
    """
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")
            Flag.objects.create(
                kind=PROMOTION, severity=Flag.Severity.MEDIUM, program=program, subject_key=subject_key, message="probe"
            )
            transaction.set_rollback(True)
    except OperationalError as error:
        if isinstance(error.__cause__, psycopg.errors.LockNotAvailable):
            return True
        raise
    return False


def rule_lock_is_free(kind: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [f"tracker.flags.{kind}"])
        return cursor.fetchone()[0]


def requested_promotion(enrollment, *, occurred_on: dt.date) -> Contribution:
    return log_contribution(
        enrollment=enrollment,
        kind=Contribution.Kind.PROMOTION,
        title="Launch-day stream the program asked for",
        hours_spent=Decimal("3.00"),
        occurred_on=occurred_on,
        requested_by_program=True,
    )


def defined_terms_program():
    return factories.ProgramFactory(
        responsible_use_definition="Only for the artist's own work.",
        confidential_content_definition="Anything not yet announced.",
    )


def test_scan_enqueued_by_the_app_runs_on_the_worker_and_raises_flags(start_worker, transactional_db):
    today = timezone.localdate()
    program = defined_terms_program()
    # Past due (30 days of terms): both the promotion and the unpaid-feedback rule find it.
    promotion = requested_promotion(
        factories.EnrollmentFactory(program=program), occurred_on=today - dt.timedelta(days=40)
    )
    revoked = factories.EnrollmentFactory(program=program)
    revoke_many(enrollments=[revoked], occurred_at=timezone.now() - dt.timedelta(hours=1), reason="")
    revocation = AccessEvent.objects.get(enrollment=revoked, kind=AccessEvent.Kind.REVOKED)
    worker = start_worker()

    summary = wait_for_result(scan_flags.apply_async(queue=worker.queue), worker)

    run = JobRun.objects.get()
    assert summary == {"job_run": run.pk, "rule": "all", "raised": 3, "resolved": 0}
    assert (run.status, run.trigger, run.raised) == (JobRun.Status.SUCCEEDED, "schedule", 3)
    assert run.finished_at is not None
    assert set(Flag.objects.filter(resolved_at=None).values_list("kind", "subject_key")) == {
        (PROMOTION, f"contribution:{promotion.pk}"),
        (Flag.Kind.UNPAID_FEEDBACK, f"contribution:{promotion.pk}"),
        (Flag.Kind.REVOKED_WITHOUT_REASON, f"accessevent:{revocation.pk}"),
    }


def test_worker_killed_mid_scan_leaves_no_half_written_flags_and_next_run_completes(start_worker, transactional_db):
    today = timezone.localdate()
    program = defined_terms_program()
    enrollment = factories.EnrollmentFactory(program=program)
    # A flag whose condition has cleared (the promotion was paid after it was raised) …
    paid = requested_promotion(enrollment, occurred_on=today - dt.timedelta(days=42))
    sync_rule(PROMOTION)
    record_compensation(
        enrollment=enrollment, kind=Compensation.Kind.CASH, amount=Decimal("150"), paid_on=today, contributions=[paid]
    )
    stale = Flag.objects.get(kind=PROMOTION, subject_key=f"contribution:{paid.pk}", resolved_at=None)
    # … and a new finding the next scan raises, in the same statement that resolves the old one.
    unpaid = requested_promotion(enrollment, occurred_on=today - dt.timedelta(days=40))
    new_subject = f"contribution:{unpaid.pk}"
    worker = start_worker()
    database = connection.settings_dict

    # Lock the stale flag's row, so the worker's statement inserts the new flag, then
    # blocks on this row before it can resolve it and commit.
    with psycopg.connect(
        dbname=database["NAME"],
        user=database["USER"],
        password=database["PASSWORD"] or None,
        host=database["HOST"] or None,
        port=database["PORT"] or None,
    ) as row_lock:
        row_lock.execute("SELECT id FROM tracker_flag WHERE id = %s FOR UPDATE", [stale.pk])
        scan_flags.apply_async(kwargs={"rule": PROMOTION}, queue=worker.queue)
        killed_backend = wait_until(
            lambda: backend_waiting_for_a_lock(worker.application_name),
            what="the worker's scan is blocked on the locked flag",
            worker=worker,
        )
        assert open_flag_insert_must_wait(program=program, subject_key=new_subject), (
            "The worker's statement should already hold its new flag, uncommitted, when it blocks.\n" + worker.log()
        )
        worker.kill()
        row_lock.rollback()

    wait_until(
        lambda: killed_backend not in worker_backends(worker.application_name),
        what="the killed worker's database session ends",
        worker=worker,
    )
    assert not Flag.objects.filter(kind=PROMOTION, subject_key=new_subject).exists()
    assert Flag.objects.get(pk=stale.pk).resolved_at is None
    killed_run = JobRun.objects.get()
    assert (killed_run.rule, killed_run.status, killed_run.finished_at) == (PROMOTION, JobRun.Status.RUNNING, None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s", [killed_backend])
        assert cursor.fetchone()[0] == 0
    assert rule_lock_is_free(PROMOTION)
    assert not open_flag_insert_must_wait(program=program, subject_key=new_subject)

    # The killed run's message (acks_late) would come back only after Redis's visibility
    # timeout of an hour; the next run is enqueued here, as the schedule would.
    fresh_worker = start_worker()
    rerun = scan_flags.apply_async(kwargs={"rule": PROMOTION}, queue=fresh_worker.queue)
    summary = wait_for_result(rerun, fresh_worker)

    next_run = JobRun.objects.exclude(pk=killed_run.pk).get()
    assert summary == {"job_run": next_run.pk, "rule": PROMOTION, "raised": 1, "resolved": 1}
    assert next_run.status == JobRun.Status.SUCCEEDED
    assert [flag.is_open for flag in Flag.objects.filter(kind=PROMOTION, subject_key=new_subject)] == [True]
    assert Flag.objects.get(pk=stale.pk).resolved_at is not None
    assert JobRun.objects.get(pk=killed_run.pk).status == JobRun.Status.RUNNING
