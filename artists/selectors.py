"""Reads for an artist's own ledger: per-program totals across every kind of record, and
their works, scoped to them (the contributions and payments lists are feedback.selectors).

Every queryset here is filtered by the artist, so a page built on it cannot show another
artist's record: looking one up by id simply finds nothing.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from artists.models import Work
from feedback.models import Compensation, Contribution
from feedback.owed import Owed, owed_by_currency, owed_of, with_owed
from feedback.selectors import CASH_KINDS, ZERO, is_compensated, sum_or_zero
from programs.models import AccessEvent, Enrollment, Program
from programs.selectors import enrollments_of


@dataclass
class ProgramTotals:
    """What an artist gave one program and what they got for it, in its currency."""

    enrollment: Enrollment
    status_since: dt.datetime | None = None
    contributions: int = 0
    hours: Decimal = ZERO
    # Pay: cash and stipends.
    cash_paid: Decimal = ZERO
    # Credits, free access, gifts and other things of value: counted, but not pay.
    other_value: Decimal = ZERO
    compensations: int = 0
    # Contributions with no cash-equivalent allocation above 0.
    unpaid_contributions: int = 0
    unpaid_hours: Decimal = ZERO
    works: int = 0
    pending_works: int = 0
    # What the program owes for due, unpaid work (feedback.owed).
    owed: Owed | None = None

    @property
    def program(self) -> Program:
        return self.enrollment.program


@dataclass
class LedgerSummary:
    """The artist's totals across their programs; money is kept apart per currency."""

    programs: list[ProgramTotals]
    contributions: int = 0
    hours: Decimal = ZERO
    unpaid_contributions: int = 0
    unpaid_hours: Decimal = ZERO
    pending_works: int = 0
    cash_paid_by_currency: dict[str, Decimal] = field(default_factory=dict)
    other_value_by_currency: dict[str, Decimal] = field(default_factory=dict)
    # Owed for due, unpaid work at each program's reference rate, per currency.
    owed_by_currency: dict[str, Decimal] = field(default_factory=dict)
    hours_due_unpaid: Decimal = ZERO
    unpaid_hours_not_yet_due: Decimal = ZERO

    @property
    def owed_programs(self) -> list[ProgramTotals]:
        """The programs with due, unpaid work or work not yet due: the lines of the owed help text."""
        return [row for row in self.programs if row.owed.hours_due_unpaid or row.owed.unpaid_hours_not_yet_due]

    @property
    def uses_default_rate(self) -> bool:
        """Some of what is owed is counted at the default rate (a program published none)."""
        return any(row.owed.amount and not row.owed.rate_is_the_programs for row in self.programs)


def program_totals(
    artist, enrollments: QuerySet[Enrollment] | None = None, *, today: dt.date | None = None
) -> list[ProgramTotals]:
    """Totals for each of the artist's programs (or the given ones of them), ordered by
    program name, in four queries however many programs there are; what each owes is
    counted as of `today` (default: today)."""
    enrollments = enrollments_of(artist) if enrollments is None else enrollments.filter(artist=artist)
    latest_event = AccessEvent.objects.filter(enrollment=OuterRef("pk")).order_by("-occurred_at", "-id")
    enrollments = enrollments.select_related("program__organization").annotate(
        status_since=Subquery(latest_event.values("occurred_at")[:1])
    )
    rows = {
        enrollment.pk: ProgramTotals(
            enrollment=enrollment, status_since=enrollment.status_since, owed=owed_of(enrollment)
        )
        for enrollment in with_owed(enrollments, today=today).order_by("program__name", "id")
    }
    if not rows:
        return []

    contributions = (
        Contribution.objects.filter(enrollment__in=list(rows))
        .annotate(compensated=is_compensated())
        .values("enrollment")
        .order_by()
        .annotate(
            contributions=Count("id"),
            hours=sum_or_zero("hours_spent"),
            unpaid_contributions=Count("id", filter=Q(compensated=False)),
            unpaid_hours=sum_or_zero("hours_spent", Q(compensated=False)),
        )
    )
    compensations = (
        Compensation.objects.filter(enrollment__in=list(rows))
        .values("enrollment")
        .order_by()
        .annotate(
            compensations=Count("id"),
            cash_paid=sum_or_zero("amount", Q(kind__in=CASH_KINDS)),
            other_value=sum_or_zero("amount", ~Q(kind__in=CASH_KINDS)),
        )
    )
    works = (
        Work.objects.filter(enrollment__in=list(rows))
        .values("enrollment")
        .order_by()
        .annotate(works=Count("id"), pending_works=Count("id", filter=Q(status=Work.Status.PENDING)))
    )
    for queryset in (contributions, compensations, works):
        for values in queryset:
            row = rows[values.pop("enrollment")]
            for name, value in values.items():
                setattr(row, name, value)
    return list(rows.values())


def ledger_summary(artist, *, today: dt.date | None = None) -> LedgerSummary:
    """The /me/ page: each program's totals and the sums across them."""
    programs = program_totals(artist, today=today)
    summary = LedgerSummary(programs=programs, owed_by_currency=owed_by_currency(row.owed for row in programs))
    for row in programs:
        summary.hours_due_unpaid += row.owed.hours_due_unpaid
        summary.unpaid_hours_not_yet_due += row.owed.unpaid_hours_not_yet_due
        summary.contributions += row.contributions
        summary.hours += row.hours
        summary.unpaid_contributions += row.unpaid_contributions
        summary.unpaid_hours += row.unpaid_hours
        summary.pending_works += row.pending_works
        currency = row.program.currency
        if row.cash_paid:
            summary.cash_paid_by_currency[currency] = summary.cash_paid_by_currency.get(currency, ZERO) + row.cash_paid
        if row.other_value:
            summary.other_value_by_currency[currency] = (
                summary.other_value_by_currency.get(currency, ZERO) + row.other_value
            )
    return summary


def works_of(artist, *, enrollment: Enrollment | None = None) -> QuerySet[Work]:
    """The artist's works, newest submission first, with their decisions."""
    works = (
        Work.objects.filter(enrollment__artist=artist)
        .select_related("enrollment__program")
        .prefetch_related("decisions")
        .order_by("-submitted_at", "-id")
    )
    if enrollment is not None:
        works = works.filter(enrollment=enrollment)
    return works
