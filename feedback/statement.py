"""An artist's statement of unpaid work for one program: the program's own published terms,
each due contribution it has not paid for, the total owed at its rate, and what it gave.

One source of truth for the page and the PDF (feedback.statement_pdf). The figures are the
ledger's own: the totals come from `feedback.owed.with_owed` and the rows from the same
filter (`feedback.owed.unpaid`), so the statement can never disagree with the "owed" the
artist sees on their ledger. The artist's enrollment is looked up through the artist, so
another artist's record is simply not found. Nothing here is stored or sent anywhere: the
artist decides whether, and to whom, to send it.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from feedback.models import Compensation, Contribution
from feedback.owed import Owed, owed_of, unpaid, with_owed
from feedback.selectors import ZERO, due_on
from programs.models import Enrollment, Program

NOT_PUBLISHED = "Not published"
SENDS_NOTHING = (
    "The Early-Access Tracker sends nothing to the company: this statement is yours to send, "
    "to whom you choose, if you choose."
)


@dataclass(frozen=True)
class Term:
    """One of the program's published terms, as a label and a sentence; `published` is False
    when the program did not publish it (the value then says so)."""

    label: str
    value: str
    published: bool = True


@dataclass(frozen=True)
class UnpaidLine:
    """A contribution the program has not paid for in cash."""

    occurred_on: dt.date
    due_on: dt.date
    kind: str
    title: str
    hours: Decimal
    requested_by_program: bool


@dataclass(frozen=True)
class Received:
    """A compensation the program gave: pay (cash, stipend) or something that is not pay."""

    paid_on: dt.date
    kind: str
    amount: Decimal
    contributions: int


@dataclass(frozen=True)
class Statement:
    """Everything the statement page and its PDF show."""

    program: Program
    enrollment: Enrollment
    artist_handle: str
    generated_at: dt.datetime
    as_of: dt.date
    terms: list[Term]
    owed: Owed
    due_unpaid: list[UnpaidLine]
    not_yet_due: list[UnpaidLine]
    payments: list[Received]
    not_pay: list[Received]

    @property
    def currency(self) -> str:
        return self.owed.currency

    @property
    def rate_sentence(self) -> str:
        rate = f"{self.owed.rate:.2f} {self.currency} per hour"
        if self.owed.rate_is_the_programs:
            return f"{rate}: the reference hourly rate the program published."
        return f"{rate}: the tracker’s default rate, because the program published no reference hourly rate."

    @property
    def total_sentence(self) -> str:
        owed = self.owed
        return (
            f"{_count(owed.due_unpaid_contributions, 'contribution')}, {owed.hours_due_unpaid:.2f} hours × "
            f"{owed.rate:.2f} {self.currency} = {owed.amount:,.2f} {self.currency}"
        )

    @property
    def not_yet_due_sentence(self) -> str:
        """What will fall due: the unpaid work still within the payment terms ("" when none)."""
        if not self.not_yet_due:
            return ""
        next_due_on = min(line.due_on for line in self.not_yet_due)
        return (
            f"Not yet due: {_count(len(self.not_yet_due), 'more unpaid contribution')}, "
            f"{self.owed.unpaid_hours_not_yet_due:.2f} hours, still within the payment terms; "
            f"the first of them is to be paid by {next_due_on.isoformat()}."
        )

    @property
    def cash_paid(self) -> Decimal:
        return sum((payment.amount for payment in self.payments), ZERO)

    @property
    def other_value(self) -> Decimal:
        return sum((thing.amount for thing in self.not_pay), ZERO)

    def filename(self) -> str:
        return f"statement-{self.program.slug}-{self.as_of.isoformat()}.pdf"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def _days(days: int, what: str) -> str:
    return f"{what} within {_count(days, 'day')}"


def _text_or_not_published(label: str, text: str) -> Term:
    text = text.strip()
    return Term(label, text) if text else Term(label, NOT_PUBLISHED, published=False)


def _date_or_not_published(label: str, day: dt.date | None) -> Term:
    return Term(label, day.isoformat()) if day else Term(label, NOT_PUBLISHED, published=False)


def program_terms(program: Program, owed: Owed) -> list[Term]:
    """The program's terms as it published them, saying plainly which it did not publish."""
    if program.reference_hourly_rate is not None:
        rate = Term("Reference hourly rate", f"{program.reference_hourly_rate:.2f} {program.currency} per hour")
    else:
        rate = Term(
            "Reference hourly rate",
            f"{NOT_PUBLISHED} (this statement uses the tracker’s default, {owed.rate:.2f} {program.currency} per hour)",
            published=False,
        )
    return [
        Term("Organization", program.organization.name),
        Term("Program status", program.get_status_display()),
        Term("Currency", program.currency),
        rate,
        Term("Payment terms", _days(program.payment_terms_days, "Pays for work") + " of the day it was done"),
        Term("Approval promise", _days(program.approval_sla_days, "Decides on a submitted work")),
        Term("Promotion required", "Yes" if program.promotion_required else "No"),
        _text_or_not_published("“Responsible use” defined as", program.responsible_use_definition),
        _text_or_not_published("“Confidential content” defined as", program.confidential_content_definition),
        _date_or_not_published("Opened on", program.opened_on),
        _date_or_not_published("Closed on", program.closed_on),
        _text_or_not_published("Announced at", program.announcement_url),
    ]


def _lines(contributions) -> list[UnpaidLine]:
    return [
        UnpaidLine(
            occurred_on=contribution.occurred_on,
            due_on=contribution.due_day,
            kind=contribution.get_kind_display(),
            title=contribution.title,
            hours=contribution.hours_spent,
            requested_by_program=contribution.requested_by_program,
        )
        for contribution in contributions.annotate(due_day=due_on()).order_by("occurred_on", "id")
    ]


def statement_for(artist, program_slug: str, *, today: dt.date | None = None) -> Statement | None:
    """The artist's statement for the program with this slug, as of `today` (default: today);
    None when the artist is not enrolled in it, whoever else may be."""
    generated_at = timezone.now()
    today = timezone.localdate(generated_at) if today is None else today
    enrollments = Enrollment.objects.filter(artist=artist, program__slug=program_slug).select_related(
        "artist", "program__organization"
    )
    enrollment = with_owed(enrollments, today=today).first()
    if enrollment is None:
        return None
    owed = owed_of(enrollment)
    mine = Contribution.objects.filter(enrollment=enrollment)
    compensations = (
        Compensation.objects.filter(enrollment=enrollment)
        .annotate(paid_for=Count("allocations"))
        .order_by("paid_on", "id")
    )
    received = [
        (c.is_cash_equivalent, Received(c.paid_on, c.get_kind_display(), c.amount, c.paid_for)) for c in compensations
    ]
    return Statement(
        program=enrollment.program,
        enrollment=enrollment,
        artist_handle=enrollment.artist.handle,
        generated_at=generated_at,
        as_of=today,
        terms=program_terms(enrollment.program, owed),
        owed=owed,
        due_unpaid=_lines(unpaid(mine, today, due=True)),
        not_yet_due=_lines(unpaid(mine, today, due=False)),
        payments=[item for is_pay, item in received if is_pay],
        not_pay=[item for is_pay, item in received if not is_pay],
    )
