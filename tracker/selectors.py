"""Read-side queries for the pages. Every figure comes from tracker.metrics, where the
privacy floor is applied; what is here only chooses, pairs and orders."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate

from programs.models import Enrollment, Program
from programs.selectors import listed_programs
from tracker.metrics import SORTABLE_FIGURES, Metrics, Period, program_metrics
from tracker.models import Flag, JobRun

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


def sort_program_rows(rows: list[ProgramRow], sort: str = DEFAULT_SORT) -> list[ProgramRow]:
    """Rows ordered by one field (`-field` for descending), ties by name. A suppressed
    program or a figure with no data comes last whichever the direction. Money sorts by
    amount whatever the currency (there is no exchange rate here)."""
    descending, field = sort.startswith("-"), sort.removeprefix("-")
    if field not in SORT_FIELDS:
        raise ValueError(f"Cannot sort programs by {field!r}.")
    by_name = sorted(rows, key=lambda row: row.program.name.casefold())
    known = [row for row in by_name if _sort_value(row, field) is not None]
    unknown = [row for row in by_name if _sort_value(row, field) is None]
    # Python's sort is stable also in reverse, so ties keep the name order.
    return sorted(known, key=lambda row: _sort_value(row, field), reverse=descending) + unknown


def program_table(
    programs: QuerySet[Program], *, sort: str = DEFAULT_SORT, period: Period | None = None
) -> list[ProgramRow]:
    """A programs table: each program with its Metrics, in a fixed number of queries."""
    by_slug = {program.slug: program for program in programs.select_related("organization")}
    metrics = program_metrics(programs, period=period or Period())
    return sort_program_rows([ProgramRow(by_slug[m.key], m) for m in metrics], sort)


def public_flags() -> QuerySet[Flag]:
    """Flags anyone may see: on listed programs, and never a flag about one artist in a
    program with fewer than MIN_GROUP_SIZE artists (the flag alone could identify them)."""
    small_programs = (
        Enrollment.objects.values("program")
        .annotate(n=Count("artist", distinct=True))
        .filter(n__lt=settings.MIN_GROUP_SIZE)
    ).values("program")
    return (
        Flag.objects.filter(program__in=listed_programs())
        .exclude(Q(artist__isnull=False) & Q(program__in=small_programs))
        .select_related("program", "artist")
    )


SEVERITY_RANK = Case(
    When(severity=Flag.Severity.HIGH, then=Value(0)),
    When(severity=Flag.Severity.MEDIUM, then=Value(1)),
    default=Value(2),
)


def newest_first(flags: QuerySet[Flag]) -> QuerySet[Flag]:
    """Newest day first; within a day, the most severe first."""
    return flags.order_by(TruncDate("raised_at").desc(), SEVERITY_RANK, "-raised_at", "-id")


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
