"""Celery tasks: thin doors onto the tracker's jobs.

Every job is idempotent (running it twice changes nothing the second time), so it is
acknowledged late and retried with backoff when the database is briefly unreachable. The
services they call are imported inside each task, as the services enqueue tasks in turn
(a scan that queued webhook deliveries sends them once it has committed).
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError


def job(*, minutes: int):
    """The Celery options of a tracker job that may run for `minutes` (a hard stop one
    minute after the soft limit)."""
    return shared_task(
        acks_late=True,
        autoretry_for=(OperationalError, InterfaceError),
        retry_backoff=True,
        retry_backoff_max=600,
        max_retries=5,
        soft_time_limit=minutes * 60,
        time_limit=(minutes + 1) * 60,
    )


@job(minutes=10)
def scan_flags(rule: str | None = None, trigger: str = "schedule") -> dict:
    """Run one flag rule, or all of them, and return what changed."""
    from tracker.services import run_scan

    run = run_scan(rules=[rule] if rule else None, trigger=trigger)
    return {"job_run": run.pk, "rule": run.rule, "raised": run.raised, "resolved": run.resolved}


@job(minutes=10)
def scan_flags_if_changed() -> dict:
    """Queue a scan of the programs whose records changed, or whose deadlines passed, since
    their last scan (in parts, each a `scan_programs` task)."""
    from tracker.services import scan_if_changed

    return {"programs": scan_if_changed()}


@job(minutes=10)
def scan_programs(bookmarks: list, trigger: str = "schedule") -> dict:
    """Run every rule over some programs ([program, version] pairs) and mark them scanned."""
    from tracker.services import scan_programs as scan

    run = scan([(int(program), int(version)) for program, version in bookmarks], trigger=trigger)
    return {"job_run": run.pk, "programs": len(bookmarks), "raised": run.raised, "resolved": run.resolved}


@job(minutes=5)
def deliver_webhooks() -> dict:
    """Send the webhook deliveries that are due (new flags and retries)."""
    from tracker.webhooks import deliver_due

    report = deliver_due()
    return {"delivered": report.delivered, "failed": report.failed}


@job(minutes=10)
def send_flag_digests() -> dict:
    """Email followers the flags raised on their programs since their last digest."""
    from tracker.digests import send_digests

    return {"emails": send_digests()}
