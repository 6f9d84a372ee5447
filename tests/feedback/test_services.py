"""Contributions and compensations through feedback.services, with good and bad input.

Every refused call is shown to name the field at fault and to leave the database as it was.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from feedback.models import Compensation, CompensationAllocation, Contribution
from feedback.services import log_contribution, record_compensation, split_by_hours
from programs.services import enrol_artist
from tests import factories
from tests.refusals import refusal

CENT = Decimal("0.01")


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def contributions_state() -> list[tuple]:
    return list(Contribution.objects.order_by("pk").values_list("pk", "hours_spent", "occurred_on"))


def compensations_state() -> dict:
    """Everything record_compensation writes, to show that a refused call changed nothing."""
    return {
        "compensations": list(Compensation.objects.order_by("pk").values_list("pk", "amount")),
        "allocations": list(CompensationAllocation.objects.order_by("pk").values_list("pk", "amount")),
    }


def allocations_of(compensation) -> dict[int, Decimal]:
    return dict(compensation.allocations.values_list("contribution_id", "amount"))


def log(enrollment, hours, **overrides) -> Contribution:
    arguments = {
        "enrollment": enrollment,
        "kind": "feedback_session",
        "title": "Weekly call",
        "hours_spent": hours,
        "occurred_on": days_ago(20),
    }
    return log_contribution(**(arguments | overrides))


def unsaved(hours: list[str]) -> list[Contribution]:
    """Contributions with ids 1, 2, … and these hours, for split_by_hours (which reads only those)."""
    return [Contribution(pk=number, hours_spent=Decimal(h)) for number, h in enumerate(hours, start=1)]


# log_contribution


def test_logging_a_contribution_with_decimal_hours_stores_them_exactly(enrollment):
    contribution = log_contribution(
        enrollment=enrollment,
        kind="promotion",
        title="  Launch thread ",
        description=" Asked by the community team ",
        hours_spent=Decimal("2.50"),
        occurred_on=days_ago(20),
        requested_by_program=True,
    )

    contribution.refresh_from_db()
    assert (contribution.kind, contribution.title, contribution.description) == (
        "promotion",
        "Launch thread",
        "Asked by the community team",
    )
    assert (contribution.hours_spent, contribution.occurred_on, contribution.requested_by_program) == (
        Decimal("2.50"),
        days_ago(20),
        True,
    )


@pytest.mark.parametrize(("hours", "stored"), [(" 1.25 ", "1.25"), ("24", "24.00"), ("0.01", "0.01"), (3, "3.00")])
def test_logging_hours_given_as_text_or_whole_numbers_stores_them_exactly(enrollment, hours, stored):
    contribution = log(enrollment, hours)

    assert Contribution.objects.get(pk=contribution.pk).hours_spent == Decimal(stored)


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (0, "Hours spent must be more than 0."),
        ("-1", "Hours spent must be more than 0."),
        (25, "Hours spent cannot be more than 24 in one entry."),
        ("24.01", "Hours spent cannot be more than 24 in one entry."),
        ("1.005", "Ensure that there are no more than 2 decimal places."),
        ("abc", "'abc' is not a number."),
        ("", "'' is not a number."),
        (None, "None is not a number."),
        ("NaN", "Give a finite number."),
        (2.5, "Give an exact decimal number, such as 12.50."),
        (True, "Give an exact decimal number, such as 12.50."),
    ],
)
def test_hours_out_of_range_or_not_an_exact_number_are_refused_and_write_nothing(enrollment, hours, message):
    before = contributions_state()

    errors = refusal(log, enrollment=enrollment, hours=hours)

    assert errors == {"hours_spent": [message]}
    assert contributions_state() == before


def test_a_contribution_dated_in_the_future_is_refused_and_writes_nothing(enrollment):
    errors = refusal(log, enrollment=enrollment, hours="1", occurred_on=timezone.localdate() + dt.timedelta(days=1))

    assert errors == {"occurred_on": ["This date cannot be in the future."]}
    assert not Contribution.objects.exists()


def test_a_contribution_dated_before_the_program_opened_is_refused_and_writes_nothing(enrollment):
    program = enrollment.program

    errors = refusal(log, enrollment=enrollment, hours="1", occurred_on=program.opened_on - dt.timedelta(days=1))

    assert errors == {"occurred_on": [f"{program.name} opened on {program.opened_on:%Y-%m-%d}; this is before that."]}
    assert not Contribution.objects.exists()


def test_a_contribution_on_the_opening_day_is_accepted(enrollment):
    contribution = log(enrollment, "1", occurred_on=enrollment.program.opened_on)

    assert Contribution.objects.get(pk=contribution.pk).occurred_on == enrollment.program.opened_on


def test_an_unknown_kind_of_contribution_is_refused_and_writes_nothing(enrollment):
    errors = refusal(log, enrollment=enrollment, hours="1", kind="lunch")

    assert errors == {"kind": ["Value 'lunch' is not a valid choice."]}
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("title", ["", "   ", None])
def test_a_contribution_without_a_title_is_refused_and_writes_nothing(enrollment, title):
    errors = refusal(log, enrollment=enrollment, hours="1", title=title)

    assert errors == {"title": ["This field cannot be blank."]}
    assert not Contribution.objects.exists()


def test_a_contribution_to_an_enrollment_never_granted_is_refused_and_writes_nothing(program):
    invited = enrol_artist(program=program, artist=factories.ArtistFactory())

    errors = refusal(log, enrollment=invited, hours="1")

    assert errors == {"enrollment": ["Record when access to this program was granted first."]}
    assert not Contribution.objects.exists()


# split_by_hours: the parts always add up to exactly the amount


@pytest.mark.parametrize(
    ("amount", "hours", "parts"),
    [
        # 33.333… each; the cent left over goes to the first of the equals.
        ("100.00", ["2", "2", "2"], ["33.34", "33.33", "33.33"]),
        # 33.333… and 66.666…; the cent left over goes to the most hours.
        ("100.00", ["1", "2"], ["33.33", "66.67"]),
        ("10.00", ["1", "1.5", "2.5"], ["2.00", "3.00", "5.00"]),
        ("0.01", ["1", "1", "1"], ["0.01", "0.00", "0.00"]),
        # 0.0033…, 0.01 and 0.0066… round down to 0.00, 0.01, 0.00; the leftover cent goes to
        # the largest remainder (2 hours), not to the most hours.
        ("0.02", ["1", "3", "2"], ["0.00", "0.01", "0.01"]),
        ("0.00", ["3"], ["0.00"]),
        ("59.99", ["24"], ["59.99"]),
    ],
)
def test_splitting_by_hours_gives_these_parts(amount, hours, parts):
    shares = split_by_hours(Decimal(amount), unsaved(hours))

    assert shares == {number: Decimal(part) for number, part in enumerate(parts, start=1)}
    assert sum(shares.values()) == Decimal(amount)


@given(
    amount=st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2),
    hours=st.lists(st.decimals(min_value=CENT, max_value=Decimal(24), places=2), min_size=1, max_size=40),
)
def test_split_parts_add_up_to_the_amount_and_are_never_negative(amount, hours):
    contributions = unsaved([str(h) for h in hours])

    shares = split_by_hours(amount, contributions)

    assert sum(shares.values()) == amount
    assert set(shares) == {c.pk for c in contributions}
    total_hours = sum(hours)
    for contribution in contributions:
        part = shares[contribution.pk]
        assert part >= 0
        assert part == part.quantize(CENT)
        # Largest remainders get the leftover cents: every part is within a cent of its exact share.
        assert abs(part - amount * contribution.hours_spent / total_hours) < CENT


# record_compensation


@pytest.fixture
def one_and_three_hours(enrollment) -> list[Contribution]:
    return [log(enrollment, "1.00", title="Bug bash"), log(enrollment, "3.00", title="Survey")]


@pytest.mark.parametrize("as_ids", [False, True])
def test_a_compensation_is_split_across_contributions_by_hours(enrollment, one_and_three_hours, as_ids):
    first, second = one_and_three_hours
    paid_for = [first.pk, second.pk] if as_ids else [first, second]

    compensation = record_compensation(
        enrollment=enrollment, kind="cash", amount="100.00", paid_on=days_ago(5), contributions=paid_for, note=" Q1 "
    )

    compensation.refresh_from_db()
    assert (compensation.kind, compensation.amount, compensation.paid_on, compensation.note) == (
        "cash",
        Decimal("100.00"),
        days_ago(5),
        "Q1",
    )
    assert allocations_of(compensation) == {first.pk: Decimal("25.00"), second.pk: Decimal("75.00")}


def test_a_compensation_may_be_split_by_explicit_allocations(enrollment, one_and_three_hours):
    first, second = one_and_three_hours

    compensation = record_compensation(
        enrollment=enrollment,
        kind="stipend",
        amount=Decimal("60.00"),
        paid_on=days_ago(5),
        allocations={first.pk: "30.00", str(second.pk): Decimal("20.00")},
    )

    # 10.00 of the stipend pays for nothing logged; that is allowed.
    assert allocations_of(compensation) == {first.pk: Decimal("30.00"), second.pk: Decimal("20.00")}
    assert Compensation.objects.get(pk=compensation.pk).amount == Decimal("60.00")


def test_a_compensation_for_nothing_in_particular_has_no_allocations(enrollment):
    compensation = record_compensation(enrollment=enrollment, kind="gift", amount="25", paid_on=days_ago(5))

    assert allocations_of(compensation) == {}
    assert Compensation.objects.get(pk=compensation.pk).amount == Decimal("25.00")


def test_free_access_worth_nothing_may_still_name_what_it_was_for(enrollment, one_and_three_hours):
    first, second = one_and_three_hours

    compensation = record_compensation(
        enrollment=enrollment,
        kind="free_access",
        amount="0",
        paid_on=days_ago(5),
        allocations={first.pk: "0.00", second.pk: 0},
    )

    assert allocations_of(compensation) == {first.pk: Decimal("0.00"), second.pk: Decimal("0.00")}


def test_allocations_above_the_amount_are_refused_and_write_nothing(enrollment, one_and_three_hours):
    first, second = one_and_three_hours
    before = compensations_state()

    errors = refusal(
        record_compensation,
        enrollment=enrollment,
        kind="cash",
        amount="60.00",
        paid_on=days_ago(5),
        allocations={first.pk: "40.00", second.pk: "20.01"},
    )

    assert errors == {"allocations": ["The allocations add up to 60.01, more than the amount 60.00."]}
    assert compensations_state() == before


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-0.01", "The amount cannot be negative."),
        (Decimal("-5"), "The amount cannot be negative."),
        ("abc", "'abc' is not a number."),
        (12.5, "Give an exact decimal number, such as 12.50."),
        ("Infinity", "Give a finite number."),
        ("10.005", "Ensure that there are no more than 2 decimal places."),
    ],
)
def test_an_amount_that_is_negative_or_not_an_exact_number_is_refused_and_writes_nothing(
    enrollment, one_and_three_hours, amount, message
):
    before = compensations_state()

    errors = refusal(
        record_compensation,
        enrollment=enrollment,
        kind="cash",
        amount=amount,
        paid_on=days_ago(5),
        contributions=one_and_three_hours,
    )

    assert errors == {"amount": [message]}
    assert compensations_state() == before


def test_paying_for_a_contribution_of_another_artist_is_refused_and_writes_nothing(enrollment, one_and_three_hours):
    others = log(factories.EnrollmentFactory(program=enrollment.program), "2")
    before = compensations_state()

    errors = refusal(
        record_compensation,
        enrollment=enrollment,
        kind="cash",
        amount="50",
        paid_on=days_ago(5),
        contributions=[one_and_three_hours[0], others],
    )

    assert errors == {"contributions": [f"No contribution of yours in this program has id {others.pk}."]}
    assert compensations_state() == before


def test_allocating_to_a_contribution_of_another_artist_is_refused_and_writes_nothing(enrollment):
    others = log(factories.EnrollmentFactory(program=enrollment.program), "2")
    before = compensations_state()

    errors = refusal(
        record_compensation,
        enrollment=enrollment,
        kind="cash",
        amount="50",
        paid_on=days_ago(5),
        allocations={others.pk: "10.00"},
    )

    assert errors == {"contributions": [f"No contribution of yours in this program has id {others.pk}."]}
    assert compensations_state() == before


@pytest.mark.parametrize("same_twice", ["instance", "instance and id", "id and text"])
def test_a_contribution_listed_twice_is_refused_and_writes_nothing(enrollment, one_and_three_hours, same_twice):
    first = one_and_three_hours[0]
    paid_for = {
        "instance": [first, first],
        "instance and id": [first, first.pk],
        "id and text": [first.pk, str(first.pk)],
    }
    before = compensations_state()

    errors = refusal(
        record_compensation,
        enrollment=enrollment,
        kind="cash",
        amount="50",
        paid_on=days_ago(5),
        contributions=paid_for[same_twice],
    )

    assert errors == {"contributions": ["A contribution is listed twice."]}
    assert compensations_state() == before


def test_giving_both_contributions_and_allocations_is_refused_and_writes_nothing(enrollment, one_and_three_hours):
    first, second = one_and_three_hours
    before = compensations_state()

    errors = refusal(
        record_compensation,
        enrollment=enrollment,
        kind="cash",
        amount="50",
        paid_on=days_ago(5),
        contributions=[first],
        allocations={second.pk: "10"},
    )

    assert errors == {"contributions": ["Give either the contributions or the allocations, not both."]}
    assert compensations_state() == before


def test_a_payment_dated_in_the_future_is_refused_and_writes_nothing(enrollment, one_and_three_hours):
    before = compensations_state()

    errors = refusal(
        record_compensation,
        enrollment=enrollment,
        kind="cash",
        amount="50",
        paid_on=timezone.localdate() + dt.timedelta(days=1),
        contributions=one_and_three_hours,
    )

    assert errors == {"paid_on": ["This date cannot be in the future."]}
    assert compensations_state() == before


@pytest.mark.parametrize(
    ("part", "message"),
    [
        ("10.005", "Allocations are amounts in cents: at most 2 decimal places."),
        ("-1.00", "An allocation cannot be negative."),
        ("ten", "'ten' is not a number."),
        (10.0, "Give an exact decimal number, such as 12.50."),
    ],
)
def test_an_allocation_that_is_not_a_whole_number_of_cents_is_refused_and_writes_nothing(
    enrollment, one_and_three_hours, part, message
):
    before = compensations_state()

    errors = refusal(
        record_compensation,
        enrollment=enrollment,
        kind="cash",
        amount="50",
        paid_on=days_ago(5),
        allocations={one_and_three_hours[0].pk: part},
    )

    assert errors == {"allocations": [message]}
    assert compensations_state() == before


def test_an_unknown_kind_of_compensation_is_refused_and_writes_nothing(enrollment, one_and_three_hours):
    before = compensations_state()

    errors = refusal(
        record_compensation,
        enrollment=enrollment,
        kind="exposure",
        amount="50",
        paid_on=days_ago(5),
        contributions=one_and_three_hours,
    )

    assert errors == {"kind": ["Value 'exposure' is not a valid choice."]}
    assert compensations_state() == before


def test_a_compensation_for_an_enrollment_never_granted_is_refused_and_writes_nothing(program):
    invited = enrol_artist(program=program, artist=factories.ArtistFactory())

    errors = refusal(record_compensation, enrollment=invited, kind="cash", amount="50", paid_on=days_ago(5))

    assert errors == {"enrollment": ["Record when access to this program was granted first."]}
    assert compensations_state() == {"compensations": [], "allocations": []}
