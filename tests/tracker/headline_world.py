"""A program whose figures are all published, worked out by hand for the headline tests.

Headline Studio (USD, reference rate 40.00, payment terms 30 days, terms defined): twelve
verified testers with access since 2026-01-01. Each logs one feedback session of 3.00 h on
2026-03-02: 36.00 h from 12 testers. Testers 0–5 are paid 60.00 cash each on 2026-03-10
(within the terms); testers 6–11 are never paid.

    compensated_hours_share   18.00 / 36.00 = 0.5                → "50%"
    owed                      6 × 3.00 h = 18.00 h × 40.00 = 720.00 USD
    effective_hourly_rate     360.00 / 36.00 = 10.00 < 40.00
    paid_within_terms_share   6 / 12 = 0.5

On 2026-05-10 at 09:00 UTC testers 2–11 (10 of the 12 with access) are revoked at once with
no reason: a mass revocation (at least 10, and at least 25 % of those with access), its
finding dated 2026-05-10 with revoked 10, without_reason 10.

Score: fair pay 1 (0.5 ≥ 0.5), clear terms 1 (both defined) and clear terms 2 (no requested
promotion unpaid): 3. Fair pay 2 (10.00 < 40.00), timely pay 1 (0.5 < 0.8), fair approval
(no works) and fair access 1 (10 revocations without a reason) are not earned; the second
points of timely pay, fair approval and fair access are not available.
"""

from decimal import Decimal

from programs.models import Enrollment, Program
from programs.services import revoke_many
from tests.jobs.helpers import at, log_work, make_program, make_testers, on, pay

SLUG = "headline-studio"
# Its headlines for all time (docs/metrics.md, "Headlines"), from the figures above.
STUDIO_ALL_TIME = [
    "12 verified testers have logged 36 hours, and cash was paid for 50% of them.",
    "720.00 USD is owed for 18 hours of work past the program's own payment terms.",
    "On 10 May 2026, 10 testers lost access within a day, with no reason given.",
    "It scores 3 out of 10.",
]


def headline_studio() -> tuple[Program, list[Enrollment]]:
    program = make_program(name="Headline Studio", slug=SLUG, reference_hourly_rate=Decimal("40.00"))
    testers = make_testers(program, 12)
    for index, tester in enumerate(testers):
        contribution = log_work(tester, on("2026-03-02"), hours="3.00")
        if index < 6:
            pay(tester, [contribution], on("2026-03-10"), amount="60.00")
    revoke_many(enrollments=testers[2:], occurred_at=at("2026-05-10", "09:00"))
    return program, testers
