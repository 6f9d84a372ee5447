"""Fairness metrics (docs/metrics.md): every figure of a small world built by
hand through the services, whose answers are worked out on paper in the comments.

Everything happens in the first half of 2026, before the real clock (the services refuse
the future); the metrics and the flag scan are asked at NOW, so "today" is 2026-07-01.
"""

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from artists.models import ApprovalDecision
from artists.services import record_decision
from feedback.models import Compensation, Contribution
from feedback.services import record_compensation
from programs.models import Enrollment, Program
from programs.services import enrol_artist, revoke_access, suspend_access
from tests import factories
from tests.jobs.helpers import at, log_work, make_program, make_tester, make_testers, on, pay, submit
from tracker import privacy
from tracker.metrics import (
    Metrics,
    Period,
    metrics_for_program,
    organization_metrics,
    platform_metrics,
    program_metrics,
)
from tracker.series import LATENCY_BUCKETS, LatencyBucket, SeriesPoint, latency_distribution, time_series
from tracker.services import run_scan

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)
Kind = Contribution.Kind
Pay = Compensation.Kind
Outcome = ApprovalDecision.Outcome
HIDDEN_REASON = "Fewer than 5 artists have logged work here; figures are hidden to protect them."


def scan_at(monkeypatch, now: dt.datetime) -> None:
    """Run the full flag scan (run_scan) as if the clock said `now`."""
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: now)
        run_scan(trigger="command")


verified = factories.set_verification


def decide(work, outcome: str, decided_at: dt.datetime, reason: str = "") -> None:
    record_decision(work=work, outcome=outcome, decided_at=decided_at, reason=reason)


def all_kinds(**counts) -> dict:
    return {kind: counts.get(kind, 0) for kind in Kind.values}


def assert_every_field(metrics: Metrics, expected: dict) -> None:
    """Compare every field of Metrics, and fail if the expectation forgets one."""
    assert set(expected) == {f.name for f in fields(Metrics)}
    actual = {name: getattr(metrics, name) for name in expected}
    if actual["score_breakdown"] is not None:
        actual["score_breakdown"] = [
            (p.principle, p.point, p.earned, p.figure, p.explanation) for p in actual["score_breakdown"]
        ]
    assert actual == expected


# -- the hand-built world --------------------------------------------------------------


@dataclass
class World:
    program: Program
    testers: dict[str, Enrollment]


def fair_launch_world() -> World:
    """One program: reference rate 40.00, payment terms 30 days, approval SLA 14 days.

    Eight artists: A–E give work (E is suspended later), F is revoked with a reason and 7
    days' notice, G is revoked with no reason and no stated notice, H was only invited.
    """
    program = make_program(name="Fair Launch", reference_hourly_rate=Decimal("40.00"))
    a, b, c, d, e, f = (make_tester(program) for _ in range(6))
    g = make_tester(program, granted_on=on("2026-02-01"))
    h = factories.set_verification(
        enrol_artist(program=program, artist=factories.ArtistFactory(), invited_at=at("2026-06-01"))
    )

    # Contributions (hours, occurred_on) and what paid them.
    c1 = log_work(a, on("2026-03-01"), kind=Kind.FEEDBACK_SESSION, hours="10.00")
    pay(a, [c1], on("2026-03-11"), amount="400.00")  # cash, 10 days later
    c2 = log_work(a, on("2026-03-01"), kind=Kind.BUG_REPORT, hours="5.00")
    pay(a, [c2], on("2026-04-15"), kind=Pay.STIPEND, amount="100.00")  # stipend, 45 days later: late
    c3 = log_work(b, on("2026-04-01"), kind=Kind.EXPLORATION, hours="8.00")
    pay(b, [c3], on("2026-04-05"), kind=Pay.CREDITS, amount="200.00")  # credits only: not compensated
    c4 = log_work(b, on("2026-06-20"), kind=Kind.SURVEY, hours="2.00")
    pay(b, [c4], on("2026-06-25"), amount="50.00")  # 5 days; not yet past its terms
    log_work(c, on("2026-05-01"), kind=Kind.PROMOTION, hours="3.00", requested_by_program=True)  # unpaid
    c6 = log_work(c, on("2026-05-10"), kind=Kind.INTERVIEW, hours="1.50")
    record_compensation(
        enrollment=c, kind=Pay.CASH, amount=Decimal("60.00"), paid_on=on("2026-05-30"), allocations={c6.pk: "60.00"}
    )  # 20 days
    log_work(d, on("2026-02-01"), kind=Kind.FEEDBACK_SESSION, hours="4.00")  # unpaid, long past its terms
    c8 = log_work(d, on("2026-02-15"), kind=Kind.SHOWCASE_EVENT, hours="6.00")
    pay(d, [c8], on("2026-03-17"), amount="90.00")  # 30 days: the last day of the terms
    log_work(e, on("2026-06-01"), kind=Kind.FEEDBACK_SESSION, hours="2.50")  # unpaid; due 07-01, not late yet
    pay(e, [], on("2026-06-10"), kind=Pay.GIFT, amount="25.00")
    pay(e, [], on("2026-06-15"), amount="30.00")  # cash that pays for no contribution in particular

    # Works (SLA 14 days = 336 h) and their decisions.
    w1 = submit(a, at("2026-03-01", "10:00"))
    decide(w1, Outcome.APPROVED, at("2026-03-02", "10:00"), "Fits the brief")  # 24 h
    w2 = submit(b, at("2026-03-05", "09:00"))
    decide(w2, Outcome.REJECTED, at("2026-03-08", "09:00"))  # 72 h, no reason
    w3 = submit(c, at("2026-04-01", "12:00"))
    decide(w3, Outcome.APPROVED, at("2026-04-11", "12:00"), "Good")  # 240 h
    decide(w3, Outcome.SHOWCASED, at("2026-05-01", "12:00"), "Featured in the launch reel")  # later
    w4 = submit(d, at("2026-04-10", "00:00"))
    decide(w4, Outcome.SHOWCASED, at("2026-04-22", "12:00"))  # 300 h, no reason
    w5 = submit(e, at("2026-05-01", "08:00"))
    decide(w5, Outcome.WITHDRAWN, at("2026-05-01", "14:00"), "Withdrawn by the artist")  # 6 h
    w8 = submit(c, at("2026-05-15", "12:00"))
    decide(w8, Outcome.CHANGES_REQUESTED, at("2026-05-29", "12:00"), "Shorter, please")  # 336 h: the SLA exactly
    submit(a, at("2026-06-01", "12:00"))  # pending 30 days at NOW: overdue
    submit(b, at("2026-06-25", "12:00"))  # pending 6 days at NOW: not overdue

    # Access.
    revoke_access(enrollment=f, occurred_at=at("2026-06-10"), reason="Broke the NDA", notice_days=7)
    revoke_access(enrollment=g, occurred_at=at("2026-06-12"), reason="", notice_days=None)
    suspend_access(enrollment=e, occurred_at=at("2026-06-20"), reason="Paused")
    return World(program, {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f, "G": g, "H": h})


