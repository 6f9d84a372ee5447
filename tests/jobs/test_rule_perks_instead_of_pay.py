"""perks_instead_of_pay: most of the value a program has given its verified testers is perks
(credits, free access, gifts, other) while due work of theirs is unpaid (owed > 0). A
program-level finding, public as it is: its message carries the share and the owed hours only
where the program publishes those figures (docs/metrics.md, "Flags").

Worked by hand: NOW is 2026-06-01 and the terms are 30 days, so work of 2026-03-02 is due.
"""

import pytest

from feedback.models import Compensation
from programs.models import Enrollment
from tests.jobs.helpers import NOW, at, flag_table, log_work, make_program, make_tester, make_testers, on, pay, scan
from tracker.models import Flag
from tracker.selectors import PROGRAM_KINDS

pytestmark = pytest.mark.django_db

KIND = "perks_instead_of_pay"
Pay = Compensation.Kind


def credits(enrollment, amount: str = "100.00", kind: str = Pay.CREDITS) -> None:
    pay(enrollment, [], on("2026-03-10"), kind=kind, amount=amount)


def test_ten_testers_paid_mostly_in_credits_with_five_unpaid_raise_a_finding_with_its_figures():
    # Ten testers each log 2 h on 03-02 and get 100.00 in credits; five of them are paid
    # 40.00 cash for their work. Cash 5 × 40 = 200, perks 10 × 100 = 1,000: 1,000 / 1,200 =
    # 83 % of the value given. The other five's 2 h are due and unpaid: 10 hours owed. Every
    # basis has at least 5 artists and none is dominated, so both numbers are published.
    program = make_program(payment_terms_days=30)
    testers = make_testers(program, 10)
    for index, tester in enumerate(testers):
        work = log_work(tester, on("2026-03-02"), hours="2.00")
        credits(tester)
        if index < 5:
            pay(tester, [work], on("2026-03-20"), amount="40.00")

    assert scan(KIND, NOW) == (1, 0)

    flag = Flag.objects.get(kind=KIND)
    assert (flag.program, flag.artist, flag.subject_key) == (program, None, f"program:{program.pk}")
    assert flag.severity == Flag.Severity.MEDIUM
    assert flag.message == (
        "Perks (credits, free access, gifts and other non-cash value) are 83% of the value this program has "
        "given its testers, while 10 hours of due work are unpaid."
    )
    assert flag.details == {"perks_share": 0.8333, "owed_hours": "10.00"}
    assert (flag.occurred_on, flag.due_on) == (None, None)
    assert Flag.Kind.PERKS_INSTEAD_OF_PAY in PROGRAM_KINDS


def test_below_the_floor_the_finding_exists_but_tells_no_number():
    # Three testers: credits 3 × 100 and no cash at all; one has due unpaid work. The
    # condition holds, but the program's pay and owed figures are withheld (fewer than 5
    # verified artists), so the message carries neither the share nor the hours.
    program = make_program()
    testers = make_testers(program, 3)
    for tester in testers:
        credits(tester, kind=Pay.FREE_ACCESS)
    log_work(testers[0], on("2026-03-02"), hours="3.00")

    assert scan(KIND, NOW) == (1, 0)

    flag = Flag.objects.get(kind=KIND)
    assert flag.message == (
        "Most of the value this program has given its testers is perks (credits, free access, gifts and other "
        "non-cash value), while due work is unpaid."
    )
    assert flag.details == {"perks_share": None, "owed_hours": None}
    assert not any(character.isdigit() for character in flag.message)


def test_perks_of_exactly_half_the_value_raise_nothing():
    # 100.00 cash and a 100.00 gift: perks are half, not more than half.
    program = make_program()
    [tester] = make_testers(program, 1)
    log_work(tester, on("2026-03-02"))
    pay(tester, [], on("2026-03-10"), amount="100.00")
    credits(tester, kind=Pay.GIFT)

    assert scan(KIND, NOW) == (0, 0)


def test_unpaid_work_not_yet_due_raises_nothing():
    # Work of 05-15 is due on 06-14, after NOW: nothing is owed yet, whatever the credits.
    program = make_program(payment_terms_days=30)
    [tester] = make_testers(program, 1)
    log_work(tester, on("2026-05-15"))
    credits(tester)

    assert scan(KIND, NOW) == (0, 0)


