"""The grouped queries behind tracker.metrics: one aggregate query per kind of record
(enrollments, contributions, payments, works, decisions, revocations, flags) over a list of
program ids, grouped by program, by organization or for the platform as a whole. Each answers
{group key: {figure: value}}; tracker.metrics assembles them into Metrics and applies the
privacy floor, and is the only module that calls them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Aggregate,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Extract, TruncMonth

from artists.models import ApprovalDecision, Work
from feedback.models import Compensation, Contribution
from feedback.selectors import cash_allocated, due_on, first_cash_payment, is_compensated, is_due
from programs.models import AccessEvent, Enrollment
from programs.selectors import reference_rate
from tracker.models import Flag
from tracker.periods import Period
from tracker.privacy import BASES, BasisActivity
from tracker.score import MIN_NOTICE_DAYS, UNPAID_PAST_DUE_DAYS

BLANK = r"^\s*$"


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont: the continuous percentile of the expression."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, percentile: float, **extra):
        super().__init__(expression, percentile=percentile, **extra)


# -- grouping -------------------------------------------------------------------------


def group_path(group: str, program_path: str) -> str | None:
    """The field to group by, from a model whose program is at `program_path`."""
    if group == "program":
        return f"{program_path}_id" if program_path else "id"
    if group == "organization":
        return f"{program_path}__organization_id" if program_path else "organization_id"
    return None


def grouped(queryset: QuerySet, group: str, program_path: str, **aggregates) -> dict:
    """{group key: {aggregate: value}}; the platform is one group with key None."""
    path = group_path(group, program_path)
    # A constant key is not grouped by, so the platform comes out as one row.
    key = F(path) if path else Value(None, output_field=IntegerField())
    rows = queryset.values(group_key=key).annotate(**aggregates).order_by()
    return {row.pop("group_key"): row for row in rows}


def in_programs(queryset: QuerySet, program_path: str, program_ids) -> QuerySet:
    """The records of these programs that count in public figures: those of verified
    enrollments only (docs/privacy.md), so unverified accounts lift no floor."""
    lookup = f"{program_path}__in" if program_path else "pk__in"
    enrollment = program_path.removesuffix("program").removesuffix("__") if program_path else ""
    verified = f"{enrollment}__verification" if enrollment else "verification"
    if queryset.model is Flag:
        return queryset.filter(**{lookup: program_ids})
    return queryset.filter(**{lookup: program_ids, verified: Enrollment.Verification.VERIFIED})


# -- the queries ----------------------------------------------------------------------


def active_enrollments(program_ids, period: Period) -> QuerySet:
    """The verified enrollments of these programs with something in the period (all of them
    for all time): the artists the figures are drawn from."""
    enrollments = in_programs(Enrollment.objects.all(), "program", program_ids)
    if period.bounded:
        enrollments = enrollments.filter(
            Exists(Contribution.objects.filter(Q(enrollment=OuterRef("pk")) & period.on("occurred_on")))
            | Exists(Work.objects.filter(Q(enrollment=OuterRef("pk")) & period.on("submitted_at__date")))
            | Exists(Compensation.objects.filter(Q(enrollment=OuterRef("pk")) & period.on("paid_on")))
        )
    return enrollments


def latency_hours() -> ExpressionWrapper:
    """For a work queryset: hours from submission to its first decision."""
    return ExpressionWrapper(
        Extract(F("first_decided_at") - F("submitted_at"), "epoch") / 3600.0, output_field=FloatField()
    )


def artists(program_ids, group, period: Period) -> dict:
    """Distinct artists each group's figures are drawn from (the privacy floor counts these)."""
    return grouped(active_enrollments(program_ids, period), group, "program", artists=Count("artist", distinct=True))