# (principle, point, earned, figure, explanation) for each of the ten points.
FAIR_LAUNCH_SCORE = [
    # fair pay 1: compensated_due_hours_share 0.6 ≥ 0.5.
    ("fair pay", 1, True, 0.6, "cash paid for 60% of due hours"),
    # fair pay 2: effective rate of due work 17.33 < reference 40.00.
    ("fair pay", 2, False, Decimal("17.33"), "17.33 per hour of due work against a reference of 40.00"),
    # timely pay 1: paid_within_terms_share 0.4286 < 0.8.
    ("timely pay", 1, False, 0.4286, "43% paid within the terms"),
    # timely pay 2: c7 is unpaid more than 90 days past due (and the first point was lost).
    ("timely pay", 2, False, 1, "Only available once the first timely pay point is earned."),
    # fair approval 1: decided_within_sla_share 0.8571 ≥ 0.8.
    ("fair approval", 1, True, 0.8571, "86% decided in time"),
    # fair approval 2: decisions_with_reason_share 0.7143 < 0.8.
    ("fair approval", 2, False, 0.7143, "71% of decisions gave a reason"),
    # fair access 1: G was revoked without a reason.
    ("fair access", 1, False, 1, "1 of 2 revocations stated no reason"),
    (
        "fair access",
        2,
        False,
        {"mass_revocations": 0, "revocations_short_notice": 1},
        "Only available once the first fair access point is earned.",
    ),
    # clear terms 1: both definitions given.
    ("clear terms", 1, True, True, "both are defined"),
    # clear terms 2: C's requested promotion is unpaid.
    ("clear terms", 2, False, 1, "1 requested promotion pieces are unpaid past the payment terms"),
]


# Verified artists behind each basis of Fair Launch: A–G were granted access; A–E logged
# work and received payments; A–D have due work (B and E work not yet due); A–D were paid
# for work (E's cash paid for nothing in particular), A, C and D for due work; B, C and D
# are owed; A–E submitted works and had decisions; C and D had works showcased; F and G
# lost access.
FAIR_LAUNCH_BASES = {
    "testers": 7,
    "contributors": 5,
    "due": 4,
    "not_yet_due": 2,
    "compensated": 4,
    "compensated_due": 3,
    "owed": 3,
    "paid": 5,
    "submitters": 5,
    "deciders": 5,
    "showcased": 2,
    "revoked": 2,
}


