"""Writes for what artists gave and got: contributions and compensations with allocations
(log, correct, delete)."""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from feedback.models import Compensation, CompensationAllocation, Contribution
from programs.models import Enrollment
from programs.validation import not_before_opening, not_in_future, require_access_granted

CENT = Decimal("0.01")


def _as_decimal(value, field: str) -> Decimal:
    if isinstance(value, float | bool):
        # Money and hours are never floats: a float has already lost the exact value.
        raise ValidationError({field: "Give an exact decimal number, such as 12.50."})
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: f"{value!r} is not a number."}) from None
    if not number.is_finite():
        raise ValidationError({field: "Give a finite number."})
    return number


class ContributionsRefused(ValidationError):
    """Some contributions of a batch are refused, and none was logged: `by_index` maps the
    position of each refused one in the batch to its ValidationError."""

    def __init__(self, by_index: Mapping[int, ValidationError]):
        self.by_index = dict(by_index)
        super().__init__(f"{len(self.by_index)} of the contributions are refused: none was logged.")


def _clean(contribution: Contribution) -> None:
    """The model's own checks on a contribution about to be saved, without the queries that
    would repeat what is known: its enrollment is a row read from the database (checked only
    when it is not), and the table's check constraints restate the fields' own validators
    (hours in range, a known kind), which `clean_fields` has applied; PostgreSQL enforces
    both on the write anyway."""
    enrollment = contribution.enrollment
    read = enrollment.pk is not None and not enrollment._state.adding
    contribution.full_clean(exclude=["enrollment"] if read else None, validate_constraints=False)


def checked_contribution(
    *,
    enrollment: Enrollment,
    kind: str,
    title: str,
    hours_spent,
    occurred_on: dt.date,
    requested_by_program: bool = False,
    description: str = "",
) -> Contribution:
    """The unsaved contribution, after every check logging one applies (0 < hours ≤ 24,
    dated, not in the future, not before the program opened, access granted): the one
    validation path of `log_contribution` and `log_contributions`. ValidationError if refused."""
    hours = _as_decimal(hours_spent, "hours_spent")
    not_in_future(occurred_on, "occurred_on")
    not_before_opening(enrollment.program, occurred_on, "occurred_on")
    require_access_granted(enrollment)
    contribution = Contribution(
        enrollment=enrollment,
        kind=kind,
        title=(title or "").strip(),
        description=(description or "").strip(),
        hours_spent=hours,
        occurred_on=occurred_on,
        requested_by_program=bool(requested_by_program),
    )
    _clean(contribution)
    return contribution


@transaction.atomic
def log_contribution(**fields) -> Contribution:
    """Log one piece of work an artist gave a program; `fields` as `checked_contribution` takes them."""
    contribution = checked_contribution(**fields)
    contribution.save()
    return contribution


@transaction.atomic
def log_contributions(batch: Iterable[Mapping[str, object]]) -> list[Contribution]:
    """Log several contributions, all or none, in one INSERT: each is checked as
    `log_contribution` checks one; if any is refused, ContributionsRefused names every
    refused one by its position and nothing is written. The created contributions, in order."""
    contributions, refused = [], {}
    for index, fields in enumerate(batch):
        try:
            contributions.append(checked_contribution(**fields))
        except ValidationError as error:
            refused[index] = error
    if refused:
        raise ContributionsRefused(refused)
    return Contribution.objects.bulk_create(contributions)


def split_by_hours(amount: Decimal, contributions: list[Contribution]) -> dict[int, Decimal]:
    """Split an amount across contributions in proportion to their hours, to the cent.

    Shares are rounded down and the cents left over go to the largest remainders first
    (then the most hours), so the parts always add up to exactly the amount and no part
    is a cent or more away from its exact share.
    """
    total_hours = sum((c.hours_spent for c in contributions), Decimal(0))
    exact = {c.pk: amount * c.hours_spent / total_hours for c in contributions}
    shares = {pk: value.quantize(CENT, ROUND_DOWN) for pk, value in exact.items()}
    leftover = int((amount - sum(shares.values())) / CENT)
    by_remainder = sorted(contributions, key=lambda c: (shares[c.pk] - exact[c.pk], -c.hours_spent, c.pk))
    for c in by_remainder[:leftover]:
        shares[c.pk] += CENT
    return shares


