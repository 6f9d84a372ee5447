"""Cite this, in a browser: open a program, copy its citation, follow the permalink after a
new write and see the same figures, while the program's page shows the new ones."""

import re

import pytest
from playwright.sync_api import expect

from tests.jobs.helpers import log_work, on
from tests.tracker.headline_world import SLUG, headline_studio
from tracker.models import Snapshot
from tracker.services import run_scan

pytestmark = pytest.mark.browser


@pytest.fixture
def studio(settings):
    settings.MIN_GROUP_SIZE = 5
    program, testers = headline_studio()
    run_scan(trigger="command")
    return testers


def hours_given(page) -> str:
    return page.locator("dt", has_text=re.compile(r"^Hours given$")).locator("xpath=following-sibling::dd").inner_text()


def test_a_journalist_cites_a_program_and_the_permalink_keeps_the_figures(page, screenshot, studio):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"/programs/{SLUG}/")
    assert hours_given(page) == "36 h"

    page.get_by_role("button", name="Cite this").click()

    expect(page).to_have_url(re.compile(rf"/programs/{SLUG}/snapshots/[a-z0-9]{{14}}/$"))
    permalink = page.url
    snapshot = Snapshot.objects.get()
    citation = page.locator("#citation-text").input_value()
    assert citation.startswith('Early-Access Tracker, "Headline Studio: fairness figures, all time", ')
    assert f"snapshot {snapshot.public_id}" in citation
    assert citation.endswith(permalink)
    copy = page.get_by_role("button", name="Copy the citation")
    expect(copy).to_be_visible()
    copy.click()
    expect(page.locator("#citation-text-status")).to_have_text(re.compile("Copied|Selected"))
    if page.locator("#citation-text-status").inner_text() == "Copied.":
        assert page.evaluate("navigator.clipboard.readText()") == citation
    expect(page.get_by_text("This is a snapshot")).to_be_visible()
    assert hours_given(page) == "36 h"
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("snapshot-1280")

    log_work(studio[0], on("2026-04-01"), hours="5.00")

    page.goto(permalink)
    assert hours_given(page) == "36 h"
    assert page.locator("#citation-text").input_value() == citation
    page.get_by_role("link", name="See the current figures").click()
    expect(page).to_have_url(re.compile(rf"/programs/{SLUG}/$"))
    assert hours_given(page) == "41 h"
