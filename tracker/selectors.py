"""Read-side queries for the pages. Every aggregate here goes through the privacy floor."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, Count, DecimalField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate

from artists.models import Artist
from feedback.models import Compensation, Contribution
from programs.models import Enrollment, Program
from programs.selectors import listed_programs
from tracker.models import Flag, JobRun


def suppressed_reason(artist_count: int) -> str:
    """Why an aggregate is hidden, or "" when it may be shown."""
    if artist_count < settings.MIN_GROUP_SIZE:
        return (
            f"Fewer than {settings.MIN_GROUP_SIZE} artists have logged work here; figures are hidden to protect them."
        )
    return ""


@dataclass(frozen=True)
class ProgramRow:
    program: Program
    artists: int
    testers_active: int | None
    testers_revoked: int | None
    contributions: int | None
    hours: Decimal | None
    suppressed_reason: str

    @property
    def suppressed(self) -> bool:
        return bool(self.suppressed_reason)


@dataclass(frozen=True)
class PlatformSummary:
    programs: int
    organizations: int
    artists: int
    contributions: int | None
    hours: Decimal | None
    cash_paid_by_currency: dict[str, Decimal]
    suppressed_reason: str


def program_rows() -> list[ProgramRow]:
    """One row per program with tester and contribution totals, in two queries."""
    programs = list(
        listed_programs().annotate(
            artists=Count("enrollments__artist", distinct=True),
            testers_active=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.ACTIVE), distinct=True),
            testers_revoked=Count(
                "enrollments", filter=Q(enrollments__status=Enrollment.Status.REVOKED), distinct=True
            ),
        )
    )
    work = {
        row["enrollment__program"]: row
        for row in Contribution.objects.filter(enrollment__program__is_listed=True)
        .values("enrollment__program")
        .annotate(contributions=Count("id"), hours=Sum("hours_spent"))
    }
    rows = []
    for program in programs:
        reason = suppressed_reason(program.artists)
        totals = work.get(program.pk, {"contributions": 0, "hours": Decimal("0")})
        rows.append(
            ProgramRow(
                program=program,
                artists=program.artists,
                testers_active=None if reason else program.testers_active,
                testers_revoked=None if reason else program.testers_revoked,
                contributions=None if reason else totals["contributions"],
                hours=None if reason else totals["hours"],
                suppressed_reason=reason,
            )
        )
    return rows


def platform_summary() -> PlatformSummary:
    artists = Artist.objects.filter(enrollments__program__is_listed=True).distinct().count()
    reason = suppressed_reason(artists)
    totals = Contribution.objects.filter(enrollment__program__is_listed=True).aggregate(
        contributions=Count("id"), hours=Coalesce(Sum("hours_spent"), Value(Decimal("0")), output_field=DecimalField())
    )
    cash = {
        row["enrollment__program__currency"]: row["total"]
        for row in Compensation.objects.filter(
            kind__in=Compensation.CASH_EQUIVALENT_KINDS, enrollment__program__is_listed=True
        )
        .values("enrollment__program__currency")
        .annotate(total=Sum("amount"))
        .order_by("enrollment__program__currency")
    }
    return PlatformSummary(
        programs=listed_programs().count(),
        organizations=listed_programs().values("organization").distinct().count(),
        artists=artists,
        contributions=None if reason else totals["contributions"],
        hours=None if reason else totals["hours"],
        cash_paid_by_currency={} if reason else cash,
        suppressed_reason=reason,
    )


def public_flags() -> QuerySet[Flag]:
    """Flags anyone may see: on listed programs, and never a flag about one artist in a
    program with fewer than MIN_GROUP_SIZE artists (the flag alone could identify them)."""
    small_programs = (
        Enrollment.objects.values("program")
        .annotate(n=Count("artist", distinct=True))
        .filter(n__lt=settings.MIN_GROUP_SIZE)
    ).values("program")
    return (
        Flag.objects.filter(program__is_listed=True)
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
