"""One tester's plan: their access history, contributions, works and the decisions on them, and the evidence
they gave reviewers, drawn at random but reproducibly and kept in memory until the program is built."""

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from artists.models import ApprovalDecision, Work
from feedback.models import Contribution
from programs.models import AccessEvent, Enrollment, EnrollmentEvidence, VerificationDecision
from tracker.demo.specs import (
    CENT,
    DECISION_REASONS,
    DEMO_ARTIST_EVIDENCE,
    EVIDENCE_NOTES,
    FATE_STATUS,
    HOURS,
    LEFT_REASONS,
    PENDING_SHARE,
    REVOKE_REASONS,
    SECOND_OUTCOMES,
    SUSPEND_REASONS,
    TITLES,
    WORK_WORDS,
    Event,
    Outcome,
    ProgramSpec,
    ReviewStyle,
)

# Small helpers for random but reproducible data.


def _weighted(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _at(day: dt.date, rng: random.Random, first_hour: int = 8, last_hour: int = 22) -> dt.datetime:
    return dt.datetime(
        day.year,
        day.month,
        day.day,
        rng.randint(first_hour, last_hour),
        rng.randint(0, 59),
        rng.randint(0, 59),
        tzinfo=dt.UTC,
    )


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dt.UTC)


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT)


# One program's world.


@dataclass
class Timeline:
    opened_on: dt.date
    last_day: dt.date  # the last day testers could work: yesterday, or the day the program closed
    decisions_until: dt.datetime  # the program stops deciding on works after this
    mass_revocation_at: dt.datetime | None
    yesterday: dt.date  # the last day anything is paid


@dataclass
class Tester:
    enrollment: Enrollment
    events: list[AccessEvent] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)
    works: list[Work] = field(default_factory=list)
    decisions: list[ApprovalDecision] = field(default_factory=list)
    evidence: list[EnrollmentEvidence] = field(default_factory=list)
    verification_decisions: list[VerificationDecision] = field(default_factory=list)
    works_from: dt.datetime | None = None
    works_until: dt.datetime | None = None
    last_day: dt.date | None = None  # the last day the tester could work
    pinned: bool = False


def plan_timeline(spec: ProgramSpec, today: dt.date) -> Timeline:
    yesterday = today - dt.timedelta(days=1)
    opened_on = today - dt.timedelta(days=spec.opened_days_ago)
    last_day = today - dt.timedelta(days=spec.closed_days_ago) if spec.closed_days_ago else yesterday
    decisions_until = dt.datetime.combine(last_day, dt.time(12), tzinfo=dt.UTC) if spec.closed_days_ago else None
    mass_revocation_at = None
    if spec.revocation_days_ago:
        revocation_day = today - dt.timedelta(days=spec.revocation_days_ago)
        mass_revocation_at = dt.datetime.combine(revocation_day, dt.time(15), tzinfo=dt.UTC)
        # The program stopped reviewing work when it cut access.
        decisions_until = mass_revocation_at
    return Timeline(opened_on, last_day, decisions_until or _end_of(yesterday), mass_revocation_at, yesterday)


def plan_fates(rng: random.Random, spec: ProgramSpec, count: int) -> list[str]:
    fates = []
    for fate, share in spec.fates.items():
        fates += [fate] * min(count - len(fates), max(1, round(share * count)) if share else 0)
    fates += ["active"] * (count - len(fates))
    rng.shuffle(fates)
    if spec.demo_artist_fate and spec.demo_artist_fate in fates:
        # The demo artist, tester 0, lives through what most testers of the program did.
        index = fates.index(spec.demo_artist_fate)
        fates[0], fates[index] = fates[index], fates[0]
    return fates


