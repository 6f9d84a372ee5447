"""The flag rules (docs/metrics.md, "Flags"): each one set-based statement that raises new flags
and resolves those whose condition no longer holds.

A rule is a *candidate query*: the subjects whose condition holds now, each with its
program, the artist it is about (if one), a message and details. `sync_rule` turns it into
one SQL statement: INSERT … SELECT the candidates (ON CONFLICT DO NOTHING against the
one-open-flag-per-kind-and-subject index, so a second run raises nothing) and UPDATE the
open flags of that kind whose subject is no longer a candidate (resolved). Each rule runs
in its own transaction under an advisory lock, so a run that is killed leaves nothing
half-written and two runs of one rule never interleave.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Concat, JSONObject, TruncDate
from django.utils import timezone

from artists.models import Work
from feedback.models import Contribution
from feedback.selectors import due_on, is_compensated, is_due
from programs.models import AccessEvent, Enrollment, Program
from tracker.flag_perks import COLUMNS, perks_instead_of_pay
from tracker.models import Flag
from tracker.score import MIN_NOTICE_DAYS

Kind = Flag.Kind
Severity = Flag.Severity

SEVERITY = {
    Kind.UNPAID_FEEDBACK: Severity.MEDIUM,
    Kind.UNCOMPENSATED_PROMOTION: Severity.MEDIUM,
    Kind.MASS_REVOCATION: Severity.HIGH,
    Kind.REVOKED_WITH_UNPAID_WORK: Severity.HIGH,
    Kind.REVOKED_WITHOUT_REASON: Severity.MEDIUM,
    Kind.APPROVAL_OVERDUE: Severity.LOW,
    Kind.UNDEFINED_TERMS: Severity.MEDIUM,
    Kind.PERKS_INSTEAD_OF_PAY: Severity.MEDIUM,
}

NO_DATE = Cast(Value(None), DateField())


def utc_day(expression) -> TruncDate:
    """The calendar day of a moment in UTC."""
    return TruncDate(expression, tzinfo=dt.UTC)


def text(expression) -> Cast:
    return Cast(expression, CharField())


def _contribution_candidates(queryset: QuerySet[Contribution], message) -> QuerySet:
    """`queryset` has its `due_on` alias (see `due_on`)."""
    return queryset.annotate(
        flag_program=F("enrollment__program_id"),
        flag_subject=Concat(Value("contribution:"), text("pk")),
        flag_artist=F("enrollment__artist_id"),
        flag_message=message,
        flag_details=JSONObject(
            contribution=F("pk"),
            kind=F("kind"),
            hours=F("hours_spent"),
            occurred_on=F("occurred_on"),
            requested_by_program=F("requested_by_program"),
        ),
        flag_occurred_on=F("occurred_on"),
        flag_due_on=F("due_on"),
    ).values(*COLUMNS)


def unpaid_feedback(now: dt.datetime) -> QuerySet:
    """A contribution still uncompensated `payment_terms_days` after it occurred.

    On the last day of the terms it is not late yet; the day after, it is.
    """
    late = Contribution.objects.alias(due_on=due_on()).filter(is_due(now.date())).exclude(is_compensated())
    message = Concat(
        text("hours_spent"),
        Value(" h of work on "),
        text("occurred_on"),
        Value(" unpaid; the program's terms say payment within "),
        text("enrollment__program__payment_terms_days"),
        Value(" days."),
    )
    return _contribution_candidates(late, message)


def uncompensated_promotion(now: dt.datetime) -> QuerySet:
    """Promotion the program asked for, with no cash-equivalent pay for it once due: the same
    boundary as unpaid_feedback (on the last day of the terms it is not late yet)."""
    requested = (
        Contribution.objects.filter(kind=Contribution.Kind.PROMOTION, requested_by_program=True)
        .alias(due_on=due_on())
        .filter(is_due(now.date()))
        .exclude(is_compensated())
    )
    message = Concat(
        Value("Promotion the program requested on "),
        text("occurred_on"),
        Value(" ("),
        text("hours_spent"),
        Value(" h) is unpaid."),
    )
    return _contribution_candidates(requested, message)


def revoked_with_unpaid_work(now: dt.datetime) -> QuerySet:
    """An enrollment whose access is revoked while some of its contributions are unpaid."""
    unpaid = Contribution.objects.filter(enrollment=OuterRef("pk"), occurred_on__lte=now.date()).exclude(
        is_compensated()
    )
    # The revocation that took the tester's access: the latest up to now.
    revocation = (
        AccessEvent.objects.filter(enrollment=OuterRef("pk"), kind=AccessEvent.Kind.REVOKED, occurred_at__lte=now)
        .order_by("-occurred_at", "-id")
        .values("occurred_at")[:1]
    )
    return (
        Enrollment.objects.filter(status=Enrollment.Status.REVOKED)
        .filter(Exists(unpaid))
        .annotate(
            flag_program=F("program_id"),
            flag_subject=Concat(Value("enrollment:"), text("pk")),
            flag_artist=F("artist_id"),
            flag_message=Value("A tester's access was revoked while work they gave is still unpaid."),
            flag_details=JSONObject(enrollment=F("pk")),
            flag_occurred_on=utc_day(Subquery(revocation)),
            flag_due_on=NO_DATE,
        )
        .values(*COLUMNS)
    )


def revoked_without_reason(now: dt.datetime) -> QuerySet:
    """A revocation that stated no reason."""
    return (
        AccessEvent.objects.filter(kind=AccessEvent.Kind.REVOKED, reason="", occurred_at__lte=now)
        .annotate(
            flag_program=F("enrollment__program_id"),
            flag_subject=Concat(Value("accessevent:"), text("pk")),
            flag_artist=F("enrollment__artist_id"),
            flag_message=Concat(Value("Access revoked on "), text("occurred_at__date"), Value(" with no reason.")),
            flag_details=JSONObject(access_event=F("pk"), occurred_at=F("occurred_at"), notice_days=F("notice_days")),
            flag_occurred_on=utc_day("occurred_at"),
            flag_due_on=NO_DATE,
        )
        .values(*COLUMNS)
    )


def approval_overdue(now: dt.datetime) -> QuerySet:
    """A work still pending longer than the program's approval SLA (exactly at the SLA is on time)."""
    due_at = ExpressionWrapper(
        F("submitted_at") + F("enrollment__program__approval_sla_days") * dt.timedelta(days=1),
        output_field=DateTimeField(),
    )
    return (
        Work.objects.filter(status=Work.Status.PENDING)
        .alias(due_at=due_at)
        .filter(due_at__lt=now)
        .annotate(
            flag_program=F("enrollment__program_id"),
            flag_subject=Concat(Value("work:"), text("pk")),
            flag_artist=F("enrollment__artist_id"),
            flag_message=Concat(
                Value("A work submitted on "),
                text("submitted_at__date"),
                Value(" is still waiting for a decision; the program promises one within "),
                text("enrollment__program__approval_sla_days"),
                Value(" days."),
            ),
            flag_details=JSONObject(work=F("pk"), submitted_at=F("submitted_at")),
            flag_occurred_on=utc_day("submitted_at"),
            flag_due_on=utc_day("due_at"),
        )
        .values(*COLUMNS)
    )


