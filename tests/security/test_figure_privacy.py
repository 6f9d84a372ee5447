"""Attacks on the published figures by the one adversary that matters: the program itself.

It knows its testers, the days and hours of what it asked for and whom it paid; it can open
accounts and query every public door (the stats API here, the pages draw on the same
figures) as often as it likes. Each test replays one way it could point at an artist, as
found on the demo data (docs/privacy.md), and shows that the figure is withheld or the
question refused.
"""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from artists.services import record_decision
from programs.models import Enrollment
from tests import factories
from tests.jobs.helpers import at, log_work, make_program, make_tester, make_testers, on, pay, submit
from tracker.periods import ALL, Period, quarter_of, year_of
from tracker.privacy import withheld_cells

pytestmark = pytest.mark.django_db

STATS = "/api/v1/stats"
FLOOR = 5


@pytest.fixture
def api(settings):
    settings.MIN_GROUP_SIZE = FLOOR
    return APIClient()


def stats(api, slug: str, period: str = "all") -> dict:
    response = api.get(f"{STATS}/programs/{slug}/", {"period": period})
    assert response.status_code == 200, response.content
    return response.json()


def test_a_narrow_date_range_is_refused(api):
    # Finding 1: ?since=2026-03-21&until=2026-03-21 isolated one artist's 0.50 h.
    program = make_program(slug="narrow")
    for tester in make_testers(program, 6):
        log_work(tester, on("2026-03-02"), hours="1.00")

    response = api.get(f"{STATS}/programs/narrow/", {"since": "2026-03-21", "until": "2026-03-21"})

    assert response.status_code == 400
    assert "period=" in response.json()["since"][0]


def test_one_artists_entry_in_a_month_of_free_access_payments_is_withheld(api):
    # Finding 1 on the grid: eight artists only got free access that month, one logged work.
    program = make_program(slug="free-access-month", reference_hourly_rate=Decimal("40.00"))
    testers = make_testers(program, 9)
    for tester in testers[:8]:
        pay(tester, [], on("2026-03-21"), kind="free_access", amount="10.00")
    log_work(testers[8], on("2026-03-21"), hours="0.50")

    march = stats(api, "free-access-month", "2026-03")

    assert march["suppressed"] is False  # nine artists are behind something this month
    assert march["contributions"] is None and march["hours"] is None
    assert march["withheld"]["hours"].startswith("Withheld: fewer than 5 verified artists logged work")
    assert march["figure_artists"]["hours"] is None


def test_silent_enrollees_do_not_lift_the_floor_of_what_others_logged(api):
    # Finding 2: six enrolled, four logged: the four's figures were shown.
    program = make_program(slug="silent-six")
    testers = make_testers(program, 6)
    for tester in testers[:4]:
        contribution = log_work(tester, on("2026-03-02"), hours="2.00")
        pay(tester, [contribution], on("2026-03-10"), amount="80.00")

    data = stats(api, "silent-six")

    assert data["testers_active"] == 6 and data["figure_artists"]["testers_active"] == 6
    for figure in ("contributions", "hours", "cash_paid", "median_days_to_payment", "fairness_score"):
        assert data[figure] is None, figure
        assert figure in data["withheld"], figure


def test_each_figure_has_its_own_floor(api):
    # Finding 3: eight logging artists, two of them paid and two with works.
    program = make_program(slug="eight-two-two")
    testers = make_testers(program, 8)
    for tester in testers:
        log_work(tester, on("2026-03-02"), hours="2.00")
    for tester in testers[:2]:
        paid = log_work(tester, on("2026-03-03"), hours="1.00")
        pay(tester, [paid], on("2026-03-09"), amount="40.00")
        record_decision(work=submit(tester, at("2026-03-04")), outcome="approved", decided_at=at("2026-03-05"))

    data = stats(api, "eight-two-two")

    assert (data["contributions"], data["figure_artists"]["contributions"]) == (10, 8)
    for figure in (
        "cash_paid",
        "median_days_to_payment",
        "compensated_share",
        "effective_hourly_rate",
        "works_submitted",
        "approval_rate",
        "approval_latency_median_hours",
        "showcase_rate",
    ):
        assert data[figure] is None, figure
        assert data["withheld"][figure].startswith("Withheld"), figure