def test_every_figure_of_a_hand_built_program(monkeypatch, arithmetic_only):
    # Every figure docs/metrics.md defines, and the score table.
    world = fair_launch_world()
    scan_at(monkeypatch, NOW)

    metrics = metrics_for_program(world.program, now=NOW)

    assert_every_field(
        metrics,
        {
            "key": world.program.slug,
            "name": "Fair Launch",
            # Artists enrolled: A–H.
            "artists": 8,
            "suppressed": False,
            "suppressed_reason": "",
            # testers_active / testers_revoked: current status. A–D active (E suspended);
            # F, G revoked; A–G were granted access, H only invited.
            "testers_active": 4,
            "testers_revoked": 2,
            "testers_ever_granted": 7,
            # revocation_rate = testers_revoked / ever granted = 2 / 7 = 0.28571…
            "revocation_rate": 0.2857,
            # contributions, hours: c1–c9; 10 + 5 + 8 + 2 + 3 + 1.5 + 4 + 6 + 2.5 = 42.
            "contributions": 9,
            "contributions_by_kind": all_kinds(
                feedback_session=3, bug_report=1, survey=1, exploration=1, promotion=1, showcase_event=1, interview=1
            ),
            "hours": Decimal("42.00"),
            # Compensated (cash-equivalent allocation > 0): c1 (cash), c2 (stipend), c4, c6
            # (allocation), c8; not c3 (credits only), c5, c7, c9.
            "compensated_contributions": 5,
            # 10 + 5 + 2 + 1.5 + 6 = 24.5
            "compensated_hours": Decimal("24.50"),
            # compensated_share = 5 / 9 = 0.5555…
            "compensated_share": 0.5556,
            # compensated_hours_share = 24.5 / 42 = 0.58333…
            "compensated_hours_share": 0.5833,
            "currency": "USD",
            # cash_paid = cash and stipend: 400 + 100 + 50 + 60 + 90 + 30 (unallocated) = 730.
            "cash_paid": Decimal("730.00"),
            # Credits 200 + gift 25: counted, but not pay.
            "other_value": Decimal("225.00"),
            "cash_paid_by_currency": {"USD": Decimal("730.00")},
            "reference_hourly_rate": Decimal("40.00"),
            # Due (occurred_on + 30 days < 2026-07-01): c1, c2, c3, c5, c6, c7, c8; not c4
            # (due 07-20) nor c9 (due 07-01, which is today).
            # hours_due = 10 + 5 + 8 + 3 + 1.5 + 4 + 6 = 37.5; not yet due 2 + 2.5 = 4.5.
            "hours_due": Decimal("37.50"),
            "hours_not_yet_due": Decimal("4.50"),
            # Compensated due hours: c1 10, c2 5, c6 1.5, c8 6 = 22.5; 22.5 / 37.5 = 0.6.
            "compensated_due_hours_share": 0.6,
            # Cash allocated to due work: 400 + 100 + 60 + 90 = 650 (c4's 50 is not due yet;
            # E's 30 paid for nothing in particular).
            "cash_paid_for_due_work": Decimal("650.00"),
            # effective_hourly_rate = 650 / 37.5 = 17.333…
            "effective_hourly_rate": Decimal("17.33"),
            # fair_value = due hours × reference rate = 37.5 × 40 = 1500.
            "fair_value": Decimal("1500.00"),
            # pay_gap = max(0, 1500 − 650) = 850.
            "pay_gap": Decimal("850.00"),
            # owed: due and without cash: c3 8 h (credits are not pay), c5 3 h, c7 4 h = 15 h
            # × 40 = 600.
            "owed": Decimal("600.00"),
            "owed_by_currency": {"USD": Decimal("600.00")},
            "owed_hours": Decimal("15.00"),
            "owed_contributions": 3,
            # median_days_to_payment over compensated contributions: c1 10, c2 45, c4 5,
            # c6 20, c8 30 → sorted 5, 10, 20, 30, 45 → 20.
            "median_days_to_payment": 20.0,
            # Older than the terms (occurred_on + 30 < 2026-07-01): c1, c2, c3, c5, c6, c7,
            # c8 = 7 (c4 due 07-20; c9 due 07-01, which is today: not yet).
            "contributions_older_than_terms": 7,
            # Of those, paid by their due day: c1 (03-11 ≤ 03-31), c6 (05-30 ≤ 06-09),
            # c8 (03-17 ≤ 03-17); c2 was paid 04-15 > 03-31.
            "paid_within_terms": 3,
            # paid_within_terms_share = 3 / 7 = 0.42857…
            "paid_within_terms_share": 0.4286,
            # Unpaid 90 days after it came due (due before 2026-04-02): c7, due 03-03. (c3 came
            # due 05-01, c5 05-31.)
            "unpaid_over_90_days_past_due": 1,
            # works_submitted: w1–w8.
            "works_submitted": 8,
            # Decided: w1, w2, w3, w4, w5, w8.
            "works_decided": 6,
            # approval_rate: first decision approved or showcased (w1, w3, w4) / 6 = 0.5.
            "approval_rate": 0.5,
            # rejection_rate: w2 / 6 = 0.1666…
            "rejection_rate": 0.1667,
            # showcase_rate: ever showcased (w3 later, w4 first) / 8 submitted = 0.25.
            "showcase_rate": 0.25,
            # showcased_artists: C (w3) and D (w4), one showcased work each; the top tenth
            # is ceil(0.2) = 1 artist (C, the lower id of the tie), holding 1 of 2 works.
            "showcased_artists": 2,
            "showcase_top_tenth_share": 0.5,
            # decisions: w1, w2, w3 ×2, w4, w5, w8 = 7.
            "decisions": 7,
            # decisions_with_reason_share: all but w2's and w4's = 5 / 7 = 0.71428…
            "decisions_with_reason_share": 0.7143,
            # Latencies (h), first decision − submission: w5 6, w1 24, w2 72, w3 240, w4 300,
            # w8 336. percentile_cont(0.5) at rank (6 − 1) × 0.5 = 2.5: 72 + 0.5 × (240 − 72) = 156.
            "approval_latency_median_hours": 156.0,
            # percentile_cont(0.9) at rank (6 − 1) × 0.9 = 4.5: 300 + 0.5 × (336 − 300) = 318.
            "approval_latency_p90_hours": 318.0,
            # overdue_works: pending longer than 14 days: the work of 06-01 (30 days), not
            # that of 06-25 (6 days).
            "overdue_works": 1,
            # Decided within 336 h: all six (w8 exactly at the SLA).
            "decided_within_sla": 6,
            # decided_within_sla_share = 6 / (6 decided + 1 overdue) = 0.85714…
            "decided_within_sla_share": 0.8571,
            # F (reason, 7 days' notice) and G (no reason, notice unknown).
            "revocations": 2,
            "revocations_without_reason": 1,
            # Unknown notice is not notice given: G.
            "revocations_short_notice": 1,
            "mass_revocations": 0,
            # C's promotion, requested and unpaid past its terms (due 05-31).
            "requested_promotion_unpaid": 1,
            # The scan at NOW: unpaid feedback c3, c5, c7 (c9 is due today); the promotion;
            # G's revocation; the overdue work.
            "open_flags": {
                "approval_overdue": 1,
                "revoked_without_reason": 1,
                "uncompensated_promotion": 1,
                "unpaid_feedback": 3,
            },
            "terms_defined": True,
            # fair pay 1 + fair approval 1 + clear terms 1.
            "fairness_score": 3,
            "score_breakdown": FAIR_LAUNCH_SCORE,
            "figure_artists": {figure: FAIR_LAUNCH_BASES[bases[0]] for figure, bases in privacy.FIGURE_BASES.items()},
            "withheld": {},
            "period": "all",
        },
    )


