"""The flag feed put together from each program's cached part (tracker.feed) is exactly what
the one query over every program gives (tracker.selectors.public_findings and
tracker.unpaid_work), in the same order, after any mix of writes and scans, for every filter
and floor; and after a write to one program only that program's part is counted again."""

import datetime as dt
import random
import re
from dataclasses import astuple

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from artists.services import record_decision
from programs.models import Enrollment, Program
from programs.services import revoke_access, revoke_many
from tests.factories import set_verification
from tests.jobs.helpers import log_work, make_program, make_testers, pay, submit
from tracker import feed as feed_module
from tracker.filters import FindingFilter
from tracker.selectors import Finding, finding_flags, public_findings
from tracker.services import run_scan
from tracker.unpaid_work import unpaid_work

pytestmark = pytest.mark.django_db

# Names whose order differs between a case-blind and a byte order, and a program named as
# a prefix of another: the merge must order them as the database does.
NAMES = ["beta Preview", "Alpha Labs", "alpha", "Zeta", "_Underscore", "Ärger"]


def world(rng: random.Random) -> tuple[list[Program], dict]:
    programs = [
        make_program(
            name=name,
            payment_terms_days=rng.choice([7, 14]),
            approval_sla_days=3,
            promotion_required=True,
            responsible_use_definition="" if index == 4 else "No deepfakes.",
        )
        for index, name in enumerate(NAMES)
    ]
    testers = {p.pk: make_testers(p, rng.randint(3, 6)) for p in programs}
    return programs, testers


def random_write(rng: random.Random, programs: list[Program], testers: dict) -> Program:
    program = rng.choice(programs)
    tester = rng.choice(testers[program.pk])
    today = timezone.localdate()
    day = today - dt.timedelta(days=rng.randint(20, 150))
    action = rng.choice(["log", "log", "log", "promote", "pay", "work", "decide", "revoke", "unverify", "wave"])
    if action == "log":
        log_work(tester, day, hours=rng.choice(["0.50", "2.00", "6.25"]))
    elif action == "promote":
        log_work(tester, day, kind="promotion", hours="1.50", requested_by_program=True)
    elif action == "pay":
        unpaid = list(tester.contributions.filter(first_cash_paid_on__isnull=True).order_by("id"))
        if unpaid:
            chosen = rng.sample(unpaid, k=min(len(unpaid), 2))
            pay(tester, chosen, today, amount=str(rng.randint(20, 200)))
    elif action == "work":
        submitted = timezone.now() - dt.timedelta(days=rng.randint(10, 90))
        submit(tester, submitted)
    elif action == "decide":
        pending = tester.works.filter(status="pending").first()
        if pending:
            record_decision(work=pending, outcome="approved", decided_at=timezone.now() - dt.timedelta(hours=1))
    elif action == "revoke" and Enrollment.objects.get(pk=tester.pk).status == Enrollment.Status.ACTIVE:
        revoke_access(enrollment=tester, occurred_at=timezone.now() - dt.timedelta(days=rng.randint(1, 90)))
    elif action == "unverify":
        set_verification(tester, rng.choice([Enrollment.Verification.PENDING, Enrollment.Verification.VERIFIED]))
    elif action == "wave":
        ids = [t.pk for t in testers[program.pk]]
        active = list(Enrollment.objects.filter(pk__in=ids, status=Enrollment.Status.ACTIVE).order_by("pk"))
        if len(active) >= 3:
            revoke_many(enrollments=active, occurred_at=timezone.now() - dt.timedelta(days=rng.randint(2, 40)))
    return program


def queries(programs: list[Program]) -> list[dict]:
    months = sorted({f"{m:%Y-%m}" for m in finding_flags().values_list("month", flat=True) if m})
    asked = [{}, {"state": "resolved"}, {"program": programs[0].slug}]
    asked += [{"program": programs[3].slug, "state": "resolved"}]
    asked += [{"kind": kind} for kind in ("unpaid_feedback", "undefined_terms", "revoked_without_reason")]
    asked += [{"month": month} for month in months[-2:]]
    asked += [{"kind": "approval_overdue", "state": "resolved"}]
    return asked


def direct(query: dict) -> tuple[list[Finding], list]:
    """The feed as one query over every program (the view before tracker.feed)."""
    finding_filter = FindingFilter(query, queryset=finding_flags())
    assert finding_filter.is_valid(), finding_filter.errors
    rows = [Finding.from_row(row) for row in public_findings(finding_filter.qs)]
    return rows, [] if query.get("kind") else unpaid_work(finding_filter.qs)


