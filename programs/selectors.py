"""Reads for programs: which programs the public and an artist can see."""

from django.db.models import Q, QuerySet

from programs.models import Enrollment, Organization, Program


def listed_programs() -> QuerySet[Program]:
    """Programs shown publicly: everything but proposals staff have not approved yet."""
    return Program.objects.filter(is_listed=True).select_related("organization")


def listed_organizations() -> QuerySet[Organization]:
    return Organization.objects.filter(is_listed=True)


def programs_open_to(artist) -> QuerySet[Program]:
    """Programs an artist can join or log against: the listed ones and their own proposals."""
    return Program.objects.filter(Q(is_listed=True) | Q(proposed_by=artist)).select_related("organization")


def enrollments_of(artist) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(artist=artist).select_related("program", "program__organization")
