"""The public flag feed (/flags/), put together from each program's cached part.

Every row of the feed is about one program: a program-level finding is one flag of it, and a
monthly aggregate is a cell of one program, kind, month and state, whose floor counts the
verified artists of that program only (tracker.selectors.monthly_findings); the unpaid work
is counted on the same grid (tracker.unpaid_work). No cell spans programs, so a program's
rows depend only on its own records: its flags, its enrollments' verification, the program
itself (a subject key names a record of one program, and records do not move between
programs, so "resolved again later" never finds another program's flag). They are cached
under the program's version
(tracker.models.ProgramChange, moved by every write to its records, flags included), the
filters other than `program` (kind, month, state) and `tracker.cache.figures_key()` (the day
and MIN_GROUP_SIZE), with `tracker.cache.per_program`: after a write to one program, only
that program's rows are counted again (two queries over its own flags, through the index
flag_open_by_program for the open ones), the others come from the cache.

The rows are then merged in exactly the order of `public_findings` (and of `unpaid_work`),
names and kinds compared as the database compares them (its collation), so the feed is the
same, row for row, as the one query over all programs (tests/tracker/test_feed_parts.py).
Rows are kept as tuples with their dates as day numbers and decimals as text (`feed_rows`),
several times cheaper to cache and to merge than objects; a page makes Findings of the
rows it shows (`finding`). The view caches the merged feed under the data version besides
(tracker.cache.page_figures), so a request with no write since reads it in one piece.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from decimal import Decimal

from django.db import connections
from django.db.models import QuerySet

from programs.models import Program
from programs.selectors import listed_programs
from tracker.cache import figures_key, per_program
from tracker.filters import FindingFilter
from tracker.models import Flag
from tracker.selectors import FINDING_COLUMNS, Finding, public_findings
from tracker.unpaid_work import UnpaidWork, unpaid_work

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# Where `public_findings`' order reads a finding row (a tuple of FINDING_COLUMNS).
FLAG_ID, PROGRAM_SLUG, PROGRAM_NAME, KIND, RAISED_AT, SEVERITY_RANK, DAY = (
    FINDING_COLUMNS.index(name)
    for name in ("flag_id", "program_slug", "program_name", "kind", "raised_at", "severity_rank", "day")
)
# An unpaid-work cell as a tuple: UnpaidWork's fields in order.
UNPAID_FIELDS = tuple(field.name for field in fields(UnpaidWork))
CELL_MONTH, CELL_NAME, CELL_STATE = (UNPAID_FIELDS.index(name) for name in ("month", "program_name", "state"))
# What a row keeps as a day number (dates) and as text (decimals): thousands of rows are
# pickled at each change and read from the cache at each request, several times faster so.
ROW_DATES = frozenset(FINDING_COLUMNS.index(name) for name in ("month", "occurred_on", "due_on", "day"))
ROW_DECIMALS = frozenset({FINDING_COLUMNS.index("hours")})
CELL_DATES, CELL_DECIMALS = frozenset({CELL_MONTH}), frozenset({UNPAID_FIELDS.index("hours")})


def _pack(values, dates: frozenset, decimals: frozenset) -> tuple:
    def packed(i, value):
        if value is None:
            return None
        return value.toordinal() if i in dates else str(value) if i in decimals else value

    return tuple(packed(i, value) for i, value in enumerate(values))


def _unpack(row: tuple, dates: frozenset, decimals: frozenset) -> tuple:
    def unpacked(i, value):
        if value is None:
            return None
        return dt.date.fromordinal(value) if i in dates else Decimal(value) if i in decimals else value

    return tuple(unpacked(i, value) for i, value in enumerate(row))


def pack_finding(values) -> tuple:
    """A finding's values (FINDING_COLUMNS in order) as a feed row."""
    return _pack(values, ROW_DATES, ROW_DECIMALS)


def pack_cell(values) -> tuple:
    """An unpaid-work cell's values (UnpaidWork's fields in order) as a feed cell."""
    return _pack(values, CELL_DATES, CELL_DECIMALS)


def finding(row: tuple) -> Finding:
    """The Finding of a row of `feed_rows`."""
    return Finding(*_unpack(row, ROW_DATES, ROW_DECIMALS))


def unpaid_cell(cell: tuple) -> UnpaidWork:
    """The UnpaidWork of a cell of `feed_rows`."""
    return UnpaidWork(*_unpack(cell, CELL_DATES, CELL_DECIMALS))


def _micros(moment: dt.datetime) -> int:
    return (moment - EPOCH) // dt.timedelta(microseconds=1)


