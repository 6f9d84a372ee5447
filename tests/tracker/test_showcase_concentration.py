"""Showcase concentration (docs/metrics.md): how many verified artists were ever showcased,
and the share of the showcased works that the top tenth of them hold, worked out by hand.

Everything happens in the first half of 2026; the figures are asked at NOW.
"""

import datetime as dt

import pytest

from artists.models import ApprovalDecision
from artists.services import record_decision
from programs.models import Enrollment
from tests import factories
from tests.jobs.helpers import at, make_program, make_tester, make_testers, submit
from tracker.metrics import Period, metrics_for_program, organization_metrics, showcase_concentration

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)
Outcome = ApprovalDecision.Outcome


def showcase(enrollment: Enrollment, works: int, day: str = "2026-03-02", *, later: bool = False) -> None:
    """`works` works of this tester submitted on `day` and showcased two days later (or
    approved first and showcased a week after that, when `later`)."""
    for _ in range(works):
        work = submit(enrollment, at(day))
        if later:
            record_decision(work=work, outcome=Outcome.APPROVED, decided_at=at(day) + dt.timedelta(days=2))
        record_decision(work=work, outcome=Outcome.SHOWCASED, decided_at=at(day) + dt.timedelta(days=9))


def test_the_top_tenth_share_of_a_hand_built_program(settings):
    settings.MIN_GROUP_SIZE = 5
    program = make_program(slug="reel")
    a, b, c, *rest = make_testers(program, 12)
    # A: 5 showcased works, B: 3 (one approved first, showcased later), C: 2, the nine others 1 each.
    showcase(a, 5)
    showcase(b, 2)
    showcase(b, 1, later=True)
    showcase(c, 2)
    for tester in rest:
        showcase(tester, 1)
    # Not showcased: M's approved work; N's work is showcased but N is not verified.
    m = make_tester(program)
    record_decision(work=submit(m, at("2026-03-02")), outcome=Outcome.APPROVED, decided_at=at("2026-03-03"))
    n = make_tester(program, verification=Enrollment.Verification.PENDING)
    showcase(n, 4)

    metrics = metrics_for_program(program, now=NOW)

    # 12 verified artists with a showcased work (A–L); 5 + 3 + 2 + 9 × 1 = 19 works.
    assert metrics.showcased_artists == 12
    # The top tenth: ceil(12 / 10) = 2 artists, A and B: (5 + 3) / 19 = 0.42105…
    assert metrics.showcase_top_tenth_share == 0.4211
    assert metrics.figure_artists["showcase_top_tenth_share"] == 12
    assert "showcase_top_tenth_share" not in metrics.withheld


def test_the_period_takes_works_by_the_day_they_were_submitted(arithmetic_only):
    program = make_program(slug="reel-periods")
    a, b, c = make_testers(program, 3)
    showcase(a, 3, "2026-03-02")
    showcase(b, 1, "2026-03-20")
    showcase(c, 2, "2026-05-04")  # another quarter

    q1 = metrics_for_program(program, period=Period.parse("2026-Q1"), now=NOW)
    whole = metrics_for_program(program, now=NOW)

    # Q1: A 3, B 1; the top tenth is ceil(0.2) = 1 artist, A: 3 / 4.
    assert (q1.showcased_artists, q1.showcase_top_tenth_share) == (2, 0.75)
    # All time: A 3, C 2, B 1; A: 3 / 6.
    assert (whole.showcased_artists, whole.showcase_top_tenth_share) == (3, 0.5)


def test_nothing_showcased_is_zero_artists_and_no_share(arithmetic_only):
    program = make_program(slug="reel-none")
    [a] = make_testers(program, 1)
    submit(a, at("2026-03-02"))

    metrics = metrics_for_program(program, now=NOW)

    assert (metrics.showcased_artists, metrics.showcase_top_tenth_share) == (0, None)


def test_ties_at_the_cut_do_not_change_the_share():
    # 11 artists: the top tenth is ceil(1.1) = 2; three are tied at 4 for the second place.
    # Whichever of them is taken (the lowest id, 3, is), the top two hold 6 + 4 of
    # 6 + 3 × 4 + 7 × 1 = 25: 0.4.
    works = {1: 6, 7: 4, 3: 4, 5: 4, **dict.fromkeys(range(10, 17), 1)}
    assert showcase_concentration(works) == (11, 0.4)
    assert showcase_concentration({}) == (0, None)
    # 1 to 10 artists: the top tenth is one artist.
    assert showcase_concentration({1: 2, 2: 1}) == (2, round(2 / 3, 4))


def test_an_organization_pools_artists_not_programs(arithmetic_only):
    # An artist in two programs of an organization is one showcased artist, with the works of both.
    organization = factories.OrganizationFactory()
    first = make_program(slug="reel-one", organization=organization)
    second = make_program(slug="reel-two", organization=organization)
    artist = factories.ArtistFactory()
    in_first = make_tester(first)
    showcase(in_first, 1)
    both = [factories.EnrollmentFactory(program=p, artist=artist) for p in (first, second)]
    showcase(both[0], 2)
    showcase(both[1], 2)
    others = make_testers(second, 2)
    for tester in others:
        showcase(tester, 1)

    pooled = organization_metrics(organization, now=NOW)

    # Four artists: the one in both programs with 2 + 2 works, three others with 1: the top
    # tenth (ceil(0.4) = 1) holds 4 of 7.
    assert (pooled.showcased_artists, pooled.showcase_top_tenth_share) == (4, round(4 / 7, 4))
    # Each program on its own: the first 2 artists (2 of 3), the second 3 (2 of 4).
    assert metrics_for_program(first, now=NOW).showcase_top_tenth_share == 0.6667
    assert metrics_for_program(second, now=NOW).showcase_top_tenth_share == 0.5