def testers(program_ids, group) -> dict:
    status = Enrollment.Status
    return grouped(
        in_programs(Enrollment.objects.all(), "program", program_ids),
        group,
        "program",
        testers_active=Count("id", filter=Q(status=status.ACTIVE)),
        # A tester whose invitation was withdrawn before access was granted is not a revoked
        # tester (and keeps revocation_rate within 0–1).
        testers_revoked=Count("id", filter=Q(status=status.REVOKED, granted_on__isnull=False)),
        testers_ever_granted=Count("id", filter=Q(granted_on__isnull=False)),
    )


def contributions(program_ids, group, period: Period, today: dt.date) -> dict:
    """Contribution figures of the period's contributions (by occurred_on). Pay is judged on
    due work only: work still within the program's payment terms counts neither for nor
    against it, and is summed apart as hours_not_yet_due."""
    queryset = in_programs(
        Contribution.objects.filter(period.on("occurred_on")), "enrollment__program", program_ids
    ).annotate(
        compensated=is_compensated(),
        cash=cash_allocated(),
        first_paid_on=first_cash_payment(),
        days_to_payment=ExpressionWrapper(
            Extract(F("first_paid_on") - F("occurred_on"), "epoch") / 86400.0, output_field=FloatField()
        ),
        due_on=due_on(),
        rate=reference_rate("enrollment__program"),
    )
    due = is_due(today)
    unpaid_due = due & Q(compensated=False)
    long_unpaid = Q(due_on__lt=today - dt.timedelta(days=UNPAID_PAST_DUE_DAYS), compensated=False)
    by_kind = {f"kind_{kind}": Count("id", filter=Q(kind=kind)) for kind in Contribution.Kind.values}
    zero = Value(Decimal("0.00"))
    return grouped(
        queryset,
        group,
        "enrollment__program",
        contributions=Count("id"),
        hours=Coalesce(Sum("hours_spent"), zero),
        compensated_contributions=Count("id", filter=Q(compensated=True)),
        compensated_hours=Coalesce(Sum("hours_spent", filter=Q(compensated=True)), zero),
        hours_due=Coalesce(Sum("hours_spent", filter=due), zero),
        hours_not_yet_due=Coalesce(Sum("hours_spent", filter=~due), zero),
        compensated_due_hours=Coalesce(Sum("hours_spent", filter=due & Q(compensated=True)), zero),
        cash_paid_for_due_work=Coalesce(Sum("cash", filter=due), zero),
        fair_value=Coalesce(Sum(F("hours_spent") * F("rate"), filter=due), zero),
        owed=Coalesce(Sum(F("hours_spent") * F("rate"), filter=unpaid_due), zero),
        owed_hours=Coalesce(Sum("hours_spent", filter=unpaid_due), zero),
        owed_contributions=Count("id", filter=unpaid_due),
        median_days_to_payment=Percentile("days_to_payment", 0.5, filter=Q(compensated=True)),
        contributions_older_than_terms=Count("id", filter=due),
        paid_within_terms=Count("id", filter=due & Q(compensated=True, first_paid_on__lte=F("due_on"))),
        unpaid_over_90_days_past_due=Count("id", filter=long_unpaid),
        requested_promotion_unpaid=Count(
            "id", filter=unpaid_due & Q(kind=Contribution.Kind.PROMOTION, requested_by_program=True)
        ),
        **by_kind,
    )


def owed(program_ids, group, period: Period, today: dt.date) -> dict:
    """{group key: {"owed_by_currency": {currency: owed}, "owed_hours": …, "owed_contributions": …}}: the owed
    figures of a pool (an organization, the platform), over the programs whose own owed
    figure is shown, kept apart by currency (amounts in different currencies are never added)."""
    path = group_path(group, "enrollment__program")
    rows = (
        in_programs(Contribution.objects.filter(period.on("occurred_on")), "enrollment__program", program_ids)
        .alias(compensated=is_compensated(), due_on=due_on())
        .filter(is_due(today), compensated=False)
        .values(
            group_key=F(path) if path else Value(None, output_field=IntegerField()),
            currency=F("enrollment__program__currency"),
        )
        .annotate(
            owed=Sum(F("hours_spent") * reference_rate("enrollment__program")),
            hours=Sum("hours_spent"),
            contributions=Count("id"),
        )
        .order_by()
    )
    result: dict = defaultdict(lambda: {"owed_by_currency": {}, "owed_hours": Decimal("0.00"), "owed_contributions": 0})
    for row in rows:
        entry = result[row["group_key"]]
        entry["owed_by_currency"][row["currency"]] = row["owed"]
        entry["owed_hours"] += row["hours"]
        entry["owed_contributions"] += row["contributions"]
    return result