def _compute(flags: QuerySet[Flag], programs: list[Program], with_unpaid: bool) -> dict[int, tuple]:
    """(finding rows, unpaid-work cells) of each of `programs` among `flags`, as packed
    tuples (cheap to cache and to merge), in two queries."""
    ids = [p.pk for p in programs]
    by_slug = {p.slug: p.pk for p in programs}
    found: dict[int, tuple[list, list]] = {pk: ([], []) for pk in ids}
    theirs = flags.filter(program__in=ids)
    for values in public_findings(theirs):
        row = pack_finding(values.values())  # FINDING_COLUMNS in order (Finding.from_row)
        if row[PROGRAM_SLUG] in by_slug:  # else renamed since: its version moved too
            found[by_slug[row[PROGRAM_SLUG]]][0].append(row)
    if with_unpaid:
        for cell in unpaid_work(theirs):
            if cell.program_slug in by_slug:
                found[by_slug[cell.program_slug]][1].append(pack_cell(getattr(cell, name) for name in UNPAID_FIELDS))
    return {pk: (tuple(rows), tuple(cells)) for pk, (rows, cells) in found.items()}


def collation_ranks(database: str, words) -> dict[str, int]:
    """Each of `words` with its rank in the database's order of text (its collation, which
    may not be Python's): equal words share a rank, as they tie in an ORDER BY."""
    words = sorted(set(words))
    if not words:
        return {}
    with connections[database].cursor() as cursor:
        cursor.execute("SELECT w FROM unnest(%s::text[]) AS w ORDER BY w", [words])
        ordered = [w for (w,) in cursor.fetchall()]
    ranks: dict[str, int] = {}
    for word in ordered:
        ranks.setdefault(word, len(ranks))
    return ranks


def merge_findings(rows, rank: dict[str, int]) -> list[tuple]:
    """Finding rows in `public_findings`' order: severity, the day (newest first), program
    name, kind, then the newest raised and the highest id (nulls first, as PostgreSQL's DESC)."""

    def key(row: tuple):
        raised, flag_id = row[RAISED_AT], row[FLAG_ID]
        return (
            row[SEVERITY_RANK],
            -row[DAY],
            rank[row[PROGRAM_NAME]],
            rank[row[KIND]],
            raised is not None,
            -_micros(raised) if raised is not None else 0,
            flag_id is not None,
            -(flag_id or 0),
        )

    return sorted(rows, key=key)


def merge_unpaid(cells, rank: dict[str, int]) -> list[tuple]:
    """Unpaid-work cells in `unpaid_work`'s order: the newest month first, then program name, state."""
    return sorted(cells, key=lambda c: (-c[CELL_MONTH], rank[c[CELL_NAME]], rank[c[CELL_STATE]]))


def feed_rows(finding_filter: FindingFilter, *, with_unpaid: bool = True) -> tuple[list[tuple], list[tuple]]:
    """`public_findings(finding_filter.qs)` as packed tuples (`finding(row)` makes a Finding
    of one), and, with `with_unpaid`, `unpaid_work(…)` (`unpaid_cell(cell)`), for a valid
    filter, from each program's cached part: the filter's program, or every listed program;
    its other filters (kind, month, state) key the cache."""
    data = finding_filter.form.cleaned_data
    program, month = data.get("program"), data.get("month")
    flags = finding_filter.qs
    programs = [program] if program is not None else list(listed_programs().select_related(None).only("slug"))
    state = "resolved" if data.get("state") == "resolved" else "open"
    filters = [data.get("kind") or "", month.isoformat() if month else "", state]
    scope = ":".join([figures_key(), *filters, str(int(with_unpaid))])
    parts = per_program("feed-part", programs, scope, lambda missing: _compute(flags, missing, with_unpaid))
    rows = [row for found, _ in parts.values() for row in found]
    cells = [cell for _, found in parts.values() for cell in found]
    words = {row[PROGRAM_NAME] for row in rows} | {row[KIND] for row in rows}
    words |= {cell[CELL_NAME] for cell in cells} | {cell[CELL_STATE] for cell in cells}
    rank = collation_ranks(flags.db, words)
    return merge_findings(rows, rank), merge_unpaid(cells, rank)


def feed(finding_filter: FindingFilter, *, with_unpaid: bool = True) -> tuple[list[Finding], list[UnpaidWork]]:
    """What `public_findings(finding_filter.qs)` and, with `with_unpaid`, `unpaid_work(…)`
    give, as `Finding`s and `UnpaidWork`s (`feed_rows`, made into objects)."""
    rows, cells = feed_rows(finding_filter, with_unpaid=with_unpaid)
    return [finding(row) for row in rows], [unpaid_cell(cell) for cell in cells]
