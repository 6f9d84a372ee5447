"""The 0–10 fairness score (docs/metrics.md, "The fairness score"): for each of the
ten points, a world where it is earned and one where it is not, at the boundaries; and the
second point of a principle is only available once the first is earned.

Each world starts from a fair program that earns all ten points and changes one thing.
Everything happens in the first half of 2026; the metrics are asked at NOW (2026-07-01 12:00).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from artists.models import ApprovalDecision
from artists.services import record_decision
from feedback.models import Contribution
from programs.models import Enrollment, Program
from programs.services import revoke_access, revoke_many
from tests.jobs.helpers import at, log_work, make_program, make_testers, on, pay, submit
from tracker.metrics import Metrics, metrics_for_program
from tracker.models import Flag
from tracker.score import ScorePoint
from tracker.services import run_scan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("arithmetic_only")]

NOW = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
SUBMITTED = at("2026-03-01")
REASON = "Fits the brief"


@dataclass(frozen=True)
class Submission:
    """One work: when it was submitted, how long it waited for its first decision, the reason given."""

    submitted_at: dt.datetime = SUBMITTED
    waited: dt.timedelta | None = DAY  # until the first decision; None: still pending
    reason: str = REASON


FAIR_PAYMENTS = (("80.00", "2026-03-10"),) * 5  # (amount, paid_on) per tester; None: unpaid
FAIR_WORKS = (Submission(),) * 5


@dataclass
class World:
    program: Program
    testers: list[Enrollment]
    contributions: list[Contribution]


def fair_world(
    *,
    payments=FAIR_PAYMENTS,
    works=FAIR_WORKS,
    **program_fields,
) -> World:
    """Five testers of a program (reference rate 40.00, terms 30 days, SLA 14 days, terms
    defined). Each gives 2 hours on 2026-03-01, paid (amount, paid_on) in cash, and submits
    one work. Unchanged, it earns all ten points."""
    program_fields.setdefault("reference_hourly_rate", Decimal("40.00"))
    program = make_program(**program_fields)
    testers = make_testers(program, 5)
    contributions = []
    for tester, payment, work in zip(testers, payments, works, strict=True):
        contribution = log_work(tester, on("2026-03-01"), hours="2.00")
        contributions.append(contribution)
        if payment is not None:
            amount, paid_on = payment
            pay(tester, [contribution], on(paid_on), amount=amount)
        submitted = submit(tester, work.submitted_at)
        if work.waited is not None:
            record_decision(
                work=submitted,
                outcome=ApprovalDecision.Outcome.APPROVED,
                decided_at=work.submitted_at + work.waited,
                reason=work.reason,
            )
    return World(program, testers, contributions)


def metrics(world: World) -> Metrics:
    result = metrics_for_program(world.program, now=NOW)
    assert not result.suppressed
    assert result.fairness_score == sum(1 for p in result.score_breakdown if p.earned)
    return result


def point(world: World, principle: str, number: int) -> ScorePoint:
    found = [p for p in metrics(world).score_breakdown if (p.principle, p.point) == (principle, number)]
    assert len(found) == 1
    return found[0]


def scan_at(monkeypatch, now: dt.datetime) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: now)
        run_scan(trigger="command")


def only_available_after_first(principle: str) -> str:
    return f"Only available once the first {principle} point is earned."


def test_the_fair_world_earns_all_ten_points_each_with_its_figure():
    # The score table: five principles, two points each, each shown with its figure.
    result = metrics(fair_world())

    assert result.fairness_score == 10
    assert [p.rule for p in result.score_breakdown] == [
        "Cash was paid for at least 50% of the hours of due work",
        "The effective hourly rate of due work is at least the reference rate",
        "At least 80% of contributions past the payment terms were paid within them",
        "No contribution is still unpaid 90 days after it came due",
        "At least 80% of works were decided within the approval promise",
        "At least 80% of decisions gave a reason",
        "No tester's access was revoked without a stated reason",
        "No mass revocation, and every revocation gave at least 7 days' notice",
        "The program defines both 'responsible use' and 'confidential content'",
        "No promotion the program requested is unpaid once due",
    ]
    assert [(p.principle, p.point, p.earned, p.figure, p.explanation) for p in result.score_breakdown] == [
        # 10 of 10 hours paid in cash.
        ("fair pay", 1, True, 1.0, "cash paid for 100% of due hours"),
        # 5 × 80 / 10 h = 40.00: exactly the reference earns.
        ("fair pay", 2, True, Decimal("40.00"), "40.00 per hour of due work against a reference of 40.00"),
        # All 5 paid on 03-10, due 03-31.
        ("timely pay", 1, True, 1.0, "100% paid within the terms"),
        ("timely pay", 2, True, 0, "0 contributions still unpaid more than 90 days after they came due"),
        # All 5 decided after a day, with a reason.
        ("fair approval", 1, True, 1.0, "100% decided in time"),
        ("fair approval", 2, True, 1.0, "100% of decisions gave a reason"),
        ("fair access", 1, True, 0, "0 of 0 revocations stated no reason"),
        (
            "fair access",
            2,
            True,
            {"mass_revocations": 0, "revocations_short_notice": 0},
            "0 mass revocations; 0 revocations with less than 7 days' notice (or none stated)",
        ),
        ("clear terms", 1, True, True, "both are defined"),
        ("clear terms", 2, True, 0, "0 requested promotion pieces are unpaid past the payment terms"),
    ]


# -- fair pay --------------------------------------------------------------------------


def test_a_program_paying_its_rate_within_its_terms_scores_fair_while_work_is_not_yet_due():
    # The fair world, plus 3 h from each tester on 06-20 (due 07-20), not paid yet: that work
    # counts neither for nor against the program.
    world = fair_world()
    for tester in world.testers:
        log_work(tester, on("2026-06-20"), hours="3.00")

    result = metrics(world)

    assert result.fairness_score == 10
    # Due work: 5 × 2 h, paid 5 × 80 = 400 → 40.00/h; fair value 10 × 40 = 400; gap 0.
    assert (result.hours_due, result.hours_not_yet_due) == (Decimal("10.00"), Decimal("15.00"))
    assert (result.compensated_due_hours_share, result.effective_hourly_rate) == (1.0, Decimal("40.00"))
    assert (result.fair_value, result.pay_gap, result.owed) == (Decimal("400.00"), Decimal("0.00"), Decimal("0.00"))
    # The share of all hours paid for still tells how much is unpaid so far: 10 of 25.
    assert result.compensated_hours_share == 0.4


def test_fair_pay_1_is_earned_when_cash_paid_for_exactly_half_of_the_hours():
    # fair pay 1: compensated_hours_share ≥ 0.5. 10 h paid + 10 h unpaid = 10 / 20 = 0.5.
    world = fair_world()
    log_work(world.testers[0], on("2026-03-02"), hours="10.00")

    first = point(world, "fair pay", 1)

    assert (first.earned, first.figure) == (True, 0.5)


def test_fair_pay_1_is_lost_just_below_half_and_then_fair_pay_2_is_not_available():
    # fair pay 1: 10 h paid of 20.01 h = 0.49975… → 0.4998 < 0.5.
    world = fair_world()
    log_work(world.testers[0], on("2026-03-02"), hours="10.01")

    first, second = point(world, "fair pay", 1), point(world, "fair pay", 2)

    assert (first.earned, first.figure) == (False, 0.4998)
    # fair pay 2: 400 / 20.01 = 19.99 < 40, but it is not even judged.
    assert (second.earned, second.figure) == (False, Decimal("19.99"))
    assert second.explanation == only_available_after_first("fair pay")


def test_fair_pay_1_counts_only_cash_not_credits():
    # fair pay 1: "cash was paid"; credits make no contribution compensated. 4 of 10 h paid in cash.
    world = fair_world(payments=(("80.00", "2026-03-10"),) * 2 + (None,) * 3)
    for tester, contribution in zip(world.testers[2:], world.contributions[2:], strict=True):
        pay(tester, [contribution], on("2026-03-10"), kind="credits", amount="500.00")

    first = point(world, "fair pay", 1)

    assert (first.earned, first.figure, first.explanation) == (False, 0.4, "cash paid for 40% of due hours")


def test_fair_pay_2_is_lost_below_the_reference_rate():
    # fair pay 2: effective rate 395 / 10 = 39.50 < 40.00.
    world = fair_world(payments=(("80.00", "2026-03-10"),) * 4 + (("75.00", "2026-03-10"),))

    second = point(world, "fair pay", 2)

    assert (second.earned, second.figure) == (False, Decimal("39.50"))
    assert second.explanation == "39.50 per hour of due work against a reference of 40.00"


def test_fair_pay_2_is_judged_on_the_rate_as_published_to_the_cent():
    # fair pay 2 (docs/metrics.md, "Rounding"): 399.95 / 10 = 39.995 is published as 40.00, which earns.
    world = fair_world(payments=(("80.00", "2026-03-10"),) * 4 + (("79.95", "2026-03-10"),))

    second = point(world, "fair pay", 2)

    assert (second.earned, second.figure) == (True, Decimal("40.00"))


def test_fair_pay_2_uses_the_platform_rate_when_the_program_has_none(settings):
    # fair pay 2: "the program's reference rate, default from settings" (FAIR_HOURLY_RATE).
    settings.FAIR_HOURLY_RATE = Decimal("50.00")
    world = fair_world(reference_hourly_rate=None)

    second = point(world, "fair pay", 2)

    assert (second.earned, second.figure) == (False, Decimal("40.00"))
    assert second.explanation == "40.00 per hour of due work against a reference of 50.00"


# -- timely pay ------------------------------------------------------------------------


def test_timely_pay_1_is_earned_when_exactly_four_in_five_are_paid_within_the_terms():
    # timely pay 1: paid_within_terms_share ≥ 0.8. Due 2026-03-31: four paid on that very
    # day (within), one on 04-01 (late) → 4 / 5.
    world = fair_world(payments=(("80.00", "2026-03-31"),) * 4 + (("80.00", "2026-04-01"),))

    first = point(world, "timely pay", 1)

    assert (first.earned, first.figure, first.explanation) == (True, 0.8, "80% paid within the terms")


def test_timely_pay_1_is_lost_below_four_in_five_and_then_timely_pay_2_is_not_available():
    # timely pay 1: 3 paid within the terms, 1 late, 1 never → 3 / 5 = 0.6.
    world = fair_world(payments=(("80.00", "2026-03-10"),) * 3 + (("80.00", "2026-05-01"), None))

    first, second = point(world, "timely pay", 1), point(world, "timely pay", 2)

    assert (first.earned, first.figure) == (False, 0.6)
    assert (second.earned, second.explanation) == (False, only_available_after_first("timely pay"))


def test_timely_pay_2_is_lost_with_work_unpaid_91_days_past_due_even_before_any_scan():
    # timely pay 2: no contribution still unpaid 90 days after it came due. Logged 03-02, due
    # 04-01 (terms 30 days): on 07-01 it is 91 days past due. No scan has run: the age is
    # counted from the due date, not from when a scan raised a flag.
    world = fair_world()
    log_work(world.testers[0], on("2026-03-02"), hours="2.00")
    assert not Flag.objects.exists()

    second = point(world, "timely pay", 2)

    assert (second.earned, second.figure) == (False, 1)
    assert second.explanation == "1 contributions still unpaid more than 90 days after they came due"
    # 5 of 6 due contributions were paid within the terms: the first point holds.
    assert point(world, "timely pay", 1).earned


def test_timely_pay_2_is_kept_with_work_exactly_90_days_past_due_whatever_a_flag_says():
    # "More than 90 days": logged 03-03, due 04-02, it is 90 days past due on 07-01: not yet
    # too old. An unpaid-feedback flag on it, raised 200 days ago (say, by a scan with a
    # wrong clock), changes nothing: the age is counted from the due date.
    world = fair_world()
    unpaid = log_work(world.testers[0], on("2026-03-03"), hours="1.00")
    Flag.objects.create(
        kind=Flag.Kind.UNPAID_FEEDBACK,
        severity=Flag.Severity.MEDIUM,
        program=world.program,
        subject_key=f"contribution:{unpaid.pk}",
        message="1.00 h of work unpaid.",
        raised_at=NOW - 200 * DAY,
    )

    second = point(world, "timely pay", 2)

    assert (second.earned, second.figure) == (True, 0)


# -- fair approval ---------------------------------------------------------------------

IN_TIME = Submission(waited=14 * DAY)  # the SLA exactly: in time
LATE = Submission(waited=14 * DAY + dt.timedelta(seconds=1))
OVERDUE = Submission(waited=None)  # submitted 03-01, still pending at NOW
WAITING = Submission(submitted_at=at("2026-06-25"), waited=None)  # pending 6 days: not overdue


def test_fair_approval_1_is_earned_when_exactly_four_in_five_are_decided_in_time():
    # fair approval 1: decided_within_sla_share = in time / (decided + overdue) ≥ 0.8: 4 / (4 + 1).
    world = fair_world(works=(IN_TIME,) * 4 + (OVERDUE,))

    first = point(world, "fair approval", 1)

    assert (first.earned, first.figure, first.explanation) == (True, 0.8, "80% decided in time")


def test_fair_approval_1_ignores_works_still_within_the_sla():
    # decided_within_sla_share: a pending work that is not overdue is in neither count: 3 / 3.
    world = fair_world(works=(IN_TIME,) * 3 + (WAITING,) * 2)

    assert point(world, "fair approval", 1).figure == 1.0


def test_fair_approval_1_is_lost_below_four_in_five_and_then_fair_approval_2_is_not_available():
    # fair approval 1: 3 in time, 1 decided a second late, 1 overdue → 3 / 5 = 0.6.
    world = fair_world(works=(IN_TIME,) * 3 + (LATE, OVERDUE))

    first, second = point(world, "fair approval", 1), point(world, "fair approval", 2)

    assert (first.earned, first.figure) == (False, 0.6)
    # Every decision gave a reason, but the point is not judged.
    assert (second.earned, second.figure) == (False, 1.0)
    assert second.explanation == only_available_after_first("fair approval")


def test_fair_approval_2_is_earned_when_exactly_four_in_five_decisions_give_a_reason():
    # fair approval 2: decisions_with_reason_share ≥ 0.8: 4 / 5 (a blank reason is none).
    world = fair_world(works=(Submission(),) * 4 + (Submission(reason="   "),))

    second = point(world, "fair approval", 2)

    assert (second.earned, second.figure, second.explanation) == (True, 0.8, "80% of decisions gave a reason")


def test_fair_approval_2_is_lost_below_four_in_five():
    # fair approval 2: 3 of 5 decisions gave a reason = 0.6.
    world = fair_world(works=(Submission(),) * 3 + (Submission(reason=""),) * 2)

    second = point(world, "fair approval", 2)

    assert (second.earned, second.figure) == (False, 0.6)
    assert point(world, "fair approval", 1).earned


# -- fair access -----------------------------------------------------------------------


def test_fair_access_1_is_earned_when_every_revocation_states_a_reason():
    # fair access 1: no revocation without a stated reason.
    world = fair_world()
    revoke_access(enrollment=world.testers[0], occurred_at=at("2026-06-01"), reason="Left", notice_days=7)

    first = point(world, "fair access", 1)

    assert (first.earned, first.figure, first.explanation) == (True, 0, "0 of 1 revocations stated no reason")


def test_fair_access_1_is_lost_with_one_revocation_without_a_reason_and_then_fair_access_2_is_not_available():
    # fair access 1: one revocation with no reason loses it; 30 days' notice does not help.
    world = fair_world()
    revoke_access(enrollment=world.testers[0], occurred_at=at("2026-06-01"), reason="Left", notice_days=30)
    revoke_access(enrollment=world.testers[1], occurred_at=at("2026-06-02"), reason="", notice_days=30)

    first, second = point(world, "fair access", 1), point(world, "fair access", 2)

    assert (first.earned, first.figure, first.explanation) == (False, 1, "1 of 2 revocations stated no reason")
    assert (second.earned, second.explanation) == (False, only_available_after_first("fair access"))


@pytest.mark.parametrize(
    ("notice_days", "earned", "short"),
    [(7, True, 0), (30, True, 0), (6, False, 1), (0, False, 1), (None, False, 1)],
)
def test_fair_access_2_needs_seven_days_notice_for_every_revocation(notice_days, earned, short):
    # fair access 2: every revocation gave ≥ 7 days' notice; unknown notice (None) is not notice given.
    world = fair_world()
    revoke_access(enrollment=world.testers[0], occurred_at=at("2026-06-01"), reason="Left", notice_days=notice_days)

    second = point(world, "fair access", 2)

    assert (second.earned, second.figure) == (earned, {"mass_revocations": 0, "revocations_short_notice": short})


def test_fair_access_2_is_lost_after_a_mass_revocation_even_with_reasons_and_notice(monkeypatch):
    # fair access 2: "no mass revocation" — a mass_revocation flag, open or resolved.
    world = fair_world()
    others = make_testers(world.program, 10)
    revoke_many(enrollments=others, occurred_at=at("2026-06-01"), reason="Program paused", notice_days=14)
    scan_at(monkeypatch, NOW)

    second = point(world, "fair access", 2)

    assert point(world, "fair access", 1).earned
    assert (second.earned, second.figure) == (False, {"mass_revocations": 1, "revocations_short_notice": 0})
    assert second.explanation == "1 mass revocations; 0 revocations with less than 7 days' notice (or none stated)"

    Flag.objects.filter(kind=Flag.Kind.MASS_REVOCATION).update(resolved_at=NOW)
    assert point(world, "fair access", 2).earned is False


# -- clear terms -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("responsible_use", "confidential_content"),
    [("", "Unreleased outputs."), ("No deepfakes.", "   ")],
)
def test_clear_terms_1_is_lost_when_a_term_is_not_defined_and_then_clear_terms_2_is_not_available(
    responsible_use, confidential_content
):
    # clear terms 1: "responsible use" and "confidential content" both defined (blank is not defined).
    world = fair_world(responsible_use_definition=responsible_use, confidential_content_definition=confidential_content)

    first, second = point(world, "clear terms", 1), point(world, "clear terms", 2)

    assert (first.earned, first.figure, first.explanation) == (False, False, "at least one is not defined")
    # No promotion is unpaid, but the point is not judged.
    assert (second.earned, second.figure) == (False, 0)
    assert second.explanation == only_available_after_first("clear terms")


def test_clear_terms_2_is_lost_when_a_requested_promotion_is_unpaid_once_due():
    # clear terms 2: no requested promotion unpaid once due. Logged 05-31, due 06-30 < 07-01.
    world = fair_world()
    log_work(world.testers[0], on("2026-05-31"), kind=Contribution.Kind.PROMOTION, requested_by_program=True)

    result = metrics(world)
    second = result.score_breakdown[9]

    assert (second.principle, second.point, second.earned, second.figure) == ("clear terms", 2, False, 1)
    assert second.explanation == "1 requested promotion pieces are unpaid past the payment terms"
    # The promotion is one contribution owed for: counted once, not once per rule it breaks.
    assert (result.owed_contributions, result.owed_hours, result.owed) == (1, Decimal("2.00"), Decimal("80.00"))


def test_clear_terms_2_is_kept_while_a_requested_promotion_is_not_yet_due():
    # Logged the day before (06-30): due 07-30; judged neither for nor against the program.
    world = fair_world()
    log_work(world.testers[0], on("2026-06-30"), kind=Contribution.Kind.PROMOTION, requested_by_program=True)

    result = metrics(world)

    assert result.fairness_score == 10
    assert (result.requested_promotion_unpaid, result.hours_not_yet_due, result.owed) == (
        0,
        Decimal("2.00"),
        Decimal("0.00"),
    )


def test_clear_terms_2_is_kept_when_the_requested_promotion_is_paid_or_was_not_requested():
    # clear terms 2: a requested promotion paid in cash, and an unrequested one unpaid, both keep it.
    world = fair_world()
    tester = world.testers[0]
    requested = log_work(tester, on("2026-03-05"), kind=Contribution.Kind.PROMOTION, requested_by_program=True)
    pay(tester, [requested], on("2026-03-06"), kind="stipend", amount="80.00")
    log_work(tester, on("2026-03-05"), kind=Contribution.Kind.PROMOTION, requested_by_program=False)

    second = point(world, "clear terms", 2)

    assert (second.earned, second.figure) == (True, 0)
