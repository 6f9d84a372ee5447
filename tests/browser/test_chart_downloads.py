"""Charts that travel, in Chromium: download a program chart as SVG and PNG from its links
and find the source line in the file; the landing page's chart of what is owed; an embed
page inside another page's frame."""

import base64
import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tracker.demo import INCIDENT_SLUG
from tracker.privacy import METHODOLOGY_VERSION

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_world():
    call_command("seed_demo", "--scale=0.1", "--no-progress", stdout=io.StringIO())


def download(page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    path = info.value.path()
    return info.value.suggested_filename, path.read_bytes()


def test_a_reader_downloads_a_chart_as_svg_and_png_and_finds_the_source(page, live_server, demo_world):
    page.goto(f"/programs/{INCIDENT_SLUG}/")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#chart-hours").screenshot(path=str(ARTIFACTS / "chart-program-hours.png"))
    links = page.locator("#chart-hours + .chart-links")
    expect(links.get_by_role("link", name="SVG")).to_be_visible()

    name, svg = download(page, links.get_by_role("link", name="SVG"))
    assert name == f"{INCIDENT_SLUG}-hours.svg"
    text = svg.decode()
    assert f"Source: Early-Access Tracker, {live_server.url}/programs/{INCIDENT_SLUG}/" in text
    assert f"methodology version {METHODOLOGY_VERSION}" in text and "Figures as of" in text

    name, png = download(page, links.get_by_role("link", name="PNG"))
    assert name == f"{INCIDENT_SLUG}-hours.png"
    assert png[:8] == b"\x89PNG\r\n\x1a\n"

    # The PNG is an image a browser draws, at a sensible size; a screenshot to look at.
    page.goto("about:blank")  # outside the site: its policy allows no data: images
    page.set_content(f'<img id="png" alt="chart" src="data:image/png;base64,{base64.b64encode(png).decode()}">')
    page.wait_for_function("document.getElementById('png').complete")
    size = page.evaluate("[document.getElementById('png').naturalWidth, document.getElementById('png').naturalHeight]")
    assert 1000 <= size[0] <= 2000 and 800 <= size[1] <= 1200
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "chart-download-hours.png").write_bytes(png)
    (ARTIFACTS / "chart-download-hours.svg").write_bytes(svg)


def test_the_landing_page_charts_what_is_owed_by_program(page, demo_world):
    page.goto("/")
    section = page.locator("section.landing-chart")
    expect(section.get_by_role("heading", level=2, name="Owed and hours unpaid, by program")).to_be_visible()
    expect(section.locator("svg.pygal-chart")).to_have_count(1)
    ARTIFACTS.mkdir(exist_ok=True)
    section.screenshot(path=str(ARTIFACTS / "chart-landing-owed.png"))

    name, svg = download(page, section.get_by_role("link", name="SVG"))
    assert name == "programs-owed.svg"
    assert "Source: Early-Access Tracker" in svg.decode()


def framed(page, url: str):
    """A frame holding `url`, put into another page (the privacy page, by the test's own hand:
    no script of the site runs)."""
    page.goto("/privacy/")
    page.evaluate(
        "url => { const f = document.createElement('iframe'); f.src = url; f.width = 680; f.height = 640;"
        " document.body.prepend(f); }",
        url,
    )
    return page.frame_locator("iframe")


def test_an_embed_page_shows_in_another_sites_frame(page, live_server, demo_world):
    frame = framed(page, f"{live_server.url}/programs/{INCIDENT_SLUG}/charts/hours/embed/")
    expect(frame.locator("svg.pygal-chart")).to_have_count(1)
    expect(frame.get_by_role("link", name="Early-Access Tracker")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chart-embed-framed.png"))


def test_the_program_page_stays_unframeable(page, live_server, demo_world):
    frame = framed(page, f"{live_server.url}/programs/{INCIDENT_SLUG}/")
    page.wait_for_timeout(1000)
    expect(frame.get_by_text("Halcyon Motion Artist Preview")).to_have_count(0)
    expect(page.locator("iframe")).to_have_count(1)
