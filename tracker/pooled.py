"""Pooled figures (an organization, the platform) from each program's cached parts.

A pool's figures are the figures of the records of the programs whose own figures of each
part are shown (tracker.metrics._pooled). Every count and sum of a pool is the sum of its
programs' grouped figures; what is not a sum is kept per program as what it is made of: the
artists behind each part, basis and kind (a pool counts each artist once however many of its
programs they are in), and the values behind each percentile. These `ProgramParts` are
cached per program under its version (tracker.models.ProgramChange), the period and the day,
so after a write the pool recomputes the parts of the programs written to and adds up the
rest: the same figures as the live queries (tests/tracker/test_pooled_parts.py compares
them after random writes), without reading every record again.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from artists.models import Work
from feedback.models import Contribution
from feedback.selectors import first_cash_payment, is_compensated
from programs.models import Program
from tracker import metric_queries as queries
from tracker import privacy
from tracker.cache import figures_key, per_program
from tracker.periods import Period

# The parts whose grouped figures add up across programs, and the percentiles among them.
ADDITIVE_PARTS = ("testers", "contributions", "works", "decisions", "revocations")
PERCENTILES = {
    "median_days_to_payment": ("days_to_payment", 0.5),
    "approval_latency_median_hours": ("latency_hours", 0.5),
    "approval_latency_p90_hours": ("latency_hours", 0.9),
}


@dataclass
class ProgramParts:
    """What a pool needs of one program, for one period."""

    currency: str
    parts: dict[str, dict] = field(default_factory=dict)  # part → this program's grouped figures
    payments: dict = field(default_factory=dict)  # {"cash": {currency: sum}, "other": {…}}
    disclosures: dict[str, privacy.Disclosure] = field(default_factory=dict)
    basis_artists: dict[str, frozenset[int]] = field(default_factory=dict)
    artists: frozenset[int] = frozenset()
    kind_artists: dict[str, frozenset[int]] = field(default_factory=dict)
    days_to_payment: Counter = field(default_factory=Counter)  # whole days → contributions
    latency_hours: list[float] = field(default_factory=list)
    flags: dict = field(default_factory=dict)
    flagged: dict[str, int] = field(default_factory=dict)
    showcased: dict[int, int] = field(default_factory=dict)  # artist → works of theirs showcased


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont over `values`: interpolated between the two nearest."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower = math.floor(position)
    if lower == position:
        return float(ordered[lower])
    first, second = ordered[lower], ordered[lower + 1]
    return first + (second - first) * (position - lower)


def _compute(programs: list[Program], period: Period, now: dt.datetime) -> dict[int, ProgramParts]:
    """The parts of these programs, in a fixed number of grouped queries."""
    from tracker.metrics import _disclosures, _query_all, showcased  # noqa: PLC0415 (metrics imports this module)

    ids = [p.pk for p in programs]
    grouped = _query_all(
        dict.fromkeys((*ADDITIVE_PARTS, "payments", "artists", "flags", "owed"), ids),
        "program",
        period,
        now,
    )
    activity = queries.activity(ids, now.date())
    flagged = queries.flagged_artists(ids)
    result = {p.pk: ProgramParts(currency=p.currency) for p in programs}
    for pk, parts in result.items():
        parts.parts = {name: grouped[name].get(pk) or {} for name in ADDITIVE_PARTS}
        parts.payments = grouped["payments"].get(pk) or {"cash": {}, "other": {}}
        parts.disclosures = _disclosures(activity.get(pk, {}), period)
        parts.basis_artists = {
            name: frozenset(activity[pk][name].artists_in(period)) if name in activity.get(pk, {}) else frozenset()
            for name in privacy.BASES
        }
        parts.flags = grouped["flags"].get(pk) or {"open_flags": {}, "mass_revocations": 0}
        parts.flagged = flagged.get(pk, {})
        parts.showcased = showcased(activity.get(pk, {}), period)

    artists = defaultdict(set)
    enrollments = queries.active_enrollments(ids, period)
    for program, artist in enrollments.values_list("program_id", "artist_id").order_by():
        artists[program].add(artist)
    contributions = queries.in_programs(
        Contribution.objects.filter(period.on("occurred_on")), "enrollment__program", ids
    ).order_by()
    kinds = defaultdict(lambda: defaultdict(set))
    for program, kind, artist in contributions.values_list(
        "enrollment__program_id", "kind", "enrollment__artist_id"
    ).distinct():
        kinds[program][kind].add(artist)
    paid = contributions.alias(compensated=is_compensated()).filter(compensated=True)
    days = paid.annotate(first=first_cash_payment()).values_list("enrollment__program_id", "first", "occurred_on")
    for program, first, occurred in days:
        result[program].days_to_payment[(first - occurred).days] += 1
    decided = (
        queries.in_programs(Work.objects.filter(period.on("submitted_at__date")), "enrollment__program", ids)
        .exclude(status=Work.Status.PENDING)
        .annotate(latency=queries.latency_hours())
        .values_list("enrollment__program_id", "latency")
        .order_by()
    )
    for program, hours in decided:
        if hours is not None:
            result[program].latency_hours.append(hours)
    for pk, parts in result.items():
        parts.artists = frozenset(artists.get(pk, ()))
        parts.kind_artists = {kind: frozenset(found) for kind, found in kinds.get(pk, {}).items()}
    return result


def program_parts(programs: list[Program], period: Period, now: dt.datetime | None = None) -> dict[int, ProgramParts]:
    """Each program's parts, from the cache where its records have not changed (as of
    today, or of `now` when given)."""
    return per_program(
        # The methodology version: parts cached by an earlier version lack later parts.
        f"program-parts:{privacy.METHODOLOGY_VERSION}",
        programs,
        f"{figures_key(now)}:{period.label}",
        lambda missing: _compute(missing, period, now or timezone.now()),
    )


def program_grouped(pk: int, parts: ProgramParts) -> dict:
    """One program's grouped figures, shaped as tracker.metrics._query_all's for group `pk`."""
    grouped = {name: {pk: parts.parts[name]} for name in ADDITIVE_PARTS}
    grouped["payments"] = {pk: parts.payments}
    grouped["artists"] = {pk: {"artists": len(parts.artists)}}
    grouped["kind_artists"] = {pk: {kind: len(artists) for kind, artists in parts.kind_artists.items()}}
    grouped["flags"] = {pk: parts.flags}
    grouped["showcased"] = {pk: parts.showcased}
    return grouped


def _add(rows: list[dict]) -> dict:
    total: dict = {}
    for row in rows:
        for name, value in row.items():
            if value is None or name in PERCENTILES:
                continue
            total[name] = total.get(name, 0) + value
    return total


def pooled_parts(key, parts: dict[int, ProgramParts], ids: dict[str, list[int]]) -> dict:
    """The grouped figures of a pool, shaped as tracker.metrics._query_all's for one group
    `key`: each part over the programs `ids` names for it."""
    result = {name: {key: _add([parts[pk].parts[name] for pk in ids[name]])} for name in ADDITIVE_PARTS}
    days = Counter()
    for pk in ids["contributions"]:
        days.update(parts[pk].days_to_payment)
    result["contributions"][key]["median_days_to_payment"] = percentile_cont(
        [float(d) for d, n in sorted(days.items()) for _ in range(n)], 0.5
    )
    latencies = [hours for pk in ids["works"] for hours in parts[pk].latency_hours]
    result["works"][key]["approval_latency_median_hours"] = percentile_cont(latencies, 0.5)
    result["works"][key]["approval_latency_p90_hours"] = percentile_cont(latencies, 0.9)
    result["artists"] = {key: {"artists": len(frozenset().union(*(parts[pk].artists for pk in ids["artists"])))}}
    kind_artists = defaultdict(set)
    for pk in ids["contributions"]:
        for kind, artists in parts[pk].kind_artists.items():
            kind_artists[kind] |= artists
    result["kind_artists"] = {key: {kind: len(artists) for kind, artists in kind_artists.items()}}
    payments = {"cash": {}, "other": {}}
    for pk in ids["payments"]:
        for sort in ("cash", "other"):
            for currency, amount in parts[pk].payments.get(sort, {}).items():
                payments[sort][currency] = payments[sort].get(currency, Decimal("0")) + amount
    result["payments"] = {key: payments}
    owed = {"owed_by_currency": {}, "owed_hours": Decimal("0.00"), "owed_contributions": 0}
    for pk in ids["owed"]:
        work = parts[pk].parts["contributions"]
        if work.get("owed_contributions"):
            currency = parts[pk].currency
            owed["owed_by_currency"][currency] = owed["owed_by_currency"].get(currency, Decimal("0")) + work["owed"]
            owed["owed_hours"] += work["owed_hours"]
            owed["owed_contributions"] += work["owed_contributions"]
    result["owed"] = {key: owed}
    # Per artist: an artist in two programs of the pool is one artist, with the works of both.
    works_by_artist = Counter()
    for pk in ids["showcased"]:
        works_by_artist.update(parts[pk].showcased)
    result["showcased"] = {key: dict(works_by_artist)}
    return result