def test_two_artists_who_dominate_the_hours_are_not_published(api):
    # The (2, 85 %) rule: five artists, but two of them logged 90 % of the hours.
    program = make_program(slug="dominated")
    testers = make_testers(program, 5)
    for tester in testers[:2]:
        log_work(tester, on("2026-03-02"), hours="9.00")
    for tester in testers[2:]:
        log_work(tester, on("2026-03-02"), hours="0.50")

    data = stats(api, "dominated")

    assert data["contributions"] == 5  # a count, not a money or hours figure
    assert data["hours"] is None
    assert "two artists account for more than 85%" in data["withheld"]["hours"]


def test_fresh_accounts_do_not_lift_a_program_over_the_floor(api):
    # Finding 4: two sign-ups joining a program of three and logging an hour each.
    program = make_program(slug="three-real", opened_on=on("2026-01-01"))
    for tester in make_testers(program, 3):
        log_work(tester, on("2026-03-02"), hours="2.00")
    for number in range(2):
        signup = api.post(
            "/api/v1/auth/signup/",
            {
                "username": f"sybil{number}",
                "email": f"sybil{number}@example.org",
                "password": "a long enough password 42",
                "handle": f"sybil_{number}",
            },
            format="json",
        )
        assert signup.status_code == 201, signup.content
        sybil = APIClient()
        sybil.credentials(HTTP_AUTHORIZATION=f"Token {signup.json()['token']}")
        joined = sybil.post("/api/v1/me/enrollments/", {"program": "three-real", "granted_on": "2026-02-01"})
        assert joined.status_code == 201, joined.content
        logged = sybil.post(
            "/api/v1/me/contributions/",
            {
                "program": "three-real",
                "kind": "survey",
                "title": "Lift",
                "hours_spent": "1.00",
                "occurred_on": "2026-03-02",
            },
        )
        assert logged.status_code == 201, logged.content

    data = stats(api, "three-real")

    assert Enrollment.objects.filter(program=program).count() == 5
    assert data["suppressed"] is True and data["hours"] is None and data["contributions"] is None


def test_a_withheld_month_cannot_be_had_from_its_year_minus_the_shown_months(api):
    # Finding 6, on the grid: March has five artists, April one.
    program = make_program(slug="year-minus-march")
    testers = make_testers(program, 6)
    for tester in testers[:5]:
        log_work(tester, on("2026-03-02"), hours="2.00")
    log_work(testers[5], on("2026-04-02"), hours="3.00")

    cells = {
        label: stats(api, "year-minus-march", label)
        for label in ("all", "2026", "2026-Q1", "2026-Q2", "2026-03", "2026-04")
    }
    shown = {label: data["hours"] for label, data in cells.items() if data["hours"] is not None}

    assert cells["2026-04"]["hours"] is None
    # Whatever is shown, no subtraction gives April's 3.00 h.
    values = [Decimal(value) for value in shown.values()]
    for a, b in itertools.permutations(values, 2):
        assert a - b != Decimal("3.00")
    assert Decimal("3.00") not in values


def test_a_withheld_program_cannot_be_had_from_its_organization_minus_the_others(api):
    # Subtraction over pools: an organization's figures add up only the programs shown.
    organization = factories.OrganizationFactory(slug="pool")
    big = make_program(slug="big", organization=organization)
    for tester in make_testers(big, 6):
        log_work(tester, on("2026-03-02"), hours="2.00")
    small = make_program(slug="small", organization=organization)
    for tester in make_testers(small, 2):
        log_work(tester, on("2026-03-02"), hours="5.00")

    pooled = api.get(f"{STATS}/organizations/pool/").json()
    summary = api.get(f"{STATS}/summary/").json()

    assert stats(api, "small")["hours"] is None
    assert pooled["hours"] == stats(api, "big")["hours"] == summary["hours"] == "12.00"


def test_an_unverified_enrollment_counts_nowhere(api):
    program = make_program(slug="pending-five")
    testers = make_testers(program, 5)
    for tester in testers:
        log_work(tester, on("2026-03-02"), hours="2.00")
    assert stats(api, "pending-five")["hours"] == "10.00"

    factories.set_verification(testers[0], Enrollment.Verification.PENDING)

    assert stats(api, "pending-five")["suppressed"] is True
    make_tester(program, verification=Enrollment.Verification.REJECTED)
    assert stats(api, "pending-five")["suppressed"] is True


# -- the grid's rules, over generated worlds ---------------------------------------------

MONTHS = [Period(year=2026, month=month) for month in range(1, 13)]


def cells_of(months):
    return sorted({ALL} | {year_of(m) for m in months} | {quarter_of(m) for m in months} | set(months))


