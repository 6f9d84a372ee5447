"""unpaid_feedback: a contribution still uncompensated `payment_terms_days` after it occurred.

"Compensated" means a cash-equivalent allocation above zero (docs/metrics.md, "The records behind the figures"):
credits, free access and gifts are counted elsewhere but are not pay.
"""

import pytest

from feedback.models import Compensation
from feedback.services import delete_compensation
from tests.jobs.helpers import NOW, at, flag_table, log_work, make_program, make_tester, on, only_open_flag, pay, scan
from tracker.models import Flag

pytestmark = pytest.mark.django_db

KIND = "unpaid_feedback"


@pytest.fixture
def tester():
    return make_tester(make_program(payment_terms_days=30))


def test_work_unpaid_past_the_terms_raises_a_flag_saying_what_is_owed(tester):
    contribution = log_work(tester, on("2026-03-01"), hours="3.50")

    assert scan(KIND, NOW) == (1, 0)

    flag = only_open_flag(KIND)
    assert (flag.program, flag.artist, flag.subject_key) == (
        tester.program,
        tester.artist,
        f"contribution:{contribution.pk}",
    )
    assert flag.severity == Flag.Severity.MEDIUM
    assert flag.message == "3.50 h of work on 2026-03-01 unpaid; the program's terms say payment within 30 days."
    assert flag.details == {
        "contribution": contribution.pk,
        "kind": "feedback_session",
        "hours": 3.5,
        "occurred_on": "2026-03-01",
        "requested_by_program": False,
    }


def test_work_paid_in_cash_raises_nothing(tester):
    contribution = log_work(tester, on("2026-03-01"))
    pay(tester, [contribution], on("2026-03-20"))

    assert scan(KIND, NOW) == (0, 0)


def test_work_paid_by_a_stipend_raises_nothing(tester):
    contribution = log_work(tester, on("2026-03-01"))
    pay(tester, [contribution], on("2026-03-20"), kind=Compensation.Kind.STIPEND)

    assert scan(KIND, NOW) == (0, 0)


def test_work_paid_late_in_cash_is_still_compensated(tester):
    contribution = log_work(tester, on("2026-03-01"))
    pay(tester, [contribution], on("2026-05-30"))

    assert scan(KIND, NOW) == (0, 0)


@pytest.mark.parametrize(
    "kind", [Compensation.Kind.CREDITS, Compensation.Kind.FREE_ACCESS, Compensation.Kind.GIFT, Compensation.Kind.OTHER]
)
def test_work_paid_only_in_credits_free_access_or_gifts_is_still_unpaid(tester, kind):
    contribution = log_work(tester, on("2026-03-01"))
    pay(tester, [contribution], on("2026-03-20"), kind=kind, amount="500.00")

    assert scan(KIND, NOW) == (1, 0)
    assert only_open_flag(KIND).subject_key == f"contribution:{contribution.pk}"


def test_a_cash_payment_of_nothing_is_not_pay(tester):
    contribution = log_work(tester, on("2026-03-01"))
    pay(tester, [contribution], on("2026-03-20"), amount="0.00")

    assert scan(KIND, NOW) == (1, 0)


def test_cash_for_one_contribution_does_not_pay_for_another(tester):
    paid = log_work(tester, on("2026-03-01"))
    unpaid = log_work(tester, on("2026-03-02"))
    pay(tester, [paid], on("2026-03-20"))

    assert scan(KIND, NOW) == (1, 0)
    assert only_open_flag(KIND).subject_key == f"contribution:{unpaid.pk}"


def test_each_late_contribution_is_its_own_flag_in_each_program():
    first, second = make_tester(make_program()), make_tester(make_program())
    contributions = [log_work(first, on("2026-03-01")), log_work(first, on("2026-03-02"))]
    contributions.append(log_work(second, on("2026-03-01")))

    assert scan(KIND, NOW) == (3, 0)

    flags = Flag.objects.filter(kind=KIND)
    assert {(f.subject_key, f.program_id) for f in flags} == {
        (f"contribution:{c.pk}", c.enrollment.program_id) for c in contributions
    }


