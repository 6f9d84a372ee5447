"""The perks_instead_of_pay rule (docs/metrics.md, "Flags"): a program-level finding raised
when most of the value a program has given its testers is perks (credits, free access, gifts
and other non-cash value) while due work of theirs is unpaid. Registered in
tracker.flags.RULES; kept apart because its message depends on the privacy rules.

Over the program's whole history and its verified testers only, with the figures' own
definitions (tracker.metric_queries): the perks are `other_value`, all value given is
`cash_paid + other_value`, and due work is unpaid when `owed_contributions > 0`. The
condition is checked on the records; the message carries the share of the value given as
perks only where the program's `cash_paid` and `other_value` are published, and the owed
hours only where its `owed_hours` are, so a finding about a program whose figures are
withheld exists but tells no number (docs/privacy.md).
"""

import datetime as dt
import json
from decimal import Decimal

from programs.models import Program
from tracker import metric_queries as queries
from tracker.metrics import program_metrics
from tracker.periods import ALL
from tracker.templatetags.metrics import share_text

# The columns every candidate query yields, in this order (tracker.flags reads them here:
# this module is the one of the two that imports nothing from the other).
COLUMNS = (
    "flag_program",
    "flag_subject",
    "flag_artist",
    "flag_message",
    "flag_details",
    "flag_occurred_on",
    "flag_due_on",
)
TYPES = ("bigint", "varchar", "bigint", "varchar", "jsonb", "date", "date")
NO_CANDIDATE = "SELECT " + ", ".join(f"NULL::{t} AS {c}" for c, t in zip(COLUMNS, TYPES, strict=True)) + " WHERE false"


def perks_share(cash: Decimal, perks: Decimal) -> float | None:
    """The share of all value given that is perks, or None when nothing was given."""
    total = cash + perks
    return round(float(perks / total), 4) if total > 0 else None


def hours_text(value: Decimal) -> str:
    """15.00 → "15", 130.50 → "130.5"."""
    return format(value.normalize(), "f")


def message(share: float | None, owed_hours: Decimal | None) -> str:
    """The finding's text, with each number only when it is given (published)."""
    perks = "credits, free access, gifts and other non-cash value"
    if share is None:
        given = f"Most of the value this program has given its testers is perks ({perks})"
    else:
        given = f"Perks ({perks}) are {share_text(share)} of the value this program has given its testers"
    if owed_hours is None:
        return f"{given}, while due work is unpaid."
    return f"{given}, while {hours_text(owed_hours)} hours of due work are unpaid."


def candidates(now: dt.datetime, programs: list[int] | None = None) -> list[dict]:
    """The programs where the condition holds now (among `programs`, when given), each with
    its (floor-respecting) message."""
    today = now.date()
    scope = Program.objects.values("pk") if programs is None else Program.objects.filter(pk__in=programs).values("pk")
    given = queries.payments(scope, "program", ALL)
    perks_first = []
    for pk, by_kind in given.items():
        # One program has one currency: its cash and its perks are each one amount.
        cash = sum(by_kind["cash"].values(), Decimal("0"))
        perks = sum(by_kind["other"].values(), Decimal("0"))
        if perks * 2 > cash + perks:
            perks_first.append(pk)
    if not perks_first:
        return []
    work = queries.contributions(perks_first, "program", ALL, today)
    unpaid = [pk for pk in perks_first if (work.get(pk) or {}).get("owed_contributions")]
    if not unpaid:
        return []
    found = []
    programs = Program.objects.filter(pk__in=unpaid)
    by_slug = {program.slug: program for program in programs}
    for metrics in program_metrics(programs, now=now):
        program = by_slug[metrics.key]
        share = None
        if metrics.cash_paid is not None and metrics.other_value is not None:
            share = perks_share(metrics.cash_paid, metrics.other_value)
        owed_hours = metrics.owed_hours
        found.append(
            {
                "program": program.pk,
                "message": message(share, owed_hours),
                "details": {
                    "perks_share": share,
                    "owed_hours": None if owed_hours is None else f"{owed_hours:.2f}",
                },
            }
        )
    return found


def perks_instead_of_pay(now: dt.datetime, programs: list[int] | None = None) -> tuple[str, dict]:
    """The candidate query: one row per program where the condition holds, subject
    "program:<id>" (so at most one open finding per program); a state, not an event, so no
    day of its own (like undefined_terms)."""
    found = candidates(now, programs)
    if not found:
        return NO_CANDIDATE, {}
    rows, params = [], {}
    for index, row in enumerate(found):
        name = f"perks{index}"
        params[f"{name}_program"] = row["program"]
        params[f"{name}_subject"] = f"program:{row['program']}"
        params[f"{name}_message"] = row["message"]
        params[f"{name}_details"] = json.dumps(row["details"])
        rows.append(
            f"(%({name}_program)s::bigint, %({name}_subject)s::varchar, NULL::bigint, %({name}_message)s::varchar, "
            f"%({name}_details)s::jsonb, NULL::date, NULL::date)"
        )
    sql = f"SELECT * FROM (VALUES {', '.join(rows)}) AS perks ({', '.join(COLUMNS)})"
    return sql, params
