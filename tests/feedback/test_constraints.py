"""The database itself refuses bad contributions, compensations and allocations.

Each write bypasses the services on purpose. Allocations are also guarded by triggers
(feedback migration 0002): their total never exceeds the compensation, and they pay only
for contributions of the compensation's own enrollment.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from feedback.models import Compensation, CompensationAllocation, Contribution
from tests import factories
from tests.refusals import full_clean_errors, refused_by_database

pytestmark = pytest.mark.django_db

OCCURRED = dt.date(2025, 2, 3)
OVER_ALLOCATED = "more than its amount"
OTHER_ENROLLMENT = "of another enrollment"


def contribution_fields(enrollment, *, hours="2.00", kind="bug_report") -> dict:
    return {
        "enrollment": enrollment,
        "kind": kind,
        "title": "Crash on export",
        "hours_spent": Decimal(hours),
        "occurred_on": OCCURRED,
    }


@pytest.fixture
def compensation(enrollment):
    return Compensation.objects.create(enrollment=enrollment, kind="cash", amount=Decimal("100.00"), paid_on=OCCURRED)


@pytest.fixture
def contributions(enrollment):
    return [Contribution.objects.create(**contribution_fields(enrollment)) for _ in range(3)]


def allocate(compensation, contribution, amount) -> CompensationAllocation:
    return CompensationAllocation.objects.create(
        compensation=compensation, contribution=contribution, amount=Decimal(amount)
    )


# Contribution


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("0", "Hours spent must be more than 0."),
        ("-1", "Hours spent must be more than 0."),
        ("24.01", "Hours spent cannot be more than 24 in one entry."),
    ],
)
def test_hours_outside_zero_to_24_are_refused(enrollment, hours, message):
    with refused_by_database("contribution_hours_in_range"):
        Contribution.objects.create(**contribution_fields(enrollment, hours=hours))

    assert not Contribution.objects.exists()
    assert full_clean_errors(Contribution(**contribution_fields(enrollment, hours=hours)))["hours_spent"] == [message]


@pytest.mark.parametrize("hours", ["0.01", "24", "24.00"])
def test_hours_just_inside_the_range_are_accepted(enrollment, hours):
    contribution = Contribution.objects.create(**contribution_fields(enrollment, hours=hours))

    contribution.full_clean()
    assert Contribution.objects.get(pk=contribution.pk).hours_spent == Decimal(hours)


def test_raising_logged_hours_above_24_is_refused(contributions):
    with refused_by_database("contribution_hours_in_range"):
        Contribution.objects.filter(pk=contributions[0].pk).update(hours_spent=Decimal("24.01"))

    assert Contribution.objects.get(pk=contributions[0].pk).hours_spent == Decimal("2.00")


def test_unknown_contribution_kind_is_refused(enrollment):
    with refused_by_database("contribution_kind_valid"):
        Contribution.objects.bulk_create([Contribution(**contribution_fields(enrollment, kind="lunch"))])

    assert not Contribution.objects.exists()
    assert full_clean_errors(Contribution(**contribution_fields(enrollment, kind="lunch")))["kind"] == [
        "Value 'lunch' is not a valid choice."
    ]


# Compensation


def test_negative_compensation_is_refused(enrollment):
    with refused_by_database("compensation_amount_not_negative"):
        Compensation.objects.create(enrollment=enrollment, kind="cash", amount=Decimal("-0.01"), paid_on=OCCURRED)

    assert not Compensation.objects.exists()
    errors = full_clean_errors(
        Compensation(enrollment=enrollment, kind="cash", amount=Decimal("-0.01"), paid_on=OCCURRED)
    )
    assert errors["amount"] == ["The amount cannot be negative."]


def test_zero_compensation_is_accepted(enrollment):
    compensation = Compensation.objects.create(
        enrollment=enrollment, kind="free_access", amount=Decimal("0"), paid_on=OCCURRED
    )

    compensation.full_clean()
    assert Compensation.objects.get(pk=compensation.pk).amount == Decimal("0.00")


def test_unknown_compensation_kind_is_refused(enrollment):
    with refused_by_database("compensation_kind_valid"):
        Compensation.objects.create(enrollment=enrollment, kind="exposure", amount=Decimal("10"), paid_on=OCCURRED)

    assert not Compensation.objects.exists()
    errors = full_clean_errors(
        Compensation(enrollment=enrollment, kind="exposure", amount=Decimal("10"), paid_on=OCCURRED)
    )
    assert errors["kind"] == ["Value 'exposure' is not a valid choice."]


# CompensationAllocation: plain constraints


def test_a_contribution_is_allocated_at_most_once_per_compensation(compensation, contributions):
    allocate(compensation, contributions[0], "10.00")

    with refused_by_database("allocation_one_per_compensation_contribution"):
        allocate(compensation, contributions[0], "5.00")

    assert list(CompensationAllocation.objects.values_list("amount", flat=True)) == [Decimal("10.00")]
    errors = full_clean_errors(
        CompensationAllocation(compensation=compensation, contribution=contributions[0], amount=Decimal("5"))
    )
    assert errors["__all__"] == ["This contribution is already allocated from this compensation."]


def test_negative_allocation_is_refused(compensation, contributions):
    with refused_by_database("allocation_amount_not_negative"):
        allocate(compensation, contributions[0], "-1.00")

    assert not CompensationAllocation.objects.exists()
    errors = full_clean_errors(
        CompensationAllocation(compensation=compensation, contribution=contributions[0], amount=Decimal("-1"))
    )
    assert errors["amount"] == ["An allocation cannot be negative."]


# CompensationAllocation: triggers


def test_allocation_triggers_are_installed_in_the_test_database():
    # With `--no-migrations` the tables come from the models alone and these triggers are missing.
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE '%%guard' ORDER BY tgname")
        triggers = [name for (name,) in cursor.fetchall()]

    assert triggers == [
        "feedback_allocation_guard",
        "feedback_compensation_amount_guard",
        "feedback_contribution_move_guard",
    ]


def test_allocations_up_to_exactly_the_amount_are_accepted(compensation, contributions):
    allocate(compensation, contributions[0], "33.34")
    allocate(compensation, contributions[1], "33.33")
    allocate(compensation, contributions[2], "33.33")

    assert sum(a.amount for a in compensation.allocations.all()) == Decimal("100.00")


def test_one_allocation_above_the_amount_is_refused(compensation, contributions):
    with refused_by_database(OVER_ALLOCATED):
        allocate(compensation, contributions[0], "100.01")

    assert not CompensationAllocation.objects.exists()


def test_allocations_adding_up_above_the_amount_are_refused(compensation, contributions):
    allocate(compensation, contributions[0], "60.00")

    with refused_by_database(OVER_ALLOCATED):
        allocate(compensation, contributions[1], "40.01")

    assert list(CompensationAllocation.objects.values_list("amount", flat=True)) == [Decimal("60.00")]


def test_a_bulk_insert_of_allocations_above_the_amount_is_refused_as_a_whole(compensation, contributions):
    with refused_by_database(OVER_ALLOCATED):
        CompensationAllocation.objects.bulk_create(
            CompensationAllocation(compensation=compensation, contribution=c, amount=Decimal("40.00"))
            for c in contributions
        )

    assert not CompensationAllocation.objects.exists()


def test_raising_an_allocation_above_the_amount_is_refused(compensation, contributions):
    allocate(compensation, contributions[0], "50.00")
    second = allocate(compensation, contributions[1], "50.00")

    with refused_by_database(OVER_ALLOCATED):
        CompensationAllocation.objects.filter(pk=second.pk).update(amount=Decimal("50.01"))

    assert CompensationAllocation.objects.get(pk=second.pk).amount == Decimal("50.00")


def test_lowering_a_compensation_below_its_allocations_is_refused(compensation, contributions):
    allocate(compensation, contributions[0], "30.00")
    allocate(compensation, contributions[1], "30.00")

    with refused_by_database(OVER_ALLOCATED):
        Compensation.objects.filter(pk=compensation.pk).update(amount=Decimal("59.99"))
    compensation.amount = Decimal("10.00")
    with refused_by_database(OVER_ALLOCATED):
        compensation.save()

    assert Compensation.objects.get(pk=compensation.pk).amount == Decimal("100.00")


def test_lowering_a_compensation_to_exactly_its_allocations_is_accepted(compensation, contributions):
    allocate(compensation, contributions[0], "30.00")
    allocate(compensation, contributions[1], "30.00")

    Compensation.objects.filter(pk=compensation.pk).update(amount=Decimal("60.00"))

    assert Compensation.objects.get(pk=compensation.pk).amount == Decimal("60.00")


def test_an_allocation_to_a_contribution_of_another_enrollment_is_refused(compensation, program):
    other_enrollment = factories.EnrollmentFactory(program=program)
    others_contribution = Contribution.objects.create(**contribution_fields(other_enrollment))

    with refused_by_database(OTHER_ENROLLMENT):
        allocate(compensation, others_contribution, "1.00")

    assert not CompensationAllocation.objects.exists()


def test_repointing_an_allocation_to_a_contribution_of_another_enrollment_is_refused(
    compensation, contributions, program
):
    allocation = allocate(compensation, contributions[0], "10.00")
    others_contribution = Contribution.objects.create(
        **contribution_fields(factories.EnrollmentFactory(program=program))
    )

    with refused_by_database(OTHER_ENROLLMENT):
        CompensationAllocation.objects.filter(pk=allocation.pk).update(contribution=others_contribution)

    assert CompensationAllocation.objects.get(pk=allocation.pk).contribution_id == contributions[0].pk


def test_moving_an_allocated_contribution_to_another_enrollment_is_refused(compensation, contributions, program):
    allocate(compensation, contributions[0], "10.00")
    other_enrollment = factories.EnrollmentFactory(program=program)

    with refused_by_database("cannot move to another enrollment"):
        Contribution.objects.filter(pk=contributions[0].pk).update(enrollment=other_enrollment)

    assert Contribution.objects.get(pk=contributions[0].pk).enrollment_id == compensation.enrollment_id


def test_moving_an_unallocated_contribution_to_another_enrollment_is_accepted(contributions, program):
    other_enrollment = factories.EnrollmentFactory(program=program)

    Contribution.objects.filter(pk=contributions[0].pk).update(enrollment=other_enrollment)

    assert Contribution.objects.get(pk=contributions[0].pk).enrollment_id == other_enrollment.pk
