"""Reads for contributions and compensations: the artist's own lists (scoped to them, so a
page built on them cannot show another artist's record), and the "compensated" rule shared
by the pages, the admin and the flag rules."""

import datetime as dt
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from feedback.models import Compensation, CompensationAllocation, Contribution
from programs.models import Enrollment

ZERO = Decimal("0")
CASH_KINDS = Compensation.CASH_EQUIVALENT_KINDS


def is_compensated() -> ExpressionWrapper:
    """For a contribution queryset: some cash-equivalent allocation to the contribution is > 0.

    This is docs/metrics.md's "compensated": free access, credits and gifts are counted
    separately and do not make a contribution paid. It reads `first_cash_paid_on`, which the
    database keeps from the allocations (migration feedback/0004).
    """
    return ExpressionWrapper(Q(first_cash_paid_on__isnull=False), output_field=BooleanField())


def first_cash_payment() -> F:
    """For a contribution queryset: the day cash-equivalent pay (> 0) for it was first made."""
    return F("first_cash_paid_on")


def due_on() -> ExpressionWrapper:
    """For a contribution queryset: the day its pay comes due, occurred_on + the program's
    payment terms (its own promise)."""
    return ExpressionWrapper(F("occurred_on") + F("enrollment__program__payment_terms_days"), output_field=DateField())


def is_due(today: dt.date) -> Q:
    """On a queryset with the `due_on` alias: the contribution is due, its payment terms have
    passed. On the last day of the terms it is not due yet; the day after, it is (the
    unpaid_feedback flag, the metrics and the artist's owed figure all use this boundary)."""
    return Q(due_on__lt=today)


def cash_allocated() -> F:
    """For a contribution queryset: the cash-equivalent pay allocated to it (0 when none),
    kept by the database from the allocations (migration feedback/0004)."""
    return F("allocated_cash")


def sum_or_zero(expression: str, condition: Q | None = None) -> Coalesce:
    """Sum of a decimal column (filtered by `condition`), 0 rather than null over no rows."""
    return Coalesce(Sum(expression, filter=condition), Value(ZERO), output_field=DecimalField())


def contributions_of(
    artist,
    *,
    enrollment: Enrollment | None = None,
    occurred_from: dt.date | None = None,
    occurred_until: dt.date | None = None,
) -> QuerySet[Contribution]:
    """The artist's contributions, newest first, each with whether and how much cash paid for it."""
    contributions = (
        Contribution.objects.filter(enrollment__artist=artist)
        .select_related("enrollment__program")
        .annotate(
            is_compensated=is_compensated(),
            cash_allocated=cash_allocated(),
        )
        .order_by("-occurred_on", "-id")
    )
    if enrollment is not None:
        contributions = contributions.filter(enrollment=enrollment)
    if occurred_from is not None:
        contributions = contributions.filter(occurred_on__gte=occurred_from)
    if occurred_until is not None:
        contributions = contributions.filter(occurred_on__lte=occurred_until)
    return contributions


def contribution_totals(contributions: QuerySet[Contribution]) -> dict:
    """Count and hours of a (filtered) contribution list, in one query."""
    return contributions.order_by().aggregate(count=Count("id"), hours=sum_or_zero("hours_spent"))


def payments_covering(contribution: Contribution) -> QuerySet[CompensationAllocation]:
    """The allocations of compensations that paid for a contribution."""
    return contribution.allocations.select_related("compensation").order_by("compensation__paid_on", "id")


def compensations_of(artist, *, enrollment: Enrollment | None = None) -> QuerySet[Compensation]:
    """The artist's compensations, latest first, with the contributions each paid for."""
    compensations = (
        Compensation.objects.filter(enrollment__artist=artist)
        .select_related("enrollment__program")
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=CompensationAllocation.objects.select_related("contribution").order_by(
                    "contribution__occurred_on", "id"
                ),
            )
        )
        .order_by("-paid_on", "-id")
    )
    if enrollment is not None:
        compensations = compensations.filter(enrollment=enrollment)
    return compensations


def preselected_enrollment(artist, enrollments: list[Enrollment]) -> Enrollment | None:
    """The program the quick log starts on, among the artist's `enrollments`: the program of
    their most recently logged contribution, else their first active enrollment, else the first."""
    last_logged = (
        Contribution.objects.filter(enrollment__artist=artist)
        .order_by("-created_at", "-id")
        .values_list("enrollment_id", flat=True)
        .first()
    )
    by_id = {enrollment.pk: enrollment for enrollment in enrollments}
    if last_logged in by_id:
        return by_id[last_logged]
    active = [enrollment for enrollment in enrollments if enrollment.status == Enrollment.Status.ACTIVE]
    return (active or enrollments or [None])[0]
