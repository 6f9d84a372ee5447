"""Query parameters of the stats API: ordering by every metric (nulls last), filters that
narrow the figures, and a 400 with a message for every bad parameter (never a 500, never a
silent default); unknown or unlisted programs and organizations are not found."""

import datetime as dt
from decimal import Decimal

import pytest

from programs.models import Enrollment, Program
from programs.services import propose_program
from tests import factories
from tests.api.stats_world import build_world
from tests.jobs.helpers import log_work, make_program, make_tester, on, pay
from tracker.api import ORDERING_FIELDS
from tracker.metrics import Period, program_metrics

pytestmark = pytest.mark.django_db

STATS = "/api/v1/stats"
LIST = f"{STATS}/programs/"
DECIMAL_FIELDS = {"hours", "cash_paid", "effective_hourly_rate", "fair_value", "pay_gap"}


@pytest.fixture
def world(arithmetic_only):
    """Open Canvas and Tiny Beta (tests/api/stats_world.py) and Bright Studio: five artists
    who each give 1.80 h on 2026-05-04 (9.00 h), paid 90.00 in all (10.00 an hour).

    These tests are about the parameters, so the privacy rules are off (tests/security has
    what they withhold); Tiny Beta's artists are left unverified, so it has no figures."""
    world = build_world()
    Enrollment.objects.filter(program=world.tiny).update(verification=Enrollment.Verification.PENDING)
    bright = make_program(name="Bright Studio", slug="bright-studio", reference_hourly_rate=Decimal("50.00"))
    testers = [make_tester(bright) for _ in range(5)]
    work = [log_work(tester, on("2026-05-04"), hours="1.80") for tester in testers]
    pay(testers[0], work[:1], on("2026-05-20"), amount="90.00")
    world.bright = bright
    return world


def rows(api, query: str = "") -> list[dict]:
    response = api.get(f"{LIST}?page_size=100&{query}")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def slugs(api, query: str = "") -> list[str]:
    return [row["program"] for row in rows(api, query)]


def comparable(field: str, value):
    return Decimal(value) if field in DECIMAL_FIELDS else value


def sort_value(row: dict, field: str):
    """What a row is sorted by: money with no currency as a share (tracker.selectors.MONEY_SORTS)."""
    if field == "pay_gap":
        gap, fair = row["pay_gap"], row["fair_value"]
        return None if gap is None or not fair or Decimal(fair) == 0 else Decimal(gap) / Decimal(fair)
    if field == "effective_hourly_rate":
        rate, reference = row["effective_hourly_rate"], row["reference_hourly_rate"]
        return None if rate is None or not reference else Decimal(rate) / Decimal(reference)
    value = row[field]
    return None if value is None else comparable(field, value)


def assert_bad_request(response, parameter: str, *words: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert parameter in body, body
    message = " ".join(body[parameter])
    for word in words:
        assert word in message, message


# -- ordering ------------------------------------------------------------------------


@pytest.mark.parametrize("descending", [False, True])
def test_ordering_by_every_metric_sorts_values_and_puts_nulls_last(api, world, descending):
    for field in ORDERING_FIELDS:
        listed = rows(api, f"ordering={'-' if descending else ''}{field}")

        assert {row["program"] for row in listed} == {"open-canvas", "tiny-beta", "bright-studio"}, field
        values = [sort_value(row, field) for row in listed]
        present = [v for v in values if v is not None]
        assert values[: len(present)] == present, f"{field}: nulls come last"
        assert present == sorted(present, reverse=descending), field


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        # As numbers, not as text: 9.00 < 12.50, 90.00 < 100.00, 8.00 < 10.00.
        ("hours", ["bright-studio", "open-canvas", "tiny-beta"]),
        ("-hours", ["open-canvas", "bright-studio", "tiny-beta"]),
        ("cash_paid", ["bright-studio", "open-canvas", "tiny-beta"]),
        ("-cash_paid", ["open-canvas", "bright-studio", "tiny-beta"]),
        # Against each program's reference rate: Bright 10.00 of 50.00 (0.2) < Canvas 8.00 of 20.00 (0.4).
        ("effective_hourly_rate", ["bright-studio", "open-canvas", "tiny-beta"]),
        ("-effective_hourly_rate", ["open-canvas", "bright-studio", "tiny-beta"]),
        ("contributions", ["bright-studio", "open-canvas", "tiny-beta"]),
        ("-contributions", ["open-canvas", "bright-studio", "tiny-beta"]),
        ("name", ["bright-studio", "open-canvas", "tiny-beta"]),
        ("-name", ["tiny-beta", "open-canvas", "bright-studio"]),
    ],
)
def test_ordering_gives_the_expected_order(api, world, ordering, expected):
    assert slugs(api, f"ordering={ordering}") == expected


