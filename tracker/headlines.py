"""Headlines: a few sentences that open a program's page and its stats answer, written from
the figures already computed (docs/metrics.md, "Headlines").

`headlines()` is pure and deterministic: it reads a program's `Metrics` (whose privacy rules
have already withheld what must be) and the program's public, open mass-revocation findings,
and writes a sentence only when every figure it uses is published and says something (no
"paid for 0 of 0"). It computes no figure of its own, so a headline can reveal nothing the
figures beside it do not: every number in it is a published figure of the same answer.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings

from programs.models import Program
from tracker.metrics import Metrics
from tracker.models import Flag
from tracker.periods import Period
from tracker.selectors import public_flags
from tracker.templatetags.metrics import money_text, share_text

MAX_SENTENCES = 4
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def number_text(value) -> str:
    """As the page writes hours and counts: 17,797 or 3,488.25 (decimals only when there are some)."""
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def day_text(day: dt.date) -> str:
    """6 November 2026."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def span_text(period: Period) -> str:
    """The period in words, to open a sentence: "In November 2026", "Between October and
    December 2026", "In 2026"; "" for all time."""
    if not period.bounded:
        return ""
    if period.kind == "month":
        return f"In {MONTHS[period.month - 1]} {period.year}"
    if period.kind == "quarter":
        first, last = period.since.month, period.until.month
        return f"Between {MONTHS[first - 1]} and {MONTHS[last - 1]} {period.year}"
    return f"In {period.year}"


def _published(*values) -> bool:
    return all(value is not None for value in values)


def work_sentence(m: Metrics, period: Period) -> str | None:
    """(a) Who and how much: the verified testers who logged work, their hours, the share paid in cash."""
    testers = (m.figure_artists or {}).get("hours")
    if not _published(m.hours, testers) or not m.hours or not testers:
        return None
    span = span_text(period)
    who = f"{number_text(testers)} verified tester{'' if testers == 1 else 's'}"
    verb = "logged" if span else "have logged"
    sentence = f"{who} {verb} {number_text(m.hours)} hours"
    if span:
        sentence = f"{span}, {sentence}"
    share = m.compensated_hours_share
    if share is not None:
        paid = "no cash was paid for any of them" if share == 0 else f"cash was paid for {share_text(share)} of them"
        sentence = f"{sentence}, and {paid}"
    return f"{sentence}."


def owed_sentence(m: Metrics) -> str | None:
    """(b) What the program owes by its own rate, for its due work with no cash pay."""
    if not _published(m.owed, m.owed_hours, m.currency) or not m.owed or not m.owed_hours:
        return None
    return (
        f"{money_text(m.owed, m.currency)} is owed for {number_text(m.owed_hours)} hours of work "
        "past the program's own payment terms."
    )


def window_text() -> str:
    hours = settings.MASS_REVOCATION_WINDOW_HOURS
    return "within a day" if hours == 24 else f"within {hours} hours"


def revocation_sentence(finding: Flag) -> str | None:
    """(c) One public mass-revocation finding, from its own figures (never a tester's record)."""
    details = finding.details or {}
    revoked, without_reason = details.get("revoked"), details.get("without_reason")
    if finding.occurred_on is None or not revoked:
        return None
    if without_reason == revoked:
        reason = ", with no reason given"
    elif without_reason:
        reason = f", {number_text(without_reason)} of them with no reason given"
    else:
        reason = ""
    return f"On {day_text(finding.occurred_on)}, {number_text(revoked)} testers lost access {window_text()}{reason}."


def score_sentence(m: Metrics) -> str | None:
    """(d) The fairness score."""
    return None if m.fairness_score is None else f"It scores {m.fairness_score} out of 10."


def _in_period(finding: Flag, period: Period) -> bool:
    day = finding.occurred_on
    return day is not None and (not period.bounded or period.since <= day <= period.until)


def headlines(program: Program, metrics: Metrics, period: Period, findings: Iterable[Flag]) -> list[str]:
    """At most MAX_SENTENCES sentences about `program` in `period`: the work and its pay, what
    is owed, each mass revocation (of `findings`: the program's public open ones, those that
    started in the period), the score. Nothing when the figures are suppressed."""
    if metrics.suppressed:
        return []
    waves = sorted(
        (
            f
            for f in findings
            if f.program_id == program.pk and f.kind == Flag.Kind.MASS_REVOCATION and _in_period(f, period)
        ),
        key=lambda f: (f.occurred_on, f.pk or 0),
    )
    before = [s for s in (work_sentence(metrics, period), owed_sentence(metrics)) if s]
    score = score_sentence(metrics)
    room = MAX_SENTENCES - len(before) - (1 if score else 0)
    # The latest waves when there are more than there is room for, told in order.
    revocations = [s for s in map(revocation_sentence, waves) if s]
    revocations = revocations[-room:] if room > 0 else []
    return [*before, *revocations, *([score] if score else [])]


def mass_revocation_findings(program: Program) -> list[Flag]:
    """The program's public, open mass-revocation findings (tracker.selectors.public_flags)."""
    return list(
        public_flags()
        .filter(program=program, kind=Flag.Kind.MASS_REVOCATION, resolved_at__isnull=True)
        .order_by("occurred_on", "pk")
    )


def program_headlines(program: Program, metrics: Metrics, period: Period) -> list[str]:
    """The headlines for a program's page and its stats answer: the same text for the same figures."""
    if metrics.suppressed:
        return []
    return headlines(program, metrics, period, mass_revocation_findings(program))
