"""revoked_without_reason: a revocation that states no reason (each revocation is a subject)."""

import pytest

from programs.services import delete_enrollment, reinstate_access, revoke_access, revoke_many, suspend_access
from tests.jobs.helpers import NOW, at, make_program, make_tester, make_testers, only_open_flag, scan
from tracker.models import Flag

pytestmark = pytest.mark.django_db

KIND = "revoked_without_reason"


@pytest.fixture
def tester():
    return make_tester(make_program())


def test_a_revocation_with_no_reason_raises_a_flag(tester):
    event = revoke_access(enrollment=tester, occurred_at=at("2026-04-10", "15:30"), notice_days=0)

    assert scan(KIND, NOW) == (1, 0)

    flag = only_open_flag(KIND)
    assert (flag.program, flag.artist, flag.subject_key) == (tester.program, tester.artist, f"accessevent:{event.pk}")
    assert flag.severity == Flag.Severity.MEDIUM
    assert flag.message == "Access revoked on 2026-04-10 with no reason."
    assert flag.details["access_event"] == event.pk
    assert flag.details["notice_days"] == 0


def test_a_reason_of_only_spaces_is_no_reason(tester):
    revoke_access(enrollment=tester, occurred_at=at("2026-04-10"), reason="   ")

    assert scan(KIND, NOW) == (1, 0)


def test_a_revocation_with_a_reason_raises_nothing(tester):
    revoke_access(enrollment=tester, occurred_at=at("2026-04-10"), reason="Shared confidential outputs.")

    assert scan(KIND, NOW) == (0, 0)


def test_a_suspension_with_no_reason_raises_nothing(tester):
    suspend_access(enrollment=tester, occurred_at=at("2026-04-10"))

    assert scan(KIND, NOW) == (0, 0)


def test_a_revocation_counts_from_the_moment_it_happened(tester):
    revoke_access(enrollment=tester, occurred_at=at("2026-04-10", "15:30"))

    assert scan(KIND, at("2026-04-10", "15:29:59")) == (0, 0)
    assert scan(KIND, at("2026-04-10", "15:30:00")) == (1, 0)


def test_each_revocation_of_a_bulk_revocation_is_its_own_flag():
    program = make_program()
    testers = make_testers(program, 3)
    revoke_many(enrollments=testers, occurred_at=at("2026-04-10"))

    assert scan(KIND, NOW) == (3, 0)

    assert {f.artist_id for f in Flag.objects.filter(kind=KIND)} == {t.artist_id for t in testers}


def test_each_revocation_of_one_tester_is_its_own_flag(tester):
    revoke_access(enrollment=tester, occurred_at=at("2026-04-10"))
    reinstate_access(enrollment=tester, occurred_at=at("2026-04-20"))
    revoke_access(enrollment=tester, occurred_at=at("2026-05-01"), reason="Program closed.")
    reinstate_access(enrollment=tester, occurred_at=at("2026-05-02"))
    revoke_access(enrollment=tester, occurred_at=at("2026-05-10"))

    assert scan(KIND, NOW) == (2, 0)


def test_reinstating_does_not_undo_a_revocation_without_reason(tester):
    revoke_access(enrollment=tester, occurred_at=at("2026-04-10"))
    scan(KIND, at("2026-04-11"))
    reinstate_access(enrollment=tester, occurred_at=at("2026-04-20"), reason="Sorry, our mistake.")

    assert scan(KIND, NOW) == (0, 0)
    assert only_open_flag(KIND).raised_at == at("2026-04-11")


def test_the_flag_is_resolved_when_the_artist_removes_the_program_from_their_ledger(tester):
    revoke_access(enrollment=tester, occurred_at=at("2026-04-10"))
    scan(KIND, at("2026-04-11"))
    delete_enrollment(enrollment=tester)

    assert scan(KIND, NOW) == (0, 1)

    assert Flag.objects.get(kind=KIND).resolved_at == NOW
