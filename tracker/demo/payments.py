"""How each program pays: the payment styles, each turning the testers' planned work into compensations."""

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

from feedback.models import Compensation, Contribution
from feedback.services import split_by_hours
from tracker.demo.plan import Tester, Timeline, day_between, money
from tracker.demo.specs import CENT, Kind, Pay, ProgramSpec

# Payment styles: each returns compensations with the parts they pay for each contribution.

Payment = tuple[Compensation, dict[Contribution, Decimal]]


def _by_hours(amount: Decimal, contributions: list[Contribution]) -> dict[Contribution, Decimal]:
    shares = split_by_hours(amount, contributions)
    return {c: shares[c.pk] for c in contributions}


def _hourly(contributions: Iterable[Contribution], rate: Decimal) -> dict[Contribution, Decimal]:
    return {c: money(c.hours_spent * rate) for c in contributions}


def _by_month(contributions: list[Contribution]) -> dict[dt.date, list[Contribution]]:
    months: dict[dt.date, list[Contribution]] = defaultdict(list)
    for contribution in contributions:
        months[contribution.occurred_on.replace(day=1)].append(contribution)
    return months


def _month_end(first_of_month: dt.date) -> dt.date:
    return (first_of_month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def _pay_incident(rng: random.Random, spec: ProgramSpec, timeline: Timeline, testers: list[Tester]) -> list[Payment]:
    """Free access for most, credits for some, a small cash thank-you for very few; never for promotion."""
    payments: list[Payment] = []
    granted = [t for t in testers if t.enrollment.granted_on]
    paid_in_cash = set(rng.sample(range(len(granted)), max(1, round(0.04 * len(granted)))))
    for index, tester in enumerate(granted):
        enrollment = tester.enrollment
        if rng.random() < 0.75:
            access = Compensation(
                enrollment=enrollment,
                kind=Pay.FREE_ACCESS,
                amount=Decimal("95.00"),
                paid_on=enrollment.granted_on,
                note="Free preview access, in place of the 95.00 a month studio plan.",
            )
            payments.append((access, {}))
        explorations = [c for c in tester.contributions if c.kind == Kind.EXPLORATION]
        if explorations and rng.random() < 0.3:
            paid_on = day_between(rng, explorations[0].occurred_on, explorations[-1].occurred_on)
            amount = Decimal(rng.choice((50, 100))).quantize(CENT)
            paid_for = [c for c in explorations if c.occurred_on <= paid_on][-3:]
            credits = Compensation(
                enrollment=enrollment, kind=Pay.CREDITS, amount=amount, paid_on=paid_on, note="Render credits."
            )
            payments.append((credits, _by_hours(amount, paid_for)))
        thanked = [c for c in tester.contributions if c.kind in (Kind.INTERVIEW, Kind.SHOWCASE_EVENT, Kind.SURVEY)]
        if index in paid_in_cash and thanked:
            paid_for = thanked[:3]
            paid_on = paid_for[-1].occurred_on + dt.timedelta(days=rng.randint(20, 60))
            if paid_on <= timeline.yesterday:
                amount = Decimal(rng.choice((100, 150, 200, 250))).quantize(CENT)
                cash = Compensation(
                    enrollment=enrollment, kind=Pay.CASH, amount=amount, paid_on=paid_on, note="Thank-you payment."
                )
                payments.append((cash, _by_hours(amount, paid_for)))
    return payments


def _pay_weekly_cash(rng: random.Random, spec: ProgramSpec, timeline: Timeline, testers: list[Tester]) -> list[Payment]:
    """Every week's hours at the reference rate, paid 7 to 10 days after the week began."""
    payments: list[Payment] = []
    for tester in testers:
        weeks: dict[dt.date, list[Contribution]] = defaultdict(list)
        for contribution in tester.contributions:
            day = contribution.occurred_on
            weeks[day - dt.timedelta(days=day.weekday())].append(contribution)
        for monday, paid_for in weeks.items():
            paid_on = monday + dt.timedelta(days=7 + rng.randint(0, 3))
            if paid_on > timeline.yesterday:
                continue  # not due yet
            parts = _hourly(paid_for, spec.reference_hourly_rate)
            note = f"Residency hours, week of {monday:%Y-%m-%d}."
            cash = Compensation(
                enrollment=tester.enrollment, kind=Pay.CASH, amount=sum(parts.values()), paid_on=paid_on, note=note
            )
            payments.append((cash, parts))
    return payments


def _pay_monthly_credits(
    rng: random.Random, spec: ProgramSpec, timeline: Timeline, testers: list[Tester]
) -> list[Payment]:
    """Generation credits after each month with work: counted, but not pay."""
    payments: list[Payment] = []
    for tester in testers:
        for month, paid_for in _by_month(tester.contributions).items():
            paid_on = _month_end(month) + dt.timedelta(days=rng.randint(1, 6))
            if paid_on > timeline.yesterday:
                continue
            amount = Decimal(rng.choice((20, 30, 50))).quantize(CENT)
            note = f"Generation credits for {month:%B %Y}."
            credits = Compensation(
                enrollment=tester.enrollment, kind=Pay.CREDITS, amount=amount, paid_on=paid_on, note=note
            )
            payments.append((credits, _by_hours(amount, paid_for)))
    return payments


def _pay_slow_cash(rng: random.Random, spec: ProgramSpec, timeline: Timeline, testers: list[Tester]) -> list[Payment]:
    """A session fee below the reference rate, paid months late, some months never."""
    payments: list[Payment] = []
    for tester in testers:
        for month, paid_for in _by_month(tester.contributions).items():
            paid_on = _month_end(month) + dt.timedelta(days=rng.randint(45, 120))
            if rng.random() < 0.2 or paid_on > timeline.yesterday:
                continue
            parts = _hourly(paid_for, Decimal("30.00"))
            note = f"Session fees for {month:%B %Y}."
            cash = Compensation(
                enrollment=tester.enrollment, kind=Pay.CASH, amount=sum(parts.values()), paid_on=paid_on, note=note
            )
            payments.append((cash, parts))
    return payments


def _pay_monthly_stipend(
    rng: random.Random, spec: ProgramSpec, timeline: Timeline, testers: list[Tester]
) -> list[Payment]:
    """A fixed stipend for every month of access, shared across that month's work."""
    payments: list[Payment] = []
    for tester in testers:
        if tester.enrollment.granted_on is None:
            continue
        months = _by_month(tester.contributions)
        month = tester.enrollment.granted_on.replace(day=1)
        while month <= tester.last_day:
            paid_on = _month_end(month) + dt.timedelta(days=rng.randint(5, 25))
            if paid_on > timeline.yesterday:
                break
            amount = Decimal("400.00")
            note = f"Pilot stipend for {month:%B %Y}."
            stipend = Compensation(
                enrollment=tester.enrollment, kind=Pay.STIPEND, amount=amount, paid_on=paid_on, note=note
            )
            payments.append((stipend, _by_hours(amount, months.get(month, []))))
            month = _month_end(month) + dt.timedelta(days=1)
    return payments


def _pay_nothing(rng: random.Random, spec: ProgramSpec, timeline: Timeline, testers: list[Tester]) -> list[Payment]:
    return []


PAYMENT_STYLES: dict[str, Callable[..., list[Payment]]] = {
    "incident": _pay_incident,
    "weekly_cash": _pay_weekly_cash,
    "monthly_credits": _pay_monthly_credits,
    "slow_cash": _pay_slow_cash,
    "monthly_stipend": _pay_monthly_stipend,
    "none": _pay_nothing,
}