def plan_access(rng: random.Random, spec: ProgramSpec, timeline: Timeline, tester: Tester, fate: str) -> dt.date:
    """Write the tester's access events; return the last day they could work."""
    enrollment = tester.enrollment
    events = tester.events

    def add(kind: str, at: dt.datetime, reason: str = "", notice_days: int | None = None, actor=None) -> None:
        events.append(
            AccessEvent(
                enrollment=enrollment,
                kind=kind,
                occurred_at=at,
                reason=reason,
                notice_days=notice_days,
                actor=actor or AccessEvent.Actor.PROGRAM,
            )
        )

    cohort_end = timeline.opened_on + dt.timedelta(days=spec.cohort_days)
    early = tester.pinned or rng.random() < 0.4
    last_invite_day = timeline.opened_on + dt.timedelta(days=6) if early else cohort_end
    invite_day = day_between(rng, timeline.opened_on, min(last_invite_day, timeline.last_day))
    invited_at = _at(invite_day, rng, 9, 18)
    add(Event.INVITED, invited_at)
    enrollment.status = FATE_STATUS[fate]
    if fate == "invited":
        return invite_day - dt.timedelta(days=1)

    grant_day = min(invite_day + dt.timedelta(days=rng.randint(0, 4)), timeline.last_day)
    granted_at = (
        invited_at + dt.timedelta(hours=rng.randint(1, 3))
        if grant_day == invite_day
        else dt.datetime.combine(grant_day, dt.time.min, tzinfo=dt.UTC)
    )
    add(Event.GRANTED, granted_at)
    enrollment.granted_on = grant_day
    tester.works_from = granted_at

    # Any change of access comes before the mass revocation day, or before the last day.
    limit = timeline.mass_revocation_at.date() if timeline.mass_revocation_at else timeline.last_day
    last_day = timeline.last_day
    if fate == "mass_revoked":
        if rng.random() < 0.04 and grant_day + dt.timedelta(days=10) < limit - dt.timedelta(days=27):
            suspended_on = day_between(rng, grant_day + dt.timedelta(days=10), limit - dt.timedelta(days=27))
            add(Event.SUSPENDED, _at(suspended_on, rng), rng.choice(SUSPEND_REASONS), 0)
            add(Event.REINSTATED, _at(suspended_on + dt.timedelta(days=rng.randint(2, 7)), rng), "Review cleared.")
        revoked_at = timeline.mass_revocation_at + dt.timedelta(minutes=rng.randint(0, 110), seconds=rng.randint(0, 59))
        add(Event.REVOKED, revoked_at, "", 0)
        last_day = revoked_at.date() - dt.timedelta(days=1)
    elif fate in ("revoked", "left", "suspended"):
        day = day_between(rng, grant_day + dt.timedelta(days=21), limit - dt.timedelta(days=10))
        day = min(max(day, grant_day + dt.timedelta(days=1)), timeline.last_day)
        if fate == "revoked":
            add(Event.REVOKED, _at(day, rng, 9, 18), rng.choice(REVOKE_REASONS), rng.choice((0, 0, 7)))
        elif fate == "left":
            add(Event.REVOKED, _at(day, rng), rng.choice(LEFT_REASONS), 14, AccessEvent.Actor.ARTIST)
        else:
            add(Event.SUSPENDED, _at(day, rng, 9, 18), rng.choice(("", *SUSPEND_REASONS)), 0)
        last_day = day - dt.timedelta(days=1)
    elif fate == "closed_out":
        closing = dt.datetime.combine(timeline.last_day, dt.time(12), tzinfo=dt.UTC)
        add(Event.REVOKED, closing, "The pilot ended on its announced date.", 30)
        last_day = timeline.last_day - dt.timedelta(days=1)
    tester.works_until = _end_of(last_day)
    return last_day


def plan_contributions(rng: random.Random, spec: ProgramSpec, tester: Tester, last_day: dt.date) -> None:
    first_day = tester.enrollment.granted_on
    if first_day is None or last_day < first_day:
        return
    weeks = ((last_day - first_day).days + 1) / 7
    rates, weights = zip(*spec.weekly_activity, strict=True)
    rate = max(rates) if tester.pinned else rng.choices(rates, weights=weights)[0]
    days = sorted(day_between(rng, first_day, last_day) for _ in range(_poisson(rng, rate * weeks)))
    for day in days:
        kind = _weighted(rng, spec.kinds)
        fewest, most = HOURS[kind]
        tester.contributions.append(
            Contribution(
                enrollment=tester.enrollment,
                kind=kind,
                title=rng.choice(TITLES[kind]).format(topic=rng.choice(spec.topics)),
                hours_spent=money(Decimal(rng.randint(fewest, most)) / 4),
                occurred_on=day,
                requested_by_program=rng.random() < spec.requested.get(kind, 0),
            )
        )


