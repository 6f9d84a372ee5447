"""uncompensated_promotion: promotion the program asked for, with no cash-equivalent pay once
due (the program's payment terms after it occurred, the same boundary as unpaid_feedback)."""

import pytest

from feedback.models import Compensation, Contribution
from feedback.services import update_compensation
from tests.jobs.helpers import NOW, at, log_work, make_program, make_tester, on, only_open_flag, pay, scan
from tracker.models import Flag

pytestmark = pytest.mark.django_db

KIND = "uncompensated_promotion"
PROMOTION = Contribution.Kind.PROMOTION


@pytest.fixture
def tester():
    return make_tester(make_program(promotion_required=True, payment_terms_days=30))


# 2026-04-20 + 30 days of terms: due on 2026-05-20, late from 2026-05-21.
def promote(tester, day="2026-04-20", **fields):
    fields.setdefault("requested_by_program", True)
    return log_work(tester, on(day), kind=fields.pop("kind", PROMOTION), hours="1.25", **fields)


def test_requested_unpaid_promotion_raises_a_flag(tester):
    promotion = promote(tester)

    assert scan(KIND, NOW) == (1, 0)

    flag = only_open_flag(KIND)
    assert (flag.program, flag.artist, flag.subject_key) == (
        tester.program,
        tester.artist,
        f"contribution:{promotion.pk}",
    )
    assert flag.severity == Flag.Severity.MEDIUM
    assert flag.message == "Promotion the program requested on 2026-04-20 (1.25 h) is unpaid."
    assert (flag.occurred_on, flag.due_on) == (on("2026-04-20"), on("2026-05-20"))
    assert flag.details["requested_by_program"] is True
    assert flag.details["kind"] == "promotion"


def test_promotion_is_not_flagged_before_it_is_due(tester):
    promote(tester)

    # The day it happened, and every day of the terms up to the due day itself.
    for moment in (at("2026-04-20"), at("2026-05-01"), at("2026-05-20", "23:59")):
        assert scan(KIND, moment) == (0, 0)


def test_promotion_is_flagged_the_day_after_it_came_due(tester):
    promote(tester)

    assert scan(KIND, at("2026-05-21", "00:00")) == (1, 0)
    assert only_open_flag(KIND).due_on == on("2026-05-20")


def test_promotion_is_due_by_its_own_programs_terms():
    patient = make_tester(make_program(payment_terms_days=60))
    promote(patient)  # due on 2026-06-19

    assert scan(KIND, NOW) == (0, 0)
    assert scan(KIND, at("2026-06-20")) == (1, 0)


def test_promotion_and_unpaid_feedback_come_due_together(tester):
    """Once due, a requested promotion left unpaid is also unpaid feedback: the same day."""
    promote(tester)

    assert scan("unpaid_feedback", at("2026-05-20", "23:59")) == (0, 0)
    assert scan(KIND, at("2026-05-21")) == scan("unpaid_feedback", at("2026-05-21")) == (1, 0)

    flags = Flag.objects.order_by("kind")
    assert [(f.kind, f.occurred_on, f.due_on) for f in flags] == [
        ("uncompensated_promotion", on("2026-04-20"), on("2026-05-20")),
        ("unpaid_feedback", on("2026-04-20"), on("2026-05-20")),
    ]


def test_promotion_the_program_did_not_request_raises_nothing(tester):
    promote(tester, requested_by_program=False)

    assert scan(KIND, NOW) == (0, 0)


@pytest.mark.parametrize("kind", [Contribution.Kind.FEEDBACK_SESSION, Contribution.Kind.SHOWCASE_EVENT])
def test_requested_work_of_another_kind_raises_nothing(tester, kind):
    promote(tester, kind=kind)

    assert scan(KIND, NOW) == (0, 0)


def test_promotion_paid_in_cash_raises_nothing(tester):
    promotion = promote(tester)
    pay(tester, [promotion], on("2026-05-25"))

    assert scan(KIND, NOW) == (0, 0)


@pytest.mark.parametrize("kind", [Compensation.Kind.CREDITS, Compensation.Kind.FREE_ACCESS, Compensation.Kind.GIFT])
def test_promotion_paid_only_in_kind_is_still_uncompensated(tester, kind):
    promotion = promote(tester)
    pay(tester, [promotion], on("2026-05-25"), kind=kind)

    assert scan(KIND, NOW) == (1, 0)


def test_paying_for_the_promotion_resolves_the_flag(tester):
    promotion = promote(tester)
    scan(KIND, at("2026-05-21"))
    pay(tester, [promotion], on("2026-05-25"))

    assert scan(KIND, NOW) == (0, 1)

    flag = Flag.objects.get(kind=KIND)
    assert (flag.raised_at, flag.resolved_at) == (at("2026-05-21"), NOW)


def test_a_payment_changed_to_credits_raises_a_new_flag(tester):
    promotion = promote(tester)
    scan(KIND, at("2026-05-21"))
    payment = pay(tester, [promotion], on("2026-05-25"))
    scan(KIND, at("2026-05-26"))
    update_compensation(
        compensation=payment,
        kind=Compensation.Kind.CREDITS,
        amount=payment.amount,
        paid_on=payment.paid_on,
        contributions=[promotion],
    )

    assert scan(KIND, NOW) == (1, 0)

    assert Flag.objects.filter(kind=KIND).count() == 2
    assert only_open_flag(KIND).raised_at == NOW
