"""Read-side queries for the pages. Every aggregate here goes through the privacy floor."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from artists.models import Artist
from feedback.models import Compensation, Contribution
from programs.models import Enrollment, Program
from programs.selectors import listed_programs


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
