"""A small world for the stats API tests, built through the services, whose figures are
worked out by hand below (docs/metrics.md).

Open Canvas (organization Canvas Co): reference rate 20.00, payment terms 30 days, approval
SLA 14 days, terms defined; five artists A–E with access since 2026-01-01.

    contribution  artist  occurred_on  hours  kind                     paid
    c1            A       2026-03-02   4.00   feedback_session         cash 50.00 on 03-12 (10 days)
    c2            B       2026-03-09   2.00   bug_report               stipend 30.00 on 03-29 (20 days)
    c3            C       2026-03-16   2.00   survey                   unpaid
    c4            D       2026-03-23   1.50   promotion (requested)    unpaid
    c5            E       2026-03-30   1.50   exploration              credits 30.00 on 04-10: not pay
    c6            A       2026-04-06   1.50   interview                cash 20.00 on 04-20 (14 days)

    hours 12.50; compensated c1, c2, c6: 3 of 6 = 0.5 of the contributions, 7.50 of 12.50
    = 0.6 of the hours; cash_paid 100.00; effective rate 100 / 12.5 = 8.00; fair value
    12.5 × 20 = 250.00; pay gap 150.00; median days to payment of 10, 20, 14 = 14.0.
    All of it is long due (terms 30 days), so the pay figures are the same on due work;
    owed: c3, c4, c5 have no cash, 5.00 h × 20.00 = 100.00, all more than 90 days past due.

    work  artist  submitted            first decision
    w1    A       2026-03-01 10:00     approved 03-02 10:00, with a reason (24 h)
    w2    B       2026-03-05 09:00     rejected 03-08 09:00, no reason (72 h)
    w3    C       2026-04-01 12:00     showcased 04-03 12:00, with a reason (48 h)
    w4    D       2026-06-01 12:00     pending: overdue

    approval 2/3, rejection 1/3, showcase 1/4, decisions with a reason 2/3,
    latency median 48.0 h, p90 48 + 0.8 × 24 = 67.2 h.

E is revoked on 2026-06-01 with no reason: 4 active, 1 revoked, revocation rate 1/5 = 0.2.

Tiny Beta (organization Tiny Labs, reference rate 30.00): four artists, each logs one
unpaid contribution of 3.00 h on 2026-03-03: below the privacy floor (MIN_GROUP_SIZE = 5), so every figure is hidden.
"""

from dataclasses import dataclass
from decimal import Decimal

from artists.models import ApprovalDecision
from artists.services import record_decision
from feedback.models import Compensation, Contribution
from programs.models import Enrollment, Program
from programs.services import revoke_access
from tests import factories
from tests.jobs.helpers import at, log_work, make_program, make_tester, on, pay, submit

Kind = Contribution.Kind
Pay = Compensation.Kind
Outcome = ApprovalDecision.Outcome

HIDDEN_REASON = "Fewer than 5 artists have logged work here; figures are hidden to protect them."
TINY_HANDLES = ["quiet_fox", "shy_heron", "low_key_owl", "hidden_lynx"]


@dataclass
class World:
    program: Program
    tiny: Program
    testers: dict[str, Enrollment]


def open_canvas() -> tuple[Program, dict[str, Enrollment]]:
    organization = factories.OrganizationFactory(name="Canvas Co", slug="canvas-co")
    program = make_program(
        name="Open Canvas", slug="open-canvas", organization=organization, reference_hourly_rate=Decimal("20.00")
    )
    a, b, c, d, e = (make_tester(program, handle=f"canvas_{letter}") for letter in "abcde")

    c1 = log_work(a, on("2026-03-02"), kind=Kind.FEEDBACK_SESSION, hours="4.00")
    pay(a, [c1], on("2026-03-12"), amount="50.00")
    c2 = log_work(b, on("2026-03-09"), kind=Kind.BUG_REPORT, hours="2.00")
    pay(b, [c2], on("2026-03-29"), kind=Pay.STIPEND, amount="30.00")
    log_work(c, on("2026-03-16"), kind=Kind.SURVEY, hours="2.00")
    log_work(d, on("2026-03-23"), kind=Kind.PROMOTION, hours="1.50", requested_by_program=True)
    c5 = log_work(e, on("2026-03-30"), kind=Kind.EXPLORATION, hours="1.50")
    pay(e, [c5], on("2026-04-10"), kind=Pay.CREDITS, amount="30.00")
    c6 = log_work(a, on("2026-04-06"), kind=Kind.INTERVIEW, hours="1.50")
    pay(a, [c6], on("2026-04-20"), amount="20.00")

    w1 = submit(a, at("2026-03-01", "10:00"))
    record_decision(work=w1, outcome=Outcome.APPROVED, decided_at=at("2026-03-02", "10:00"), reason="Fits the brief")
    w2 = submit(b, at("2026-03-05", "09:00"))
    record_decision(work=w2, outcome=Outcome.REJECTED, decided_at=at("2026-03-08", "09:00"))
    w3 = submit(c, at("2026-04-01", "12:00"))
    record_decision(work=w3, outcome=Outcome.SHOWCASED, decided_at=at("2026-04-03", "12:00"), reason="Featured")
    submit(d, at("2026-06-01", "12:00"))

    revoke_access(enrollment=e, occurred_at=at("2026-06-01"), reason="")
    return program, {"A": a, "B": b, "C": c, "D": d, "E": e}


def tiny_beta() -> Program:
    organization = factories.OrganizationFactory(name="Tiny Labs", slug="tiny-labs")
    program = make_program(
        name="Tiny Beta", slug="tiny-beta", organization=organization, reference_hourly_rate=Decimal("30.00")
    )
    for handle in TINY_HANDLES:
        log_work(make_tester(program, handle=handle), on("2026-03-03"), hours="3.00")
    return program


def build_world() -> World:
    program, testers = open_canvas()
    return World(program=program, tiny=tiny_beta(), testers=testers)
