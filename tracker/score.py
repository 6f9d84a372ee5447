"""The 0–10 fairness score (docs/metrics.md, "The fairness score").

Five principles, two points each, in the shape of the Fairwork ratings: the second point of
a principle is only available when the first is earned, and a point whose figure is None
(no data) is not earned and says so. Every point carries the figure that earned or lost it.
"""

from dataclasses import dataclass

PAY_HOURS_SHARE = 0.5
PAID_WITHIN_TERMS_SHARE = 0.8
DECIDED_WITHIN_SLA_SHARE = 0.8
DECISIONS_WITH_REASON_SHARE = 0.8
MIN_NOTICE_DAYS = 7
UNPAID_PAST_DUE_DAYS = 90


@dataclass(frozen=True)
class ScorePoint:
    principle: str
    point: int  # 1 or 2
    rule: str
    earned: bool
    figure: object  # the figure that earned or lost the point (None: no data)
    explanation: str


def _share(value) -> str:
    return "no data" if value is None else f"{value:.0%}"


def score_points(m) -> list:
    """The ten points for a Metrics, in order: (principle, 1), (principle, 2), …"""
    points = []

    def principle(name, first, second):
        """first/second: (rule, earned, figure, explanation); earned None means no data."""
        for number, (rule, earned, figure, explanation) in enumerate((first, second), start=1):
            if number == 2 and not points[-1].earned:
                earned, explanation = False, f"Only available once the first {name} point is earned."
            elif earned is None:
                earned, explanation = False, f"No data: {explanation}"
            points.append(ScorePoint(name, number, rule, bool(earned), figure, explanation))

    # Fair pay, judged on due work (work still within the payment terms counts neither way).
    share = m.compensated_due_hours_share
    rate, reference = m.effective_hourly_rate, m.reference_hourly_rate
    principle(
        "fair pay",
        (
            f"Cash was paid for at least {PAY_HOURS_SHARE:.0%} of the hours of due work",
            None if share is None else share >= PAY_HOURS_SHARE,
            share,
            "no work is past the payment terms yet" if share is None else f"cash paid for {_share(share)} of due hours",
        ),
        (
            "The effective hourly rate of due work is at least the reference rate",
            None if rate is None or reference is None else rate >= reference,
            rate,
            "no work is past the payment terms yet, or several currencies"
            if rate is None or reference is None
            else f"{rate} per hour of due work against a reference of {reference}",
        ),
    )

    # Timely pay.
    within = m.paid_within_terms_share
    long_unpaid = m.unpaid_over_90_days_past_due
    principle(
        "timely pay",
        (
            f"At least {PAID_WITHIN_TERMS_SHARE:.0%} of contributions past the payment terms were paid within them",
            None if within is None else within >= PAID_WITHIN_TERMS_SHARE,
            within,
            "no contribution is older than the payment terms yet"
            if within is None
            else f"{_share(within)} paid within the terms",
        ),
        (
            f"No contribution is still unpaid {UNPAID_PAST_DUE_DAYS} days after it came due",
            long_unpaid == 0,
            long_unpaid,
            f"{long_unpaid} contributions still unpaid more than {UNPAID_PAST_DUE_DAYS} days after they came due",
        ),
    )

    # Fair approval.
    in_sla, with_reason = m.decided_within_sla_share, m.decisions_with_reason_share
    principle(
        "fair approval",
        (
            f"At least {DECIDED_WITHIN_SLA_SHARE:.0%} of works were decided within the approval promise",
            None if in_sla is None else in_sla >= DECIDED_WITHIN_SLA_SHARE,
            in_sla,
            "no work has been decided or is overdue" if in_sla is None else f"{_share(in_sla)} decided in time",
        ),
        (
            f"At least {DECISIONS_WITH_REASON_SHARE:.0%} of decisions gave a reason",
            None if with_reason is None else with_reason >= DECISIONS_WITH_REASON_SHARE,
            with_reason,
            "no decisions recorded" if with_reason is None else f"{_share(with_reason)} of decisions gave a reason",
        ),
    )

    # Fair access.
    principle(
        "fair access",
        (
            "No tester's access was revoked without a stated reason",
            m.revocations_without_reason == 0,
            m.revocations_without_reason,
            f"{m.revocations_without_reason} of {m.revocations} revocations stated no reason",
        ),
        (
            f"No mass revocation, and every revocation gave at least {MIN_NOTICE_DAYS} days' notice",
            m.mass_revocations == 0 and m.revocations_short_notice == 0,
            {"mass_revocations": m.mass_revocations, "revocations_short_notice": m.revocations_short_notice},
            f"{m.mass_revocations} mass revocations; {m.revocations_short_notice} revocations with less than "
            f"{MIN_NOTICE_DAYS} days' notice (or none stated)",
        ),
    )

    # Clear terms.
    principle(
        "clear terms",
        (
            "The program defines both 'responsible use' and 'confidential content'",
            m.terms_defined,
            m.terms_defined,
            "both are defined" if m.terms_defined else "at least one is not defined",
        ),
        (
            "No promotion the program requested is unpaid once due",
            m.requested_promotion_unpaid == 0,
            m.requested_promotion_unpaid,
            f"{m.requested_promotion_unpaid} requested promotion pieces are unpaid past the payment terms",
        ),
    )
    return points