def test_program_metrics_lists_every_listed_program_by_name_and_knows_them_by_slug():
    # program_metrics(): one Metrics per listed program.
    fair_launch_world()
    make_program(name="Another Preview", slug="another-preview")
    make_program(name="Proposed Preview", is_listed=False)

    metrics = program_metrics(now=NOW)

    assert [(m.name, m.key) for m in metrics] == [
        ("Another Preview", "another-preview"),
        ("Fair Launch", Program.objects.get(name="Fair Launch").slug),
    ]
    assert metrics[1] == metrics_for_program(Program.objects.get(name="Fair Launch"), now=NOW)


def test_latency_distribution_of_the_hand_built_program(settings):
    # approval latency (first decision − submission), and pending works by time waited.
    world = fair_launch_world()
    # Each bucket here holds works of one or two artists; with the floor at 1 they all show.
    settings.MIN_GROUP_SIZE = 1

    buckets = latency_distribution(world.program, now=NOW)

    # Decided (days): w5 0.25; w1 1.0; w2 3.0; w3 10, w4 12.5; w8 14.0 (upper bounds excluded).
    # Pending at NOW: 30.0 days (30–90) and 6.0 days (3–7).
    assert buckets == [
        LatencyBucket("under 1 day", decided=1, pending=0),
        LatencyBucket("1–3 days", decided=1, pending=0),
        LatencyBucket("3–7 days", decided=1, pending=1),
        LatencyBucket("7–14 days", decided=2, pending=0),
        LatencyBucket("14–30 days", decided=1, pending=0),
        LatencyBucket("30–90 days", decided=0, pending=1),
        LatencyBucket("over 90 days", decided=0, pending=0),
    ]
    assert [b.label for b in buckets] == [label for label, _ in LATENCY_BUCKETS]


def test_a_latency_bucket_drawn_from_few_artists_is_hidden():
    # The program has 5 artists, but each bucket's works come from one or two of them.
    world = fair_launch_world()

    buckets = latency_distribution(world.program, now=NOW)

    assert all(b.suppressed and b.decided is None and b.pending is None for b in buckets if b.label != "over 90 days")
    assert buckets[-1] == LatencyBucket("over 90 days", decided=0, pending=0)


# -- a date range ----------------------------------------------------------------------


def test_a_month_of_the_grid_filters_the_hand_built_program(arithmetic_only):
    # A period filters contributions by occurred_on, works by submitted_at, payments by paid_on.
    world = fair_launch_world()

    metrics = metrics_for_program(world.program, period=Period.parse("2026-03"), now=NOW)

    # Artists with a record in March: A (c1, c2, w1, 400 paid 03-11), B (w2), D (90 paid 03-17).
    assert (metrics.artists, metrics.suppressed, metrics.period) == (3, False, "2026-03")
    # Contributions in March: c1, c2; hours 10 + 5 = 15, both compensated.
    assert (metrics.contributions, metrics.hours) == (2, Decimal("15.00"))
    assert (metrics.compensated_contributions, metrics.compensated_hours) == (2, Decimal("15.00"))
    assert (metrics.compensated_share, metrics.compensated_hours_share) == (1.0, 1.0)
    # Cash paid in March (by the day paid): 400 (03-11) + 90 (03-17, for February's c8).
    assert (metrics.cash_paid, metrics.other_value) == (Decimal("490.00"), Decimal("0.00"))
    # Pay by the period's contributions: both are due; cash for them 400 (c1) + 100 (c2's
    # stipend, paid in April) = 500. 500 / 15 = 33.33…; fair value 15 × 40 = 600; gap 100.
    assert (metrics.cash_paid_for_due_work, metrics.hours_due, metrics.hours_not_yet_due) == (
        Decimal("500.00"),
        Decimal("15.00"),
        Decimal("0"),
    )
    assert (metrics.effective_hourly_rate, metrics.fair_value, metrics.pay_gap, metrics.owed) == (
        Decimal("33.33"),
        Decimal("600.00"),
        Decimal("100.00"),
        Decimal("0.00"),
    )
    # Median days to payment: c1 10, c2 45 → 27.5.
    assert metrics.median_days_to_payment == 27.5
    # Works submitted in March: w1, w2, both decided, one decision each.
    assert (metrics.works_submitted, metrics.works_decided, metrics.decisions) == (2, 2, 2)
    # Latencies 24, 72: median 48; p90 at rank 0.9: 24 + 0.9 × 48 = 67.2.
    assert (metrics.approval_latency_median_hours, metrics.approval_latency_p90_hours) == (48.0, 67.2)
    # Not filtered by the period: access.
    assert (metrics.testers_active, metrics.testers_revoked, metrics.revocations) == (4, 2, 2)


@pytest.fixture
def boundary_program():
    """Five testers with records on, and just outside, both ends of March 2026."""
    program = make_program(reference_hourly_rate=Decimal("40.00"))
    testers = make_testers(program, 5)
    for tester in testers:
        log_work(tester, on("2026-03-01"), hours="1.00")
    first = testers[0]
    log_work(first, on("2026-02-28"), hours="2.00")
    log_work(first, on("2026-03-31"), hours="4.00")
    log_work(first, on("2026-04-01"), hours="8.00")
    for submitted_at in (
        at("2026-02-28", "23:59:59"),
        at("2026-03-01", "00:00"),
        at("2026-03-31", "23:59:59"),
        at("2026-04-01", "00:00"),
    ):
        submit(first, submitted_at)
    for paid_on, amount in (("2026-02-28", "10.00"), ("2026-03-01", "20.00"), ("2026-03-31", "40.00")):
        pay(first, [], on(paid_on), amount=amount)
    pay(first, [], on("2026-04-01"), amount="80.00")
    pay(first, [], on("2026-03-15"), kind=Pay.FREE_ACCESS, amount="5.00")
    return program