def undefined_terms(now: dt.datetime) -> QuerySet:
    """An active program that has not defined "responsible use" or "confidential content"."""
    return (
        Program.objects.filter(status=Program.Status.ACTIVE)
        .filter(Q(responsible_use_definition__regex=r"^\s*$") | Q(confidential_content_definition__regex=r"^\s*$"))
        .annotate(
            flag_program=F("pk"),
            flag_subject=Concat(Value("program:"), text("pk")),
            flag_artist=Cast(Value(None), BigIntegerField()),
            flag_message=Value('The program has not defined what "responsible use" or "confidential content" mean.'),
            flag_details=JSONObject(
                responsible_use_defined=ExpressionWrapper(
                    ~Q(responsible_use_definition__regex=r"^\s*$"), output_field=BooleanField()
                ),
                confidential_content_defined=ExpressionWrapper(
                    ~Q(confidential_content_definition__regex=r"^\s*$"), output_field=BooleanField()
                ),
            ),
            # A state of the program's terms, not an event: no day of its own.
            flag_occurred_on=NO_DATE,
            flag_due_on=NO_DATE,
        )
        .values(*COLUMNS)
    )


MASS_REVOCATION_SQL = """
WITH events AS (
    SELECT e.id, e.kind, e.occurred_at, e.reason, en.program_id,
           -- +1 when the event gives access, -1 when it ends access the tester had.
           (CASE WHEN e.kind IN ('granted', 'reinstated') THEN 1 ELSE 0 END)
             - (CASE WHEN LAG(e.kind) OVER (PARTITION BY e.enrollment_id ORDER BY e.occurred_at, e.id)
                          IN ('granted', 'reinstated') THEN 1 ELSE 0 END) AS access_change,
           -- An orderly end: on or after the program's announced closing date, with a stated
           -- reason and at least MIN_NOTICE_DAYS' notice. Such revocations make no spike.
           (e.kind = 'revoked' AND p.closed_on IS NOT NULL
            AND (e.occurred_at AT TIME ZONE 'UTC')::date >= p.closed_on
            AND e.reason !~ '^[[:space:]]*$' AND COALESCE(e.notice_days, 0) >= %(min_notice)s) AS orderly
    FROM programs_accessevent e
    JOIN programs_enrollment en ON en.id = e.enrollment_id
    JOIN programs_program p ON p.id = en.program_id
    WHERE e.occurred_at <= %(now)s
),
timeline AS (
    SELECT id, kind, occurred_at, reason, program_id, orderly,
           -- Testers with access just before this moment (events at the same instant excluded):
           -- the running sum up to this moment less this moment's own events. (A frame that
           -- EXCLUDEs them would be summed afresh for every event: quadratic per program.)
           SUM(access_change) OVER (PARTITION BY program_id ORDER BY occurred_at
                   RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
             - SUM(access_change) OVER (PARTITION BY program_id, occurred_at) AS active_before,
           -- Revocations from this moment to the end of the window, other than an orderly end.
           COUNT(*) FILTER (WHERE kind = 'revoked' AND NOT orderly) OVER (PARTITION BY program_id
                   ORDER BY occurred_at RANGE BETWEEN CURRENT ROW AND %(window)s FOLLOWING) AS revoked_in_window,
           COUNT(*) FILTER (WHERE kind = 'revoked' AND reason = '') OVER (PARTITION BY program_id
                   ORDER BY occurred_at RANGE BETWEEN CURRENT ROW AND %(window)s FOLLOWING) AS without_reason
    FROM events
),
qualifying AS (
    SELECT * FROM timeline
    WHERE kind = 'revoked' AND NOT orderly
      AND revoked_in_window >= %(min_testers)s
      AND revoked_in_window >= %(share)s * active_before
),
islands AS (
    -- Overlapping windows are one mass revocation: a new one starts a window after the last.
    SELECT *, SUM(CASE WHEN occurred_at - previous_start <= %(window)s THEN 0 ELSE 1 END)
                  OVER (PARTITION BY program_id ORDER BY occurred_at, id) AS island
    FROM (SELECT *, LAG(occurred_at) OVER (PARTITION BY program_id ORDER BY occurred_at, id) AS previous_start
          FROM qualifying) q
),
spikes AS (
    -- Described by its busiest window; named by its first, which stays put as it goes on.
    SELECT DISTINCT ON (program_id, island) program_id, occurred_at AS started_at,
           MIN(occurred_at) OVER (PARTITION BY program_id, island) AS first_started_at,
           revoked_in_window, active_before, without_reason
    FROM islands
    ORDER BY program_id, island, revoked_in_window DESC, occurred_at
)
SELECT program_id AS flag_program,
       'revocations:' || program_id || ':' || to_char(first_started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')
           AS flag_subject,
       NULL::bigint AS flag_artist,
       revoked_in_window || ' testers lost access within ' || %(hours)s || ' hours from '
           || to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC ('
           || active_before || ' had access just before; ' || without_reason || ' given no reason).'
           AS flag_message,
       jsonb_build_object('revoked', revoked_in_window, 'active_before', active_before,
                          'without_reason', without_reason, 'started_at', started_at) AS flag_details,
       -- The day the wave started (the flag's name), not the day a scan saw it.
       (first_started_at AT TIME ZONE 'UTC')::date AS flag_occurred_on,
       NULL::date AS flag_due_on
FROM spikes
"""