def merged(query: dict) -> tuple[list[Finding], list]:
    finding_filter = FindingFilter(query, queryset=finding_flags())
    assert finding_filter.is_valid(), finding_filter.errors
    return feed_module.feed(finding_filter, with_unpaid=not query.get("kind"))


@pytest.mark.parametrize("floor", [1, 3])
@pytest.mark.parametrize("seed", range(2))
def test_the_feed_from_cached_parts_equals_the_one_query_after_random_writes(seed, floor, settings):
    settings.MIN_GROUP_SIZE = floor
    rng = random.Random(seed)
    programs, testers = world(rng)
    for _ in range(30):
        random_write(rng, programs, testers)
    run_scan()
    for query in queries(programs):
        merged(query)  # every program's part cached
    for _ in range(6):
        for _ in range(rng.randint(1, 3)):
            random_write(rng, programs, testers)  # some programs change, the others stay cached
        run_scan()
        if rng.random() < 0.3:
            program = rng.choice(programs)
            program.name = rng.choice(NAMES) + " 2"
            program.save()
        for query in queries(programs):
            assert merged(query) == direct(query), query


def test_the_worlds_have_findings_to_compare(settings):
    """The comparison above is not only of empty feeds: shown and withheld aggregates,
    program-level findings, resolved ones and unpaid work are all there."""
    settings.MIN_GROUP_SIZE = 3
    rng = random.Random(0)
    programs, testers = world(rng)
    for _ in range(3):
        for _ in range(15):
            random_write(rng, programs, testers)
        run_scan()
    for tester in testers[programs[0].pk]:
        owed = list(tester.contributions.filter(first_cash_paid_on__isnull=True))
        if owed:
            pay(tester, owed, timezone.localdate())
    run_scan()  # the pay resolves their flags
    rows, unpaid = merged({})
    resolved, _ = merged({"state": "resolved"})
    assert any(r.program_level for r in rows) and any(r.withheld for r in rows)
    assert any(not r.withheld and not r.program_level for r in rows)
    assert unpaid
    assert resolved
    assert len({r.program_name for r in rows}) >= 4


def test_a_write_to_one_program_counts_only_that_program_again(settings, monkeypatch):
    settings.MIN_GROUP_SIZE = 1
    rng = random.Random(1)
    programs, testers = world(rng)
    for _ in range(20):
        random_write(rng, programs, testers)
    run_scan()
    computed = []
    original = feed_module._compute

    def counting(flags, missing, with_unpaid):
        computed.append(sorted(p.pk for p in missing))
        return original(flags, missing, with_unpaid)

    monkeypatch.setattr(feed_module, "_compute", counting)
    first = merged({})
    assert computed == [sorted(p.pk for p in programs)]
    assert merged({}) == first and len(computed) == 1  # nothing changed: all from the cache

    log_work(testers[programs[2].pk][0], timezone.localdate() - dt.timedelta(days=40))
    run_scan()
    with CaptureQueriesContext(connection) as captured:
        found = merged({})
    assert found == direct({})
    assert computed[1:] == [[programs[2].pk]]
    assert len(captured) <= 6, [q["sql"][:80] for q in captured]


def page(client, query: dict) -> bytes:
    """The page, but for its CSRF token (masked afresh at each response)."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", client.get("/flags/", query).content)


def test_the_page_is_the_same_as_from_the_one_query(client, settings, monkeypatch):
    settings.MIN_GROUP_SIZE = 2
    rng = random.Random(2)
    programs, testers = world(rng)
    for _ in range(30):
        random_write(rng, programs, testers)
    run_scan()
    asked = [*queries(programs), {"page": 2}, {"state": "resolved", "page": 1}]
    monkeypatch.setattr("tracker.views.last_scan", lambda: None)  # "a second ago" moves with the clock
    pages = {str(q): page(client, q) for q in asked}

    def direct_rows(finding_filter, with_unpaid):
        rows, cells = direct(finding_filter.form.data.dict())
        return [feed_module.pack_finding(astuple(row)) for row in rows], [
            feed_module.pack_cell(astuple(cell)) for cell in cells
        ]

    monkeypatch.setattr("tracker.views.feed_rows", direct_rows)
    for query in asked:
        # A new write moves every version, so the direct feed is computed, not read from the cache.
        log_work(testers[programs[1].pk][0], timezone.localdate() - dt.timedelta(days=200))
        assert page(client, query) == pages[str(query)], query