MARCH = Period.parse("2026-03")


def test_a_month_includes_its_first_and_last_day_for_contributions_works_and_payments(
    boundary_program, arithmetic_only
):
    # A month: both ends included; contributions by occurred_on, works by submitted_at, payments by paid_on.
    metrics = metrics_for_program(boundary_program, period=MARCH, now=NOW)

    # Five contributions on 03-01 and one on 03-31: 5 × 1 + 4 = 9 hours.
    assert (metrics.contributions, metrics.hours) == (6, Decimal("9.00"))
    # Works at 03-01 00:00 and 03-31 23:59:59.
    assert metrics.works_submitted == 2
    # Payments on 03-01 and 03-31: 20 + 40; free access 5 on 03-15.
    assert (metrics.cash_paid, metrics.other_value) == (Decimal("60.00"), Decimal("5.00"))


def test_quarters_and_years_hold_their_months(boundary_program, arithmetic_only):
    # 2026-Q1 is January to March; 2026-Q2 starts on 04-01; the year holds both.
    q1 = metrics_for_program(boundary_program, period=Period.parse("2026-Q1"), now=NOW)
    q2 = metrics_for_program(boundary_program, period=Period.parse("2026-Q2"), now=NOW)
    year = metrics_for_program(boundary_program, period=Period.parse("2026"), now=NOW)
    everything = metrics_for_program(boundary_program, now=NOW)

    # Q1: 02-28 (2 h), five on 03-01 (5 h), 03-31 (4 h); Q2: 04-01 (8 h).
    assert (q1.contributions, q1.hours) == (7, Decimal("11.00"))
    assert (q2.contributions, q2.hours) == (1, Decimal("8.00"))
    # Cash: 10 + 20 + 40 in Q1, 80 in Q2.
    assert (q1.cash_paid, q2.cash_paid) == (Decimal("70.00"), Decimal("80.00"))
    assert (q1.works_submitted, q2.works_submitted) == (3, 1)
    # The year and all time: 19 hours, 150 cash.
    for whole in (year, everything):
        assert (whole.contributions, whole.hours, whole.cash_paid) == (8, Decimal("19.00"), 150)


# -- zero denominators -----------------------------------------------------------------


def test_a_program_with_no_hours_and_no_works_has_null_ratios_not_zero():
    # "A ratio with a zero denominator is null, never 0 and never an error."
    program = make_program(reference_hourly_rate=Decimal("40.00"))
    make_testers(program, 5)

    metrics = metrics_for_program(program, now=NOW)

    assert metrics.suppressed is False
    # compensated_share, compensated_hours_share, effective_hourly_rate: no contributions, no hours.
    assert (metrics.contributions, metrics.hours) == (0, Decimal("0"))
    assert metrics.compensated_share is None
    assert metrics.compensated_hours_share is None
    assert metrics.effective_hourly_rate is None
    assert (metrics.median_days_to_payment, metrics.paid_within_terms_share) == (None, None)
    # fair_value = 0 × 40; pay_gap = max(0, 0 − 0).
    assert (metrics.cash_paid, metrics.fair_value, metrics.pay_gap) == (Decimal("0.00"), 0, 0)
    # approval_rate, rejection_rate, showcase_rate, decisions_with_reason_share, latencies,
    # decided_within_sla_share: no works, no decisions.
    assert (metrics.works_submitted, metrics.works_decided, metrics.decisions) == (0, 0, 0)
    assert (metrics.approval_rate, metrics.rejection_rate, metrics.showcase_rate) == (None, None, None)
    assert metrics.decisions_with_reason_share is None
    assert (metrics.approval_latency_median_hours, metrics.approval_latency_p90_hours) == (None, None)
    assert metrics.decided_within_sla_share is None
    # revocation_rate has a denominator here: 0 revoked of 5 granted.
    assert metrics.revocation_rate == 0.0

    points = {(p.principle, p.point): p for p in metrics.score_breakdown}
    for first in ("fair pay", "timely pay", "fair approval"):
        point = points[first, 1]
        assert (point.earned, point.figure) == (False, None)
        assert point.explanation.startswith("No data")
        assert points[first, 2].explanation == f"Only available once the first {first} point is earned."
    assert points["fair pay", 1].explanation == "No data: no work is past the payment terms yet"
    assert points["timely pay", 1].explanation == "No data: no contribution is older than the payment terms yet"
    assert points["fair approval", 1].explanation == "No data: no work has been decided or is overdue"
    # Fair access (nothing revoked) and clear terms (defined, no promotion) are earned.
    assert metrics.fairness_score == 4


def test_hours_only_in_the_future_terms_still_have_null_timely_pay_share():
    # paid_within_terms_share: no contribution is older than the terms yet → None, not 0.
    program = make_program()
    for tester in make_testers(program, 5):
        log_work(tester, on("2026-06-15"), hours="1.00")  # due 07-15

    metrics = metrics_for_program(program, now=NOW)

    assert (metrics.contributions_older_than_terms, metrics.paid_within_terms) == (0, 0)
    assert metrics.paid_within_terms_share is None
    # compensated shares do have a denominator: 0 of 5 contributions, 0 of 5 hours.
    assert (metrics.compensated_share, metrics.compensated_hours_share) == (0.0, 0.0)
    # Pay is judged on due work, and none is due: no rate, no share, nothing owed, no gap.
    assert (metrics.hours_due, metrics.hours_not_yet_due) == (Decimal("0"), Decimal("5.00"))
    assert (metrics.effective_hourly_rate, metrics.compensated_due_hours_share) == (None, None)
    assert (metrics.fair_value, metrics.pay_gap, metrics.owed) == (Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))


