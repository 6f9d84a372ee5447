"""Pooled figures added up from each program's cached parts (tracker.pooled) are exactly the
figures computed from the records (`live=True`), after any mix of writes: the cache then
holds the parts of the programs not written to, and recomputes the others."""

import datetime as dt
import random
from dataclasses import fields
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from artists.services import record_decision
from programs.models import Enrollment, Program
from programs.services import revoke_access
from tests.factories import OrganizationFactory, set_verification
from tests.jobs.helpers import log_work, make_program, make_testers, pay, submit
from tracker.metrics import Metrics, organization_metrics, platform_metrics, program_metrics
from tracker.periods import ALL, Period
from tracker.program_figures import program_figures

pytestmark = pytest.mark.django_db

PERIODS = [ALL, Period(year=2026), Period(year=2026, month=3)]


def world(rng: random.Random):
    organization = OrganizationFactory()
    programs = [
        make_program(
            organization=organization,
            currency=rng.choice(["USD", "USD", "EUR"]),
            reference_hourly_rate=Decimal(rng.choice(["30.00", "45.00"])),
            payment_terms_days=rng.choice([14, 30]),
        )
        for _ in range(3)
    ]
    testers = {p.pk: make_testers(p, rng.randint(4, 7)) for p in programs}
    return organization, programs, testers


def random_write(rng: random.Random, programs, testers) -> None:
    program = rng.choice(programs)
    tester = rng.choice(testers[program.pk])
    day = dt.date(2026, rng.randint(2, 10), rng.randint(1, 28))
    action = rng.choice(["log", "log", "pay", "pay", "work", "decide", "showcase", "showcase", "revoke", "unverify"])
    if action == "log":
        log_work(tester, day, hours=rng.choice(["0.50", "2.00", "6.25"]), kind=rng.choice(["survey", "promotion"]))
    elif action == "pay":
        owed = [t for t in testers[program.pk] if t.contributions.filter(first_cash_paid_on__isnull=True).exists()]
        if owed:
            tester = rng.choice(owed)
            unpaid = list(tester.contributions.filter(first_cash_paid_on__isnull=True).order_by("id"))
            chosen = rng.sample(unpaid, k=min(len(unpaid), 2))
            latest = max(c.occurred_on for c in chosen)
            paid_on = min(latest + dt.timedelta(days=rng.randint(1, 60)), timezone.localdate())
            pay(tester, chosen, paid_on, amount=str(rng.randint(20, 200)))
    elif action == "work":
        submit(tester, timezone.make_aware(dt.datetime(2026, day.month, day.day, rng.randint(0, 23))))
    elif action == "decide":
        pending = tester.works.filter(status="pending").first()
        if pending:
            decided = pending.submitted_at + dt.timedelta(hours=rng.randint(1, 400))
            record_decision(work=pending, outcome=rng.choice(["approved", "rejected"]), decided_at=decided)
    elif action == "showcase":
        # A work showcased at once (a first decision) or later (after an earlier one).
        work = rng.choice(list(tester.works.order_by("id"))) if tester.works.exists() else None
        if work:
            decided = work.submitted_at + dt.timedelta(hours=rng.randint(1, 400))
            record_decision(work=work, outcome="showcased", decided_at=decided)
    elif action == "revoke" and tester.status == Enrollment.Status.ACTIVE:
        revoke_access(enrollment=tester, occurred_at=timezone.now() - dt.timedelta(days=rng.randint(1, 90)))
    elif action == "unverify":
        set_verification(tester, rng.choice([Enrollment.Verification.PENDING, Enrollment.Verification.VERIFIED]))


def live(compute):
    """The figures computed from the records, with no cache at all."""
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        return compute(live=True)


# With a floor of 1 (and no dominance rule) nearly every figure is shown, the showcase
# concentration of a few showcased artists among them; with 3 the withholding is compared too.
@pytest.mark.parametrize("floor", [1, 3])
@pytest.mark.parametrize("seed", range(3))
def test_pooled_figures_from_cached_parts_equal_the_live_ones_after_random_writes(seed, floor, settings):
    settings.MIN_GROUP_SIZE = floor
    if floor == 1:
        settings.DOMINANCE_SHARE = Decimal("1")
    rng = random.Random(seed)
    organization, programs, testers = world(rng)
    for _ in range(25):
        random_write(rng, programs, testers)
    for period in PERIODS:
        platform_metrics(period=period)  # every program's parts cached
    for _ in range(8):
        random_write(rng, programs, testers)  # some programs change, the others stay cached
        for period in PERIODS:
            cached = platform_metrics(period=period)
            assert cached == live(lambda p=period, **kw: platform_metrics(period=p, **kw)), period
            org = organization_metrics(organization, period=period)
            assert org == live(lambda p=period, **kw: organization_metrics(organization, period=p, **kw)), period
            # And each program's own figures, from the same parts.
            cached_programs = {m.key: m for m in program_figures(programs, period=period)}
            ids = [p.pk for p in programs]
            assert cached_programs == {
                m.key: m for m in program_metrics(Program.objects.filter(pk__in=ids), period=period)
            }


def test_a_pool_of_shown_figures_has_numbers_to_compare(settings):
    """The comparison above is not only of withheld figures: the worlds have figures to show,
    the percentiles among them."""
    settings.MIN_GROUP_SIZE = 1
    settings.DOMINANCE_SHARE = Decimal("1")
    shown = set()
    for seed in range(3):
        rng = random.Random(seed)
        _, programs, testers = world(rng)
        for _ in range(40):
            random_write(rng, programs, testers)
        metrics = platform_metrics()
        shown |= {f.name for f in fields(Metrics) if getattr(metrics, f.name) not in (None, 0, {}, [], "")}
        cache.clear()
    assert {
        "artists",
        "works_submitted",
        "approval_latency_median_hours",
        "showcased_artists",
        "showcase_top_tenth_share",
    } <= shown, shown


def test_an_even_world_shows_its_pay_figures_and_the_parts_agree(settings):
    """Where every tester logs and is paid alike, nothing is withheld: the pay figures, the
    owed figures and the median days to payment agree too."""
    settings.MIN_GROUP_SIZE = 3
    programs = [make_program(currency="USD", payment_terms_days=30) for _ in range(2)]
    for index, program in enumerate(programs):
        for tester in make_testers(program, 6):
            paid = log_work(tester, dt.date(2026, 3, 2), hours="2.00")
            log_work(tester, dt.date(2026, 3, 9), hours="2.00")  # left unpaid: owed
            pay(tester, [paid], dt.date(2026, 3, 20 + index), amount="60.00")
    platform_metrics()
    log_work(programs[0].enrollments.first(), dt.date(2026, 3, 10), hours="1.00")
    metrics = platform_metrics()
    assert metrics.contributions == 25 and metrics.compensated_contributions == 12
    # Paid 18 days after the work in one program, 19 in the other: six of each.
    assert metrics.median_days_to_payment == 18.5 and metrics.owed_contributions == 13
    assert metrics == live(lambda **kw: platform_metrics(**kw))
