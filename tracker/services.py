"""Writes the tracker makes: running the flag scan and recording each run."""

import logging
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from config.resilience import enqueue
from tracker.cache import data_version
from tracker.flags import RULES, sync_rule
from tracker.models import JobRun
from tracker.tasks import deliver_webhooks

logger = logging.getLogger(__name__)


def run_scan(*, rules: Iterable[str] | None = None, trigger: str = "schedule") -> JobRun:
    """Run flag rules (all by default), each in its own transaction, and record the run.

    The JobRun row is written before the rules start, so a run that is killed part-way
    stays visible as never finished; the rules it had not committed leave no trace.
    Webhook deliveries the rules queued are sent once the scan has committed.
    """
    kinds = list(rules) if rules is not None else list(RULES)
    unknown = [kind for kind in kinds if kind not in RULES]
    if unknown:
        raise ValueError(f"Unknown rule {', '.join(unknown)}; the rules are {', '.join(RULES)}.")
    run = JobRun.objects.create(rule=kinds[0] if len(kinds) == 1 else "all", trigger=trigger)
    try:
        for kind in kinds:
            result = sync_rule(kind)
            if result.deliveries:
                # Broker down: the every-minute deliver-webhooks job sends them.
                transaction.on_commit(lambda: enqueue(deliver_webhooks))
            run.raised += result.raised
            run.resolved += result.resolved
            JobRun.objects.filter(pk=run.pk).update(raised=run.raised, resolved=run.resolved)
    except Exception as error:
        run.status, run.error, run.finished_at = (
            JobRun.Status.FAILED,
            f"{type(error).__name__}: {error}",
            timezone.now(),
        )
        run.save(update_fields=["status", "error", "finished_at"])
        logger.exception("Flag scan %s failed", run.pk)
        raise
    run.status, run.finished_at = JobRun.Status.SUCCEEDED, timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return run


# The data version (tracker.cache) the last scan-on-change ended at.
LAST_SCANNED_VERSION = "tracker:scan-on-change:data-version"


def scan_if_changed(*, trigger: str = "schedule") -> JobRun | None:
    """Run every rule when a record behind the findings changed since the last scan made
    here, so that an artist's new findings appear within a minute of a write rather than at
    the next hourly run; None when nothing changed. The version is read after the scan (a
    scan's own writes bump it too); a write that lands during a scan waits for the next
    scheduled run of its rule."""
    if cache.get(LAST_SCANNED_VERSION) == data_version():
        return None
    run = run_scan(trigger=trigger)
    cache.set(LAST_SCANNED_VERSION, data_version(), timeout=None)
    return run