def kind_artists(program_ids, group, period: Period) -> dict:
    """{group key: {kind: distinct verified artists who logged contributions of that kind}}:
    one grouped count, where eight distinct counts in the contributions query would each sort
    every contribution."""
    path = group_path(group, "enrollment__program")
    rows = (
        in_programs(Contribution.objects.filter(period.on("occurred_on")), "enrollment__program", program_ids)
        .values(group_key=F(path) if path else Value(None, output_field=IntegerField()), contribution_kind=F("kind"))
        .annotate(artists=Count("enrollment__artist", distinct=True))
        .order_by()
    )
    result: dict = defaultdict(dict)
    for row in rows:
        result[row["group_key"]][row["contribution_kind"]] = row["artists"]
    return result


def payments(program_ids, group, period: Period) -> dict:
    """Cash and other value per group and currency."""
    queryset = in_programs(Compensation.objects.filter(period.on("paid_on")), "enrollment__program", program_ids)
    path = group_path(group, "enrollment__program")
    rows = (
        queryset.values(
            group_key=F(path) if path else Value(None, output_field=IntegerField()),
            currency=F("enrollment__program__currency"),
        )
        .annotate(
            cash=Coalesce(Sum("amount", filter=Q(kind__in=Compensation.CASH_EQUIVALENT_KINDS)), Value(Decimal("0"))),
            other=Coalesce(Sum("amount", filter=~Q(kind__in=Compensation.CASH_EQUIVALENT_KINDS)), Value(Decimal("0"))),
        )
        .order_by()
    )
    result = defaultdict(lambda: {"cash": {}, "other": {}})
    for row in rows:
        key = row["group_key"]
        result[key]["cash"][row["currency"]] = row["cash"]
        result[key]["other"][row["currency"]] = row["other"]
    return result


def works(program_ids, group, period: Period, now: dt.datetime) -> dict:
    sla = F("enrollment__program__approval_sla_days") * dt.timedelta(days=1)
    decided = ~Q(status=Work.Status.PENDING)
    queryset = in_programs(
        Work.objects.filter(period.on("submitted_at__date")), "enrollment__program", program_ids
    ).annotate(latency_hours=latency_hours(), ever_showcased=ever_showcased())
    return grouped(
        queryset,
        group,
        "enrollment__program",
        works_submitted=Count("id"),
        works_decided=Count("id", filter=decided),
        approved=Count("id", filter=Q(status__in=[Work.Status.APPROVED, Work.Status.SHOWCASED])),
        rejected=Count("id", filter=Q(status=Work.Status.REJECTED)),
        ever_showcased=Count("id", filter=Q(ever_showcased=True)),
        approval_latency_median_hours=Percentile("latency_hours", 0.5, filter=decided),
        approval_latency_p90_hours=Percentile("latency_hours", 0.9, filter=decided),
        overdue_works=Count("id", filter=Q(status=Work.Status.PENDING, submitted_at__lt=now - sla)),
        decided_within_sla=Count("id", filter=decided & Q(first_decided_at__lte=F("submitted_at") + sla)),
    )


def ever_showcased() -> Exists:
    """A work with a showcased decision at any point (first or later)."""
    return Exists(ApprovalDecision.objects.filter(work=OuterRef("pk"), outcome=ApprovalDecision.Outcome.SHOWCASED))


