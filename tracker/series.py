"""A program's figures over time: contributions, hours, hours paid for and revocations per
month of the grid, and how long works waited for a decision. The same privacy rules as every
other figure (tracker.privacy): a month is a cell of the grid, withheld where the program's
withheld cells say so, so a month cannot be had from a shown quarter or year minus the shown
months; the latency buckets split the works of the period, so a withheld bucket is protected
from the shown total minus the shown buckets.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, Count, DateField, ExpressionWrapper, F, FloatField, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Extract, TruncMonth
from django.utils import timezone

from artists.models import Work
from feedback.models import Contribution
from feedback.selectors import is_compensated
from programs.models import AccessEvent, Enrollment, Program
from tracker import metric_queries as queries
from tracker import privacy
from tracker.metrics import suppressed_reason
from tracker.periods import ALL, Period

# Months only: a week straddles two months, and a month minus its whole weeks would leave the
# few days at its ends, perhaps one artist's.
INTERVALS = ("month",)
VERIFIED = Enrollment.Verification.VERIFIED
REVOKED_BY_MONTH = privacy.Basis("revoked", "artists lost access", by_period=True, money=False)


@dataclass(frozen=True)
class SeriesPoint:
    period_start: dt.date
    contributions: int | None
    hours: Decimal | None
    compensated_hours: Decimal | None
    revocations: int | None
    # True when the month's work figures (or its revocations) are withheld.
    work_suppressed: bool
    revocations_suppressed: bool


def _revocations_by_month(program: Program) -> privacy.MonthData:
    rows = (
        AccessEvent.objects.filter(
            enrollment__program=program, enrollment__verification=VERIFIED, kind=AccessEvent.Kind.REVOKED
        )
        .values("enrollment__artist_id", month=TruncMonth("occurred_at", output_field=DateField()))
        .annotate(revocations=Count("id"))
        .order_by()
    )
    data: privacy.MonthData = {}
    for row in rows:
        data.setdefault(Period.of_month(row["month"]), {})[row["enrollment__artist_id"]] = Decimal(row["revocations"])
    return data


def time_series(program: Program, *, interval: str = "month", period: Period = ALL) -> list[SeriesPoint] | None:
    """Contributions, hours, compensated hours and revocations per month of `period`.

    None when the program itself is below the privacy floor in the period; a month's work
    figures (or its revocations) are None where the privacy rules withhold that month.
    """
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {', '.join(INTERVALS)}")
    artists = queries.artists([program.pk], "program", period).get(program.pk, {}).get("artists", 0)
    if suppressed_reason(artists):
        return None
    activity = queries.activity([program.pk], timezone.now().date()).get(program.pk, {})
    # A month's work is shown as the program page shows it: only when its due and not-yet-due
    # parts are safe too (tracker.privacy.WHOLE), or the month's fair value would reveal them.
    whole = [activity.get(name, privacy.BasisActivity(privacy.BASES[name])) for name in privacy.WHOLE]
    compensated = activity.get("compensated", privacy.BasisActivity(privacy.BASES["compensated"]))
    revoked = privacy.BasisActivity(REVOKED_BY_MONTH, months=_revocations_by_month(program))
    contributions = (
        Contribution.objects.filter(
            Q(enrollment__program=program, enrollment__verification=VERIFIED) & period.on("occurred_on")
        )
        .alias(compensated=is_compensated())
        .annotate(bucket=TruncMonth("occurred_on", output_field=DateField()))
        .values("bucket")
        .annotate(
            contributions=Count("id"),
            hours=Sum("hours_spent"),
            compensated_hours=Coalesce(Sum("hours_spent", filter=Q(compensated=True)), Value(Decimal("0"))),
        )
        .order_by("bucket")
    )
    work = {row["bucket"]: row for row in contributions}
    revocations = {Period(year=m.year, month=m.month): sum(a.values()) for m, a in revoked.months.items()}
    months = sorted(
        {Period.of_month(day) for day in work} | {m for m in revocations if period.contains_month(m)},
    )
    points = []
    for month in months:
        start = month.since
        w = work.get(start, {"contributions": 0, "hours": Decimal("0"), "compensated_hours": Decimal("0")})
        shown = [basis.disclose(month) for basis in whole]
        hide_work = not all(d.counts_shown for d in shown)
        hide_hours = hide_work or not all(d.money_shown for d in shown)
        paid = compensated.disclose(month)
        hide_paid = hide_hours or not (paid.counts_shown and paid.money_shown)
        hide_revoked = not revoked.disclose(month).counts_shown
        points.append(
            SeriesPoint(
                period_start=start,
                contributions=None if hide_work else w["contributions"],
                hours=None if hide_hours else w["hours"],
                compensated_hours=None if hide_paid else w["compensated_hours"],
                revocations=None if hide_revoked else int(revocations.get(month, 0)),
                work_suppressed=hide_hours,
                revocations_suppressed=hide_revoked,
            )
        )
    return points


# Approval latency buckets for the distribution chart: (label, upper bound in days or None).
LATENCY_BUCKETS = (
    ("under 1 day", 1),
    ("1–3 days", 3),
    ("3–7 days", 7),
    ("7–14 days", 14),
    ("14–30 days", 30),
    ("30–90 days", 90),
    ("over 90 days", None),
)


@dataclass(frozen=True)
class LatencyBucket:
    label: str
    decided: int | None  # works whose first decision came within this bucket's time
    pending: int | None  # works still waiting, by how long they have waited so far
    # True when the privacy rules withhold this bucket: its counts are None.
    suppressed: bool = False


def withheld_parts(artists: list[set[int]]) -> set[int]:
    """Which parts of a partition to withhold, given each part's artists: the parts below the
    floor, and then, while the withheld parts together have fewer than MIN_GROUP_SIZE artists
    (the shown total minus the shown parts would reveal them), the smallest shown part too."""
    hidden = {i for i, who in enumerate(artists) if privacy.below_floor(len(who))}

    def union() -> set[int]:
        return set().union(*(artists[i] for i in hidden))

    while hidden and len(union()) < settings.MIN_GROUP_SIZE:
        candidates = [i for i, who in enumerate(artists) if i not in hidden and who]
        if not candidates:
            break
        hidden.add(min(candidates, key=lambda i: (len(artists[i]), i)))
    return hidden


def latency_distribution(program: Program, *, period: Period = ALL, now: dt.datetime | None = None):
    """How long works waited for their first decision (and how long pending ones have waited).
    None when the program is below the privacy floor in the period; a withheld bucket shows
    no counts."""
    now = now or timezone.now()
    artists = queries.artists([program.pk], "program", period).get(program.pk, {}).get("artists", 0)
    if suppressed_reason(artists):
        return None
    waited = ExpressionWrapper(
        Extract(Coalesce("first_decided_at", Value(now)) - F("submitted_at"), "epoch") / 86400.0,
        output_field=FloatField(),
    )
    bucket = Case(
        *(When(waited__lt=upper, then=Value(i)) for i, (_, upper) in enumerate(LATENCY_BUCKETS) if upper is not None),
        default=Value(len(LATENCY_BUCKETS) - 1),
        output_field=IntegerField(),
    )
    # One row per bucket and artist: the counts, and who is behind each bucket.
    rows = (
        Work.objects.filter(
            Q(enrollment__program=program, enrollment__verification=VERIFIED) & period.on("submitted_at__date")
        )
        .annotate(waited=waited)
        .values("enrollment__artist_id", bucket=bucket)
        .annotate(
            decided=Count("id", filter=~Q(status=Work.Status.PENDING)),
            pending=Count("id", filter=Q(status=Work.Status.PENDING)),
        )
        .order_by()
    )
    decided = [0] * len(LATENCY_BUCKETS)
    pending = [0] * len(LATENCY_BUCKETS)
    behind: list[set[int]] = [set() for _ in LATENCY_BUCKETS]
    for row in rows:
        decided[row["bucket"]] += row["decided"]
        pending[row["bucket"]] += row["pending"]
        behind[row["bucket"]].add(row["enrollment__artist_id"])
    hidden = withheld_parts(behind)
    return [
        LatencyBucket(
            label=label,
            decided=None if i in hidden else decided[i],
            pending=None if i in hidden else pending[i],
            suppressed=i in hidden,
        )
        for i, (label, _) in enumerate(LATENCY_BUCKETS)
    ]
