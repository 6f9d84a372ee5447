"""The stats API's contract: every field name and JSON type of /api/v1/stats/…, and values
that match tracker.metrics for the hand-built world of tests/api/stats_world.py (the
figures are worked out there). Below the privacy floor every figure is null."""

import json
import re
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.views import serve
from django.test import RequestFactory
from rest_framework.test import APIClient

from feedback.models import Contribution
from programs.models import Enrollment, Program
from tests.api.stats_world import HIDDEN_REASON, TINY_HANDLES, build_world
from tests.jobs.helpers import log_work, make_tester, on
from tracker.metrics import organization_metrics, platform_metrics, program_metrics
from tracker.services import run_scan

pytestmark = pytest.mark.django_db

STATS = "/api/v1/stats"

# The contract, then the figures the API adds to it (docs/metrics.md).
CONTRACT_FIGURES = {
    "testers_active",
    "testers_revoked",
    "revocation_rate",
    "contributions",
    "hours",
    "compensated_share",
    "compensated_hours_share",
    "cash_paid",
    "effective_hourly_rate",
    "fair_value",
    "pay_gap",
    "median_days_to_payment",
    "works_submitted",
    "approval_rate",
    "rejection_rate",
    "showcase_rate",
    "decisions_with_reason_share",
    "approval_latency_median_hours",
    "approval_latency_p90_hours",
    "overdue_works",
    "open_flags",
    "fairness_score",
    "score_breakdown",
    "suppressed",
    "suppressed_reason",
}
EXTRA_FIGURES = {
    "currency",
    "contributions_by_kind",
    "cash_paid_by_currency",
    "other_value",
    "reference_hourly_rate",
    "paid_within_terms_share",
    "decided_within_sla_share",
    "revocations",
    "revocations_without_reason",
    "hours_due",
    "hours_not_yet_due",
    "compensated_due_hours_share",
    "cash_paid_for_due_work",
    "owed",
    "owed_by_currency",
    "owed_hours",
    "owed_contributions",
    "unpaid_over_90_days_past_due",
    "showcased_artists",
    "showcase_top_tenth_share",
    "period",
    "figure_artists",
    "withheld",
    "methodology_version",
}
METRIC_KEYS = CONTRACT_FIGURES | EXTRA_FIGURES
PROGRAM_KEYS = METRIC_KEYS | {"program", "name", "organization", "status"}
# One program's answer adds the sentences its page opens with (tests/tracker/test_headlines.py).
PROGRAM_DETAIL_KEYS = PROGRAM_KEYS | {"headlines"}
ORGANIZATION_KEYS = METRIC_KEYS | {"organization", "name", "programs"}
SUMMARY_KEYS = METRIC_KEYS | {"programs", "organizations"}
SERIES_KEYS = {"program", "interval", "suppressed", "suppressed_reason", "points"}
POINT_KEYS = {"period_start", "contributions", "hours", "compensated_hours", "revocations"}
SCORE_POINT_KEYS = {"principle", "point", "rule", "earned", "figure", "explanation"}

COUNTS = {
    "testers_active",
    "testers_revoked",
    "contributions",
    "works_submitted",
    "overdue_works",
    "revocations",
    "revocations_without_reason",
    "owed_contributions",
    "unpaid_over_90_days_past_due",
    "showcased_artists",
    "fairness_score",
}
SHARES = {
    "revocation_rate",
    "compensated_share",
    "compensated_hours_share",
    "compensated_due_hours_share",
    "paid_within_terms_share",
    "approval_rate",
    "rejection_rate",
    "showcase_rate",
    "showcase_top_tenth_share",
    "decisions_with_reason_share",
    "decided_within_sla_share",
}
# Money, and hours, are decimal strings with two places: never floats.
DECIMALS = {
    "hours",
    "cash_paid",
    "effective_hourly_rate",
    "fair_value",
    "pay_gap",
    "other_value",
    "reference_hourly_rate",
    "hours_due",
    "hours_not_yet_due",
    "cash_paid_for_due_work",
    "owed",
    "owed_hours",
}
NON_NEGATIVE_FLOATS = {"median_days_to_payment", "approval_latency_median_hours", "approval_latency_p90_hours"}
TWO_PLACES = re.compile(r"^\d+\.\d{2}$")
PRINCIPLES = ["fair pay", "timely pay", "fair approval", "fair access", "clear terms"]

# Every figure of Open Canvas, worked out in tests/api/stats_world.py.
OPEN_CANVAS = {
    "suppressed": False,
    "suppressed_reason": "",
    "currency": "USD",
    "testers_active": 4,
    "testers_revoked": 1,
    "revocation_rate": 0.2,
    "contributions": 6,
    "hours": "12.50",
    "contributions_by_kind": {
        "feedback_session": 1,
        "bug_report": 1,
        "survey": 1,
        "exploration": 1,
        "promotion": 1,
        "showcase_event": 0,
        "interview": 1,
        "other": 0,
    },
    "compensated_share": 0.5,
    "compensated_hours_share": 0.6,
    "cash_paid": "100.00",
    "cash_paid_by_currency": {"USD": "100.00"},
    "other_value": "30.00",
    "effective_hourly_rate": "8.00",
    "reference_hourly_rate": "20.00",
    "fair_value": "250.00",
    "pay_gap": "150.00",
    # All of it is long due; c3, c4 and c5 have no cash: 5.00 h × 20.00.
    "hours_due": "12.50",
    "hours_not_yet_due": "0.00",
    "compensated_due_hours_share": 0.6,
    "cash_paid_for_due_work": "100.00",
    "owed": "100.00",
    "owed_by_currency": {"USD": "100.00"},
    "owed_hours": "5.00",
    "owed_contributions": 3,
    # Due 04-15, 04-22 and 04-29: all more than 90 days ago.
    "unpaid_over_90_days_past_due": 3,
    "median_days_to_payment": 14.0,
    "paid_within_terms_share": 0.5,
    "works_submitted": 4,
    "approval_rate": 0.6667,
    "rejection_rate": 0.3333,
    "showcase_rate": 0.25,
    # Only C's w3 was showcased: one artist, the top tenth (ceil(0.1) = 1), holding 1 of 1.
    "showcased_artists": 1,
    "showcase_top_tenth_share": 1.0,
    "decisions_with_reason_share": 0.6667,
    "approval_latency_median_hours": 48.0,
    "approval_latency_p90_hours": 67.2,
    "overdue_works": 1,
    "decided_within_sla_share": 0.75,
    "revocations_without_reason": 1,
    # c3, c4, c5 unpaid past the terms; c4 is requested promotion; E revoked with c5 unpaid
    # and no reason; w4 pending past the SLA.
    "open_flags": {
        "approval_overdue": 1,
        "revoked_with_unpaid_work": 1,
        "revoked_without_reason": 1,
        "uncompensated_promotion": 1,
        "unpaid_feedback": 3,
    },
    # fair pay 1 (60 % of the hours paid) and clear terms 1 (both terms defined).
    "fairness_score": 2,
}
# (principle, point, earned, figure) of each of the ten points.
OPEN_CANVAS_POINTS = [
    ("fair pay", 1, True, 0.6),
    ("fair pay", 2, False, "8.00"),
    ("timely pay", 1, False, 0.5),
    ("timely pay", 2, False, 3),
    ("fair approval", 1, False, 0.75),
    ("fair approval", 2, False, 0.6667),
    ("fair access", 1, False, 1),
    ("fair access", 2, False, {"mass_revocations": 0, "revocations_short_notice": 1}),
    ("clear terms", 1, True, True),
    ("clear terms", 2, False, 1),
]


@pytest.fixture
def world(settings):
    settings.MIN_GROUP_SIZE = 5
    world = build_world()
    run_scan(trigger="command")
    return world


def get_json(api, url: str) -> dict:
    response = api.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def assert_metric_types(data: dict) -> None:
    """Each figure has its JSON type (or is null)."""
    assert isinstance(data["suppressed"], bool)
    assert isinstance(data["suppressed_reason"], str)
    assert data["currency"] is None or isinstance(data["currency"], str)
    for name in COUNTS:
        value = data[name]
        assert value is None or (type(value) is int and value >= 0), (name, value)
    assert data["fairness_score"] is None or 0 <= data["fairness_score"] <= 10
    for name in SHARES:
        value = data[name]
        assert value is None or (type(value) is float and 0 <= value <= 1), (name, value)
    for name in DECIMALS:
        value = data[name]
        assert value is None or (isinstance(value, str) and TWO_PLACES.match(value)), (name, value)
    for name in NON_NEGATIVE_FLOATS:
        value = data[name]
        assert value is None or (type(value) is float and value >= 0), (name, value)
    if data["open_flags"] is not None:
        assert all(isinstance(k, str) and type(v) is int and v > 0 for k, v in data["open_flags"].items())
    if data["contributions_by_kind"] is not None:
        assert list(data["contributions_by_kind"]) == Contribution.Kind.values
        # A kind withheld by the privacy rules is null.
        assert all(type(v) is int or v is None for v in data["contributions_by_kind"].values())
    if data["cash_paid_by_currency"] is not None:
        assert all(TWO_PLACES.match(v) for v in data["cash_paid_by_currency"].values())
    if data["score_breakdown"] is not None:
        points = data["score_breakdown"]
        assert [(p["principle"], p["point"]) for p in points] == [(name, n) for name in PRINCIPLES for n in (1, 2)]
        for point in points:
            assert set(point) == SCORE_POINT_KEYS
            assert isinstance(point["rule"], str) and point["rule"]
            assert isinstance(point["explanation"], str) and point["explanation"]
            assert isinstance(point["earned"], bool)
        assert data["fairness_score"] == sum(p["earned"] for p in points)


def money_or_none(value) -> str | None:
    return None if value is None else str(value)


def assert_matches_metrics(data: dict, m) -> None:
    """The response says what tracker.metrics computed, figure by figure."""
    for name in COUNTS | SHARES | NON_NEGATIVE_FLOATS | {"suppressed", "suppressed_reason", "currency", "open_flags"}:
        assert data[name] == getattr(m, name), name
    for name in DECIMALS:
        assert data[name] == money_or_none(getattr(m, name)), name
    assert data["contributions_by_kind"] == m.contributions_by_kind
    if m.cash_paid_by_currency is None:
        assert data["cash_paid_by_currency"] is None
    else:
        assert data["cash_paid_by_currency"] == {c: str(v) for c, v in m.cash_paid_by_currency.items()}
    if m.score_breakdown is None:
        assert data["score_breakdown"] is None
        return
    expected = [
        {
            "principle": p.principle,
            "point": p.point,
            "rule": p.rule,
            "earned": p.earned,
            "figure": str(p.figure) if isinstance(p.figure, Decimal) else p.figure,
            "explanation": p.explanation,
        }
        for p in m.score_breakdown
    ]
    assert data["score_breakdown"] == expected


def assert_everything_hidden(data: dict) -> None:
    assert data["suppressed"] is True
    assert data["suppressed_reason"] == HIDDEN_REASON
    assert "fewer than 5 artists" in data["suppressed_reason"].lower()
    for name in METRIC_KEYS - {
        "suppressed",
        "suppressed_reason",
        "currency",
        "period",
        "withheld",
        "methodology_version",
    }:
        assert data[name] is None, name


# -- one program ---------------------------------------------------------------------


def test_program_stats_have_exactly_the_contract_fields_and_types(api, world):
    data = get_json(api, f"{STATS}/programs/open-canvas/")

    assert set(data) == PROGRAM_DETAIL_KEYS
    assert isinstance(data["headlines"], list) and all(isinstance(s, str) for s in data["headlines"])
    assert list(data)[:4] == ["program", "name", "organization", "status"]
    assert (data["program"], data["name"], data["organization"], data["status"]) == (
        "open-canvas",
        "Open Canvas",
        "canvas-co",
        "active",
    )
    assert_metric_types(data)


def test_program_stats_give_the_hand_worked_figures(api, world, arithmetic_only):
    data = get_json(api, f"{STATS}/programs/open-canvas/")

    assert {name: data[name] for name in OPEN_CANVAS} == OPEN_CANVAS
    assert [(p["principle"], p["point"], p["earned"], p["figure"]) for p in data["score_breakdown"]] == (
        OPEN_CANVAS_POINTS
    )
    # The money figure behind a score point is the same decimal string as the figure itself.
    assert data["score_breakdown"][1]["figure"] == data["effective_hourly_rate"]


def test_program_stats_match_tracker_metrics(api, world, arithmetic_only):
    data = get_json(api, f"{STATS}/programs/open-canvas/")

    assert_matches_metrics(data, program_metrics(Program.objects.filter(pk=world.program.pk))[0])


def test_program_stats_name_no_artist(api, world):
    body = api.get(f"{STATS}/programs/open-canvas/").content.decode()

    for enrollment in world.testers.values():
        assert enrollment.artist.handle not in body
    assert '"artists"' not in body


# -- the list, the summary, an organization ------------------------------------------


def test_a_row_of_the_program_list_is_the_program_stats(api, world, arithmetic_only):
    page = get_json(api, f"{STATS}/programs/")

    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] == 2 and page["next"] is None and page["previous"] is None
    rows = {row["program"]: row for row in page["results"]}
    assert set(rows) == {"open-canvas", "tiny-beta"}
    for row in page["results"]:
        assert set(row) == PROGRAM_KEYS
        assert list(row)[:4] == ["program", "name", "organization", "status"]
        assert_metric_types(row)
    detail = get_json(api, f"{STATS}/programs/open-canvas/")
    assert rows["open-canvas"] == {name: value for name, value in detail.items() if name != "headlines"}


def test_summary_has_the_contract_fields_and_the_pooled_figures(api, world, arithmetic_only):
    # With the floor at 1 every program is shown; Tiny Beta's artists are left unverified here,
    # so the pooled figures are Open Canvas's alone (pooling around the floor: tests/tracker).
    Enrollment.objects.filter(program=world.tiny).update(verification=Enrollment.Verification.PENDING)
    data = get_json(api, f"{STATS}/summary/")

    assert set(data) == SUMMARY_KEYS
    assert_metric_types(data)
    assert_matches_metrics(data, platform_metrics())
    assert (data["programs"], data["organizations"]) == (2, 2)
    assert data["suppressed"] is False
    assert {name: data[name] for name in OPEN_CANVAS} == OPEN_CANVAS
    assert (data["contributions"], data["hours"], data["cash_paid"]) == (6, "12.50", "100.00")
    # 12.50 h × 20.00, less 100.00 paid.
    assert (data["fair_value"], data["pay_gap"]) == ("250.00", "150.00")
    assert data["reference_hourly_rate"] == "20.00"


def test_organization_stats_have_the_contract_fields_and_its_programs_figures(api, world, arithmetic_only):
    data = get_json(api, f"{STATS}/organizations/canvas-co/")

    assert set(data) == ORGANIZATION_KEYS
    assert_metric_types(data)
    assert (data["organization"], data["name"], data["programs"]) == ("canvas-co", "Canvas Co", 1)
    assert_matches_metrics(data, organization_metrics(world.program.organization))
    assert {name: data[name] for name in OPEN_CANVAS} == OPEN_CANVAS


# -- time series ---------------------------------------------------------------------


def test_monthly_time_series_has_the_contract_fields_and_hides_small_buckets(api, world):
    data = get_json(api, f"{STATS}/programs/open-canvas/timeseries/?interval=month")

    assert set(data) == SERIES_KEYS
    assert (data["program"], data["interval"], data["suppressed"], data["suppressed_reason"]) == (
        "open-canvas",
        "month",
        False,
        "",
    )
    for point in data["points"]:
        assert set(point) == POINT_KEYS
        assert re.match(r"^\d{4}-\d{2}-\d{2}$", point["period_start"])
        for name in ("contributions", "revocations"):
            assert point[name] is None or type(point[name]) is int
        for name in ("hours", "compensated_hours"):
            assert point[name] is None or TWO_PLACES.match(point[name])
    assert data["points"] == [
        # March: A–E, five artists; but April's one artist would be the year's figures minus
        # March's, so March is withheld with it (complementary suppression).
        {
            "period_start": "2026-03-01",
            "contributions": None,
            "hours": None,
            "compensated_hours": None,
            "revocations": 0,
        },
        # April: only A logged work: withheld.
        {
            "period_start": "2026-04-01",
            "contributions": None,
            "hours": None,
            "compensated_hours": None,
            "revocations": 0,
        },
        # June: E's revocation, one artist: withheld.
        {
            "period_start": "2026-06-01",
            "contributions": 0,
            "hours": "0.00",
            "compensated_hours": "0.00",
            "revocations": None,
        },
    ]
    # The year (and all time) is shown: the five artists' 12.50 h.
    year = get_json(api, f"{STATS}/programs/open-canvas/?period=2026")
    assert (year["contributions"], year["hours"]) == (6, "12.50")


def test_a_weekly_time_series_is_refused_weeks_are_not_on_the_grid(api, world):
    response = api.get(f"{STATS}/programs/open-canvas/timeseries/?interval=week")

    assert response.status_code == 400
    assert response.json() == {"interval": ["Use one of: month."]}


def test_time_series_defaults_to_months(api, world):
    assert get_json(api, f"{STATS}/programs/open-canvas/timeseries/")["interval"] == "month"


# -- below the privacy floor ---------------------------------------------------------


def test_a_program_below_the_floor_shows_no_figure_and_no_artist(api, world):
    response = api.get(f"{STATS}/programs/tiny-beta/")
    data = response.json()

    assert set(data) == PROGRAM_DETAIL_KEYS
    assert_metric_types(data)
    assert_everything_hidden(data)
    assert data["headlines"] == []
    assert (data["program"], data["name"], data["status"]) == ("tiny-beta", "Tiny Beta", "active")
    body = response.content.decode()
    for handle in TINY_HANDLES:
        assert handle not in body
    # Not even how many artists there are.
    assert '"artists"' not in body and "4 artists" not in body


def test_the_list_shows_a_program_below_the_floor_with_nulls(api, world):
    response = api.get(f"{STATS}/programs/?ordering=name")
    rows = {row["program"]: row for row in response.json()["results"]}

    assert_everything_hidden(rows["tiny-beta"])
    assert rows["open-canvas"]["suppressed"] is False
    for handle in TINY_HANDLES:
        assert handle not in response.content.decode()


def test_the_time_series_of_a_program_below_the_floor_has_no_points(api, world):
    response = api.get(f"{STATS}/programs/tiny-beta/timeseries/?interval=month")
    data = response.json()

    assert data == {
        "program": "tiny-beta",
        "interval": "month",
        "suppressed": True,
        "suppressed_reason": HIDDEN_REASON,
        "points": [],
    }
    for handle in TINY_HANDLES:
        assert handle not in response.content.decode()


def test_an_organization_below_the_floor_shows_no_figure(api, world):
    data = get_json(api, f"{STATS}/organizations/tiny-labs/")

    assert set(data) == ORGANIZATION_KEYS
    assert_everything_hidden(data)
    assert (data["organization"], data["programs"]) == ("tiny-labs", 1)


def test_a_fifth_artist_lifts_the_floor(api, world):
    log_work(make_tester(world.tiny), on("2026-03-04"), hours="1.00")

    data = get_json(api, f"{STATS}/programs/tiny-beta/")

    assert data["suppressed"] is False and data["suppressed_reason"] == ""
    assert (data["contributions"], data["hours"]) == (5, "13.00")


# -- who may do what -----------------------------------------------------------------

ENDPOINTS = [
    f"{STATS}/summary/",
    f"{STATS}/programs/",
    f"{STATS}/programs/open-canvas/",
    f"{STATS}/programs/open-canvas/timeseries/",
    f"{STATS}/organizations/canvas-co/",
]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_anyone_may_read_the_stats(api, world, url):
    assert api.get(url).status_code == 200
    assert api.head(url).status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_stats_cannot_be_written(api, world, method, staff_client):
    artist_api = APIClient()
    artist_api.force_authenticate(world.testers["A"].artist.user)
    for client in (api, artist_api, staff_client):
        for url in ENDPOINTS:
            body = json.dumps({"contributions": 0})
            response = getattr(client, method)(url, body, content_type="application/json")
            assert response.status_code == 405, (url, response.status_code)
    assert get_json(api, f"{STATS}/programs/open-canvas/")["contributions"] == 6


# -- the OpenAPI schema and its documentation pages ---------------------------------

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']((?:https?:)?//[^"']+)""")
STATIC_ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+\.(?:js|css|png))["']""")


def test_the_schema_loads_anonymously_and_describes_the_stats(api, world):
    response = api.get("/api/v1/schema/?format=json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/stats/summary/",
        "/api/v1/stats/programs/",
        "/api/v1/stats/programs/{slug}/",
        "/api/v1/stats/programs/{slug}/timeseries/",
        "/api/v1/stats/organizations/{slug}/",
        "/api/v1/flags/",
    ]:
        assert set(paths[path]) == {"get"}, path
    program = response.json()["components"]["schemas"]["ProgramStats"]
    assert set(program["properties"]) >= CONTRACT_FIGURES
    detail = response.json()["components"]["schemas"]["ProgramDetailStats"]
    assert set(detail["properties"]) == set(program["properties"]) | {"headlines"}
    assert detail["properties"]["headlines"] == {
        "type": "array",
        "items": {"type": "string"},
        "description": detail["properties"]["headlines"]["description"],
    }
    assert "headlines" in detail["required"]
    ref = paths["/api/v1/stats/programs/{slug}/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ref == {"$ref": "#/components/schemas/ProgramDetailStats"}
    assert program["properties"]["cash_paid"]["type"] == "string"
    assert program["properties"]["hours"]["type"] == "string"


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_docs_load_anonymously_from_this_server_without_a_cdn(api, settings, url):
    response = api.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    for cdn in ("cdn.", "unpkg", "jsdelivr", "cdnjs"):
        assert cdn not in html
    assets = STATIC_ASSET.findall(html)
    assert any(asset.endswith(".js") for asset in assets)
    request = RequestFactory().get("/")
    for asset in assets:
        assert asset.startswith(settings.STATIC_URL), asset
        path = asset.removeprefix(settings.STATIC_URL)
        assert finders.find(path), asset
        served = serve(request, path, insecure=True)
        assert served.status_code == 200, asset
        served.close()


def test_swagger_references_nothing_outside_this_server(api):
    assert EXTERNAL.findall(api.get("/api/v1/docs/").content.decode()) == []


def test_redoc_references_nothing_outside_this_server(api):
    page = api.get("/api/v1/redoc/").content.decode()
    assert EXTERNAL.findall(page) == []
    assert "Redoc.init" in page or "<redoc" in page
