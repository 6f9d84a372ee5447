"""Reads for programs: which programs the public and an artist can see, and an artist's
enrollments and their access history."""

from django.db.models import Count, QuerySet

from programs.models import AccessEvent, Enrollment, Organization, Program


def listed_programs() -> QuerySet[Program]:
    """Programs shown publicly: everything but proposals staff have not approved yet."""
    return Program.objects.filter(is_listed=True).select_related("organization")


def listed_organizations() -> QuerySet[Organization]:
    return Organization.objects.filter(is_listed=True)


def programs_open_to(artist) -> QuerySet[Program]:
    """Programs an artist can join or log against: the listed ones and their own proposals."""
    return (listed_programs() | Program.objects.filter(proposed_by=artist)).select_related("organization")


def enrollments_of(artist) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(artist=artist).select_related("program", "program__organization")


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
