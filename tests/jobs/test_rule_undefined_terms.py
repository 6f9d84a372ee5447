"""undefined_terms: an active program that has not defined "responsible use" or
"confidential content" (a program-level flag, about no artist)."""

import pytest

from programs.models import Program
from tests.jobs.helpers import NOW, at, make_program, only_open_flag, scan
from tracker.models import Flag

pytestmark = pytest.mark.django_db

KIND = "undefined_terms"
DEFINED = "Spelled out in section 4 of the tester agreement."


def publish_terms(program: Program, **definitions) -> None:
    """Staff record the program's definitions (as the admin does)."""
    for field, text in definitions.items():
        setattr(program, field, text)
    program.full_clean()
    program.save()


@pytest.mark.parametrize(
    "responsible_use, confidential_content",
    [("", DEFINED), (DEFINED, ""), ("", ""), ("   \n\t", DEFINED)],
    ids=["no-responsible-use", "no-confidential-content", "neither", "only-whitespace"],
)
def test_an_active_program_missing_a_definition_raises_a_flag(responsible_use, confidential_content):
    program = make_program(
        responsible_use_definition=responsible_use, confidential_content_definition=confidential_content
    )

    assert scan(KIND, NOW) == (1, 0)

    flag = only_open_flag(KIND)
    assert (flag.program, flag.artist, flag.subject_key) == (program, None, f"program:{program.pk}")
    assert flag.severity == Flag.Severity.MEDIUM
    assert flag.message == 'The program has not defined what "responsible use" or "confidential content" mean.'
    assert flag.details == {
        "responsible_use_defined": bool(responsible_use.strip()),
        "confidential_content_defined": bool(confidential_content.strip()),
    }


def test_an_active_program_with_both_definitions_raises_nothing():
    make_program(responsible_use_definition=DEFINED, confidential_content_definition=DEFINED)

    assert scan(KIND, NOW) == (0, 0)


@pytest.mark.parametrize("status", [Program.Status.ANNOUNCED, Program.Status.SUSPENDED, Program.Status.CLOSED])
def test_a_program_that_is_not_active_raises_nothing_even_with_blank_terms(status):
    make_program(status=status, responsible_use_definition="", confidential_content_definition="")

    assert scan(KIND, NOW) == (0, 0)


def test_publishing_the_terms_resolves_the_flag():
    program = make_program(responsible_use_definition="")
    scan(KIND, at("2026-05-01"))
    publish_terms(program, responsible_use_definition=DEFINED)

    assert scan(KIND, NOW) == (0, 1)

    flag = Flag.objects.get(kind=KIND)
    assert (flag.raised_at, flag.resolved_at) == (at("2026-05-01"), NOW)


def test_a_program_that_stops_being_active_has_its_flag_resolved():
    program = make_program(responsible_use_definition="")
    scan(KIND, at("2026-05-01"))
    publish_terms(program, status=Program.Status.CLOSED)

    assert scan(KIND, NOW) == (0, 1)


def test_withdrawing_published_terms_raises_a_new_flag():
    program = make_program(responsible_use_definition="")
    scan(KIND, at("2026-05-01"))
    publish_terms(program, responsible_use_definition=DEFINED)
    scan(KIND, at("2026-05-02"))
    publish_terms(program, responsible_use_definition="")

    assert scan(KIND, NOW) == (1, 0)

    first, second = Flag.objects.filter(kind=KIND).order_by("raised_at")
    assert (first.raised_at, first.resolved_at) == (at("2026-05-01"), at("2026-05-02"))
    assert (second.raised_at, second.resolved_at) == (NOW, None)


def test_each_program_is_its_own_subject():
    programs = [make_program(responsible_use_definition="") for _ in range(3)]
    make_program()

    assert scan(KIND, NOW) == (3, 0)

    assert {f.program_id for f in Flag.objects.filter(kind=KIND)} == {p.pk for p in programs}
