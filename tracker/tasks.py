"""Celery tasks: thin doors onto tracker.services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from tracker.services import run_scan


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
