"""Celery tasks: thin doors onto tracker.services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from tracker.digests import send_digests
from tracker.services import run_scan
from tracker.webhooks import deliver_due


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
)
def scan_flags(rule: str | None = None, trigger: str = "schedule") -> dict:
    """Run one flag rule, or all of them, and return what changed."""
    run = run_scan(rules=[rule] if rule else None, trigger=trigger)
    return {"job_run": run.pk, "rule": run.rule, "raised": run.raised, "resolved": run.resolved}


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
)
def deliver_webhooks() -> dict:
    """Send the webhook deliveries that are due (new flags and retries)."""
    report = deliver_due()
    return {"delivered": report.delivered, "failed": report.failed}


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
)
def send_flag_digests() -> dict:
    """Email followers the flags raised on their programs since their last digest."""
    return {"emails": send_digests()}
