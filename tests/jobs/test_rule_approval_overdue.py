"""approval_overdue: a work waits for a decision longer than the program's approval SLA.

Exactly at the SLA the program is still on time; a second later it is not.
"""

import datetime as dt

import pytest

from artists.models import ApprovalDecision
from artists.services import record_decision
from tests.jobs.helpers import NOW, at, make_program, make_tester, only_open_flag, scan, submit
from tracker.models import Flag

pytestmark = pytest.mark.django_db

KIND = "approval_overdue"
SUBMITTED_AT = at("2026-05-01", "10:00")
# 14 days after SUBMITTED_AT.
SLA_ENDS = at("2026-05-15", "10:00")


@pytest.fixture
def tester():
    return make_tester(make_program(approval_sla_days=14))


def test_a_work_pending_past_the_sla_raises_a_flag(tester):
    work = submit(tester, SUBMITTED_AT)

    assert scan(KIND, NOW) == (1, 0)

    flag = only_open_flag(KIND)
    assert (flag.program, flag.artist, flag.subject_key) == (tester.program, tester.artist, f"work:{work.pk}")
    assert flag.severity == Flag.Severity.LOW
    assert flag.message == (
        "A work submitted on 2026-05-01 is still waiting for a decision; the program promises one within 14 days."
    )
    assert flag.details["work"] == work.pk
    assert work.title not in flag.message


def test_a_work_pending_exactly_at_the_sla_is_not_overdue(tester):
    submit(tester, SUBMITTED_AT)

    assert scan(KIND, SLA_ENDS) == (0, 0)


def test_a_work_pending_one_second_past_the_sla_is_overdue(tester):
    submit(tester, SUBMITTED_AT)

    assert scan(KIND, SLA_ENDS + dt.timedelta(seconds=1)) == (1, 0)


def test_the_sla_is_the_programs_own():
    tester = make_tester(make_program(approval_sla_days=3))
    submit(tester, SUBMITTED_AT)

    assert scan(KIND, at("2026-05-04", "10:00")) == (0, 0)
    assert scan(KIND, at("2026-05-04", "10:01")) == (1, 0)


@pytest.mark.parametrize("outcome", ApprovalDecision.Outcome.values)
def test_a_decided_work_raises_nothing_even_when_decided_late(tester, outcome):
    work = submit(tester, SUBMITTED_AT)
    record_decision(work=work, outcome=outcome, decided_at=at("2026-05-30"))

    assert scan(KIND, NOW) == (0, 0)


def test_a_decision_resolves_the_flag(tester):
    work = submit(tester, SUBMITTED_AT)
    scan(KIND, at("2026-05-20"))
    record_decision(work=work, outcome=ApprovalDecision.Outcome.REJECTED, decided_at=at("2026-05-25"))

    assert scan(KIND, NOW) == (0, 1)

    flag = Flag.objects.get(kind=KIND)
    assert (flag.raised_at, flag.resolved_at) == (at("2026-05-20"), NOW)


def test_only_the_decided_works_flag_is_resolved(tester):
    decided, waiting = submit(tester, SUBMITTED_AT), submit(tester, SUBMITTED_AT + dt.timedelta(hours=1))
    scan(KIND, at("2026-05-20"))
    record_decision(work=decided, outcome=ApprovalDecision.Outcome.APPROVED, decided_at=at("2026-05-25"))

    assert scan(KIND, NOW) == (0, 1)

    assert only_open_flag(KIND).subject_key == f"work:{waiting.pk}"
