"""The pay a contribution carries (`allocated_cash`, `first_cash_paid_on`) is what its
allocations say, after any mix of writes, however they are made (migration feedback/0004)."""

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Min, Q, Sum

from feedback.migrations import __path__ as migrations_path
from feedback.models import Compensation, CompensationAllocation, Contribution
from tests.factories import CompensationFactory, ContributionFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db

CASH = Compensation.CASH_EQUIVALENT_KINDS


def live_pay(contribution: Contribution) -> tuple[Decimal, dt.date | None]:
    """The pay of a contribution aggregated from its allocations, as the columns must say."""
    allocations = CompensationAllocation.objects.filter(contribution=contribution, compensation__kind__in=CASH)
    cash = allocations.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    first = allocations.filter(amount__gt=0).aggregate(first=Min("compensation__paid_on"))["first"]
    return cash, first


def assert_columns_match(contributions) -> None:
    for contribution in contributions:
        contribution.refresh_from_db()
        assert (contribution.allocated_cash, contribution.first_cash_paid_on) == live_pay(contribution), contribution.pk


def test_the_columns_follow_allocations_and_compensations():
    enrollment = EnrollmentFactory()
    work = ContributionFactory(enrollment=enrollment, occurred_on=dt.date(2026, 3, 1))
    assert (work.allocated_cash, work.first_cash_paid_on) == (Decimal("0.00"), None)

    credits = CompensationFactory(enrollment=enrollment, kind=Compensation.Kind.CREDITS, paid_on=dt.date(2026, 3, 5))
    CompensationAllocation.objects.create(compensation=credits, contribution=work, amount=Decimal("30"))
    work.refresh_from_db()
    assert (work.allocated_cash, work.first_cash_paid_on) == (Decimal("0.00"), None), "credits are not cash"

    cash = CompensationFactory(enrollment=enrollment, kind=Compensation.Kind.CASH, paid_on=dt.date(2026, 4, 2))
    allocation = CompensationAllocation.objects.create(compensation=cash, contribution=work, amount=Decimal("40"))
    work.refresh_from_db()
    assert (work.allocated_cash, work.first_cash_paid_on) == (Decimal("40.00"), dt.date(2026, 4, 2))

    Compensation.objects.filter(pk=credits.pk).update(kind=Compensation.Kind.STIPEND)  # now cash-equivalent
    work.refresh_from_db()
    assert (work.allocated_cash, work.first_cash_paid_on) == (Decimal("70.00"), dt.date(2026, 3, 5))

    allocation.delete()
    credits.delete()
    work.refresh_from_db()
    assert (work.allocated_cash, work.first_cash_paid_on) == (Decimal("0.00"), None)


def test_a_zero_allocation_does_not_make_work_paid():
    enrollment = EnrollmentFactory()
    work = ContributionFactory(enrollment=enrollment)
    cash = CompensationFactory(enrollment=enrollment, amount=Decimal("0"))
    CompensationAllocation.objects.create(compensation=cash, contribution=work, amount=Decimal("0"))
    work.refresh_from_db()
    assert work.first_cash_paid_on is None


def test_raw_sql_and_truncate_keep_them_too():
    enrollment = EnrollmentFactory()
    work = ContributionFactory(enrollment=enrollment)
    cash = CompensationFactory(enrollment=enrollment, paid_on=dt.date(2026, 5, 1))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO feedback_compensationallocation (compensation_id, contribution_id, amount)"
            " VALUES (%s, %s, 25)",
            [cash.pk, work.pk],
        )
        work.refresh_from_db()
        assert work.allocated_cash == Decimal("25.00")
        cursor.execute("UPDATE feedback_compensation SET paid_on = '2026-05-09' WHERE id = %s", [cash.pk])
        work.refresh_from_db()
        assert work.first_cash_paid_on == dt.date(2026, 5, 9)
        # (Django's foreign keys are deferred; a TRUNCATE needs their checks done first.)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE feedback_compensationallocation")
    work.refresh_from_db()
    assert (work.allocated_cash, work.first_cash_paid_on) == (Decimal("0.00"), None)


@pytest.mark.parametrize("seed", range(6))
def test_random_writes_leave_every_contribution_exact(seed):
    rng = random.Random(seed)
    enrollments = [EnrollmentFactory() for _ in range(2)]
    contributions = [
        ContributionFactory(enrollment=rng.choice(enrollments), occurred_on=dt.date(2026, 1, 1 + i)) for i in range(8)
    ]
    compensations: list[Compensation] = []
    for _ in range(40):
        action = rng.choice(["pay", "pay", "allocate", "reamount", "retype", "redate", "unallocate", "unpay", "bulk"])
        allocations = list(CompensationAllocation.objects.all())
        if action == "pay" or not compensations:
            compensations.append(
                CompensationFactory(
                    enrollment=rng.choice(enrollments),
                    kind=rng.choice(Compensation.Kind.values),
                    amount=Decimal(rng.randint(0, 200)),
                    paid_on=dt.date(2026, 2, rng.randint(1, 28)),
                )
            )
        elif action == "allocate":
            compensation = rng.choice(compensations)
            mine = [c for c in contributions if c.enrollment_id == compensation.enrollment_id]
            spare = compensation.amount - sum(a.amount for a in compensation.allocations.all())
            taken = set(compensation.allocations.values_list("contribution_id", flat=True))
            free = [c for c in mine if c.pk not in taken]
            if free and spare >= 0:
                CompensationAllocation.objects.create(
                    compensation=compensation, contribution=rng.choice(free), amount=Decimal(rng.randint(0, int(spare)))
                )
        elif action == "reamount" and allocations:
            allocation = rng.choice(allocations)
            CompensationAllocation.objects.filter(pk=allocation.pk).update(amount=Decimal(rng.randint(0, 1)))
        elif action == "retype":
            compensation = rng.choice(compensations)
            Compensation.objects.filter(pk=compensation.pk).update(kind=rng.choice(Compensation.Kind.values))
        elif action == "redate":
            compensation = rng.choice(compensations)
            Compensation.objects.filter(pk=compensation.pk).update(paid_on=dt.date(2026, 3, rng.randint(1, 28)))
        elif action == "unallocate" and allocations:
            rng.choice(allocations).delete()
        elif action == "unpay":
            compensations.pop(rng.randrange(len(compensations))).delete()
        elif action == "bulk" and allocations:
            CompensationAllocation.objects.filter(Q(pk__in=[a.pk for a in allocations[::2]])).delete()
    assert_columns_match(contributions)


def test_the_migration_knows_the_cash_equivalent_kinds():
    source = (Path(migrations_path[0]) / "0004_contribution_pay.py").read_text()
    expected = "(" + ", ".join(f"'{kind}'" for kind in CASH) + ")"
    assert f'CASH_KINDS = "{expected}"' in source
