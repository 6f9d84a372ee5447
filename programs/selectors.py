"""Reads for programs: which programs the public and an artist can see, an artist's
enrollments and their access history, and the evidence behind verification (the artist's
own, or all of it for a reviewer)."""

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from programs.evidence import is_reviewer
from programs.models import AccessEvent, Enrollment, EnrollmentEvidence, Organization, Program, Representative


def reference_rate(program_path: str = "") -> Coalesce:
    """In a query: the program's own reference hourly rate, or the platform default
    (FAIR_HOURLY_RATE) when it published none (`Program.effective_reference_rate`)."""
    field = f"{program_path}__reference_hourly_rate" if program_path else "reference_hourly_rate"
    return Coalesce(
        F(field), Value(settings.FAIR_HOURLY_RATE), output_field=DecimalField(max_digits=10, decimal_places=2)
    )


def listed_programs() -> QuerySet[Program]:
    """Programs shown publicly: everything but proposals staff have not approved yet."""
    return Program.objects.filter(is_listed=True).select_related("organization")


def listed_organizations() -> QuerySet[Organization]:
    """Organizations shown publicly: the listed ones, and any that runs a listed program (its
    name is on that program's page, so its page must exist too, e.g. a company first named in
    an artist's proposal that staff then added a program of). A company named only in
    proposals staff have not approved stays hidden."""
    runs_a_listed_program = Exists(Program.objects.filter(organization=OuterRef("pk"), is_listed=True))
    return Organization.objects.filter(Q(is_listed=True) | runs_a_listed_program)


def programs_open_to(artist) -> QuerySet[Program]:
    """Programs an artist can join or log against: the listed ones and their own proposals."""
    return (listed_programs() | Program.objects.filter(proposed_by=artist)).select_related("organization")


def enrollments_of(artist) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(artist=artist).select_related("program", "program__organization")


def awaiting_verification(program: Program) -> int:
    """How many of the program's enrollments wait for a reviewer to see their evidence."""
    return Enrollment.objects.filter(program=program, verification=Enrollment.Verification.PENDING).count()


def joinable_programs(artist) -> QuerySet[Program]:
    """Programs the artist can add to their ledger: open to them and not joined yet."""
    return programs_open_to(artist).exclude(enrollments__artist=artist).order_by("name", "organization__name")


def access_history(enrollment: Enrollment) -> QuerySet[AccessEvent]:
    return enrollment.access_events.order_by("occurred_at", "id")


def enrollment_contents(enrollment: Enrollment) -> dict[str, int]:
    """How many records removing a program from the ledger deletes with it. The records the
    other apps keep under an enrollment are counted through their relations to it."""
    return {
        "access_events": enrollment.access_events.count(),
        "contributions": enrollment.contributions.count(),
        "works": enrollment.works.count(),
        "decisions": enrollment.works.aggregate(decisions=Count("decisions"))["decisions"],
        "compensations": enrollment.compensations.count(),
    }


def evidence_of(enrollment: Enrollment) -> QuerySet[EnrollmentEvidence]:
    return enrollment.evidence.order_by("uploaded_at", "id")


def readable_evidence(*, user, artist=None) -> QuerySet[EnrollmentEvidence]:
    """The evidence this user may read: a reviewer all of it, an artist (the current one,
    from config.auth) their own, anybody else none, the program's own accounts included."""
    evidence = EnrollmentEvidence.objects.select_related("enrollment")
    if is_reviewer(user):
        return evidence
    if artist is not None:
        return evidence.filter(enrollment__artist=artist)
    return evidence.none()


# Pending first, the one whose latest evidence is oldest first; then the rest. (Expressions,
# so that the admin's queue can take it as its ordering.)
REVIEW_ORDER = (
    Case(
        When(verification=Enrollment.Verification.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
    ).asc(),
    F("last_evidence_at").asc(),
    F("id").asc(),
)


def review_queue(*, with_evidence: bool = False) -> QuerySet[Enrollment]:
    """Enrollments as a reviewer sees them, with their program and handle (and, asked for,
    their evidence), in REVIEW_ORDER."""
    queue = (
        Enrollment.objects.select_related("program", "artist")
        .annotate(last_evidence_at=Max("evidence__uploaded_at"))
        .order_by(*REVIEW_ORDER)
    )
    if with_evidence:
        queue = queue.prefetch_related(
            Prefetch("evidence", queryset=EnrollmentEvidence.objects.order_by("uploaded_at", "id"))
        )
    return queue


def represents(user, organization) -> bool:
    """Whether a user account speaks for the organization (staff linked it in the admin)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return Representative.objects.filter(user=user, organization=organization).exists()