def test_a_program_where_no_access_was_ever_granted_has_a_null_revocation_rate():
    # revocation_rate = testers_revoked / enrollments ever granted: no grant → None.
    program = make_program()
    for _ in range(5):
        factories.set_verification(
            enrol_artist(program=program, artist=factories.ArtistFactory(), invited_at=at("2026-02-01"))
        )

    metrics = metrics_for_program(program, now=NOW)

    assert (metrics.artists, metrics.suppressed) == (5, False)
    assert (metrics.testers_active, metrics.testers_revoked, metrics.testers_ever_granted) == (0, 0, 0)
    assert metrics.revocation_rate is None


# -- the privacy floor -----------------------------------------------------------------


def program_with_working_testers(count: int) -> Program:
    program = make_program(reference_hourly_rate=Decimal("40.00"))
    for tester in make_testers(program, count):
        contribution = log_work(tester, on("2026-03-01"), hours="2.00")
        pay(tester, [contribution], on("2026-03-10"), amount="80.00")
        work = submit(tester, at("2026-03-01"))
        decide(work, Outcome.APPROVED, at("2026-03-02"), "Fine")
    return program


def test_four_artists_are_hidden_behind_the_floor():
    # Privacy floor: fewer than MIN_GROUP_SIZE (5) distinct artists → every figure null plus the reason.
    program = program_with_working_testers(4)

    metrics = metrics_for_program(program, now=NOW)

    assert (metrics.suppressed, metrics.suppressed_reason) == (True, HIDDEN_REASON)
    for f in fields(Metrics):
        value = getattr(metrics, f.name)
        if f.name in Metrics.PUBLIC:
            assert value is not None, f.name
        else:
            assert value is None, f.name
    # Not even the number of artists is shown: "4 artists" is a figure about those four.
    assert metrics.artists is None
    assert (metrics.key, metrics.name, metrics.currency, metrics.terms_defined) == (
        program.slug,
        program.name,
        "USD",
        True,
    )
    assert (metrics.fairness_score, metrics.score_breakdown) == (None, None)
    assert time_series(program) is None
    assert latency_distribution(program, now=NOW) is None


def test_five_artists_are_shown():
    # Privacy floor: exactly MIN_GROUP_SIZE artists may be shown.
    program = program_with_working_testers(5)

    metrics = metrics_for_program(program, now=NOW)

    assert (metrics.suppressed, metrics.suppressed_reason, metrics.artists) == (False, "", 5)
    assert (metrics.contributions, metrics.hours, metrics.cash_paid) == (5, Decimal("10.00"), Decimal("400.00"))
    assert metrics.fairness_score == 10
    assert len(metrics.score_breakdown) == 10
    assert time_series(program) is not None
    assert latency_distribution(program, now=NOW) is not None


def test_the_floor_follows_the_setting(settings):
    # MIN_GROUP_SIZE is a setting: with 3, four artists are shown.
    settings.MIN_GROUP_SIZE = 3
    program = program_with_working_testers(4)

    assert metrics_for_program(program, now=NOW).suppressed is False
    settings.MIN_GROUP_SIZE = 6
    assert metrics_for_program(program, now=NOW).suppressed_reason == (
        "Fewer than 6 artists have logged work here; figures are hidden to protect them."
    )


def test_in_a_date_range_the_floor_counts_the_artists_with_records_in_it():
    # Privacy floor with a date range: artists with records in the range, not the program's size.
    program = make_program()
    testers = make_testers(program, 6)
    for tester in testers[:4]:
        log_work(tester, on("2026-03-10"))
    for tester in testers[4:]:
        log_work(tester, on("2026-04-10"))
    march = Period.parse("2026-03")

    whole = metrics_for_program(program, now=NOW)
    in_march = metrics_for_program(program, period=march, now=NOW)

    assert (whole.artists, whole.suppressed, whole.contributions) == (6, False, 6)
    assert (in_march.artists, in_march.suppressed, in_march.contributions) == (None, True, None)
    assert in_march.suppressed_reason == HIDDEN_REASON
    assert time_series(program, period=march) is None
    assert latency_distribution(program, period=march, now=NOW) is None


# -- time series -----------------------------------------------------------------------


def test_time_series_hides_the_months_with_fewer_than_five_artists():
    # Privacy rules inside a series: a month's work figures (or revocations) from fewer than 5 artists are null.
    program = make_program()
    testers = make_testers(program, 13)
    january = [log_work(tester, on("2026-01-05"), hours="1.00") for tester in testers[5:8]]
    february = [log_work(tester, on("2026-02-05"), hours="1.00") for tester in testers[8:12]]
    march = [log_work(tester, on("2026-03-05"), hours="1.50") for tester in testers[:5]]
    for contribution in (*january, *february, *march):
        pay(contribution.enrollment, [contribution], on("2026-03-20"), amount="60.00")
    for tester in testers[:2]:
        log_work(tester, on("2026-04-05"), hours="3.00")
    revoke_access(enrollment=testers[12], occurred_at=at("2026-05-02"), reason="Ended")

    series = time_series(program)

    assert series == [
        # January (three artists) and February (four): each withheld; together seven, so the
        # first quarter minus March reveals no one, and March (five artists, 7.50 h, all
        # paid) is shown.
        SeriesPoint(on("2026-01-01"), None, None, None, 0, True, False),
        SeriesPoint(on("2026-02-01"), None, None, None, 0, True, False),
        SeriesPoint(on("2026-03-01"), 5, Decimal("7.50"), Decimal("7.50"), 0, False, False),
        # April: two artists: withheld (the year minus March is then nine artists' work).
        SeriesPoint(on("2026-04-01"), None, None, None, 0, True, False),
        # May: no work (nothing to hide); one revocation: hidden.
        SeriesPoint(on("2026-05-01"), 0, Decimal("0"), Decimal("0"), None, False, True),
    ]