def test_default_ordering_is_the_best_score_first(api, world):
    listed = rows(api)

    scores = [row["fairness_score"] for row in listed]
    assert scores[-1] is None and listed[-1]["program"] == "tiny-beta"
    assert scores[:-1] == sorted(scores[:-1], reverse=True)


@pytest.mark.parametrize("ordering", ["password", "-password", "--name", "", "suppressed_reason", "artists"])
def test_an_unknown_ordering_is_a_bad_request_naming_the_allowed_fields(api, world, ordering):
    response = api.get(f"{LIST}?ordering={ordering}")

    assert_bad_request(response, "ordering", *ORDERING_FIELDS)


# -- bad parameters ------------------------------------------------------------------


@pytest.mark.parametrize("interval", ["year", "week", "day", "", "Month"])
def test_an_unknown_interval_is_a_bad_request(api, world, interval):
    response = api.get(f"{STATS}/programs/open-canvas/timeseries/?interval={interval}")

    assert_bad_request(response, "interval", "month")


ENDPOINTS = [
    f"{STATS}/summary/",
    LIST,
    f"{STATS}/programs/open-canvas/",
    f"{STATS}/programs/open-canvas/timeseries/",
    f"{STATS}/organizations/canvas-co/",
]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("period=yesterday", "period"),
        ("period=2026-13", "period"),
        ("period=2026-Q5", "period"),
        ("period=03/2026", "period"),
        ("since=2026-03-01", "since"),
        ("until=2026-03-31", "until"),
        ("colour=blue", "colour"),
    ],
)
def test_bad_parameters_are_bad_requests_on_every_endpoint(api, world, query, parameter):
    for url in ENDPOINTS:
        response = api.get(f"{url}?{query}")

        assert_bad_request(response, parameter)
        assert response.json()[parameter][0], url


def test_a_bad_period_says_what_a_period_is(api, world):
    response = api.get(f"{LIST}?period=yesterday")

    assert_bad_request(response, "period", "yesterday", "a year (2026)", "a quarter (2026-Q1)", "a month (2026-03)")


def test_a_free_date_range_is_refused_with_a_message_naming_period(api, world):
    for url in ENDPOINTS:
        response = api.get(f"{url}?since=2026-03-01&until=2026-03-31")

        assert_bad_request(response, "since", "Free date ranges are not offered", "period=")
        assert_bad_request(response, "until", "period=all, a year (2026)")


def test_an_unknown_parameter_is_named(api, world):
    response = api.get(f"{STATS}/programs/open-canvas/?interval=week&artist=canvas_a")

    assert response.status_code == 400
    assert set(response.json()) == {"interval", "artist"}
    assert response.json()["artist"] == ["Unknown query parameter."]


@pytest.mark.parametrize(
    ("query", "parameter", "words"),
    [
        ("status=bogus", "status", ["announced", "active", "suspended", "closed"]),
        ("organization=unknown", "organization", ["unknown"]),
        ("page=0", "page", []),
        ("page=-1", "page", []),
        ("page=abc", "page", []),
        ("page=1.5", "page", []),
        ("page_size=0", "page_size", ["100"]),
        ("page_size=1000", "page_size", ["100"]),
        ("page_size=ten", "page_size", ["100"]),
    ],
)
def test_bad_list_parameters_are_bad_requests(api, world, query, parameter, words):
    assert_bad_request(api.get(f"{LIST}?{query}"), parameter, *words)


def test_a_page_past_the_last_is_not_found(api, world):
    assert api.get(f"{LIST}?page=2").status_code == 404


def test_pages_link_to_each_other(api, world):
    first = api.get(f"{LIST}?ordering=name&page_size=2").json()
    second = api.get(first["next"]).json()

    assert first["count"] == second["count"] == 3
    assert [r["program"] for r in first["results"]] == ["bright-studio", "open-canvas"]
    assert [r["program"] for r in second["results"]] == ["tiny-beta"]
    assert second["next"] is None and second["previous"] is not None


