"""CSV (formula) injection: a text an artist typed must not reach a spreadsheet as a formula
through any CSV door (docs/privacy.md, "CSV files"). Every door writes through
config/csv_safe.py, which prefixes a text cell that would start a formula with `'` and leaves
numbers as they are.

The attacker proposes a program and an organization whose names are formulas, gets them
listed, and logs contributions and works whose titles are formulas; then every CSV door is
downloaded and no cell may start with =, +, -, @, a tab or a carriage return unless it is a
plain number.
"""

import ast
import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from config import csv_safe
from config.renderers import to_csv
from programs.models import Program
from programs.services import approve_programs, enrol_artist
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

PROGRAM_NAME = '=HYPERLINK("http://evil.example","x")'
ORGANIZATION_NAME = "@SUM(1+1)*cmd"
API_PROGRAM_NAME = "+cmd|' /C calc'!A0"
API_ORGANIZATION_NAME = "-2+3 Labs"
CONTRIBUTION_TITLE = "-2+3+cmd|' /C calc'!A0"
CONTRIBUTION_DESCRIPTION = "@SUM(A1:A9)"
WORK_TITLE = "=1+2"
GRANTED_ON = dt.date(2026, 1, 5)


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def assert_no_formula(text: str, door: str) -> None:
    for cell in cells(text):
        if cell.startswith(DANGEROUS):
            assert csv_safe.is_plain_number(cell), f"{door}: the cell {cell!r} would start a formula"


@pytest.fixture
def artist(db):
    return factories.ArtistFactory(handle="formula_fan")


@pytest.fixture
def artist_client(client, artist):
    client.force_login(artist.user)
    return client


@pytest.fixture
def artist_api(artist):
    api = APIClient()
    api.force_authenticate(artist.user)
    return api