def test_time_series_in_a_period_has_its_months_only():
    # time_series(period=…): the months of the period; weeks are not on the grid.
    program = make_program()
    for tester in make_testers(program, 5):
        log_work(tester, on("2026-03-04"), hours="1.00")
        log_work(tester, on("2026-03-09"), hours="2.00")
        log_work(tester, on("2026-04-06"), hours="4.00")

    march = time_series(program, period=Period.parse("2026-03"))
    in_q2 = time_series(program, period=Period.parse("2026-Q2"))

    assert [(p.period_start, p.contributions, p.hours) for p in march] == [(on("2026-03-01"), 10, Decimal("15.00"))]
    assert [(p.period_start, p.hours) for p in in_q2] == [(on("2026-04-01"), Decimal("20.00"))]
    with pytest.raises(ValueError, match="interval must be one of month"):
        time_series(program, interval="week")


# -- organizations and the platform ----------------------------------------------------


def pooled_organization():
    """Two listed programs of one organization, sharing the same five artists, plus an unlisted one.

    North: 2 contributions (1 paid), 2 works (both approved).
    South: 4 contributions (1 paid), 3 works (1 approved, 2 rejected), one revocation.
    """
    organization = factories.OrganizationFactory(name="Pooled Labs")
    north = make_program(name="North", organization=organization, reference_hourly_rate=Decimal("40.00"))
    south = make_program(name="South", organization=organization, reference_hourly_rate=Decimal("40.00"))
    artists = [factories.ArtistFactory() for _ in range(5)]
    n = [verified(enrol_artist(program=north, artist=artist, granted_on=on("2026-01-01"))) for artist in artists]
    s = [verified(enrol_artist(program=south, artist=artist, granted_on=on("2026-01-01"))) for artist in artists]

    paid = log_work(n[0], on("2026-03-01"), hours="4.00")
    pay(n[0], [paid], on("2026-03-10"), amount="100.00")
    log_work(n[1], on("2026-03-01"), hours="4.00")
    for tester in n[:2]:
        decide(submit(tester, at("2026-03-01")), Outcome.APPROVED, at("2026-03-02"), "Yes")

    paid = log_work(s[2], on("2026-03-01"), hours="2.00")
    pay(s[2], [paid], on("2026-03-05"), amount="20.00")
    for tester in (s[3], s[4], s[0]):
        log_work(tester, on("2026-03-01"), hours="2.00")
    decide(submit(s[0], at("2026-03-01")), Outcome.APPROVED, at("2026-03-03"), "Yes")
    for tester in s[1:3]:
        decide(submit(tester, at("2026-03-01")), Outcome.REJECTED, at("2026-03-03"), "No")
    revoke_access(enrollment=s[4], occurred_at=at("2026-06-01"), reason="Program ended", notice_days=14)

    hidden = make_program(name="Hidden", organization=organization, is_listed=False)
    log_work(make_tester(hidden), on("2026-03-01"), hours="20.00")
    return organization, north, south


def test_organization_figures_are_pooled_not_averaged(arithmetic_only):
    # organization_metrics: ratios recomputed from pooled numerators and denominators.
    organization, north, south = pooled_organization()

    metrics = organization_metrics(organization, now=NOW)
    by_program = {m.name: m for m in program_metrics(now=NOW)}

    assert (metrics.key, metrics.name) == (organization.slug, "Pooled Labs")
    # The same five artists in both programs: five distinct artists, not ten.
    assert (metrics.artists, metrics.suppressed) == (5, False)
    # compensated_share: North 1/2, South 1/4 (average 0.375); pooled 2/6 = 0.3333.
    assert (by_program["North"].compensated_share, by_program["South"].compensated_share) == (0.5, 0.25)
    assert metrics.compensated_share == 0.3333
    # compensated_hours_share: (4 + 2) / (8 + 8) = 0.375 (the unlisted program's 20 h are not counted).
    assert (metrics.hours, metrics.compensated_hours, metrics.compensated_hours_share) == (
        Decimal("16.00"),
        Decimal("6.00"),
        0.375,
    )
    # approval_rate: North 2/2, South 1/3 (average 0.6667); pooled 3/5 = 0.6.
    assert (by_program["North"].approval_rate, by_program["South"].approval_rate) == (1.0, 0.3333)
    assert (metrics.approval_rate, metrics.rejection_rate) == (0.6, 0.4)
    # revocation_rate: 1 revoked / 10 enrollments granted.
    assert (metrics.testers_revoked, metrics.testers_ever_granted, metrics.revocation_rate) == (1, 10, 0.1)
    # Money, one currency: cash 120; 120 / 16 = 7.50; fair value 16 × 40 = 640; gap 520.
    assert (metrics.currency, metrics.cash_paid, metrics.cash_paid_by_currency) == (
        "USD",
        Decimal("120.00"),
        {"USD": Decimal("120.00")},
    )
    assert (metrics.reference_hourly_rate, metrics.effective_hourly_rate) == (Decimal("40.00"), Decimal("7.50"))
    assert (metrics.fair_value, metrics.pay_gap) == (Decimal("640.00"), Decimal("520.00"))
    # Median days to payment over both programs: North 9, South 4 → 6.5.
    assert metrics.median_days_to_payment == 6.5
    assert metrics.fairness_score == sum(p.earned for p in metrics.score_breakdown)


