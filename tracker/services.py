"""Writes the tracker makes: running the flag scan and recording each run."""

import logging
from collections.abc import Iterable

import pghistory
from django.db import connection, transaction
from django.utils import timezone

from config.resilience import enqueue
from programs.models import Program
from tracker.flags import RULES, sync_rule
from tracker.models import JobRun, ProgramChange
from tracker.tasks import deliver_webhooks
from tracker.tasks import scan_programs as scan_programs_task

logger = logging.getLogger(__name__)


def run_scan(
    *, rules: Iterable[str] | None = None, trigger: str = "schedule", programs: list[int] | None = None
) -> JobRun:
    """Run flag rules (all by default), each in its own transaction, and record the run:
    over every program, or over `programs` only.

    The JobRun row is written before the rules start, so a run that is killed part-way
    stays visible as never finished; the rules it had not committed leave no trace.
    Webhook deliveries the rules queued are sent once the scan has committed.
    """
    kinds = list(rules) if rules is not None else list(RULES)
    unknown = [kind for kind in kinds if kind not in RULES]
    if unknown:
        raise ValueError(f"Unknown rule {', '.join(unknown)}; the rules are {', '.join(RULES)}.")
    # A scan of every rule over every program is a bookmark for the incremental scans.
    bookmarks = changed_and_unchanged_programs() if rules is None and programs is None else None
    started = timezone.now()
    run = JobRun.objects.create(rule=kinds[0] if len(kinds) == 1 else "all", trigger=trigger)
    try:
        for kind in kinds:
            # The audit trail records who wrote the flags: this job.
            with pghistory.context(job="flag scan", rule=kind, trigger=trigger):
                result = sync_rule(kind, programs=programs)
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
    if bookmarks is not None:
        mark_scanned(bookmarks, started)
    return run


def changed_and_unchanged_programs() -> list[tuple[int, int]]:
    """(program, source version) of every program."""
    versions = dict(ProgramChange.objects.values_list("program_id", "source_version"))
    return [(pk, versions.get(pk, 0)) for pk in Program.objects.order_by("pk").values_list("pk", flat=True)]


def mark_scanned(bookmarks: list[tuple[int, int]], at) -> None:
    """Each program scanned by every rule up to the version it had when the scan began."""
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO tracker_programchange
                   (program_id, version, source_version, changed_at, scanned_version, scanned_at)
               SELECT b.program_id, b.version, b.version, %(at)s, b.version, %(at)s
               FROM unnest(%(programs)s::bigint[], %(versions)s::bigint[]) AS b(program_id, version)
               ORDER BY b.program_id
               ON CONFLICT (program_id) DO UPDATE
               SET scanned_version = GREATEST(tracker_programchange.scanned_version, EXCLUDED.scanned_version),
                   scanned_at = EXCLUDED.scanned_at""",
            {"at": at, "programs": [p for p, _ in bookmarks], "versions": [v for _, v in bookmarks]},
        )


# Programs are scanned in parts of this many, each a task of its own (in parallel on as
# many workers as there are).
SCAN_PART_PROGRAMS = 25

CHANGED_PROGRAMS_SQL = """
SELECT p.id, COALESCE(pc.source_version, 0)
FROM programs_program p
-- (A program whose rows were loaded with triggers off has no row yet: it is new.)
LEFT JOIN tracker_programchange pc ON pc.program_id = p.id
WHERE pc.program_id IS NULL
   OR pc.source_version > pc.scanned_version
   OR pc.scanned_at IS NULL
   -- A new day: work comes due, and dated records reach the rules' horizon.
   OR (pc.scanned_at AT TIME ZONE 'UTC')::date < (%(now)s AT TIME ZONE 'UTC')::date
   -- A pending work's approval deadline passed since the last scan.
   OR EXISTS (
        SELECT 1 FROM artists_work w JOIN programs_enrollment e ON e.id = w.enrollment_id
        WHERE e.program_id = p.id AND w.status = 'pending'
          AND w.submitted_at > pc.scanned_at - p.approval_sla_days * interval '1 day'
          AND w.submitted_at <= %(now)s - p.approval_sla_days * interval '1 day')
ORDER BY p.id
"""


def changed_programs(now=None) -> list[tuple[int, int]]:
    """(program, source version) of each program the flag rules must look at again: its
    records changed since its last scan, or a deadline they judge may have passed since."""
    with connection.cursor() as cursor:
        cursor.execute(CHANGED_PROGRAMS_SQL, {"now": now or timezone.now()})
        return [(program, version) for program, version in cursor.fetchall()]


def scan_programs(bookmarks: list[tuple[int, int]], *, trigger: str = "schedule") -> JobRun:
    """Run every rule over these programs, then mark each scanned up to the version it had
    when it was chosen (a write that lands during the scan moves it past that, so the next
    scan looks again)."""
    started = timezone.now()
    run = run_scan(trigger=trigger, programs=[program for program, _ in bookmarks])
    mark_scanned(bookmarks, started)
    return run


def scan_if_changed(*, trigger: str = "schedule") -> int:
    """Run every rule over the programs whose records changed, or whose deadlines may have
    passed, since they were last scanned, so an artist's new findings appear within a minute
    of a write; a scan with nothing new reads one small table and stops. The programs are
    split into parts, each a task (`tracker.tasks.scan_programs`): in parallel on the
    workers, in process without a broker. Returns how many programs were queued."""
    changed = changed_programs()
    for start in range(0, len(changed), SCAN_PART_PROGRAMS):
        enqueue(scan_programs_task, changed[start : start + SCAN_PART_PROGRAMS], trigger)
    return len(changed)
