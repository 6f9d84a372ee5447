"""Charts that travel: each program chart as an SVG or PNG file with its title, source line,
as-of time and methodology version inside the image; an embeddable page per chart; the
landing page's chart of what is owed, by program."""

import io
import struct

import pytest

from tests.jobs.helpers import log_work, make_program, make_tester, on, pay
from tracker.privacy import METHODOLOGY_VERSION

pytestmark = pytest.mark.django_db

SOURCE = "Source: Early-Access Tracker, http://testserver/programs/drawn/"


@pytest.fixture
def world(arithmetic_only):
    program = make_program(slug="drawn", name="Drawn Preview")
    for hours in ("2.00", "3.50"):
        tester = make_tester(program)
        contribution = log_work(tester, on("2026-03-02"), hours=hours)
        pay(tester, [contribution], on("2026-03-20"), amount="40.00")
    log_work(make_tester(program), on("2026-04-02"), hours="4.00")
    return program


def png_size(content: bytes) -> tuple[int, int]:
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    assert content[12:16] == b"IHDR"
    return struct.unpack(">II", content[16:24])


@pytest.mark.parametrize("name", ["hours", "kinds"])
def test_the_svg_holds_title_source_as_of_and_methodology(client, world, name):
    response = client.get(f"/programs/drawn/charts/{name}.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"] == f'attachment; filename="drawn-{name}.svg"'
    svg = response.content.decode()
    assert SOURCE in svg
    assert "Figures as of 20" in svg and " UTC" in svg
    assert f"methodology version {METHODOLOGY_VERSION}" in svg
    assert "<title>" in svg and "<style" in svg  # a file carries its own styles
    assert "<script" not in svg


def test_the_png_is_an_image_drawn_from_that_svg(client, world):
    response = client.get("/programs/drawn/charts/hours.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="drawn-hours.png"'
    width, height = png_size(response.content)
    assert 1000 <= width <= 2000 and 800 <= height <= 1200
    from PIL import Image

    Image.open(io.BytesIO(response.content)).verify()


def test_the_period_is_named_in_the_file(client, world):
    svg = client.get("/programs/drawn/charts/hours.svg", {"period": "2026-03"}).content.decode()

    assert "Period: 2026-03" in svg


@pytest.mark.parametrize("query", [{"period": "last-week"}, {"period": "2026-13"}, {"since": "2026-03-01"}])
@pytest.mark.parametrize("extension", ["svg", "png"])
def test_a_bad_period_is_refused(client, world, query, extension):
    assert client.get(f"/programs/drawn/charts/hours.{extension}", query).status_code == 400
    assert client.get("/programs/drawn/charts/hours/embed/", query).status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/programs/drawn/charts/nonsense.svg",
        "/programs/drawn/charts/nonsense.png",
        "/programs/drawn/charts/nonsense/embed/",
        "/programs/nowhere/charts/hours.svg",
    ],
)
def test_an_unknown_chart_or_program_is_404(client, world, path):
    assert client.get(path).status_code == 404


def test_a_program_whose_figures_are_hidden_has_no_chart_files(client, world, settings):
    settings.MIN_GROUP_SIZE = 5

    for path in ["hours.svg", "hours.png", "kinds.svg", "hours/embed/"]:
        assert client.get(f"/programs/drawn/charts/{path}").status_code == 404


def test_the_embed_page_shows_the_chart_its_source_and_as_of(client, world):
    response = client.get("/programs/drawn/charts/hours/embed/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Hours given and hours paid for, by month" in html
    assert 'href="http://testserver/programs/drawn/"' in html
    assert "Figures as of" in html and f"methodology version {METHODOLOGY_VERSION}" in html
    assert "<script" not in html


def test_the_program_page_links_each_chart_as_files_and_embed(client, world):
    html = client.get("/programs/drawn/", {"period": "2026-03"}).content.decode()

    assert 'href="/programs/drawn/charts/hours.svg?period=2026-03" download' in html
    assert 'href="/programs/drawn/charts/hours.png?period=2026-03" download' in html
    assert 'href="/programs/drawn/charts/hours/embed/?period=2026-03"' in html
    assert "&lt;iframe src=&quot;http://testserver/programs/drawn/charts/hours/embed/?period=2026-03&quot;" in html


def test_the_landing_page_charts_owed_by_program(client, world):
    html = client.get("/").content.decode()

    assert "Owed and hours unpaid, by program" in html
    assert 'href="/charts/owed.svg"' in html and 'href="/charts/owed.png"' in html
    svg = client.get("/charts/owed.svg")
    assert svg["Content-Disposition"] == 'attachment; filename="programs-owed.svg"'
    text = svg.content.decode()
    assert "Drawn Preview" in text
    assert "Source: Early-Access Tracker, http://testserver/" in text
    assert f"methodology version {METHODOLOGY_VERSION}" in text
    png = client.get("/charts/owed.png")
    assert png["Content-Type"] == "image/png"
    assert png_size(png.content)[0] >= 1000


def test_the_landing_chart_is_404_when_nothing_is_published(client, world, settings):
    settings.MIN_GROUP_SIZE = 5

    assert client.get("/charts/owed.svg").status_code == 404
    assert "1 program is left out" in client.get("/").content.decode()
