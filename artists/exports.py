"""Everything the tracker holds about one artist, for "download my data".

One table per kind of record, with the same field names as the API and the CSV import
(docs/architecture.md, "One vocabulary"). Values are JSON-safe: decimals as strings, dates and times in
ISO 8601 (UTC).
"""

import io
import json
import zipfile
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from artists.models import ApprovalDecision, Artist, Work
from config import csv_safe
from feedback.models import Compensation, CompensationAllocation, Contribution
from feedback.owed import with_owed
from programs.models import AccessEvent, Enrollment

TABLES = {
    "profile": [
        "handle",
        "public_name",
        "show_public_name",
        "disciplines",
        "country",
        "username",
        "email",
        "joined_at",
        "reminders",
    ],
    # The owed columns are what each program owes on the day of the export (feedback.owed).
    "enrollments": [
        "id",
        "program",
        "program_name",
        "granted_on",
        "status",
        "owed",
        "owed_currency",
        "owed_rate",
        "owed_rate_source",
        "hours_due_unpaid",
        "due_unpaid_contributions",
        "unpaid_hours_not_yet_due",
    ],
    "access_events": ["enrollment", "program", "kind", "occurred_at", "reason", "notice_days"],
    "contributions": [
        "id",
        "program",
        "kind",
        "title",
        "description",
        "hours_spent",
        "occurred_on",
        "requested_by_program",
    ],
    "works": ["id", "program", "title", "medium", "description", "submitted_at", "status"],
    "decisions": ["work", "outcome", "decided_at", "reason"],
    "compensations": ["id", "program", "kind", "amount", "currency", "paid_on", "note", "contributions"],
    "allocations": ["compensation", "contribution", "amount"],
}


def _value(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _row(table: str, **values) -> dict:
    return {field: _value(values[field]) for field in TABLES[table]}


def artist_records(artist: Artist) -> dict[str, list[dict]]:
    """All of an artist's records, table by table, in a fixed small number of queries."""
    user = artist.user
    enrollments = list(
        with_owed(Enrollment.objects.filter(artist=artist).select_related("program")).order_by("program__slug")
    )
    events = AccessEvent.objects.filter(enrollment__artist=artist).select_related("enrollment__program")
    contributions = Contribution.objects.filter(enrollment__artist=artist).select_related("enrollment__program")
    works = Work.objects.filter(enrollment__artist=artist).select_related("enrollment__program")
    decisions = ApprovalDecision.objects.filter(work__enrollment__artist=artist)
    allocations = CompensationAllocation.objects.filter(compensation__enrollment__artist=artist)
    compensations = (
        Compensation.objects.filter(enrollment__artist=artist)
        .select_related("enrollment__program")
        .prefetch_related(Prefetch("allocations", queryset=CompensationAllocation.objects.order_by("contribution_id")))
    )
    return {
        "profile": [
            _row(
                "profile",
                handle=artist.handle,
                public_name=artist.public_name,
                show_public_name=artist.show_public_name,
                disciplines=";".join(artist.disciplines),
                country=artist.country,
                username=user.get_username() if user else "",
                email=user.email if user else "",
                joined_at=artist.created_at,
                reminders=artist.reminders,
            )
        ],
        "enrollments": [
            _row(
                "enrollments",
                id=e.pk,
                program=e.program.slug,
                program_name=e.program.name,
                granted_on=e.granted_on,
                status=e.status,
                owed=e.owed,
                owed_currency=e.owed_currency,
                owed_rate=e.owed_rate,
                owed_rate_source=e.owed_rate_source,
                hours_due_unpaid=e.hours_due_unpaid,
                due_unpaid_contributions=e.due_unpaid_contributions,
                unpaid_hours_not_yet_due=e.unpaid_hours_not_yet_due,
            )
            for e in enrollments
        ],
        "access_events": [
            _row(
                "access_events",
                enrollment=ev.enrollment_id,
                program=ev.enrollment.program.slug,
                kind=ev.kind,
                occurred_at=ev.occurred_at,
                reason=ev.reason,
                notice_days=ev.notice_days,
            )
            for ev in events.order_by("occurred_at", "id")
        ],
        "contributions": [
            _row(
                "contributions",
                id=c.pk,
                program=c.enrollment.program.slug,
                kind=c.kind,
                title=c.title,
                description=c.description,
                hours_spent=c.hours_spent,
                occurred_on=c.occurred_on,
                requested_by_program=c.requested_by_program,
            )
            for c in contributions.order_by("occurred_on", "id")
        ],
        "works": [
            _row(
                "works",
                id=w.pk,
                program=w.enrollment.program.slug,
                title=w.title,
                medium=w.medium,
                description=w.description,
                submitted_at=w.submitted_at,
                status=w.status,
            )
            for w in works.order_by("submitted_at", "id")
        ],
        "decisions": [
            _row("decisions", work=d.work_id, outcome=d.outcome, decided_at=d.decided_at, reason=d.reason)
            for d in decisions.order_by("decided_at", "id")
        ],
        "compensations": [
            _row(
                "compensations",
                id=p.pk,
                program=p.enrollment.program.slug,
                kind=p.kind,
                amount=p.amount,
                currency=p.enrollment.program.currency,
                paid_on=p.paid_on,
                note=p.note,
                contributions=";".join(str(a.contribution_id) for a in p.allocations.all()),
            )
            for p in compensations.order_by("paid_on", "id")
        ],
        "allocations": [
            _row("allocations", compensation=a.compensation_id, contribution=a.contribution_id, amount=a.amount)
            for a in allocations.order_by("compensation_id", "contribution_id")
        ],
    }


def export_json(artist: Artist) -> str:
    return json.dumps(
        {"exported_at": timezone.now().isoformat(), **artist_records(artist)}, indent=2, ensure_ascii=False
    )


def export_zip(artist: Artist) -> bytes:
    """A zip with one CSV file per table (UTF-8, header row, field names as in the API)."""
    records = artist_records(artist)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table, fields in TABLES.items():
            text = io.StringIO()
            writer = csv_safe.DictWriter(text, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(records[table])
            archive.writestr(f"{table}.csv", text.getvalue())
    return buffer.getvalue()
