"""What every flag rule does (docs/metrics.md, "Flags"): raise one flag per subject with the right
program, artist, severity and a message that names no one; change nothing on a second run;
stay one database statement however much data there is.

The rule-specific cases (near misses, boundaries, resolution) are in test_rule_<kind>.py.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import transaction

from artists.models import Artist
from feedback.models import Compensation, Contribution
from programs.models import Program
from programs.services import revoke_access, revoke_many
from tests.jobs.helpers import (
    NOW,
    at,
    flag_table,
    log_work,
    make_program,
    make_tester,
    make_testers,
    on,
    only_open_flag,
    pay,
    scan,
    submit,
)
from tests.refusals import refused_by_database
from tracker.flags import RULES, sync_rule
from tracker.models import Flag

pytestmark = pytest.mark.django_db

HANDLE = "quiet_heron"


@dataclass
class Expected:
    program: Program
    subject_key: str
    artist: Artist | None
    # The day the thing happened and the day it came due (None where nothing comes due).
    occurred_on: dt.date | None = None
    due_on: dt.date | None = None


def unpaid_feedback_world() -> Expected:
    program = make_program(payment_terms_days=30)
    tester = make_tester(program, handle=HANDLE)
    contribution = log_work(tester, on("2026-03-01"))
    # Paid within 30 days: due on 2026-03-31.
    return Expected(program, f"contribution:{contribution.pk}", tester.artist, on("2026-03-01"), on("2026-03-31"))


def uncompensated_promotion_world() -> Expected:
    program = make_program(payment_terms_days=30)
    tester = make_tester(program, handle=HANDLE)
    promotion = log_work(tester, on("2026-04-20"), kind=Contribution.Kind.PROMOTION, requested_by_program=True)
    # Due 30 days later, on 2026-05-20: late at NOW (2026-06-01).
    return Expected(program, f"contribution:{promotion.pk}", tester.artist, on("2026-04-20"), on("2026-05-20"))


def mass_revocation_world() -> Expected:
    program = make_program()
    testers = make_testers(program, 11) + [make_tester(program, handle=HANDLE)]
    revoke_many(enrollments=testers[-10:], occurred_at=at("2026-05-10", "09:00"))
    return Expected(program, f"revocations:{program.pk}:2026-05-10", None, on("2026-05-10"))


def revoked_with_unpaid_work_world() -> Expected:
    program = make_program()
    tester = make_tester(program, handle=HANDLE)
    log_work(tester, on("2026-04-01"))
    revoke_access(enrollment=tester, occurred_at=at("2026-04-10"), reason="Program paused.")
    return Expected(program, f"enrollment:{tester.pk}", tester.artist, on("2026-04-10"))


def revoked_without_reason_world() -> Expected:
    program = make_program()
    tester = make_tester(program, handle=HANDLE)
    event = revoke_access(enrollment=tester, occurred_at=at("2026-04-10"))
    return Expected(program, f"accessevent:{event.pk}", tester.artist, on("2026-04-10"))


def approval_overdue_world() -> Expected:
    program = make_program(approval_sla_days=14)
    tester = make_tester(program, handle=HANDLE)
    work = submit(tester, at("2026-05-01"))
    # Submitted 2026-05-01 12:00 UTC, a decision promised within 14 days: due 2026-05-15.
    return Expected(program, f"work:{work.pk}", tester.artist, on("2026-05-01"), on("2026-05-15"))


def undefined_terms_world() -> Expected:
    program = make_program(confidential_content_definition="")
    make_tester(program, handle=HANDLE)
    return Expected(program, f"program:{program.pk}", None)


def perks_instead_of_pay_world() -> Expected:
    program = make_program(payment_terms_days=30)
    tester = make_tester(program, handle=HANDLE)
    log_work(tester, on("2026-03-01"))  # unpaid, due 2026-03-31
    pay(tester, [], on("2026-03-10"), kind=Compensation.Kind.CREDITS, amount="100.00")  # all the value given
    # A state of the program's pay, not an event: no day of its own.
    return Expected(program, f"program:{program.pk}", None)


RAISING_WORLDS = {
    "unpaid_feedback": unpaid_feedback_world,
    "uncompensated_promotion": uncompensated_promotion_world,
    "mass_revocation": mass_revocation_world,
    "revoked_with_unpaid_work": revoked_with_unpaid_work_world,
    "revoked_without_reason": revoked_without_reason_world,
    "approval_overdue": approval_overdue_world,
    "undefined_terms": undefined_terms_world,
    "perks_instead_of_pay": perks_instead_of_pay_world,
}

# Severity is part of what a flag says: losing access or losing pay for it is the gravest.
SEVERITIES = {
    "unpaid_feedback": "medium",
    "uncompensated_promotion": "medium",
    "mass_revocation": "high",
    "revoked_with_unpaid_work": "high",
    "revoked_without_reason": "medium",
    "approval_overdue": "low",
    "undefined_terms": "medium",
    "perks_instead_of_pay": "medium",
}


def test_every_rule_has_a_world_that_raises_it():
    assert set(RAISING_WORLDS) == set(RULES) == set(Flag.Kind.values)


@pytest.mark.parametrize("kind", RAISING_WORLDS)
def test_a_rule_whose_condition_holds_raises_one_open_flag_about_its_subject(kind):
    expected = RAISING_WORLDS[kind]()

    assert scan(kind, NOW) == (1, 0)

    flag = only_open_flag(kind)
    assert flag.program == expected.program
    assert flag.subject_key == expected.subject_key
    assert flag.artist == expected.artist
    assert flag.severity == SEVERITIES[kind]
    assert flag.raised_at == NOW
    assert flag.resolved_at is None
    assert flag.message
    assert Flag.objects.count() == 1


@pytest.mark.parametrize("kind", RAISING_WORLDS)
def test_a_rule_stores_when_the_thing_happened_and_came_due_apart_from_the_scan(kind):
    expected = RAISING_WORLDS[kind]()

    scan(kind, NOW)

    flag = only_open_flag(kind)
    assert (flag.occurred_on, flag.due_on) == (expected.occurred_on, expected.due_on)
    assert flag.raised_at == NOW


@pytest.mark.parametrize("kind", RAISING_WORLDS)
def test_a_flag_message_never_names_the_artist(kind):
    RAISING_WORLDS[kind]()

    scan(kind, NOW)

    flag = only_open_flag(kind)
    assert HANDLE not in flag.message
    assert HANDLE not in str(flag.details)


@pytest.mark.parametrize("kind", RAISING_WORLDS)
def test_a_second_run_at_the_same_time_changes_nothing(kind):
    RAISING_WORLDS[kind]()
    scan(kind, NOW)
    before = flag_table()

    assert scan(kind, NOW) == (0, 0)

    assert flag_table() == before


@pytest.mark.parametrize("kind", RAISING_WORLDS)
def test_a_later_run_keeps_the_open_flag_as_it_was_raised(kind):
    RAISING_WORLDS[kind]()
    scan(kind, NOW)
    before = flag_table()

    assert scan(kind, NOW + dt.timedelta(days=1)) == (0, 0)

    assert flag_table() == before


@pytest.mark.parametrize("kind", RAISING_WORLDS)
def test_a_rule_whose_condition_does_not_hold_yet_raises_nothing(kind):
    RAISING_WORLDS[kind]()

    # Before anything in the world happened (undefined terms do not depend on time).
    raised, resolved = scan(kind, at("2026-01-01", "00:00"))

    assert resolved == 0
    assert raised == (1 if kind == "undefined_terms" else 0)


def test_a_rule_raises_nothing_in_an_empty_world():
    for kind in RULES:
        assert scan(kind, NOW) == (0, 0)
    assert not Flag.objects.exists()


def test_an_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="Unknown rule 'nope'"):
        sync_rule("nope", now=NOW)


# The database's own guard: one open flag per kind and subject.


def flag(program, *, kind="unpaid_feedback", subject_key="contribution:1", **fields) -> Flag:
    return Flag.objects.create(
        kind=kind, severity="medium", program=program, subject_key=subject_key, message="Unpaid.", **fields
    )


def test_the_database_refuses_a_second_open_flag_of_the_same_kind_and_subject():
    program = make_program()
    flag(program)

    with refused_by_database("flag_one_open_per_kind_subject"):
        flag(program)

    assert Flag.objects.count() == 1


def test_the_database_allows_a_new_flag_once_the_first_is_resolved():
    program = make_program()
    first = flag(program, raised_at=NOW - dt.timedelta(days=2), resolved_at=NOW - dt.timedelta(days=1))

    second = flag(program, raised_at=NOW)

    assert first.subject_key == second.subject_key
    assert Flag.objects.filter(resolved_at__isnull=True).get() == second


def test_the_database_allows_open_flags_of_other_kinds_or_subjects():
    program = make_program()
    flag(program)
    with transaction.atomic():
        flag(program, kind="uncompensated_promotion")
        flag(program, subject_key="contribution:2")

    assert Flag.objects.count() == 3


def test_the_database_refuses_a_flag_resolved_before_it_was_raised():
    program = make_program()

    with refused_by_database("flag_resolved_after_raised"):
        flag(program, raised_at=NOW, resolved_at=NOW - dt.timedelta(seconds=1))


# One statement per rule, however many subjects.


def world_of(size: int) -> Program:
    """`size` testers, each with an unpaid requested promotion and a pending work, all revoked
    at once without a reason, in a program that has not defined its terms and gave them
    credits only: every rule has `size` subjects (mass revocation one, once there are ten;
    the program-level rules one)."""
    program = make_program(responsible_use_definition="")
    testers = make_testers(program, size)
    for tester in testers:
        log_work(tester, on("2026-03-01"), kind=Contribution.Kind.PROMOTION, requested_by_program=True)
        submit(tester, at("2026-03-02"))
        pay(tester, [], on("2026-03-05"), kind=Compensation.Kind.CREDITS, amount="20.00")
    revoke_many(enrollments=testers, occurred_at=at("2026-04-01"))
    return program


def expected_raised(kind: str, size: int) -> int:
    if kind in ("undefined_terms", "perks_instead_of_pay"):
        return 1
    if kind == "mass_revocation":
        return 1 if size >= 10 else 0
    return size


MAX_QUERIES_PER_RULE = 5
# perks_instead_of_pay writes the program's published figures into its message: it reads the
# payments and contributions of every program, then the figures of those where the
# condition holds (tracker.metrics: a fixed number of grouped queries, however many programs).
MAX_QUERIES = {"perks_instead_of_pay": MAX_QUERIES_PER_RULE + 22}


def queries_per_rule(django_assert_max_num_queries, size: int) -> dict[str, int]:
    """Run every rule at NOW; check what each raised and return how many queries it took."""
    queries = {}
    for kind in RULES:
        with django_assert_max_num_queries(MAX_QUERIES.get(kind, MAX_QUERIES_PER_RULE)) as captured:
            result = sync_rule(kind, now=NOW)
        queries[kind] = len(captured)
        assert result.raised == expected_raised(kind, size), kind
    return queries


def test_each_rule_runs_the_same_few_queries_for_5_subjects_as_for_50(django_assert_max_num_queries):
    world_of(5)
    with_5 = queries_per_rule(django_assert_max_num_queries, 5)

    world_of(45)
    with_50 = queries_per_rule(django_assert_max_num_queries, 45)

    assert with_50 == with_5
