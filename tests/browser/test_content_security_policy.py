"""The Content-Security-Policy in Chromium: the pages a visitor, a staff member and an API
user open render with nothing refused (a refused inline style or script is logged on the
console), and the charts still get their styles from the static stylesheet."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests import factories
from tracker.demo import INCIDENT_SLUG

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_world():
    call_command("seed_demo", "--scale=0.1", "--no-progress", stdout=io.StringIO())
    call_command("scan_flags", stdout=io.StringIO())


@pytest.fixture
def refusals(page):
    """Every console message about the Content-Security-Policy, as the pages are opened."""
    seen: list[str] = []

    def note(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            seen.append(f"{page.url}: {message.text}")

    page.on("console", note)
    return seen


def test_public_pages_and_admin_login_render_with_nothing_refused(page, refusals, demo_world):
    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", name="Programs, by fairness score")).to_be_visible()

    page.goto(f"/programs/{INCIDENT_SLUG}/")
    charts = page.locator("svg.pygal-chart")
    expect(charts).to_have_count(4)
    # The charts' styles come from static/css/charts.css, not from the SVG.
    assert page.locator("svg.pygal-chart style").count() == 0
    title = charts.first.locator("text.title").first
    assert title.evaluate("node => getComputedStyle(node).fontSize") == "21px"
    # pygal's tooltip (only shown by its script, which is not sent) stays hidden.
    assert charts.first.locator("g.tooltip").evaluate("node => getComputedStyle(node).opacity") == "0"

    page.goto("/admin/login/")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()

    assert refusals == [], "\n".join(refusals)


def test_admin_pages_render_with_nothing_refused(page, refusals):
    factories.UserFactory(username="curator", is_staff=True, is_superuser=True)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.goto("/admin/tracker/jobrun/")
    button = page.get_by_role("button", name="Run a flag scan now")
    expect(button).to_be_visible()
    assert button.locator("xpath=..").evaluate("node => getComputedStyle(node).display") == "inline"
    page.goto("/admin/programs/program/add/")
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_visible()

    assert refusals == [], "\n".join(refusals)


# Redoc's "powered by" logo comes from Redocly's CDN: refused on purpose, the docs load
# nothing from outside this server.
OUTSIDE_LOGO = "Loading the image 'https://cdn.redoc.ly/"


def test_api_docs_and_browsable_api_render_with_nothing_refused(page, refusals, demo_world):
    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Early-Access Tracker API")
    page.goto("/api/v1/redoc/")
    # Redoc reads the whole schema before it draws anything.
    expect(page.get_by_role("heading", name="Early-Access Tracker API", level=1)).to_be_visible(timeout=30_000)
    page.goto("/api/v1/programs/")
    expect(page.locator(".response-info")).to_contain_text(INCIDENT_SLUG)

    refused = [message for message in refusals if OUTSIDE_LOGO not in message]
    assert refused == [], "\n".join(refused)