def _decide(rng: random.Random, review: ReviewStyle, work: Work, after: dt.datetime, outcomes: dict):
    low, high, _ = rng.choices(review.latency_days, weights=[w for _, _, w in review.latency_days])[0]
    decided_at = after + dt.timedelta(days=rng.randint(low, high), hours=rng.randint(1, 20), minutes=rng.randint(0, 59))
    outcome = _weighted(rng, outcomes)
    reason = rng.choice(DECISION_REASONS[outcome]) if rng.random() < review.reason_share else ""
    return ApprovalDecision(work=work, outcome=outcome, decided_at=decided_at, reason=reason)


def plan_works(rng: random.Random, spec: ProgramSpec, timeline: Timeline, tester: Tester) -> None:
    if tester.works_from is None or tester.works_until <= tester.works_from:
        return
    span = tester.works_until - tester.works_from
    mean = spec.works_per_month * span.days / 30 + (3 if tester.pinned else 0)
    for _ in range(_poisson(rng, mean)):
        submitted_at = tester.works_from + dt.timedelta(seconds=rng.randint(60, int(span.total_seconds())))
        work = Work(
            enrollment=tester.enrollment,
            title=f"{rng.choice(WORK_WORDS)}" + (f" (draft {rng.randint(2, 4)})" if rng.random() < 0.2 else ""),
            medium=spec.medium,
            submitted_at=submitted_at,
            status=Work.Status.PENDING,
        )
        tester.works.append(work)
        if rng.random() >= spec.review.decided_share:
            continue
        first = _decide(rng, spec.review, work, submitted_at, spec.review.outcomes)
        if first.decided_at > timeline.decisions_until:
            continue  # still waiting
        work.status, work.first_decided_at = first.outcome, first.decided_at
        tester.decisions.append(first)
        if first.outcome == Outcome.CHANGES_REQUESTED and rng.random() < spec.review.second_decision_share:
            second = _decide(rng, spec.review, work, first.decided_at, SECOND_OUTCOMES)
            if second.decided_at <= timeline.decisions_until:
                tester.decisions.append(second)


# Verification: every tester gave a note as evidence; most were verified, a few still wait.


def plan_pending(rng: random.Random, spec: ProgramSpec, testers: list[Tester]) -> set[int]:
    """Which testers (by index) still wait for a reviewer: about PENDING_SHARE of them, at least
    the spec's minimum, and the demo artist where the spec says so."""
    others = [index for index, tester in enumerate(testers) if not tester.pinned]
    count = min(len(others), max(spec.min_pending, round(PENDING_SHARE * len(testers))))
    pending = set(rng.sample(others, count))
    if spec.demo_artist_pending:
        pending |= {index for index, tester in enumerate(testers) if tester.pinned}
    return pending


def plan_verification(rng: random.Random, spec: ProgramSpec, timeline: Timeline, tester: Tester, pending: bool) -> None:
    """The tester's evidence, a few days after they got access (or were invited), and unless
    it is pending, the reviewer's decision a few days later; nothing after yesterday."""
    enrollment = tester.enrollment
    first = tester.events[0].occurred_at
    start = dt.datetime.combine(enrollment.granted_on, dt.time.min, tzinfo=dt.UTC) if enrollment.granted_on else first
    latest = _end_of(timeline.yesterday)
    uploaded_at = min(max(start, first) + dt.timedelta(days=rng.randint(0, 14), hours=rng.randint(1, 12)), latest)
    day = f"{first:%Y-%m-%d}"
    template = DEMO_ARTIST_EVIDENCE if tester.pinned else rng.choice(EVIDENCE_NOTES)
    tester.evidence.append(
        EnrollmentEvidence(
            enrollment=enrollment,
            note=template.format(org=spec.org.name, program=spec.name, day=day),
            uploaded_at=uploaded_at,
            uploaded_by_id=enrollment.artist.user_id if tester.pinned else None,
        )
    )
    if pending:
        enrollment.verification = Enrollment.Verification.PENDING
        return
    decided_at = min(uploaded_at + dt.timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 8)), latest)
    enrollment.verification = Enrollment.Verification.VERIFIED
    enrollment.verification_decided_at = decided_at
    tester.verification_decisions.append(
        VerificationDecision(
            enrollment=enrollment, decision=VerificationDecision.Decision.VERIFIED, decided_at=decided_at
        )
    )