def test_an_unverified_testers_records_count_for_nothing():
    # The same records, from an enrollment whose participation is not verified.
    program = make_program()
    tester = make_tester(program, verification=Enrollment.Verification.PENDING)
    log_work(tester, on("2026-03-02"))
    credits(tester)

    assert scan(KIND, NOW) == (0, 0)


def test_paying_the_due_work_resolves_the_finding_and_a_second_run_changes_nothing():
    program = make_program()
    [tester] = make_testers(program, 1)
    work = log_work(tester, on("2026-03-02"))
    credits(tester)
    assert scan(KIND, at("2026-05-01")) == (1, 0)
    table = flag_table()
    assert scan(KIND, at("2026-05-02")) == (0, 0)
    assert flag_table() == table

    pay(tester, [work], on("2026-05-20"), amount="10.00")  # cash for it: nothing owed

    assert scan(KIND, NOW) == (0, 1)
    flag = Flag.objects.get(kind=KIND)
    assert (flag.raised_at, flag.resolved_at) == (at("2026-05-01"), NOW)


def test_cash_that_outweighs_the_perks_resolves_the_finding():
    # Still owed, but 150.00 cash (for nothing in particular) against 100.00 of credits.
    program = make_program()
    [tester] = make_testers(program, 1)
    log_work(tester, on("2026-03-02"))
    credits(tester)
    assert scan(KIND, at("2026-05-01")) == (1, 0)

    pay(tester, [], on("2026-05-20"), amount="150.00")

    assert scan(KIND, NOW) == (0, 1)


def test_each_program_is_judged_on_its_own_records():
    perks_only = make_program()
    paying = make_program()
    [a] = make_testers(perks_only, 1)
    [b] = make_testers(paying, 1)
    for tester in (a, b):
        log_work(tester, on("2026-03-02"))
        credits(tester)
    pay(b, [], on("2026-03-12"), amount="500.00")

    assert scan(KIND, NOW) == (1, 0)
    assert Flag.objects.get(kind=KIND).program == perks_only


def test_the_finding_is_public_as_it_is_at_the_flags_api(client):
    # A program-level finding: the public finds it by id, with its message and details.
    program = make_program(slug="perks-public")
    testers = make_testers(program, 3)
    for tester in testers:
        credits(tester)
    log_work(testers[0], on("2026-03-02"))
    scan(KIND, NOW)
    flag = Flag.objects.get(kind=KIND)

    response = client.get(f"/api/v1/flags/{flag.pk}/")

    assert response.status_code == 200
    data = response.json()
    assert (data["scope"], data["kind"], data["program"]) == ("program", KIND, "perks-public")
    assert data["message"] == flag.message
    assert data["details"] == {"perks_share": None, "owed_hours": None}


def test_an_incremental_scan_looks_only_at_the_programs_it_is_asked_about(monkeypatch):
    # Two programs paid only in credits with unpaid due work: a scan scoped to the first
    # raises its finding, computes no figure of the second (the rule's cost is a program's
    # figures each), and leaves it for the scan that asks about it.
    from tracker import flag_perks
    from tracker.flags import sync_rule

    computed = []
    real = flag_perks.program_metrics

    def recording(programs, **kwargs):
        computed.extend(program.pk for program in programs)
        return real(programs, **kwargs)

    monkeypatch.setattr(flag_perks, "program_metrics", recording)

    first, second = make_program(payment_terms_days=30), make_program(payment_terms_days=30)
    for program in (first, second):
        for tester in make_testers(program, 3):
            log_work(tester, on("2026-03-02"), hours="2.00")
            credits(tester)

    sync_rule(KIND, now=NOW, programs=[first.pk])

    assert list(Flag.objects.filter(kind=KIND).values_list("program", flat=True)) == [first.pk]
    assert computed == [first.pk]
    sync_rule(KIND, now=NOW)
    assert set(Flag.objects.filter(kind=KIND).values_list("program", flat=True)) == {first.pk, second.pk}