def mass_revocation(now: dt.datetime) -> tuple[str, dict]:
    """A program revokes at least max(MIN, SHARE × testers with access) within the window,
    other than an orderly end: revocations on or after the program's announced closing date,
    each with a stated reason and at least MIN_NOTICE_DAYS' notice, count for nothing (a
    wave without notice on the closing date is still a mass revocation).

    Windows are inclusive at both ends: revocations exactly 24 hours apart are within 24
    hours. Overlapping qualifying windows are one flag, keyed by the day the first of them
    starts (so a revocation that goes on into later days keeps its one open flag) and
    described by the busiest of them.
    """
    hours = settings.MASS_REVOCATION_WINDOW_HOURS
    return MASS_REVOCATION_SQL, {
        "now": now,
        "window": dt.timedelta(hours=hours),
        "hours": str(hours),
        "min_testers": settings.MASS_REVOCATION_MIN_TESTERS,
        "share": settings.MASS_REVOCATION_SHARE,
        "min_notice": MIN_NOTICE_DAYS,
    }


# Rule name (the flag kind) → candidate query, in the order a full scan runs them.
RULES: dict[str, Callable] = {
    "unpaid_feedback": unpaid_feedback,
    "uncompensated_promotion": uncompensated_promotion,
    "mass_revocation": mass_revocation,
    "revoked_with_unpaid_work": revoked_with_unpaid_work,
    "revoked_without_reason": revoked_without_reason,
    "approval_overdue": approval_overdue,
    "undefined_terms": undefined_terms,
    "perks_instead_of_pay": perks_instead_of_pay,
}