def showcased(program_ids, group, period: Period) -> dict:
    """{group key: {artist id: works of theirs ever showcased}} (period: submitted_at), for
    the showcase concentration; only artists with at least one. An artist in two programs
    of a group is one artist, with the works of both."""
    path = group_path(group, "enrollment__program")
    rows = (
        in_programs(Work.objects.filter(period.on("submitted_at__date")), "enrollment__program", program_ids)
        .alias(ever_showcased=ever_showcased())
        .filter(ever_showcased=True)
        .values(group_key=F(path) if path else Value(None, output_field=IntegerField()), artist=F("enrollment__artist"))
        .annotate(works=Count("id"))
        .order_by()
    )
    result: dict = defaultdict(dict)
    for row in rows:
        result[row["group_key"]][row["artist"]] = row["works"]
    return result


def decisions(program_ids, group, period: Period) -> dict:
    queryset = in_programs(
        ApprovalDecision.objects.filter(period.on("work__submitted_at__date")), "work__enrollment__program", program_ids
    )
    return grouped(
        queryset,
        group,
        "work__enrollment__program",
        decisions=Count("id"),
        decisions_with_reason=Count("id", filter=~Q(reason__regex=BLANK)),
    )


def revocations(program_ids, group) -> dict:
    queryset = in_programs(
        AccessEvent.objects.filter(kind=AccessEvent.Kind.REVOKED), "enrollment__program", program_ids
    )
    return grouped(
        queryset,
        group,
        "enrollment__program",
        revocations=Count("id"),
        revocations_without_reason=Count("id", filter=Q(reason__regex=BLANK)),
        # Unknown notice is not notice given.
        revocations_short_notice=Count("id", filter=Q(notice_days__isnull=True) | Q(notice_days__lt=MIN_NOTICE_DAYS)),
    )


def flags(program_ids, group, now: dt.datetime) -> dict:
    """Open flags by kind and mass revocations ever flagged: those about the program, and
    those about the records of its verified testers."""
    path = group_path(group, "program")
    verified = Exists(
        Enrollment.objects.filter(
            program_id=OuterRef("program_id"),
            artist_id=OuterRef("artist_id"),
            verification=Enrollment.Verification.VERIFIED,
        )
    )
    queryset = in_programs(Flag.objects.filter(Q(artist__isnull=True) | verified), "program", program_ids)
    rows = (
        queryset.values(group_key=F(path) if path else Value(None, output_field=IntegerField()), flag_kind=F("kind"))
        .annotate(
            open=Count("id", filter=Q(resolved_at__isnull=True)),
            ever=Count("id"),
        )
        .order_by()
    )
    result = defaultdict(lambda: {"open_flags": {}, "mass_revocations": 0})
    for row in rows:
        entry = result[row["group_key"]]
        if row["open"]:
            entry["open_flags"][row["flag_kind"]] = row["open"]
        if row["flag_kind"] == Flag.Kind.MASS_REVOCATION:
            entry["mass_revocations"] = row["ever"]
    return result


# -- who is behind each figure (tracker.privacy) ----------------------------------------


