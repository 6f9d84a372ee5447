"""Every flag carries the day the thing happened (`occurred_on`) and the day pay or a
decision came due (`due_on`), apart from when a scan raised it (`raised_at`).

Existing flags are backfilled from what each rule wrote in its subject and details (the
same days tracker.selectors.finding_day used to derive): a contribution's day and that day
plus the program's payment terms; a revocation's day in UTC (for a revoked tester with
unpaid work, the latest revocation before the flag was raised); a work's submission day and
that moment plus the approval SLA, in UTC; the day a mass revocation started (its subject's
date). Undefined terms has neither.
"""

from django.db import migrations, models

BACKFILL = [
    """
    UPDATE tracker_flag f
    SET occurred_on = (f.details->>'occurred_on')::date,
        due_on = (f.details->>'occurred_on')::date + p.payment_terms_days
    FROM programs_program p
    WHERE p.id = f.program_id
      AND f.kind IN ('unpaid_feedback', 'uncompensated_promotion')
      AND f.details ? 'occurred_on'
    """,
    """
    UPDATE tracker_flag f
    SET occurred_on = ((f.details->>'occurred_at')::timestamptz AT TIME ZONE 'UTC')::date
    WHERE f.kind = 'revoked_without_reason' AND f.details ? 'occurred_at'
    """,
    """
    UPDATE tracker_flag f
    SET occurred_on = ((f.details->>'submitted_at')::timestamptz AT TIME ZONE 'UTC')::date,
        due_on = (((f.details->>'submitted_at')::timestamptz + p.approval_sla_days * interval '1 day')
                  AT TIME ZONE 'UTC')::date
    FROM programs_program p
    WHERE p.id = f.program_id AND f.kind = 'approval_overdue' AND f.details ? 'submitted_at'
    """,
    """
    UPDATE tracker_flag f
    SET occurred_on = (
        SELECT (e.occurred_at AT TIME ZONE 'UTC')::date
        FROM programs_accessevent e
        WHERE e.enrollment_id = (f.details->>'enrollment')::bigint
          AND e.kind = 'revoked' AND e.occurred_at <= f.raised_at
        ORDER BY e.occurred_at DESC, e.id DESC
        LIMIT 1
    )
    WHERE f.kind = 'revoked_with_unpaid_work' AND f.details ? 'enrollment'
    """,
    """
    UPDATE tracker_flag f
    SET occurred_on = to_date(split_part(f.subject_key, ':', 3), 'YYYY-MM-DD')
    WHERE f.kind = 'mass_revocation' AND f.subject_key ~ '^revocations:[0-9]+:[0-9]{4}-[0-9]{2}-[0-9]{2}$'
    """,
]


class Migration(migrations.Migration):
    dependencies = [("tracker", "0003_data_version")]

    operations = [
        migrations.AddField(
            model_name="flag",
            name="occurred_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="flag",
            name="due_on",
            field=models.DateField(blank=True, null=True),
        ),
        *(migrations.RunSQL(sql, reverse_sql=migrations.RunSQL.noop) for sql in BACKFILL),
    ]