def test_an_organization_with_two_currencies_has_money_only_by_currency(settings):
    # Money is in the program's currency: a group that mixes currencies has no single money figure.
    settings.MIN_GROUP_SIZE = 3  # three artists per program, so both programs are pooled
    organization = factories.OrganizationFactory(name="Two Currencies")
    dollars = make_program(organization=organization, currency="USD", reference_hourly_rate=Decimal("40.00"))
    euros = make_program(organization=organization, currency="EUR", reference_hourly_rate=Decimal("40.00"))
    for program, amount in ((dollars, "50.00"), (euros, "30.00")):
        for tester in make_testers(program, 3):
            contribution = log_work(tester, on("2026-03-01"), hours="1.00")
            pay(tester, [contribution], on("2026-03-02"), amount=amount)
            if program == euros:
                log_work(tester, on("2026-03-01"), hours="1.00")  # due 03-31, never paid
        pay(tester, [], on("2026-03-03"), kind=Pay.CREDITS, amount="5.00")

    metrics = organization_metrics(organization, now=NOW)

    assert (metrics.artists, metrics.suppressed) == (6, False)
    assert metrics.currency is None
    assert metrics.cash_paid_by_currency == {"EUR": Decimal("90.00"), "USD": Decimal("150.00")}
    for money_figure in (
        "cash_paid",
        "other_value",
        "fair_value",
        "pay_gap",
        "effective_hourly_rate",
        "reference_hourly_rate",
        "owed",
    ):
        assert getattr(metrics, money_figure) is None, money_figure
    # Owed only by currency: the three unpaid euro hours × 40.00; no dollar is owed.
    assert metrics.owed_by_currency == {"EUR": Decimal("120.00")}
    # Counts and hours do pool: 9 contributions, 6 of 9 hours paid.
    assert (metrics.hours, metrics.compensated_hours_share) == (Decimal("9.00"), 0.6667)
    fair_pay_2 = metrics.score_breakdown[1]
    assert (fair_pay_2.principle, fair_pay_2.point, fair_pay_2.earned) == ("fair pay", 2, False)
    assert fair_pay_2.explanation == "No data: no work is past the payment terms yet, or several currencies"


def test_platform_metrics_pool_every_listed_program(arithmetic_only):
    # platform_metrics: one Metrics over every listed program whose own figures may be shown.
    pooled_organization()

    metrics = platform_metrics(now=NOW)

    assert (metrics.key, metrics.name) == ("platform", "All programs")
    # The five shared artists of North and South; the unlisted program is not counted.
    assert (metrics.artists, metrics.suppressed) == (5, False)
    # Contributions 2 + 4 = 6; hours 8 + 8 = 16; compensated 2 (4 h + 2 h = 6 h).
    assert (metrics.contributions, metrics.hours, metrics.compensated_contributions) == (6, Decimal("16.00"), 2)
    assert (metrics.compensated_share, metrics.compensated_hours_share) == (0.3333, 0.375)
    # Cash 100 + 20; fair value 16 h × 40.00 = 640.00; gap 640 − 120 = 520.
    assert (metrics.cash_paid, metrics.fair_value, metrics.pay_gap) == (
        Decimal("120.00"),
        Decimal("640.00"),
        Decimal("520.00"),
    )
    assert (metrics.works_submitted, metrics.approval_rate) == (5, 0.6)
    # 10 enrollments granted (5 + 5), one revoked.
    assert (metrics.testers_ever_granted, metrics.revocation_rate) == (10, 0.1)


def test_a_program_whose_figures_are_withheld_is_left_out_of_its_organizations_figures(settings):
    # Without this, a withheld program's hours would be the organization's minus its shown program's.
    organization = factories.OrganizationFactory(name="Two Sizes")
    big = make_program(name="Big", organization=organization, reference_hourly_rate=Decimal("40.00"))
    for tester in make_testers(big, 6):
        contribution = log_work(tester, on("2026-03-01"), hours="2.00")
        pay(tester, [contribution], on("2026-03-10"), amount="80.00")
    small = make_program(name="Small", organization=organization, reference_hourly_rate=Decimal("40.00"))
    for tester in make_testers(small, 3):
        contribution = log_work(tester, on("2026-03-01"), hours="9.00")
        pay(tester, [contribution], on("2026-03-10"), amount="360.00")

    with_small = organization_metrics(organization, now=NOW)

    assert metrics_for_program(small, now=NOW).hours is None
    assert (with_small.hours, with_small.cash_paid) == (Decimal("12.00"), Decimal("480.00"))  # Big's only
    assert with_small.figure_artists["hours"] == 6
    settings.MIN_GROUP_SIZE = 3
    assert organization_metrics(organization, now=NOW).hours == Decimal("39.00")


def test_a_period_applies_to_organizations_and_the_platform():
    # Period on the pooled figures: contributions by occurred_on.
    organization, *_ = pooled_organization()
    april = Period.parse("2026-04")

    assert organization_metrics(organization, period=april, now=NOW).suppressed is True
    assert platform_metrics(period=april, now=NOW).suppressed is True


# -- a fixed number of queries ---------------------------------------------------------


def test_program_metrics_takes_as_many_queries_for_eight_programs_as_for_two():
    # "computed in the database": one query per kind of record, whatever the number of programs.
    programs = []
    for index in range(8):
        program = make_program(name=f"Program {index:02}")
        programs.append(program)
        for tester in make_testers(program, 2):
            contribution = log_work(tester, on("2026-03-01"))
            pay(tester, [contribution], on("2026-03-05"))
            decide(submit(tester, at("2026-03-01")), Outcome.APPROVED, at("2026-03-02"), "Yes")
        revoke_access(enrollment=tester, occurred_at=at("2026-05-01"))
    two = Program.objects.filter(pk__in=[programs[0].pk, programs[1].pk])

    with CaptureQueriesContext(connection) as for_two:
        assert len(program_metrics(two, now=NOW)) == 2
    with CaptureQueriesContext(connection) as for_eight:
        assert len(program_metrics(now=NOW)) == 8

    assert len(for_eight) == len(for_two)
    assert len(for_two) <= 17
