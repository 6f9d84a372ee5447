"""The dashboards in Chromium: sort the landing table by a header, open the incident program
from the demo world, see its charts and its mass-revocation flag, download its CSV, compare
programs, and look at it all 390 px wide."""

import csv
import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tracker.demo import INCIDENT_SLUG

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_world():
    call_command("seed_demo", "--scale=0.1", "--no-progress", stdout=io.StringIO())
    call_command("scan_flags", stdout=io.StringIO())


def program_names(page) -> list[str]:
    return page.locator("table.programs tbody th[scope=row]").all_inner_texts()


def page_fits_its_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_advocate_sorts_programs_and_opens_the_incident_program(page, screenshot, demo_world):
    page.goto("/")
    expect(page.get_by_role("heading", name="Programs, by fairness score")).to_be_visible()
    by_score = program_names(page)
    screenshot("dashboards-home")

    page.locator("table.programs thead").get_by_role("link", name="Hours", exact=True).click()
    page.wait_for_url("**/?sort=-hours")
    by_hours = program_names(page)
    assert by_hours != by_score and sorted(by_hours) == sorted(by_score)
    assert by_hours[0] == "Halcyon Motion Artist Preview"  # months of unpaid hours
    expect(page.locator('th[aria-sort="descending"]')).to_contain_text("Hours")

    page.locator("table.programs thead").get_by_role("link", name="Program", exact=True).click()
    page.wait_for_url("**/?sort=name")
    assert program_names(page) == sorted(by_score)

    page.get_by_role("link", name="Halcyon Motion Artist Preview").click()
    page.wait_for_url(f"**/programs/{INCIDENT_SLUG}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Halcyon Motion Artist Preview")
    expect(page.locator("svg.pygal-chart")).to_have_count(4)
    # The month of the mass revocation is withheld with a small month beside it (the all-time
    # total minus one would reveal the other); the finding itself is public, below.
    expect(page.locator("#chart-revocations")).to_contain_text("Blank months are hidden, not zero")
    flags = page.get_by_role("list", name="Open flags by kind")
    expect(flags.get_by_role("link", name="Mass revocation")).to_have_attribute(
        "href", f"/flags/?program={INCIDENT_SLUG}&kind=mass_revocation"
    )
    expect(page.get_by_role("table").first).to_contain_text("Not earned")
    screenshot("dashboards-program")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"program-{INCIDENT_SLUG}.csv"
    with open(download.path(), encoding="utf-8") as handle:
        values = {row["field"]: row["value"] for row in csv.DictReader(handle)}
    assert values["slug"] == INCIDENT_SLUG
    assert int(values["open_flags.mass_revocation"]) == 1
    assert int(values["contributions"]) > 0

    flags.get_by_role("link", name="Mass revocation").click()
    expect(page.get_by_role("table")).to_contain_text("Mass revocation")


def test_the_dashboards_fit_a_phone(page, screenshot, demo_world):
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto("/")
    assert page_fits_its_width(page)
    screenshot("dashboards-home-390")

    page.goto(f"/programs/{INCIDENT_SLUG}/")
    expect(page.locator("svg.pygal-chart")).to_have_count(4)
    assert page_fits_its_width(page)
    screenshot("dashboards-program-390")


def test_an_advocate_compares_two_programs(page, screenshot, demo_world):
    page.goto("/compare/")
    page.get_by_label("Halcyon Motion Artist Preview").check()
    page.get_by_label("Brightwater Image Residency").check()
    page.get_by_role("button", name="Compare").click()

    table = page.locator("table.compare")
    expect(table).to_contain_text("Fairness score")
    expect(table.locator("thead")).to_contain_text("Halcyon Motion Artist Preview")
    expect(table.locator("thead")).to_contain_text("Brightwater Image Residency")
    screenshot("dashboards-compare")

    page.goto("/compare/?programs=halcyon-motion-preview")
    expect(page.get_by_role("alert")).to_contain_text("Compare 2 to 4 programs; 1 chosen.")


def test_a_journalist_sees_what_is_owed_on_the_landing_page_and_a_program_page(page, screenshot, demo_world):
    # The owed figure is the headline: on the landing page for the platform (per currency) and
    # per program in the table, and on each program's page with how it is computed.
    from tracker.metrics import metrics_for_program, platform_metrics
    from tracker.templatetags.metrics import large_amount_text, money

    platform = platform_metrics()
    page.goto("/")
    owed = page.locator("#platform-owed")
    expect(owed).to_contain_text("Owed to testers")
    for currency, value in platform.owed_by_currency.items():
        expect(owed).to_contain_text(large_amount_text(value, currency))
    expect(owed).to_contain_text("each program's own reference rate")
    header = page.locator("table.programs thead").get_by_role("link", name="Owed", exact=True)
    expect(header).to_be_visible()
    screenshot("owed-landing")

    header.click()
    page.wait_for_url("**/?sort=-owed")
    expect(page.locator(".sort-note")).to_contain_text("the owed amount as a share of the fair value of due work")
    assert program_names(page)[0] == "Halcyon Motion Artist Preview"

    from programs.models import Program

    incident = metrics_for_program(Program.objects.get(slug=INCIDENT_SLUG))
    page.get_by_role("link", name="Halcyon Motion Artist Preview").click()
    tile = page.locator("#owed")
    expect(tile).to_contain_text("Owed to testers")
    expect(tile).to_contain_text(money(incident.owed, incident.currency))
    expect(tile).to_contain_text("with no cash paid for it")
    screenshot("owed-program")
