"""Writing a checked import: one transaction, every row or nothing.

`import_ledger` takes the artist's import lock, checks the files again
(`feedback.imports.checking`) with the enrollments and the contributions paid for locked,
and writes contributions, compensations and their allocations with `bulk_create`, in
batches. `ImportRefused` carries the problems found; `ImportFailed` says the database
refused the write.
"""

import logging
from collections.abc import Callable

from django.db import DatabaseError, connection, transaction

from feedback.imports.checking import _check
from feedback.imports.reading import CsvFile, RowError
from feedback.imports.rows import ImportPreview
from feedback.models import Compensation, CompensationAllocation, Contribution
from feedback.services import split_by_hours

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
# First key of the advisory lock that serialises one artist's imports (the second is the artist).
IMPORT_LOCK_NAMESPACE = 0x1A9047


class ImportRefused(Exception):
    """The files have problems; nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in the files")


class ImportFailed(Exception):
    """The database refused the write (something changed since the check); nothing was written."""


def lock_imports_of(artist) -> None:
    """Make imports for one artist wait for each other until the end of the transaction,
    so a second click on "Import" sees what the first one did."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_LOCK_NAMESPACE, artist.pk % 2**31])


def import_ledger(
    *,
    artist,
    contributions: CsvFile | None = None,
    compensations: CsvFile | None = None,
    allocations: CsvFile | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportPreview:
    """Check the files again and write every row, or nothing.

    Raises ImportRefused (with every problem) when a row is wrong, ImportFailed when the
    database refuses the write. `on_progress(written, total)` follows the writing.
    """
    try:
        with transaction.atomic():
            lock_imports_of(artist)
            preview = _check(artist, contributions, compensations, lock=True, allocations=allocations)
            if not preview.is_valid:
                raise ImportRefused(preview.errors)
            _write(preview, on_progress)
    except DatabaseError as error:
        logger.warning("Import for artist %s refused by the database: %s", getattr(artist, "pk", None), error)
        raise ImportFailed(
            "The database refused the import, so nothing was written. Your records may have changed "
            "since the files were checked; upload them again."
        ) from error
    return preview


def _write(preview: ImportPreview, on_progress: Callable[[int, int], None] | None) -> None:
    total = preview.record_count
    written = 0

    def save(model, objects: list) -> None:
        nonlocal written
        for start in range(0, len(objects), BATCH_SIZE):
            batch = objects[start : start + BATCH_SIZE]
            model.objects.bulk_create(batch)
            written += len(batch)
            if on_progress:
                on_progress(written, total)

    contributions = [
        Contribution(
            enrollment=row.enrollment,
            kind=row.kind,
            title=row.title,
            description=row.description,
            hours_spent=row.hours_spent,
            occurred_on=row.occurred_on,
            requested_by_program=row.requested_by_program,
        )
        for row in preview.contributions
    ]
    save(Contribution, contributions)
    by_ref = {}
    for row, contribution in zip(preview.contributions, contributions, strict=True):
        for key in (row.ref.casefold(), row.export_id):
            if key:
                by_ref[key] = contribution

    compensations = [
        Compensation(enrollment=row.enrollment, kind=row.kind, amount=row.amount, paid_on=row.paid_on, note=row.note)
        for row in preview.compensations
    ]
    save(Compensation, compensations)

    allocations = []
    for row, compensation in zip(preview.compensations, compensations, strict=True):
        if row.exact_parts is not None:
            # An export's allocations, reproduced as they were rather than split again.
            parts = {by_ref[key].pk: amount for key, amount in row.exact_parts.items()}
        elif paid_for := [by_ref[key] for key in row.paid_for_refs] + row.paid_for_existing:
            # The same split as record_compensation, computed on the saved ids.
            parts = split_by_hours(compensation.amount, paid_for)
        else:
            continue
        for contribution_id, part in parts.items():
            allocations.append(
                CompensationAllocation(compensation=compensation, contribution_id=contribution_id, amount=part)
            )
    save(CompensationAllocation, allocations)
