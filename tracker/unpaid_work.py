"""Unpaid work counted once (docs/metrics.md, "Flags"): a requested promotion left unpaid
once due is both an unpaid_feedback and an uncompensated_promotion finding. Each kind keeps
its own aggregate; a headline of unpaid work counts each contribution once, by its subject,
across the two kinds.

The public figure lives on the findings' grid (program, month, state), never a total across
months or states, and goes through the same floor as the per-kind aggregates. Beside those,
it could isolate the contributions that carry only one of the two findings (the figure minus
one kind's count): when some contribution has only the promotion finding (which happens
only between the two rules' scans, or for findings raised before promotions waited for
their due date), each part (only unpaid feedback, only promotion, both) must be empty or
drawn from at least MIN_GROUP_SIZE verified artists. Otherwise the figure is exactly the
unpaid_feedback aggregate, and tells nothing that one does not.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connections
from django.db.models import F, QuerySet

from tracker.models import Flag
from tracker.selectors import (
    CONTRIBUTION_KINDS,
    contribution_hours,
    counted_flags,
    finding_state,
    month_label,
    withheld_reason,
)

COUNTED_ONCE = "A requested promotion left unpaid raises both findings; it is counted once here."

CELLS_SQL = """
WITH flags AS ({flags}),
subjects AS (
    SELECT u_slug, u_name, u_month, u_state, u_subject, MIN(u_artist) AS artist, MAX(u_hours) AS hours,
           bool_or(u_kind = 'unpaid_feedback') AS feedback, bool_or(u_kind = 'uncompensated_promotion') AS promotion
    FROM flags
    GROUP BY u_slug, u_name, u_month, u_state, u_subject
)
SELECT u_slug, u_name, u_month, u_state,
       COUNT(DISTINCT artist), COUNT(*), SUM(hours),
       COUNT(DISTINCT artist) FILTER (WHERE feedback AND NOT promotion),
       COUNT(DISTINCT artist) FILTER (WHERE promotion AND NOT feedback),
       COUNT(DISTINCT artist) FILTER (WHERE feedback AND promotion)
FROM subjects
GROUP BY u_slug, u_name, u_month, u_state
ORDER BY u_month DESC, u_name, u_state
"""


@dataclass(frozen=True)
class UnpaidWork:
    """Unpaid work of one program, month and state, each contribution counted once: its
    verified artists, contributions and hours, or `withheld` and no counts."""

    program_slug: str
    program_name: str
    month: dt.date
    state: str
    artists: int | None
    contributions: int | None
    hours: Decimal | None
    withheld: bool

    @property
    def month_label(self) -> str:
        return month_label(self.month)

    @property
    def withheld_reason(self) -> str:
        return withheld_reason() if self.withheld else ""

    note = COUNTED_ONCE


def _shown(artists: int, feedback_only: int, promotion_only: int, both: int) -> bool:
    floor = settings.MIN_GROUP_SIZE
    if artists < floor:
        return False
    if not promotion_only:
        return True  # exactly the unpaid_feedback aggregate
    return all(part == 0 or part >= floor for part in (feedback_only, promotion_only, both))


def unpaid_work(flags: QuerySet[Flag]) -> list[UnpaidWork]:
    """The unpaid work among `flags` (from `finding_flags`, filtered by program, month and
    state, not by kind) per program, month and state, newest month first, in one query."""
    counted = (
        counted_flags(flags.filter(kind__in=CONTRIBUTION_KINDS))
        .order_by()
        .annotate(
            u_slug=F("program__slug"),
            u_name=F("program__name"),
            u_month=F("month"),
            u_state=finding_state(),
            u_subject=F("subject_key"),
            u_artist=F("artist_id"),
            u_kind=F("kind"),
            u_hours=contribution_hours(),
        )
        .values("u_slug", "u_name", "u_month", "u_state", "u_subject", "u_artist", "u_kind", "u_hours")
    )
    sql, params = counted.query.sql_with_params()
    # On the database the flags are read from: the replica under config.routers.replica_reads().
    with connections[flags.db].cursor() as cursor:
        cursor.execute(CELLS_SQL.format(flags=sql), params)
        rows = cursor.fetchall()
    cells = []
    for slug, name, month, state, artists, contributions, hours, *parts in rows:
        shown = _shown(artists, *parts)
        cells.append(
            UnpaidWork(
                program_slug=slug,
                program_name=name,
                month=month,
                state=state,
                artists=artists if shown else None,
                contributions=contributions if shown else None,
                hours=hours if shown else None,
                withheld=not shown,
            )
        )
    return cells


@dataclass(frozen=True)
class OwnUnpaidWork:
    """An artist's own open unpaid work, each contribution once (no floor: it is theirs)."""

    contributions: int
    hours: Decimal
    note = COUNTED_ONCE


def own_unpaid_work(own_open_flags: QuerySet[Flag]) -> OwnUnpaidWork:
    hours_by_subject = dict(
        own_open_flags.filter(kind__in=CONTRIBUTION_KINDS)
        .order_by()
        .annotate(hours=contribution_hours())
        .values_list("subject_key", "hours")
    )
    return OwnUnpaidWork(len(hours_by_subject), sum(hours_by_subject.values(), Decimal("0")))