SYNC_SQL = """
WITH candidates AS ({candidates}),
raised AS (
    INSERT INTO tracker_flag
        (kind, severity, raised_at, program_id, subject_key, artist_id, message, details, occurred_on, due_on)
    SELECT %(kind)s, %(severity)s, %(now)s, c.flag_program, c.flag_subject, c.flag_artist,
           LEFT(c.flag_message, 300), c.flag_details, c.flag_occurred_on, c.flag_due_on
    FROM candidates c
    ON CONFLICT DO NOTHING
    RETURNING id, kind, program_id
),
deliveries AS (
    -- Each new flag is queued for every active webhook subscription that wants it.
    INSERT INTO tracker_webhookdelivery
        (subscription_id, flag_id, status, attempts, next_attempt_at, last_error, created_at)
    SELECT s.id, r.id, 'pending', 0, %(now)s, '', %(now)s
    FROM raised r
    JOIN tracker_webhooksubscription s
      ON s.active
     AND (cardinality(s.kinds) = 0 OR r.kind = ANY(s.kinds))
     AND (s.program_id IS NULL OR s.program_id = r.program_id)
    RETURNING 1
),
resolved AS (
    UPDATE tracker_flag f SET resolved_at = %(now)s
    WHERE f.kind = %(kind)s AND f.resolved_at IS NULL {flag_scope}
      AND NOT EXISTS (SELECT 1 FROM candidates c WHERE c.flag_subject = f.subject_key)
    RETURNING 1
)
SELECT (SELECT COUNT(*) FROM raised), (SELECT COUNT(*) FROM resolved), (SELECT COUNT(*) FROM deliveries)
"""


# A run that raised or resolved more flags than this refreshes the planner's statistics.
ANALYZE_AFTER_CHANGES = 5000


@dataclass(frozen=True)
class RuleResult:
    kind: str
    raised: int
    resolved: int
    deliveries: int = 0


# Rules whose candidates cost a computation per program (not one query): they look only at
# the programs an incremental scan asks about.
SCOPED_RULES = {"perks_instead_of_pay"}


def _candidate_sql(kind: str, now: dt.datetime, programs: list[int] | None = None) -> tuple[str, dict]:
    candidates = RULES[kind](now, programs=programs) if kind in SCOPED_RULES else RULES[kind](now)
    if isinstance(candidates, tuple):
        return candidates
    # (A candidate query's order is nobody's business: the statement only joins on it.)
    sql, params = candidates.order_by().query.sql_with_params()
    # The ORM's positional %s placeholders become named ones, to sit beside SYNC_SQL's.
    names = {f"p{i}": value for i, value in enumerate(params)}
    sql = sql.replace("%", "%%").replace("%%s", "%s")
    return sql % tuple(f"%({name})s" for name in names), names


def sync_rule(kind: str, *, now: dt.datetime | None = None, programs: list[int] | None = None) -> RuleResult:
    """Raise and resolve the flags of one rule, in one statement and one transaction: for
    every program, or only for `programs` (an incremental scan looks only at those)."""
    if kind not in RULES:
        raise ValueError(f"Unknown rule {kind!r}; the rules are {', '.join(RULES)}.")
    now = now or timezone.now()
    candidates, params = _candidate_sql(kind, now, programs)
    flag_scope = ""
    if programs is not None:
        candidates = f"SELECT * FROM ({candidates}) scoped WHERE scoped.flag_program = ANY(%(programs)s)"
        flag_scope = "AND f.program_id = ANY(%(programs)s)"
        params = {**params, "programs": sorted(programs)}
    with transaction.atomic(), connection.cursor() as cursor:
        # A rule runs over a program once at a time: a run over every program excludes all
        # others of that rule; runs over parts of them share the rule and lock their
        # programs, in id order, so runs over different programs go on in parallel.
        lock = f"tracker.flags.{kind}"
        if programs is None:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [lock])
        else:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(hashtext(%s))", [lock])
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s), p::int) FROM unnest(%s::bigint[]) p ORDER BY p",
                [lock, sorted(programs)],
            )
        # The audit triggers (config/audit.py) read these two settings in a block that catches
        # the error of an unset one, once per row: with them set, a scan that raises 500,000
        # flags is audited in seconds, not tens of minutes. (pghistory.context, in
        # tracker.services.run_scan, sets the context: the job that wrote the flags.)
        cursor.execute("SET LOCAL pgtrigger.ignore = '{}'")
        cursor.execute(
            SYNC_SQL.format(candidates=candidates, flag_scope=flag_scope),
            {**params, "kind": str(kind), "severity": str(SEVERITY[kind]), "now": now},
        )
        raised, resolved, deliveries = cursor.fetchone()
        if raised + resolved > ANALYZE_AFTER_CHANGES:
            # The planner must know the flags changed in bulk, or the next run's anti-join
            # over the open flags is planned as if there were none (minutes instead of ms).
            cursor.execute("ANALYZE tracker_flag")
    return RuleResult(kind=str(kind), raised=raised, resolved=resolved, deliveries=deliveries)