# Boundary: terms of 30 days from 2026-03-01 end on 2026-03-31.


def test_unpaid_work_on_the_last_day_of_the_terms_is_not_late_yet(tester):
    log_work(tester, on("2026-03-01"))

    assert scan(KIND, at("2026-03-31", "23:59:59")) == (0, 0)


def test_unpaid_work_the_day_after_the_terms_is_late(tester):
    log_work(tester, on("2026-03-01"))

    assert scan(KIND, at("2026-04-01", "00:00:00")) == (1, 0)


def test_the_terms_are_the_programs_own():
    tester = make_tester(make_program(payment_terms_days=7))
    log_work(tester, on("2026-03-01"))

    assert scan(KIND, at("2026-03-08", "23:59")) == (0, 0)
    assert scan(KIND, at("2026-03-09", "00:00")) == (1, 0)


def test_terms_of_zero_days_make_work_late_the_next_day():
    tester = make_tester(make_program(payment_terms_days=0))
    log_work(tester, on("2026-03-01"))

    assert scan(KIND, at("2026-03-01", "23:59")) == (0, 0)
    assert scan(KIND, at("2026-03-02", "00:00")) == (1, 0)


# Resolution.


def test_paying_in_cash_later_resolves_the_flag_at_the_scan_that_sees_it(tester):
    contribution = log_work(tester, on("2026-03-01"))
    scan(KIND, at("2026-04-15"))
    pay(tester, [contribution], on("2026-05-01"))

    assert scan(KIND, NOW) == (0, 1)

    flag = Flag.objects.get(kind=KIND)
    assert flag.resolved_at == NOW
    assert flag.raised_at == at("2026-04-15")


def test_paying_in_credits_later_does_not_resolve_the_flag(tester):
    contribution = log_work(tester, on("2026-03-01"))
    scan(KIND, at("2026-04-15"))
    pay(tester, [contribution], on("2026-05-01"), kind=Compensation.Kind.CREDITS)

    assert scan(KIND, NOW) == (0, 0)
    assert only_open_flag(KIND).raised_at == at("2026-04-15")


def test_resolving_leaves_other_open_flags_alone(tester):
    paid_later, still_unpaid = log_work(tester, on("2026-03-01")), log_work(tester, on("2026-03-02"))
    scan(KIND, at("2026-04-15"))
    pay(tester, [paid_later], on("2026-05-01"))

    assert scan(KIND, NOW) == (0, 1)

    assert only_open_flag(KIND).subject_key == f"contribution:{still_unpaid.pk}"


def test_unpaid_again_after_resolution_raises_a_new_flag(tester):
    contribution = log_work(tester, on("2026-03-01"))
    scan(KIND, at("2026-04-15"))
    payment = pay(tester, [contribution], on("2026-05-01"))
    scan(KIND, at("2026-05-02"))
    delete_compensation(compensation=payment)

    assert scan(KIND, NOW) == (1, 0)

    resolved, reopened = Flag.objects.filter(kind=KIND).order_by("raised_at")
    assert (resolved.raised_at, resolved.resolved_at) == (at("2026-04-15"), at("2026-05-02"))
    assert (reopened.raised_at, reopened.resolved_at) == (NOW, None)
    assert reopened.subject_key == resolved.subject_key
    assert reopened.pk != resolved.pk


def test_a_resolved_flag_stays_resolved_on_a_second_run(tester):
    contribution = log_work(tester, on("2026-03-01"))
    scan(KIND, at("2026-04-15"))
    pay(tester, [contribution], on("2026-05-01"))
    scan(KIND, at("2026-05-02"))
    before = flag_table()

    assert scan(KIND, NOW) == (0, 0)

    assert flag_table() == before
