"""What a program owes an artist for their work, on the artist's own ledger.

A contribution is *due* once the program's payment terms have passed since it occurred:
due_on = occurred_on + payment_terms_days, due when due_on < today (the boundary of the
`unpaid_feedback` flag: on the last day of the terms it is not late yet). A due contribution
with no cash-equivalent pay (`is_compensated`) is owed at the program's reference hourly
rate: its own `reference_hourly_rate`, or the platform default `FAIR_HOURLY_RATE` when it
published none. Unpaid work still within the terms is "not yet due": neither for nor
against the program. Credits, free access and gifts are not pay, so work paid only with
them is still owed.

Money is in the program's currency and never added across currencies; `owed` is the due,
unpaid hours times the rate, rounded to cents (half up).

`with_owed` annotates an enrollment queryset with the figures in the same query (one
correlated subquery per figure, so a list of enrollments costs one query however many
contributions it holds); `owed_of` reads them off an annotated enrollment.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round
from django.utils import timezone

from feedback.models import Contribution
from feedback.selectors import ZERO, due_on, is_compensated, is_due
from programs.models import Enrollment
from programs.selectors import reference_rate

RATE_FROM_PROGRAM = "program"
RATE_DEFAULT = "default"
MONEY = DecimalField(max_digits=16, decimal_places=2)
HOURS = DecimalField(max_digits=12, decimal_places=2)
NO_HOURS = Decimal("0.00")


def unpaid(contributions: QuerySet[Contribution], today: dt.date, *, due: bool) -> QuerySet[Contribution]:
    """Those of the contributions with no cash-equivalent pay, due (owed) or still within the
    terms (not yet due): the rows behind the figures of `with_owed`, for the artist's statement."""
    return (
        contributions.alias(due_on=due_on()).filter(is_due(today) if due else ~is_due(today)).exclude(is_compensated())
    )


def _unpaid_contributions(today: dt.date, *, due: bool) -> QuerySet[Contribution]:
    """The enrollment's (OuterRef) contributions with no cash-equivalent pay, due or still within the terms."""
    return (
        unpaid(Contribution.objects.filter(enrollment=OuterRef("pk")), today, due=due).order_by().values("enrollment")
    )


def _aggregate(contributions: QuerySet[Contribution], aggregate, output_field, none) -> Coalesce:
    rows = contributions.annotate(total=aggregate).values("total")
    return Coalesce(Subquery(rows, output_field=output_field), Value(none, output_field=output_field))


def with_owed(enrollments: QuerySet[Enrollment], *, today: dt.date | None = None) -> QuerySet[Enrollment]:
    """The enrollments, each annotated with what its program owes as of `today` (default:
    today): `due_unpaid_contributions`, `hours_due_unpaid`, `unpaid_hours_not_yet_due`,
    `owed_rate`, `owed_rate_source` (`program` or `default`), `owed_currency` and `owed`."""
    today = timezone.localdate() if today is None else today
    due, not_yet_due = _unpaid_contributions(today, due=True), _unpaid_contributions(today, due=False)
    hours_due = _aggregate(due, Sum("hours_spent"), HOURS, NO_HOURS)
    rate = reference_rate("program")
    return enrollments.annotate(
        due_unpaid_contributions=_aggregate(due, Count("id"), IntegerField(), 0),
        hours_due_unpaid=hours_due,
        unpaid_hours_not_yet_due=_aggregate(not_yet_due, Sum("hours_spent"), HOURS, NO_HOURS),
        owed_rate=rate,
        owed_rate_source=Case(
            When(program__reference_hourly_rate__isnull=True, then=Value(RATE_DEFAULT)),
            default=Value(RATE_FROM_PROGRAM),
            output_field=CharField(),
        ),
        owed_currency=F("program__currency"),
        # PostgreSQL rounds numeric halves away from zero: half up, for amounts that are never negative.
        owed=Round(ExpressionWrapper(hours_due * rate, output_field=MONEY), 2, output_field=MONEY),
    )


@dataclass(frozen=True)
class Owed:
    """What one program owes the artist, in its currency."""

    currency: str
    rate: Decimal
    rate_source: str
    payment_terms_days: int
    due_unpaid_contributions: int = 0
    hours_due_unpaid: Decimal = ZERO
    unpaid_hours_not_yet_due: Decimal = ZERO
    amount: Decimal = ZERO

    @property
    def rate_is_the_programs(self) -> bool:
        return self.rate_source == RATE_FROM_PROGRAM


def owed_of(enrollment: Enrollment) -> Owed:
    """The figures of an enrollment from `with_owed`, with its program's payment terms."""
    return Owed(
        currency=enrollment.owed_currency,
        rate=enrollment.owed_rate,
        rate_source=enrollment.owed_rate_source,
        payment_terms_days=enrollment.program.payment_terms_days,
        due_unpaid_contributions=enrollment.due_unpaid_contributions,
        hours_due_unpaid=enrollment.hours_due_unpaid,
        unpaid_hours_not_yet_due=enrollment.unpaid_hours_not_yet_due,
        amount=enrollment.owed,
    )


def owed_by_currency(owed: Iterable[Owed]) -> dict[str, Decimal]:
    """The amounts owed, added up per currency (never across), in the order first met;
    a currency in which nothing is owed is left out."""
    totals: dict[str, Decimal] = {}
    for figure in owed:
        if figure.amount:
            totals[figure.currency] = totals.get(figure.currency, ZERO) + figure.amount
    return totals
