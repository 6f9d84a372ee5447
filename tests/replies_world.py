"""A small world for the right of reply's tests: two organizations, each with a listed
program and a representative; an open program-level finding on each program; an artist
finding about one artist's record (not public one by one); staff; a plain signed-in user."""

from dataclasses import dataclass

from django.utils import timezone

from programs.models import Program, Representative
from tests import factories
from tracker.models import Flag


@dataclass
class ReplyWorld:
    program: Program
    other_program: Program
    representative: object
    other_representative: object
    staff: object
    user: object
    finding: Flag
    other_finding: Flag
    artist_flag: Flag


MESSAGES = {
    Flag.Kind.UNDEFINED_TERMS: "The program does not define its terms.",
    Flag.Kind.MASS_REVOCATION: "Access was revoked for many testers at once.",
}


def open_finding(program: Program, kind=Flag.Kind.UNDEFINED_TERMS, **extra) -> Flag:
    return Flag.objects.create(
        kind=kind,
        severity=Flag.Severity.MEDIUM,
        program=program,
        subject_key=f"program:{program.pk}" if kind == Flag.Kind.UNDEFINED_TERMS else f"x:{program.pk}:{kind}",
        message=MESSAGES.get(kind, f"{program.name}: a finding."),
        raised_at=timezone.now(),
        **extra,
    )


def build_reply_world(program: Program | None = None) -> ReplyWorld:
    program = program or factories.ProgramFactory(
        name="Motion Preview", slug="motion-preview", organization__name="Halcyon Labs"
    )
    other_program = factories.ProgramFactory(name="Still Frames", organization__name="Pixel Works")
    representative = factories.UserFactory(username="halcyon_rep")
    other_representative = factories.UserFactory(username="pixel_rep")
    Representative.objects.create(user=representative, organization=program.organization)
    Representative.objects.create(user=other_representative, organization=other_program.organization)
    artist_flag = Flag.objects.create(
        kind=Flag.Kind.UNPAID_FEEDBACK,
        severity=Flag.Severity.HIGH,
        program=program,
        subject_key="contribution:999999",
        message="A contribution is unpaid past the terms.",
    )
    return ReplyWorld(
        program=program,
        other_program=other_program,
        representative=representative,
        other_representative=other_representative,
        staff=factories.UserFactory(username="tracker_staff", is_staff=True),
        user=factories.UserFactory(username="just_a_reader"),
        finding=open_finding(program),
        other_finding=open_finding(other_program),
        artist_flag=artist_flag,
    )
