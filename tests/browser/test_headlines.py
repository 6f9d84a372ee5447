"""A program's page opens with its headlines, right under its title, on a desktop and on a
phone (tests/tracker/headline_world.py has the figures worked out)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.tracker.headline_world import SLUG, STUDIO_ALL_TIME, headline_studio
from tracker.services import run_scan

pytestmark = pytest.mark.browser


@pytest.fixture
def studio(settings):
    settings.MIN_GROUP_SIZE = 5
    headline_studio()
    run_scan(trigger="command")


@pytest.mark.parametrize("width", [1280, 375])
def test_a_reader_sees_the_headlines_under_the_programs_title(page, screenshot, studio, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/programs/{SLUG}/")

    headlines = page.locator("p.headlines")
    expect(headlines).to_be_visible()
    expect(headlines).to_have_text(" ".join(STUDIO_ALL_TIME))
    # Right under the title, before the figures.
    assert page.evaluate("document.querySelector('h1').nextElementSibling.className") == "headlines"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(f"headlines-program-{width}")
    page.screenshot(path=str(ARTIFACTS / f"headlines-program-{width}-top.png"))  # what a reader sees first