# -- not found ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"{STATS}/programs/no-such-program/",
        f"{STATS}/programs/no-such-program/timeseries/",
        f"{STATS}/organizations/no-such-organization/",
    ],
)
def test_an_unknown_slug_is_not_found(api, world, url):
    assert api.get(url).status_code == 404


def test_a_proposed_program_is_not_found_and_not_listed(api, world):
    proposer = world.testers["A"].artist
    proposed = propose_program(artist=proposer, name="Secret Beta", organization_name="Stealth AI")
    log_work(
        factories.EnrollmentFactory(program=proposed, granted_on=dt.date(2026, 1, 1)), on("2026-02-02"), hours="5.00"
    )

    assert not proposed.is_listed
    assert api.get(f"{STATS}/programs/{proposed.slug}/").status_code == 404
    assert api.get(f"{STATS}/programs/{proposed.slug}/timeseries/").status_code == 404
    assert api.get(f"{STATS}/organizations/{proposed.organization.slug}/").status_code == 404
    assert proposed.slug not in slugs(api)
    assert_bad_request(api.get(f"{LIST}?organization={proposed.organization.slug}"), "organization")
    assert api.get(f"{STATS}/summary/").json()["programs"] == 3


# -- filters narrow the figures -------------------------------------------------------


def test_the_organization_filter_keeps_its_programs(api, world):
    assert slugs(api, "organization=canvas-co") == ["open-canvas"]
    assert slugs(api, "organization=tiny-labs") == ["tiny-beta"]


def test_the_status_filter_keeps_programs_with_that_status(api, world):
    Program.objects.filter(pk=world.bright.pk).update(status=Program.Status.CLOSED)

    assert slugs(api, "status=closed") == ["bright-studio"]
    assert set(slugs(api, "status=active")) == {"open-canvas", "tiny-beta"}
    assert slugs(api, "status=suspended") == []


def test_a_month_narrows_contributions_hours_and_pay(api, world):
    listed = {row["program"]: row for row in rows(api, "period=2026-03")}

    canvas = listed["open-canvas"]
    # c1–c5 (c6 is in April); cash paid in March: 50.00 (03-12) + 30.00 (03-29).
    assert (canvas["contributions"], canvas["hours"], canvas["cash_paid"], canvas["period"]) == (
        5,
        "11.00",
        "80.00",
        "2026-03",
    )
    # Bright Studio's artists gave nothing before May: no artist behind its figures.
    assert listed["bright-studio"]["suppressed"] is True and listed["bright-studio"]["hours"] is None
    expected = program_metrics(Program.objects.filter(pk=world.program.pk), period=Period.parse("2026-03"))[0]
    assert canvas["hours"] == str(expected.hours) and canvas["compensated_share"] == expected.compensated_share


def test_a_quarter_narrows_one_program(api, world):
    data = api.get(f"{STATS}/programs/open-canvas/?period=2026-Q2").json()

    # c6 (A, 04-06, 1.50 h), paid 20.00 cash on 04-20; E's credits (04-10) are other value.
    assert data["suppressed"] is False
    assert (data["contributions"], data["hours"], data["cash_paid"], data["other_value"]) == (
        1,
        "1.50",
        "20.00",
        "30.00",
    )
    assert data["compensated_share"] == 1.0
    whole = api.get(f"{STATS}/programs/open-canvas/").json()
    assert (whole["contributions"], whole["hours"], whole["period"]) == (6, "12.50", "all")


def test_a_period_narrows_the_summary_and_the_organization(api, world):
    summary = api.get(f"{STATS}/summary/?period=2026-05").json()
    organization = api.get(f"{STATS}/organizations/canvas-co/?period=2026-Q2").json()

    # Only Bright Studio's work is from May.
    assert (summary["contributions"], summary["hours"]) == (5, "9.00")
    assert (organization["contributions"], organization["hours"]) == (1, "1.50")


def test_a_period_narrows_the_time_series(api, world):
    data = api.get(f"{STATS}/programs/open-canvas/timeseries/?period=2026-03").json()

    assert data["points"] == [
        {
            "period_start": "2026-03-01",
            "contributions": 5,
            "hours": "11.00",
            "compensated_hours": "6.00",
            "revocations": 0,
        }
    ]
