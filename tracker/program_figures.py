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

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from programs.models import Program
from tracker.cache import figures_key, program_versions
from tracker.metrics import Metrics, metrics_from_parts
from tracker.periods import ALL, Period
from tracker.pooled import program_parts


def _key(program: Program, version: int, period: Period, now: dt.datetime | None) -> str:
    database = connection.settings_dict["NAME"]
    return f"program-metrics:{database}:{figures_key(now)}:{program.pk}:{version}:{period.label}"


def program_figures(
    programs: Iterable[Program], *, period: Period = ALL, now: dt.datetime | None = None
) -> list[Metrics]:
    """One Metrics per program, in the order given: from the cache for the programs whose
    records have not changed, computed together for the others."""
    programs = list(programs)
    versions = program_versions([p.pk for p in programs])
    keys = {p.pk: _key(p, versions[p.pk], period, now) for p in programs}
    found = cache.get_many(list(keys.values())) if programs else {}
    missing = [p.pk for p in programs if keys[p.pk] not in found]
    if missing:
        # From each program's parts, which the pooled figures share (tracker.pooled).
        missing_programs = [p for p in programs if p.pk in missing]
        parts = program_parts(missing_programs, period, now)
        computed = {keys[p.pk]: metrics_from_parts(p, parts[p.pk], period) for p in missing_programs}
        cache.set_many(computed, timeout=settings.STATS_CACHE_SECONDS)
        found.update(computed)
    return [found[keys[p.pk]] for p in programs]


def program_figure(program: Program, *, period: Period = ALL) -> Metrics:
    return program_figures([program], period=period)[0]
