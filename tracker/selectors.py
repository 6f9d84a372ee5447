"""Read-side queries for the pages. Every figure comes from tracker.metrics, where the
privacy floor is applied; what is here only chooses, pairs and orders."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    DateTimeField,
    DecimalField,
    Exists,
    F,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, TruncDate, TruncMonth
from django.db.models.lookups import GreaterThanOrEqual

from programs.models import Enrollment, Program
from programs.selectors import listed_programs
from tracker.metrics import SORTABLE_FIGURES, Metrics, Period
from tracker.models import Flag, JobRun
from tracker.program_figures import program_figures

# Columns a programs table can be sorted by: the program's own fields and the scalar
# Metrics figures (an allow-list: anything else in ?sort= is refused).
PROGRAM_SORT_FIELDS = ("name", "organization", "status")
FIGURE_SORT_FIELDS = SORTABLE_FIGURES
SORT_FIELDS = PROGRAM_SORT_FIELDS + FIGURE_SORT_FIELDS
DEFAULT_SORT = "-fairness_score"


@dataclass(frozen=True)
class ProgramRow:
    """A program and its figures (from tracker.metrics, already through the privacy floor)."""

    program: Program
    metrics: Metrics


def _sort_value(row: ProgramRow, field: str):
    if field == "organization":
        return row.program.organization.name.casefold()
    if field == "status":
        return row.program.status
    if field == "name":
        return row.program.name.casefold()
    return getattr(row.metrics, field)


# Money is never compared across currencies (there is no exchange rate here): a money column
# sorts by a share that has no currency, or within each currency.
MONEY_SORTS = {
    "pay_gap": "the pay gap as a share of the fair value",
    "owed": "the owed amount as a share of the fair value of due work",
    "effective_hourly_rate": "the hourly rate as a share of the program's reference rate",
    "cash_paid": "the amount, within each currency (currencies in alphabetical order)",
    "fair_value": "the amount, within each currency (currencies in alphabetical order)",
}


def money_sort_note(sort: str) -> str:
    """What a money column is sorted by, to say beside the table; "" for other columns."""
    field = sort.removeprefix("-")
    return f"Sorted by {MONEY_SORTS[field]}." if field in MONEY_SORTS else ""


def _money_sort_value(row: ProgramRow, field: str):
    m = row.metrics
    if field in ("pay_gap", "owed"):
        amount = getattr(m, field)
        return None if amount is None or not m.fair_value else amount / m.fair_value
    if field == "effective_hourly_rate":
        rate, reference = m.effective_hourly_rate, row.program.effective_reference_rate
        return None if rate is None or not reference else rate / reference
    return getattr(m, field)


def sort_program_rows(rows: list[ProgramRow], sort: str = DEFAULT_SORT) -> list[ProgramRow]:
    """Rows ordered by one field (`-field` for descending), ties by name. A suppressed
    program or a figure with no data comes last whichever the direction. Money columns
    sort as MONEY_SORTS says: by a share with no currency, or within each currency."""
    descending, field = sort.startswith("-"), sort.removeprefix("-")
    if field not in SORT_FIELDS:
        raise ValueError(f"Cannot sort programs by {field!r}.")
    value = _money_sort_value if field in MONEY_SORTS else _sort_value
    by_name = sorted(rows, key=lambda row: row.program.name.casefold())
    known = [row for row in by_name if value(row, field) is not None]
    unknown = [row for row in by_name if value(row, field) is None]
    if field in ("cash_paid", "fair_value"):
        # Within each currency: the currencies in order, each sorted in the direction asked.
        currencies = sorted({row.program.currency for row in known})
        return [
            row
            for currency in currencies
            for row in sorted(
                (row for row in known if row.program.currency == currency),
                key=lambda row: value(row, field),
                reverse=descending,
            )
        ] + unknown
    # Python's sort is stable also in reverse, so ties keep the name order.
    return sorted(known, key=lambda row: value(row, field), reverse=descending) + unknown


def program_table(
    programs: QuerySet[Program], *, sort: str = DEFAULT_SORT, period: Period | None = None
) -> list[ProgramRow]:
    """A programs table: each program with its Metrics (tracker.program_figures: cached per
    program, the rest computed in a fixed number of queries)."""
    by_slug = {program.slug: program for program in programs.select_related("organization")}
    metrics = program_figures(programs.order_by("name"), period=period or Period())
    return sort_program_rows([ProgramRow(by_slug[m.key], m) for m in metrics], sort)


# -- findings: who sees what (docs/metrics.md, "What the public sees") ----------------------

Kind = Flag.Kind

# Findings about a program as a whole: public as they are.
PROGRAM_KINDS = (Kind.MASS_REVOCATION, Kind.UNDEFINED_TERMS, Kind.PERKS_INSTEAD_OF_PAY)
# Findings about one artist's record: shown one by one only to that artist (and staff); the
# public sees them only as monthly aggregates.
ARTIST_KINDS = tuple(kind for kind in Kind if kind not in PROGRAM_KINDS)
# The kinds whose subject is a contribution: their aggregates count contributions and hours.
CONTRIBUTION_KINDS = (Kind.UNPAID_FEEDBACK, Kind.UNCOMPENSATED_PROMOTION)
# What an aggregate's `findings` counts, by kind.
FINDING_UNITS = {
    Kind.UNPAID_FEEDBACK: "contributions",
    Kind.UNCOMPENSATED_PROMOTION: "contributions",
    Kind.REVOKED_WITH_UNPAID_WORK: "revoked testers",
    Kind.REVOKED_WITHOUT_REASON: "revocations",
    Kind.APPROVAL_OVERDUE: "works",
}
FINDING_STATES = ("open", "resolved")

# The columns of a public finding, in this order: a program-level finding fills the first
# part, a monthly aggregate the second (the other part is null).
FINDING_COLUMNS = (
    "flag_id",
    "program_slug",
    "program_name",
    "kind",
    "severity",
    "month",
    "state",
    "message",
    "details",
    "occurred_on",
    "due_on",
    "raised_at",
    "resolved_at",
    "artists",
    "findings",
    "contributions",
    "hours",
    "withheld",
    "severity_rank",
    "day",
)


def withheld_reason() -> str:
    return (
        f"Fewer than {settings.MIN_GROUP_SIZE} verified artists are behind this finding; "
        "its figures are withheld to protect them."
    )


def month_label(month: dt.date | None) -> str | None:
    return None if month is None else f"{month:%Y-%m}"


@dataclass(frozen=True)
class Finding:
    """One public finding (a row of `public_findings`), with what a page or an email shows:
    a program-level finding has its flag's id, message and dates (when it happened or came
    due, and apart from that when a scan raised it); a monthly aggregate has its month and
    counts, or `withheld` and no counts, and never a day. `severity_rank` and `day` order
    the feed (a monthly aggregate's `day` is its month)."""

    flag_id: int | None
    program_slug: str
    program_name: str
    kind: str
    severity: str
    month: dt.date
    state: str
    message: str | None
    details: dict | None
    occurred_on: dt.date | None
    due_on: dt.date | None
    raised_at: dt.datetime | None
    resolved_at: dt.datetime | None
    artists: int | None
    findings: int | None
    contributions: int | None
    hours: Decimal | None
    withheld: bool
    severity_rank: int
    day: dt.date

    @classmethod
    def from_row(cls, row: dict) -> "Finding":
        """From a row of `program_findings`, `monthly_findings` or `public_findings`: its
        columns are FINDING_COLUMNS in order (a monthly row names some of them differently)."""
        return cls(*row.values())

    @property
    def program_level(self) -> bool:
        return self.flag_id is not None

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label

    @property
    def severity_label(self) -> str:
        return Flag.Severity(self.severity).label

    @property
    def month_label(self) -> str:
        return month_label(self.month)

    @property
    def unit(self) -> str:
        """What `findings` counts for this kind (contributions, revocations, works …)."""
        return FINDING_UNITS.get(self.kind, "findings")

    @property
    def withheld_reason(self) -> str:
        return withheld_reason() if self.withheld else ""


def _detail(prefix: str, key: str, output_field) -> Cast:
    return Cast(KeyTextTransform(key, f"{prefix}details"), output_field)


def contribution_hours() -> Cast:
    """The hours of the contribution a flag is about (its details)."""
    return _detail("", "hours", DecimalField(max_digits=12, decimal_places=2))


def _utc_day(expression) -> TruncDate:
    return TruncDate(expression, tzinfo=dt.UTC)


def finding_day(prefix: str = "") -> Coalesce:
    """The day a finding is about: when the thing came due, else when it happened (both set
    by its rule, tracker/flags.py), not when a scan saw it; a finding with neither (undefined
    terms, a state of the program) is about the day it was raised, in UTC. `prefix` reaches a
    flag from another model ("flag__")."""
    return Coalesce(
        F(f"{prefix}due_on"), F(f"{prefix}occurred_on"), _utc_day(F(f"{prefix}raised_at")), output_field=DateField()
    )


def finding_month(prefix: str = "") -> Cast:
    """The first day of the calendar month a finding is about (see `finding_day`)."""
    return Cast(TruncMonth(finding_day(prefix), output_field=DateField()), DateField())


def finding_flags() -> QuerySet[Flag]:
    """The flags behind what the public sees: on listed programs, each with its `month`.
    Filter these (tracker.filters.FindingFilter), then shape them with `public_findings`."""
    return Flag.objects.filter(program__in=listed_programs()).annotate(month=finding_month())


def public_flags() -> QuerySet[Flag]:
    """The flags the public sees one by one: findings about a program as a whole, on listed
    programs. A finding about one artist's record is public only inside a monthly aggregate."""
    return Flag.objects.filter(program__in=listed_programs(), kind__in=PROGRAM_KINDS).select_related("program")


SEVERITY_ORDER = {Flag.Severity.HIGH: 0, Flag.Severity.MEDIUM: 1, Flag.Severity.LOW: 2}
SEVERITY_RANK = Case(
    When(severity=Flag.Severity.HIGH, then=Value(0)),
    When(severity=Flag.Severity.MEDIUM, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def finding_state() -> Case:
    return Case(When(resolved_at__isnull=True, then=Value("open")), default=Value("resolved"))


def program_findings(flags: QuerySet[Flag]) -> QuerySet:
    """The program-level findings among `flags` (from `finding_flags`), as finding rows."""
    return (
        flags.filter(kind__in=PROGRAM_KINDS)
        .order_by()
        .annotate(
            flag_id=F("id"),
            program_slug=F("program__slug"),
            program_name=F("program__name"),
            state=finding_state(),
            artists=Value(None, output_field=IntegerField()),
            findings=Value(None, output_field=IntegerField()),
            contributions=Value(None, output_field=IntegerField()),
            hours=Value(None, output_field=DecimalField(max_digits=12, decimal_places=2)),
            withheld=Value(False),
            severity_rank=SEVERITY_RANK,
            day=finding_day(),
        )
        .values(*FINDING_COLUMNS)
    )


def counted_flags(flags: QuerySet[Flag]) -> QuerySet[Flag]:
    """The artist-level flags among `flags` that public aggregates count: of verified
    enrollments only (accounts made to lift a cell lift nothing), and a subject resolved more
    than once counted by its latest finding."""
    verified = Enrollment.objects.filter(
        program_id=OuterRef("program_id"),
        artist_id=OuterRef("artist_id"),
        verification=Enrollment.Verification.VERIFIED,
    )
    resolved_again_later = Flag.objects.filter(
        kind=OuterRef("kind"),
        subject_key=OuterRef("subject_key"),
        resolved_at__isnull=False,
        raised_at__gt=OuterRef("raised_at"),
    )
    return (
        flags.filter(kind__in=ARTIST_KINDS, month__isnull=False)
        .filter(Exists(verified))
        .exclude(Q(resolved_at__isnull=False) & Exists(resolved_again_later))
    )


def monthly_findings(flags: QuerySet[Flag]) -> QuerySet:
    """The artist-level findings among `flags` (from `finding_flags`) as aggregates: per
    program, kind, month and state, the distinct verified artists, the findings (a resolved
    subject counted once), contributions and hours concerned. A cell drawn from fewer than
    MIN_GROUP_SIZE verified artists has `withheld` true and every count null; flags of
    unverified enrollments count nowhere (`counted_flags`)."""
    enough = Q(GreaterThanOrEqual(Count("artist_id", distinct=True), settings.MIN_GROUP_SIZE))
    of_contributions = enough & Q(kind__in=CONTRIBUTION_KINDS)

    def shown_if(condition: Q, aggregate, output_field=None) -> Case:
        return Case(When(condition, then=aggregate), default=Value(None), output_field=output_field or IntegerField())

    hours = contribution_hours()
    # The names differ from the program rows' where a model field has that name; a union
    # matches columns by position (FINDING_COLUMNS), so the values() order is what counts.
    return (
        counted_flags(flags)
        .annotate(program_slug=F("program__slug"), program_name=F("program__name"), state=finding_state())
        .values("program_slug", "program_name", "kind", "severity", "month", "state")
        .annotate(
            flag_id=Value(None, output_field=IntegerField()),
            no_message=Value(None, output_field=CharField()),
            no_details=Value(None, output_field=JSONField()),
            no_occurred_on=Value(None, output_field=DateField()),
            no_due_on=Value(None, output_field=DateField()),
            no_raised_at=Value(None, output_field=DateTimeField()),
            no_resolved_at=Value(None, output_field=DateTimeField()),
            artists=shown_if(enough, Count("artist_id", distinct=True)),
            findings=shown_if(enough, Count("subject_key", distinct=True)),
            contributions=shown_if(of_contributions, Count("subject_key", distinct=True)),
            hours=shown_if(of_contributions, Sum(hours), DecimalField(max_digits=12, decimal_places=2)),
            withheld=Case(When(enough, then=Value(False)), default=Value(True), output_field=BooleanField()),
            severity_rank=SEVERITY_RANK,
            day=F("month"),
        )
        .values(
            "flag_id",
            "program_slug",
            "program_name",
            "kind",
            "severity",
            "month",
            "state",
            "no_message",
            "no_details",
            "no_occurred_on",
            "no_due_on",
            "no_raised_at",
            "no_resolved_at",
            "artists",
            "findings",
            "contributions",
            "hours",
            "withheld",
            "severity_rank",
            "day",
        )
    )


def public_findings(flags: QuerySet[Flag]) -> QuerySet:
    """What the public sees of `flags` (from `finding_flags`, filtered): the program-level
    findings one by one and the artist-level ones as monthly aggregates, the most severe
    first, then by the day the thing happened or came due (an aggregate's month), newest first.
    No totals across months or states are offered, so no withheld cell can be had by
    subtracting shown ones from a total."""
    return (
        program_findings(flags)
        .union(monthly_findings(flags), all=True)
        .order_by("severity_rank", "-day", "program_name", "kind", "-raised_at", "-flag_id")
    )


def shown_aggregates(program, kind, month) -> QuerySet:
    """The open monthly aggregate of one program, kind and month if it is shown, else nothing.
    The arguments may be values or OuterRefs (a delivery waits until its month is shown)."""
    flags = finding_flags().filter(program_id=program, kind=kind, month=month, resolved_at__isnull=True)
    return monthly_findings(flags).filter(withheld=False)


def feed_order(flags: QuerySet[Flag]) -> QuerySet[Flag]:
    """The most severe first; within a severity, by the day the thing happened or came due
    (`finding_day`), newest first; then the newest raised."""
    return flags.order_by(SEVERITY_RANK, finding_day().desc(), "-raised_at", "-id")


def flags_of_artist(artist) -> QuerySet[Flag]:
    """The flags about one artist's own records, for their ledger."""
    return Flag.objects.filter(artist=artist).select_related("program")


def open_flag_counts(flags: QuerySet[Flag]) -> list[tuple[str, str, int]]:
    """(kind, label, number open) for each kind with open flags."""
    counts = flags.filter(resolved_at__isnull=True).values_list("kind").annotate(n=Count("id")).order_by("kind")
    return [(kind, Flag.Kind(kind).label, n) for kind, n in counts]


def last_scan() -> JobRun | None:
    """The most recent scan that finished, for "last scan N minutes ago"."""
    return JobRun.objects.filter(status=JobRun.Status.SUCCEEDED).order_by("-finished_at").first()


def artist_label(flag: Flag) -> str:
    """Who a flag is about, as others may see it: a name only if the artist opted in."""
    artist = flag.artist
    if artist is None:
        return ""
    if artist.show_public_name and artist.public_name:
        return artist.public_name
    return "a tester (not named)"
