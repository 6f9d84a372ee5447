"""A write changes the version of the programs whose records it touched, and no other
(tracker.models.ProgramChange, migration tracker/0007), however it is made."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from artists.models import ApprovalDecision
from feedback.models import CompensationAllocation, Contribution
from programs.models import Organization, Program
from tests.factories import CompensationFactory, ContributionFactory, EnrollmentFactory, WorkFactory
from tracker.cache import program_versions
from tracker.models import Flag, ProgramChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def two():
    return EnrollmentFactory(), EnrollmentFactory()


def changed(write, *enrollments) -> set[int]:
    """The programs (of `enrollments`) whose version `write` moved."""
    ids = [e.program_id for e in enrollments]
    before = program_versions(ids)
    write()
    after = program_versions(ids)
    return {pk for pk in ids if after[pk] != before[pk]}


def test_each_kind_of_write_moves_only_its_programs_version(two):
    mine, other = two
    work = WorkFactory(enrollment=mine)
    contribution = ContributionFactory(enrollment=mine)
    compensation = CompensationFactory(enrollment=mine)
    writes = {
        "contribution": lambda: ContributionFactory(enrollment=mine),
        "bulk update": lambda: Contribution.objects.filter(enrollment=mine).update(hours_spent=Decimal("3")),
        "payment": lambda: CompensationFactory(enrollment=mine),
        "allocation": lambda: CompensationAllocation.objects.create(
            compensation=compensation, contribution=contribution, amount=Decimal("5")
        ),
        "decision": lambda: ApprovalDecision.objects.create(
            work=work, outcome=ApprovalDecision.Outcome.APPROVED, decided_at=dt.datetime.now(dt.UTC)
        ),
        "program": lambda: Program.objects.filter(pk=mine.program_id).update(payment_terms_days=10),
        "organization": lambda: Organization.objects.filter(pk=mine.program.organization_id).update(name="Renamed"),
        "delete": lambda: Contribution.objects.filter(enrollment=mine).delete(),
    }
    for name, write in writes.items():
        assert changed(write, mine, other) == {mine.program_id}, name


def test_raw_sql_moves_the_version_too(two):
    mine, other = two
    contribution = ContributionFactory(enrollment=mine)

    def raw():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE feedback_contribution SET title = 'raw' WHERE id = %s", [contribution.pk])

    assert changed(raw, mine, other) == {mine.program_id}


def test_a_flag_moves_the_version_but_not_what_the_scan_reads(two):
    mine, _ = two
    before = ProgramChange.objects.get(program_id=mine.program_id)
    Flag.objects.create(
        kind=Flag.Kind.UNDEFINED_TERMS, severity="medium", program=mine.program, subject_key="program:x", message="m"
    )
    after = ProgramChange.objects.get(program_id=mine.program_id)
    assert after.version > before.version
    assert after.source_version == before.source_version