def months_in(cell, months):
    return [m for m in months if cell.contains_month(m)]


@hypothesis_settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(MONTHS[:8]),
        st.dictionaries(st.integers(0, 11), st.decimals("0.25", "8", places=2), min_size=1, max_size=8),
        min_size=1,
        max_size=6,
    )
)
def test_no_two_shown_answers_subtract_to_fewer_than_five_artists(data):
    """For any program's month data: for every shown cell and any set of disjoint shown cells
    inside it (what a reader can subtract), what is left is drawn from no artist or from at
    least MIN_GROUP_SIZE artists."""
    from django.test import override_settings

    with override_settings(MIN_GROUP_SIZE=FLOOR):
        withheld = withheld_cells(data, money=False)
    months = sorted(data)
    shown = [cell for cell in cells_of(months) if cell not in withheld and months_in(cell, months)]
    for outer in shown:
        inner = [
            cell for cell in shown if cell != outer and set(months_in(cell, months)) < set(months_in(outer, months))
        ]
        for size in range(1, min(len(inner), 4) + 1):
            for parts in itertools.combinations(inner, size):
                covered = [set(months_in(part, months)) for part in parts]
                if any(a & b for a, b in itertools.combinations(covered, 2)):
                    continue
                left = set(months_in(outer, months)) - set().union(*covered)
                artists = set().union(*(set(data[m]) for m in left)) if left else set()
                assert not 0 < len(artists) < FLOOR, (outer, parts, left, artists)


def test_the_generated_check_catches_a_missing_suppression():
    """The property above can fail: with complementary suppression off (only cells that are
    themselves too small withheld), a year minus its shown month gives one artist."""
    data = {MONTHS[2]: {i: Decimal(1) for i in range(5)}, MONTHS[3]: {9: Decimal(1)}}
    only_primary = {
        cell
        for cell in cells_of(sorted(data))
        if 0 < len({a for m in months_in(cell, sorted(data)) for a in data[m]}) < FLOOR
    }

    year_minus_march = {a for m in months_in(Period(year=2026), sorted(data)) if m != MONTHS[2] for a in data[m]}
    assert Period(year=2026) not in only_primary and MONTHS[2] not in only_primary
    assert len(year_minus_march) == 1
    assert MONTHS[2] in withheld_cells(data, money=False) or Period(year=2026) in withheld_cells(data, money=False)


def test_dates_on_the_grid_are_whole_months():
    march = Period.parse("2026-03")
    assert (march.since, march.until) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert (Period.parse("2026-Q4").since, Period.parse("2026-Q4").until) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
    )


def test_flags_about_unverified_accounts_count_in_no_figure(api):
    # An account the program opened and left unpaid raises flags; they are not in open_flags.
    from tracker.services import run_scan

    program = make_program(slug="flagged", opened_on=on("2025-06-01"))
    for tester in make_testers(program, 5):
        log_work(tester, on("2025-07-01"), hours="1.00")
    sybil = make_tester(program, verification=Enrollment.Verification.UNVERIFIED)
    log_work(sybil, on("2025-07-01"), hours="1.00")
    run_scan(trigger="command")

    data = stats(api, "flagged")

    assert data["open_flags"]["unpaid_feedback"] == 5


def test_the_csv_doors_withhold_what_the_json_withholds(api, client):
    # The same program as CSV from the stats API and from its page: no withheld figure in a cell.
    import csv
    import io

    program = make_program(slug="csv-door")
    testers = make_testers(program, 6)
    for tester in testers:
        log_work(tester, on("2026-03-02"), hours="2.00")
    paid = log_work(testers[0], on("2026-03-03"), hours="1.00")
    pay(testers[0], [paid], on("2026-03-09"), amount="40.00")
    withheld = stats(api, "csv-door")["withheld"]
    assert "cash_paid" in withheld and "median_days_to_payment" in withheld

    [api_row] = csv.DictReader(io.StringIO(api.get(f"{STATS}/programs/csv-door/?format=csv").content.decode()))
    page_rows = csv.DictReader(io.StringIO(client.get("/programs/csv-door/?format=csv").content.decode()))
    page_values = {row["field"]: row["value"] for row in page_rows}

    for figure in withheld:
        assert api_row.get(figure, "") == "", figure
        assert page_values.get(figure, "") == "", figure
    assert api_row["cash_paid"] == page_values["cash_paid"] == ""