@pytest.fixture
def world(settings, artist, artist_client, artist_api):
    """The payloads go in through the real doors: the propose-program page and API, the
    contribution and work API. Staff list both programs."""
    settings.MIN_GROUP_SIZE = 1
    settings.DOMINANCE_SHARE = Decimal("1")
    response = artist_client.post(
        reverse("propose-program"),
        {"name": PROGRAM_NAME, "organization_name": ORGANIZATION_NAME, "opened_on": "2026-01-01"},
    )
    assert response.status_code == 302, response.content
    response = artist_api.post(
        "/api/v1/me/programs/propose/",
        {"name": API_PROGRAM_NAME, "organization": API_ORGANIZATION_NAME, "opened_on": "2026-01-01"},
        format="json",
    )
    assert response.status_code == 201, response.content
    programs = list(Program.objects.filter(proposed_by=artist).order_by("pk"))
    assert [p.name for p in programs] == [PROGRAM_NAME, API_PROGRAM_NAME]
    approve_programs(programs=programs)
    for program in programs:
        enrollment = Program.objects.get(pk=program.pk).enrollments.filter(artist=artist).first()
        if enrollment is None:
            enrollment = enrol_artist(program=program, artist=artist, granted_on=GRANTED_ON)
        factories.set_verification(enrollment, "verified")
        response = artist_api.post(
            "/api/v1/me/contributions/",
            {
                "program": program.slug,
                "kind": "feedback_session",
                "title": CONTRIBUTION_TITLE,
                "description": CONTRIBUTION_DESCRIPTION,
                "hours_spent": "2.50",
                "occurred_on": "2026-01-10",
                "requested_by_program": True,
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        response = artist_api.post(
            "/api/v1/me/works/",
            {
                "program": program.slug,
                "title": WORK_TITLE,
                "medium": "image",
                "description": "\t=cmd",
                "submitted_at": "2026-01-12T10:00:00Z",
            },
            format="json",
        )
        assert response.status_code == 201, response.content
    return [Program.objects.get(pk=p.pk) for p in programs]


def public_doors(programs: list[Program]) -> dict[str, str]:
    first, second = programs
    organization = first.organization.slug
    return {
        "landing table": "/?format=csv",
        "organization table": f"/organizations/{organization}/?format=csv",
        "program dashboard": f"/programs/{first.slug}/?format=csv",
        "compare": f"/compare/?programs={first.slug},{second.slug}&format=csv",
        "API programs": "/api/v1/programs/?format=csv",
        "API program": f"/api/v1/programs/{first.slug}/?format=csv",
        "API organizations": "/api/v1/organizations/?format=csv",
        "API organization": f"/api/v1/organizations/{organization}/?format=csv",
        "stats programs": "/api/v1/stats/programs/?format=csv",
        "stats program": f"/api/v1/stats/programs/{first.slug}/?format=csv",
        "stats timeseries": f"/api/v1/stats/programs/{first.slug}/timeseries/?format=csv",
        "stats organization": f"/api/v1/stats/organizations/{organization}/?format=csv",
        "stats summary": "/api/v1/stats/summary/?format=csv",
    }


# The doors whose CSV names the program (so the payload is there, and defused).
NAMES_THE_PROGRAM = {
    "landing table",
    "organization table",
    "program dashboard",
    "compare",
    "API programs",
    "API program",
    "stats programs",
    "stats program",
}


def test_every_public_csv_door_defuses_the_formulas(world, client):
    for door, url in public_doors(world).items():
        response = client.get(url)
        assert response.status_code == 200, (door, response.content)
        assert response["Content-Type"].startswith("text/csv"), door
        text = response.content.decode("utf-8")
        assert_no_formula(text, door)
        if door in NAMES_THE_PROGRAM:
            assert "'" + PROGRAM_NAME in cells(text), door
            assert PROGRAM_NAME not in cells(text), door
    listed = cells(client.get("/api/v1/organizations/?format=csv").content.decode())
    assert "'" + ORGANIZATION_NAME in listed and "'" + API_ORGANIZATION_NAME in listed
    assert "'" + API_PROGRAM_NAME in cells(client.get("/?format=csv").content.decode())


def test_numbers_stay_numbers_in_the_public_csvs(world, client):
    """The figures are written as they are: an hours figure is 2.50, not '2.50."""
    text = client.get(f"/api/v1/stats/programs/{world[0].slug}/?format=csv").content.decode()
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["hours"] == "2.50"
    for cell in cells(text):
        assert not (cell.startswith("'") and csv_safe.is_plain_number(cell[1:])), cell


ARTIST_DOORS = [
    "/api/v1/me/contributions/?format=csv",
    "/api/v1/me/works/?format=csv",
    "/api/v1/me/enrollments/?format=csv",
    "/api/v1/me/export/?format=csv",
]


@pytest.mark.parametrize("url", ARTIST_DOORS)
def test_the_artists_own_api_csvs_defuse_the_formulas(world, artist_api, url):
    response = artist_api.get(url)

    assert response.status_code == 200, response.content
    text = response.content.decode()
    assert_no_formula(text, url)
    if "contributions" in url:
        assert "'" + CONTRIBUTION_TITLE in cells(text) and "'" + CONTRIBUTION_DESCRIPTION in cells(text)
        assert "2.50" in cells(text)


def test_the_export_zip_defuses_the_formulas(world, artist_client):
    response = artist_client.get(reverse("export-zip"))

    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        files = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    for name, text in files.items():
        assert_no_formula(text, name)
    contributions = list(csv.DictReader(io.StringIO(files["contributions.csv"])))
    assert {row["title"] for row in contributions} == {"'" + CONTRIBUTION_TITLE}
    assert {row["hours_spent"] for row in contributions} == {"2.50"}
    works = list(csv.DictReader(io.StringIO(files["works.csv"])))
    assert {row["title"] for row in works} == {"'" + WORK_TITLE}
    assert {row["description"] for row in works} == {"'=cmd"}  # the API trims the tab
    # The JSON export is data, not a spreadsheet: it keeps what the artist typed.
    assert CONTRIBUTION_TITLE in artist_client.get(reverse("export-json")).json()["contributions"][0]["title"]


@pytest.mark.parametrize("kind", ["contributions", "compensations"])
def test_the_import_templates_are_safe(client, kind):
    assert_no_formula(client.get(reverse("import-template", args=[kind])).content.decode(), kind)


# The cell rule itself.


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("-", "'-"),
        ("-2+3", "'-2+3"),
        ("-12.50", "-12.50"),
        ("-3", "-3"),
        ("+4", "+4"),
        ("-.5", "-.5"),
        ("-1e-05", "-1e-05"),
        ("12.50", "12.50"),
        (Decimal("-12.50"), Decimal("-12.50")),
        (-3, -3),
        (-0.25, -0.25),
        (None, None),
        (True, True),
        ("plain text", "plain text"),
        ("a=b", "a=b"),
        ("", ""),
        (dt.date(2026, 1, 2), dt.date(2026, 1, 2)),
    ],
)
def test_the_cell_rule(value, written):
    assert csv_safe.safe_cell(value) == written


def test_negative_numbers_stay_numeric_through_the_api_renderer():
    text = to_csv([{"name": "=x", "amount": Decimal("-12.50"), "count": -3, "text": "-12.50", "share": -0.5}])

    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row == {"name": "'=x", "amount": "-12.50", "count": "-3", "text": "-12.50", "share": "-0.5"}


def test_the_dict_writer_takes_csv_dict_writer_options():
    out = io.StringIO()
    writer = csv_safe.DictWriter(out, fieldnames=["a", "b"], restval="", extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows([{"a": "=1", "c": "dropped"}])
    assert out.getvalue() == "a,b\n'=1,\n"


WRITERS = {"writer", "DictWriter"}


def test_no_csv_door_writes_around_the_safe_writer():
    """Every CSV in the code is written through config/csv_safe.py: a new door that used
    csv.writer or csv.DictWriter directly could forget the rule."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {".venv", "tests", "node_modules"} or relative == Path("config/csv_safe.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            direct = (
                isinstance(node, ast.Attribute)
                and node.attr in WRITERS
                and isinstance(node.value, ast.Name)
                and node.value.id == "csv"
            )
            imported = (
                isinstance(node, ast.ImportFrom)
                and node.module == "csv"
                and any(alias.name in WRITERS for alias in node.names)
            )
            if direct or imported:
                offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []
