"""CSV for every API list (?format=csv: a spreadsheet of the same values as the JSON, every
row, an attachment), 400 for an unknown format, throttling (429 with Retry-After; tokens
have their own bucket) and API tokens on the artist's own endpoints."""

import csv
import io

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from tests import factories
from tests.api.stats_world import build_world
from tracker.services import run_scan

pytestmark = pytest.mark.django_db

STATS = "/api/v1/stats"


@pytest.fixture
def world(settings):
    settings.MIN_GROUP_SIZE = 5
    world = build_world()
    run_scan(trigger="command")
    return world


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def read_csv(response, filename: str) -> list[dict]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def header(response) -> list[str]:
    return next(csv.reader(io.StringIO(response.content.decode())))


def cell(value) -> str:
    """How the CSV renderer writes a JSON value: null as empty, booleans as in JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def assert_row_matches(row: dict, data: dict) -> None:
    """A CSV row says what the JSON says: scalars as they are, objects as dotted columns,
    the score breakdown as points earned out of ten."""
    for name, value in data.items():
        if isinstance(value, dict):
            for key, inner in value.items():
                assert row[f"{name}.{key}"] == cell(inner), f"{name}.{key}"
        elif name == "score_breakdown":
            earned = sum(point["earned"] for point in value or [])
            assert row[name] == ("" if value is None else f"{earned}/{len(value)}")
        elif isinstance(value, list):
            assert row[name] == ";".join(str(item) for item in value), name
        elif value is None and name not in row:
            # A null object (a suppressed row): its dotted columns, if any, are empty.
            assert all(text == "" for column, text in row.items() if column.startswith(f"{name}.")), name
        else:
            assert row[name] == cell(value), name


# -- CSV: stats ----------------------------------------------------------------------


def test_program_list_csv_has_every_row_and_starts_with_the_program(api, world):
    response = api.get(f"{STATS}/programs/?format=csv&page_size=1&ordering=name")

    rows = read_csv(response, "program-stats.csv")
    assert header(response)[:4] == ["program", "name", "organization", "status"]
    # Every row, whatever the page size.
    assert [row["program"] for row in rows] == ["open-canvas", "tiny-beta"]
    results = api.get(f"{STATS}/programs/?ordering=name").json()["results"]
    for row, data in zip(rows, results, strict=True):
        assert_row_matches(row, data)
    assert rows[0]["hours"] == "12.50" and rows[0]["figure_artists.hours"] == "5"
    # Three paid artists are too few: the cell is empty and the withheld column says why.
    assert rows[0]["cash_paid"] == "" and rows[0]["withheld.cash_paid"].startswith("Withheld: fewer than 5 verified")
    # Below the privacy floor: empty cells, and the reason.
    assert rows[1]["hours"] == "" and rows[1]["suppressed"] == "true" and rows[1]["suppressed_reason"]


def test_program_list_csv_follows_the_ordering_and_filters(api, world):
    rows = read_csv(api.get(f"{STATS}/programs/?format=csv&ordering=-name"), "program-stats.csv")
    assert [row["program"] for row in rows] == ["tiny-beta", "open-canvas"]

    rows = read_csv(api.get(f"{STATS}/programs/?format=csv&organization=canvas-co"), "program-stats.csv")
    assert [row["program"] for row in rows] == ["open-canvas"]


def test_program_csv_is_one_row_of_its_figures(api, world):
    response = api.get(f"{STATS}/programs/open-canvas/?format=csv")

    [row] = read_csv(response, "open-canvas.csv")
    assert header(response)[:4] == ["program", "name", "organization", "status"]
    assert_row_matches(row, api.get(f"{STATS}/programs/open-canvas/").json())
    # Open flags about artists' records: below the floor here, so withheld.
    assert row["withheld.open_flags.unpaid_feedback"].startswith("Withheld")
    assert row["score_breakdown"] == "" and row["withheld.fairness_score"].startswith("Withheld: the score")


def test_time_series_csv_is_one_row_per_period(api, world):
    response = api.get(f"{STATS}/programs/open-canvas/timeseries/?format=csv&interval=month")

    rows = read_csv(response, "open-canvas-month.csv")
    assert header(response) == ["period_start", "contributions", "hours", "compensated_hours", "revocations"]
    points = api.get(f"{STATS}/programs/open-canvas/timeseries/?interval=month").json()["points"]
    assert len(rows) == len(points) == 3
    for row, point in zip(rows, points, strict=True):
        assert_row_matches(row, point)
    # March is withheld with April (tests/api/test_stats_contract.py): empty cells, not zeros.
    assert rows[0] == {
        "period_start": "2026-03-01",
        "contributions": "",
        "hours": "",
        "compensated_hours": "",
        "revocations": "0",
    }


def test_summary_and_organization_csv_are_one_row(api, world):
    [summary] = read_csv(api.get(f"{STATS}/summary/?format=csv"), "summary.csv")
    assert_row_matches(summary, api.get(f"{STATS}/summary/").json())

    [organization] = read_csv(api.get(f"{STATS}/organizations/canvas-co/?format=csv"), "canvas-co.csv")
    assert_row_matches(organization, api.get(f"{STATS}/organizations/canvas-co/").json())


def test_accept_text_csv_works_like_format_csv(api, world):
    response = api.get(f"{STATS}/programs/open-canvas/", HTTP_ACCEPT="text/csv")

    assert read_csv(response, "open-canvas.csv")[0]["program"] == "open-canvas"


# -- CSV: the other lists --------------------------------------------------------------


def test_flags_csv_has_every_flag_with_its_json_values(api, world):
    response = api.get("/api/v1/flags/?format=csv&page_size=1")

    rows = read_csv(response, "flag.csv")
    results = api.get("/api/v1/flags/?page_size=100").json()["results"]
    # Artist-level flags are grouped into monthly rows (tests/api/test_flags_api.py).
    assert len(rows) == len(results) == 6
    for row, flag in zip(rows, results, strict=True):
        assert_row_matches(row, flag)


def test_programs_csv_has_every_program(api, world):
    response = api.get("/api/v1/programs/?format=csv&page_size=1")

    rows = read_csv(response, "program.csv")
    results = api.get("/api/v1/programs/?page_size=100").json()["results"]
    assert {row["slug"] for row in rows} == {"open-canvas", "tiny-beta"}
    for row, program in zip(rows, results, strict=True):
        assert_row_matches(row, program)


def test_my_contributions_csv_with_a_token(world):
    client = token_client(world.testers["A"].artist.user)

    response = client.get("/api/v1/me/contributions/?format=csv")

    rows = read_csv(response, "my-contribution.csv")
    results = client.get("/api/v1/me/contributions/").json()["results"]
    assert sorted(row["hours_spent"] for row in rows) == ["1.50", "4.00"]
    for row, contribution in zip(rows, results, strict=True):
        assert_row_matches(row, contribution)


def test_my_contributions_csv_needs_a_login(api, world):
    assert api.get("/api/v1/me/contributions/?format=csv").status_code == 401


# -- bad requests stay bad requests --------------------------------------------------


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        (f"{STATS}/programs/?format=csv&ordering=password", "ordering"),
        (f"{STATS}/programs/open-canvas/timeseries/?format=csv&interval=year", "interval"),
        (f"{STATS}/summary/?format=csv&since=yesterday", "since"),
        (f"{STATS}/programs/?format=csv&page_size=1000", "page_size"),
    ],
)
def test_a_bad_request_for_csv_is_still_a_400_with_its_message(api, world, url, parameter):
    response = api.get(url)

    assert response.status_code == 400
    assert "Content-Disposition" not in response
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows and rows[0]["field"] == parameter and rows[0]["message"]


@pytest.mark.parametrize(
    "url",
    [
        f"{STATS}/summary/",
        f"{STATS}/programs/",
        f"{STATS}/programs/open-canvas/",
        "/api/v1/flags/",
        "/api/v1/programs/",
    ],
)
@pytest.mark.parametrize("fmt", ["xml", "yaml", "CSV"])
def test_an_unknown_format_is_a_bad_request_naming_format(api, world, url, fmt):
    response = api.get(f"{url}?format={fmt}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "json" in response.json()["format"][0] and "csv" in response.json()["format"][0]


# -- throttling -----------------------------------------------------------------------


@pytest.fixture
def low_rates(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/minute", raising=False)
    monkeypatch.setattr(UserRateThrottle, "rate", "6/minute", raising=False)
    cache.clear()
    yield
    cache.clear()


def test_the_fourth_anonymous_request_is_throttled_with_retry_after(api, world, low_rates):
    for _ in range(3):
        assert api.get(f"{STATS}/summary/").status_code == 200

    response = api.get(f"{STATS}/summary/")

    assert response.status_code == 429
    assert response["Retry-After"].isdigit() and 0 < int(response["Retry-After"]) <= 60
    assert "throttled" in response.json()["detail"].lower()


def test_the_anonymous_bucket_is_shared_by_every_endpoint(api, world, low_rates):
    api.get(f"{STATS}/summary/")
    api.get(f"{STATS}/programs/")
    api.get("/api/v1/flags/")

    assert api.get(f"{STATS}/programs/open-canvas/").status_code == 429


def test_a_token_client_has_its_own_higher_bucket(api, world, low_rates):
    for _ in range(4):
        api.get(f"{STATS}/summary/")
    assert api.get(f"{STATS}/summary/").status_code == 429
    client = token_client(factories.UserFactory(username="researcher"))

    statuses = [client.get(f"{STATS}/summary/").status_code for _ in range(7)]

    assert statuses == [200] * 6 + [429]
    another = token_client(factories.UserFactory(username="journalist"))
    assert another.get(f"{STATS}/summary/").status_code == 200


# -- tokens -----------------------------------------------------------------------------


def test_a_token_opens_the_artists_own_records(world):
    client = token_client(world.testers["B"].artist.user)

    response = client.get("/api/v1/me/contributions/")

    assert response.status_code == 200
    assert [c["hours_spent"] for c in response.json()["results"]] == ["2.00"]
    assert client.get("/api/v1/me/enrollments/").status_code == 200


def test_a_revoked_token_is_refused_everywhere(world):
    user = world.testers["B"].artist.user
    client = token_client(user)
    assert client.get("/api/v1/me/contributions/").status_code == 200

    Token.objects.filter(user=user).delete()

    for url in ["/api/v1/me/contributions/", f"{STATS}/summary/", "/api/v1/flags/"]:
        response = client.get(url)
        # Not quietly treated as anonymous: the client learns its token no longer works.
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token"


def test_a_made_up_token_is_refused(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    assert client.get("/api/v1/me/contributions/").status_code == 401


def test_the_program_list_csv_has_the_same_columns_whatever_is_suppressed(api, world):
    rows = list(csv.DictReader(io.StringIO(api.get("/api/v1/stats/programs/", {"format": "csv"}).content.decode())))

    columns = set(rows[0])
    # A suppressed row has null objects; they add no bare "open_flags" column beside the dotted ones.
    assert "open_flags" not in columns and "contributions_by_kind" not in columns
    assert any(column.startswith("contributions_by_kind.") for column in columns)
