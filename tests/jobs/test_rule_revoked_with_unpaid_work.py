"""revoked_with_unpaid_work: an enrollment is revoked while it has uncompensated contributions."""

import pytest

from feedback.models import Compensation
from programs.services import reinstate_access, revoke_access, suspend_access
from tests.jobs.helpers import NOW, at, log_work, make_program, make_tester, on, only_open_flag, pay, scan
from tracker.models import Flag

pytestmark = pytest.mark.django_db

KIND = "revoked_with_unpaid_work"


@pytest.fixture
def tester():
    return make_tester(make_program())


def test_revoking_a_tester_with_unpaid_work_raises_a_flag(tester):
    log_work(tester, on("2026-04-01"))
    revoke_access(enrollment=tester, occurred_at=at("2026-04-10"), reason="Program paused.")

    assert scan(KIND, NOW) == (1, 0)

    flag = only_open_flag(KIND)
    assert (flag.program, flag.artist, flag.subject_key) == (tester.program, tester.artist, f"enrollment:{tester.pk}")
    assert flag.severity == Flag.Severity.HIGH
    assert flag.message == "A tester's access was revoked while work they gave is still unpaid."
    assert flag.details == {"enrollment": tester.pk}


def test_one_flag_per_revoked_tester_however_much_is_unpaid(tester):
    for day in ("2026-04-01", "2026-04-02", "2026-04-03"):
        log_work(tester, on(day))
    revoke_access(enrollment=tester, occurred_at=at("2026-04-10"))

    assert scan(KIND, NOW) == (1, 0)


def test_revoking_a_tester_whose_work_is_all_paid_raises_nothing(tester):
    contributions = [log_work(tester, on("2026-04-01")), log_work(tester, on("2026-04-02"))]
    pay(tester, contributions, on("2026-04-05"))
    revoke_access(enrollment=tester, occurred_at=at("2026-04-10"))

    assert scan(KIND, NOW) == (0, 0)


def test_revoking_a_tester_who_logged_no_work_raises_nothing(tester):
    revoke_access(enrollment=tester, occurred_at=at("2026-04-10"))

    assert scan(KIND, NOW) == (0, 0)


def test_work_paid_only_in_credits_counts_as_unpaid(tester):
    contribution = log_work(tester, on("2026-04-01"))
    pay(tester, [contribution], on("2026-04-05"), kind=Compensation.Kind.CREDITS)
    revoke_access(enrollment=tester, occurred_at=at("2026-04-10"))

    assert scan(KIND, NOW) == (1, 0)


def test_an_active_tester_with_unpaid_work_raises_nothing(tester):
    log_work(tester, on("2026-04-01"))

    assert scan(KIND, NOW) == (0, 0)


def test_a_suspended_tester_with_unpaid_work_raises_nothing(tester):
    log_work(tester, on("2026-04-01"))
    suspend_access(enrollment=tester, occurred_at=at("2026-04-10"))

    assert scan(KIND, NOW) == (0, 0)


def test_work_logged_after_the_scans_now_is_not_counted(tester):
    log_work(tester, on("2026-04-20"))
    revoke_access(enrollment=tester, occurred_at=at("2026-04-21"))

    assert scan(KIND, at("2026-04-19")) == (0, 0)
    assert scan(KIND, at("2026-04-22")) == (1, 0)


def test_reinstating_and_paying_resolves_the_flag(tester):
    contribution = log_work(tester, on("2026-04-01"))
    revoke_access(enrollment=tester, occurred_at=at("2026-04-10"))
    scan(KIND, at("2026-04-11"))
    reinstate_access(enrollment=tester, occurred_at=at("2026-04-20"), reason="Appeal upheld.")
    pay(tester, [contribution], on("2026-04-25"))

    assert scan(KIND, NOW) == (0, 1)

    flag = Flag.objects.get(kind=KIND)
    assert (flag.raised_at, flag.resolved_at) == (at("2026-04-11"), NOW)


def test_paying_everything_owed_resolves_the_flag_even_while_revoked(tester):
    contribution = log_work(tester, on("2026-04-01"))
    revoke_access(enrollment=tester, occurred_at=at("2026-04-10"))
    scan(KIND, at("2026-04-11"))
    pay(tester, [contribution], on("2026-04-25"))

    assert scan(KIND, NOW) == (0, 1)


def test_reinstating_resolves_the_flag_as_the_tester_is_no_longer_revoked(tester):
    log_work(tester, on("2026-04-01"))
    revoke_access(enrollment=tester, occurred_at=at("2026-04-10"))
    scan(KIND, at("2026-04-11"))
    reinstate_access(enrollment=tester, occurred_at=at("2026-04-20"))

    assert scan(KIND, at("2026-04-21")) == (0, 1)


def test_revoked_again_with_unpaid_work_raises_a_new_flag(tester):
    log_work(tester, on("2026-04-01"))
    revoke_access(enrollment=tester, occurred_at=at("2026-04-10"))
    scan(KIND, at("2026-04-11"))
    reinstate_access(enrollment=tester, occurred_at=at("2026-04-20"))
    scan(KIND, at("2026-04-21"))
    revoke_access(enrollment=tester, occurred_at=at("2026-05-01"))

    assert scan(KIND, NOW) == (1, 0)

    first, second = Flag.objects.filter(kind=KIND).order_by("raised_at")
    assert (first.raised_at, first.resolved_at) == (at("2026-04-11"), at("2026-04-21"))
    assert (second.raised_at, second.resolved_at) == (NOW, None)
    assert first.subject_key == second.subject_key == f"enrollment:{tester.pk}"
