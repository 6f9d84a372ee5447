"""Celery tasks of the artists app: thin doors onto artists.reminders."""

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(
    acks_late=True,
    # A database blip, or a mail server that did not answer (smtplib's errors are OSErrors):
    # artists already emailed are recorded, so a retry sends only to the others.
    autoretry_for=(OperationalError, InterfaceError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
)
def send_weekly_reminders(week: str | None = None) -> dict:
    """Email this week's reminders (or those of `week`, such as "2026-W48")."""
    from artists.reminders import parse_week, send_reminders

    return {"emails": len(send_reminders(week=parse_week(week) if week else None))}