def _planned_allocations(
    *,
    enrollment: Enrollment,
    amount: Decimal,
    contributions: Iterable[Contribution | int],
    allocations: Mapping[int, object] | None,
) -> dict[int, Decimal]:
    """Check what a compensation pays for and return contribution id → amount."""
    if allocations is not None and contributions:
        raise ValidationError({"contributions": "Give either the contributions or the allocations, not both."})
    if allocations is not None:
        wanted_ids = [_as_id(key) for key in allocations]
        parts = {_as_id(key): _as_decimal(part, "allocations") for key, part in allocations.items()}
    else:
        wanted_ids = [_as_id(c) for c in contributions]
        parts = None
    if len(set(wanted_ids)) != len(wanted_ids):
        raise ValidationError({"contributions": "A contribution is listed twice."})

    paid_for = list(Contribution.objects.filter(pk__in=wanted_ids, enrollment=enrollment))
    missing = sorted(set(wanted_ids) - {c.pk for c in paid_for})
    if missing:
        raise ValidationError(
            {"contributions": f"No contribution of yours in this program has id {', '.join(map(str, missing))}."}
        )
    if parts is None:
        return split_by_hours(amount, paid_for) if paid_for else {}
    if any(part < 0 for part in parts.values()):
        raise ValidationError({"allocations": "An allocation cannot be negative."})
    if any(part != part.quantize(CENT) for part in parts.values()):
        raise ValidationError({"allocations": "Allocations are amounts in cents: at most 2 decimal places."})
    if sum(parts.values(), Decimal(0)) > amount:
        raise ValidationError(
            {"allocations": f"The allocations add up to {sum(parts.values())}, more than the amount {amount}."}
        )
    return parts


def _write_allocations(compensation: Compensation, parts: dict[int, Decimal]) -> None:
    try:
        with transaction.atomic():
            CompensationAllocation.objects.bulk_create(
                CompensationAllocation(compensation=compensation, contribution_id=pk, amount=part)
                for pk, part in parts.items()
            )
    except IntegrityError:
        raise ValidationError({"allocations": "These allocations do not fit this compensation."}) from None


def _checked_amount(amount) -> Decimal:
    value = _as_decimal(amount, "amount")
    if value < 0:
        raise ValidationError({"amount": "The amount cannot be negative."})
    return value


@transaction.atomic
def record_compensation(
    *,
    enrollment: Enrollment,
    kind: str,
    amount,
    paid_on: dt.date,
    contributions: Iterable[Contribution | int] = (),
    allocations: Mapping[int, object] | None = None,
    note: str = "",
) -> Compensation:
    """Record a payment or thing of value and what it paid for.

    `contributions` lists what it pays for; the amount is split across them by hours.
    `allocations` maps contribution id → amount instead, for artists who know the split.
    Allocations never add up to more than the amount, and only pay for contributions of
    the same enrollment; the database enforces both as well.
    """
    value = _checked_amount(amount)
    not_in_future(paid_on, "paid_on")
    require_access_granted(enrollment)
    compensation = Compensation(
        enrollment=enrollment, kind=kind, amount=value, paid_on=paid_on, note=(note or "").strip()
    )
    compensation.full_clean()
    parts = _planned_allocations(
        enrollment=enrollment, amount=value, contributions=contributions, allocations=allocations
    )
    compensation.save()
    _write_allocations(compensation, parts)
    return compensation


@transaction.atomic
def update_compensation(
    *,
    compensation: Compensation,
    kind: str,
    amount,
    paid_on: dt.date,
    contributions: Iterable[Contribution | int] = (),
    allocations: Mapping[int, object] | None = None,
    note: str = "",
) -> Compensation:
    """Change a compensation; what it pays for is replaced by the new list or split."""
    value = _checked_amount(amount)
    not_in_future(paid_on, "paid_on")
    compensation = Compensation.objects.select_for_update().get(pk=compensation.pk)
    compensation.kind, compensation.amount, compensation.paid_on = kind, value, paid_on
    compensation.note = (note or "").strip()
    compensation.full_clean()
    parts = _planned_allocations(
        enrollment=compensation.enrollment, amount=value, contributions=contributions, allocations=allocations
    )
    # Old allocations go first, so the database never sees them above a lowered amount.
    compensation.allocations.all().delete()
    compensation.save()
    _write_allocations(compensation, parts)
    return compensation


@transaction.atomic
def delete_compensation(*, compensation: Compensation) -> None:
    """Delete a compensation; the contributions it paid for become unpaid again."""
    compensation.delete()


@transaction.atomic
def update_contribution(
    *,
    contribution: Contribution,
    kind: str,
    title: str,
    hours_spent,
    occurred_on: dt.date,
    requested_by_program: bool = False,
    description: str = "",
) -> Contribution:
    """Correct a logged contribution with the same checks as logging it."""
    hours = _as_decimal(hours_spent, "hours_spent")
    not_in_future(occurred_on, "occurred_on")
    not_before_opening(contribution.enrollment.program, occurred_on, "occurred_on")
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    contribution.kind, contribution.title = kind, (title or "").strip()
    contribution.description = (description or "").strip()
    contribution.hours_spent, contribution.occurred_on = hours, occurred_on
    contribution.requested_by_program = bool(requested_by_program)
    _clean(contribution)
    contribution.save()
    return contribution


@transaction.atomic
def delete_contribution(*, contribution: Contribution) -> None:
    """Delete a contribution. Payments that covered it keep their amount; their allocation
    to it is removed, so that money shows as not allocated."""
    contribution.delete()


def _as_id(value) -> int:
    if isinstance(value, Contribution):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError({"contributions": f"{value!r} is not a contribution id."}) from None