def activity(program_ids, today: dt.date) -> dict[int, dict[str, BasisActivity]]:
    """For each program and basis, what each verified artist put in each month (hours logged,
    hours due and not yet due, hours paid for, hours owed, amounts received, works submitted
    and decided) or in all (tester access, revocations): the privacy rules decide from this
    which cells to withhold. Five queries."""
    result: dict[int, dict[str, dict]] = defaultdict(lambda: {name: {} for name in BASES})

    def add(program, basis, month, artist, value):
        if not value:
            return
        cells = result[program][basis]
        key = Period.of_month(month) if month is not None else None
        per_artist = cells.setdefault(key, {})
        per_artist[artist] = per_artist.get(artist, Decimal("0")) + Decimal(value)

    zero, due = Value(Decimal("0")), is_due(today)
    contributions = (
        in_programs(Contribution.objects.all(), "enrollment__program", program_ids)
        .alias(compensated=is_compensated(), due_on=due_on())
        .values(program=F("enrollment__program_id"), artist=F("enrollment__artist_id"), month=TruncMonth("occurred_on"))
        .annotate(
            hours=Sum("hours_spent"),
            compensated_hours=Coalesce(Sum("hours_spent", filter=Q(compensated=True)), zero),
            due_hours=Coalesce(Sum("hours_spent", filter=due), zero),
            compensated_due_hours=Coalesce(Sum("hours_spent", filter=due & Q(compensated=True)), zero),
            owed_hours=Coalesce(Sum("hours_spent", filter=due & Q(compensated=False)), zero),
        )
        .order_by()
    )
    for row in contributions:
        program, month, artist = row["program"], row["month"], row["artist"]
        add(program, "contributors", month, artist, row["hours"])
        add(program, "compensated", month, artist, row["compensated_hours"])
        add(program, "due", month, artist, row["due_hours"])
        add(program, "not_yet_due", month, artist, row["hours"] - row["due_hours"])
        add(program, "compensated_due", month, artist, row["compensated_due_hours"])
        add(program, "owed", month, artist, row["owed_hours"])
    payments = (
        in_programs(Compensation.objects.all(), "enrollment__program", program_ids)
        .values(program=F("enrollment__program_id"), artist=F("enrollment__artist_id"), month=TruncMonth("paid_on"))
        .annotate(amount=Sum("amount"), records=Count("id"))
        .order_by()
    )
    for row in payments:
        # A payment of 0 still makes its artist one of the paid: count it as a cent.
        add(row["program"], "paid", row["month"], row["artist"], row["amount"] or Decimal("0.01"))
    works = (
        in_programs(Work.objects.all(), "enrollment__program", program_ids)
        .alias(ever_showcased=ever_showcased())
        .values(
            program=F("enrollment__program_id"), artist=F("enrollment__artist_id"), month=TruncMonth("submitted_at")
        )
        .annotate(
            works=Count("id"),
            decided=Count("id", filter=~Q(status=Work.Status.PENDING)),
            showcased=Count("id", filter=Q(ever_showcased=True)),
        )
        .order_by()
    )
    for row in works:
        add(row["program"], "submitters", row["month"], row["artist"], row["works"])
        add(row["program"], "deciders", row["month"], row["artist"], row["decided"])
        add(row["program"], "showcased", row["month"], row["artist"], row["showcased"])
    testers = (
        in_programs(Enrollment.objects.filter(granted_on__isnull=False), "program", program_ids)
        .values("program_id", "artist_id")
        .order_by()
    )
    for row in testers:
        add(row["program_id"], "testers", None, row["artist_id"], 1)
    revoked = (
        in_programs(AccessEvent.objects.filter(kind=AccessEvent.Kind.REVOKED), "enrollment__program", program_ids)
        .values(program=F("enrollment__program_id"), artist=F("enrollment__artist_id"))
        .annotate(revocations=Count("id"))
        .order_by()
    )
    for row in revoked:
        add(row["program"], "revoked", None, row["artist"], row["revocations"])
    return {
        program: {
            name: BasisActivity(
                BASES[name],
                months=cells if BASES[name].by_period else None,
                whole=cells.get(None) if not BASES[name].by_period else None,
            )
            for name, cells in bases.items()
        }
        for program, bases in result.items()
    }


def flagged_artists(program_ids) -> dict[int, dict[str, int]]:
    """Per program and kind of flag: the distinct verified artists behind its open flags."""
    rows = (
        Flag.objects.filter(
            program_id__in=program_ids,
            resolved_at__isnull=True,
            artist__enrollments__program_id=F("program_id"),
            artist__enrollments__verification=Enrollment.Verification.VERIFIED,
        )
        .values("program_id", "kind")
        .annotate(artists=Count("artist", distinct=True))
        .order_by()
    )
    result: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        result[row["program_id"]][row["kind"]] = row["artists"]
    return result
