"""Each program's Metrics, cached by that program's own version.

A program's figures depend only on its own records (tracker.metrics: the privacy rules too
are decided per program), so they are cached under the program's version
(tracker.models.ProgramChange), the period and the day: a write to one program leaves
every other program's figures in the cache, and a table of all programs recomputes, in one
batch of grouped queries, only the programs written to since. The program page, the
programs tables, compare and the stats API all read them here, so whichever asks first
computes them for all.

Entries also expire after STATS_CACHE_SECONDS: a few figures move with the clock alone
(works become overdue hour by hour), and that bounds how long they can lag.
"""

import datetime as dt
from collections.abc import Iterable

from programs.models import Program
from tracker.cache import figures_key, per_program
from tracker.metrics import Metrics, metrics_from_parts
from tracker.periods import ALL, Period
from tracker.pooled import program_parts


def program_figures(
    programs: Iterable[Program], *, period: Period = ALL, now: dt.datetime | None = None
) -> list[Metrics]:
    """One Metrics per program, in the order given: from the cache for the programs whose
    records have not changed, built for the others from their parts, which the pooled
    figures share (tracker.pooled)."""
    programs = list(programs)

    def compute(missing: list[Program]) -> dict:
        parts = program_parts(missing, period, now)
        return {p.pk: metrics_from_parts(p, parts[p.pk], period) for p in missing}

    found = per_program("program-metrics", programs, f"{figures_key(now)}:{period.label}", compute)
    return [found[p.pk] for p in programs]


def program_figure(program: Program, *, period: Period = ALL) -> Metrics:
    return program_figures([program], period=period)[0]
