"""The landing page on a phone: each program's score is on screen without scrolling
sideways (the programs table stacks as one card per program below 40rem)."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def programs(settings):
    settings.MIN_GROUP_SIZE = 2
    names = [
        ("Moving Pictures Artist Preview", "Frontier Labs International"),
        ("Brightwater Image Residency", "Brightwater Studio"),
        ("Quillstone Canvas Beta", "Quillstone"),
    ]
    for name, organization in names:
        program = factories.ProgramFactory(name=name, organization__name=organization)
        # Three artists: with two, two artists would hold all the hours (the dominance rule).
        for _ in range(3):
            factories.ContributionFactory(enrollment=factories.EnrollmentFactory(program=program), hours_spent="3.5")
    factories.ProgramFactory(name="Quiet Beta")
    return [name for name, _ in names]


def test_on_a_phone_every_score_is_on_screen_without_scrolling_sideways(page, screenshot, programs):
    page.set_viewport_size(PHONE)
    page.goto("/")
    screenshot("home-phone-375")

    scores = page.locator("table.programs td.score-cell")
    expect(scores).to_have_count(len(programs))
    for index in range(len(programs)):
        cell = scores.nth(index)
        expect(cell).to_be_visible()
        expect(cell).to_contain_text("/ 10")
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Each figure says what it is, the headers being off screen: "Score: 4 / 10".
    first = page.locator("table.programs tbody tr").filter(has_text=programs[0])
    expect(first.locator("td.score-cell")).to_have_attribute("data-label", "Score")
    # The sort links are still there to sort by.
    expect(page.locator("table.programs thead").get_by_role("link", name="Owed", exact=True)).to_be_visible()
    # The row withheld for privacy still says why.
    expect(page.locator("table.programs tbody tr").filter(has_text="Quiet Beta")).to_contain_text(
        "figures are hidden to protect them"
    )
    page.locator("table.programs").screenshot(path=str(ARTIFACTS / "home-phone-375-table.png"))


def test_on_a_desktop_the_programs_are_still_a_table(page, screenshot, programs):
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    screenshot("home-desktop-1280")

    table = page.locator("table.programs")
    headers = [h.strip() for h in table.get_by_role("columnheader").all_inner_texts()]
    assert [header.split(" ▼")[0] for header in headers[:4]] == ["Program", "Organization", "Status", "Score"]
    assert table.locator("thead").evaluate("element => getComputedStyle(element).display") == "table-header-group"
    rows = table.locator("tbody tr")
    tops = {round(rows.nth(0).locator(sel).bounding_box()["y"]) for sel in ("th", "td.score-cell", "td.owed-cell")}
    assert len(tops) == 1, "a program's figures are on one line"
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
