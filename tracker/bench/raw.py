"""Hand-written SQL for the core figures, the yardstick the doors are measured against.

One GROUP BY program query computes, over verified enrollments as the public figures do,
each program's contributions, hours, compensated hours (a cash or stipend allocation above
0), cash paid, due hours (past the program's payment terms), what is owed for due unpaid
work at the reference rate, works, decisions and revocations. Filtered by one program it is
that program's. It is what the figures cost at the least: the doors compute more (the
privacy rules, the score, the flags, the monthly series) and shape it into a page.

The unpaid_feedback candidates are counted the same way, the least the scan's rule costs.
"""

import datetime as dt
import statistics
import time
from decimal import Decimal

CASH_KINDS = "('cash', 'stipend')"

CORE = f"""
WITH paid AS (
    SELECT a.contribution_id, sum(a.amount) AS cash
    FROM feedback_compensationallocation a
    JOIN feedback_compensation c ON c.id = a.compensation_id AND c.kind IN {CASH_KINDS}
    JOIN programs_enrollment e ON e.id = c.enrollment_id
    WHERE a.amount > 0 {{where}}
    GROUP BY a.contribution_id
), work AS (
    SELECT e.program_id, count(*) AS contributions, sum(k.hours_spent) AS hours,
           coalesce(sum(k.hours_spent) FILTER (WHERE paid.cash IS NOT NULL), 0) AS compensated_hours,
           coalesce(sum(k.hours_spent) FILTER (WHERE k.occurred_on + p.payment_terms_days < %(today)s), 0)
               AS due_hours,
           coalesce(sum(k.hours_spent * coalesce(p.reference_hourly_rate, %(rate)s))
                    FILTER (WHERE k.occurred_on + p.payment_terms_days < %(today)s AND paid.cash IS NULL), 0)
               AS owed
    FROM feedback_contribution k
    JOIN programs_enrollment e ON e.id = k.enrollment_id
    JOIN programs_program p ON p.id = e.program_id
    LEFT JOIN paid ON paid.contribution_id = k.id
    WHERE e.verification = 'verified' {{where}}
    GROUP BY e.program_id
), pay AS (
    SELECT e.program_id, sum(c.amount) AS cash_paid
    FROM feedback_compensation c JOIN programs_enrollment e ON e.id = c.enrollment_id
    WHERE c.kind IN {CASH_KINDS} AND e.verification = 'verified' {{where}}
    GROUP BY e.program_id
), works AS (
    SELECT e.program_id, count(DISTINCT w.id) AS works, count(d.id) AS decisions
    FROM artists_work w JOIN programs_enrollment e ON e.id = w.enrollment_id
    LEFT JOIN artists_approvaldecision d ON d.work_id = w.id
    WHERE e.verification = 'verified' {{where}}
    GROUP BY e.program_id
), revocations AS (
    SELECT e.program_id, count(*) AS revocations
    FROM programs_accessevent v JOIN programs_enrollment e ON e.id = v.enrollment_id
    WHERE v.kind = 'revoked' AND e.verification = 'verified' {{where}}
    GROUP BY e.program_id
)
SELECT work.*, pay.cash_paid, works.works, works.decisions, revocations.revocations
FROM work
LEFT JOIN pay USING (program_id)
LEFT JOIN works USING (program_id)
LEFT JOIN revocations USING (program_id)
ORDER BY program_id
"""

UNPAID_CANDIDATES = f"""
SELECT count(*)
FROM feedback_contribution k
JOIN programs_enrollment e ON e.id = k.enrollment_id
JOIN programs_program p ON p.id = e.program_id
WHERE k.occurred_on + p.payment_terms_days < %(today)s
  AND NOT EXISTS (
      SELECT 1 FROM feedback_compensationallocation a
      JOIN feedback_compensation c ON c.id = a.compensation_id
      WHERE a.contribution_id = k.id AND a.amount > 0 AND c.kind IN {CASH_KINDS})
"""


def timed(conn, sql: str, params: dict, runs: int) -> tuple[float, list]:
    """The median seconds of `runs` executions of `sql` (rows fetched), and its rows."""
    seconds, rows = [], []
    for _ in range(runs):
        started = time.perf_counter()
        rows = conn.execute(sql, params).fetchall()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), rows


def core_figures(conn, today: dt.date, rate: Decimal, runs: int, program: int | None = None) -> tuple[float, int]:
    """Seconds for the core figures of every program (or one), and how many programs answered."""
    where = "AND e.program_id = %(program)s" if program is not None else ""
    params = {"today": today, "rate": rate, "program": program}
    seconds, rows = timed(conn, CORE.format(where=where), params, runs)
    return seconds, len(rows)


def unpaid_candidates(conn, today: dt.date, runs: int) -> tuple[float, int]:
    """Seconds to count the unpaid_feedback rule's candidates, and the count."""
    seconds, rows = timed(conn, UNPAID_CANDIDATES, {"today": today}, runs)
    return seconds, rows[0][0]
