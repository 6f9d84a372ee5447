"""The artist's ledger on a phone (375 px): its tables stack as one card per row, so no page
scrolls sideways, and its main actions are on screen and big enough to tap."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from artists.services import record_decision
from feedback.services import record_compensation
from tests import factories
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def phone_page(browser, live_server):
    """A phone-sized page signed in as an artist with a filled ledger: long titles and
    names, payments split across contributions, works with decisions and reasons."""
    today = timezone.localdate()
    artist = factories.ArtistFactory(user__username="mira")
    enrollment = factories.EnrollmentFactory(
        artist=artist,
        program__name="Moving Pictures Artist Preview Programme",
        program__organization__name="Frontier Labs International",
    )
    contributions = [
        factories.ContributionFactory(
            enrollment=enrollment,
            title=f"Weekly feedback call about the storyboard export pipeline, part {n}",
            hours_spent=Decimal("12.75"),
            occurred_on=today - dt.timedelta(days=n),
            requested_by_program=True,
        )
        for n in range(1, 4)
    ]
    record_compensation(
        enrollment=enrollment,
        kind="cash",
        amount=Decimal("1234567.89"),
        paid_on=today,
        contributions=contributions,
        note="Paid late after three reminders by email and one on the Discord server.",
    )
    work = factories.WorkFactory(enrollment=enrollment, title="A very long title for a short film about the sea")
    record_decision(
        work=work, outcome="rejected", decided_at=timezone.now(), reason="Not in line with the brand guidelines."
    )
    client = Client()
    client.force_login(artist.user)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_on_a_phone_the_contributions_page_does_not_scroll_sideways(phone_page):
    page = phone_page
    page.goto("/me/contributions/")
    page.screenshot(path=str(ARTIFACTS / "ledger-contributions-phone-375.png"), full_page=True)

    assert no_sideways_scroll(page)
    card = page.locator("table.ledger-table tbody tr").first
    expect(card.locator("td[data-label=Hours]")).to_have_text("12.75")
    for cell in card.locator("td").all():
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    edit = card.get_by_role("link", name="Edit “Weekly feedback call")
    assert edit.bounding_box()["height"] >= 44
    quick = page.locator(".actions").get_by_role("link", name="Quick log")
    expect(quick).to_be_in_viewport()


@pytest.mark.parametrize(
    ("path", "name"),
    [("/me/", "ledger"), ("/me/compensations/", "compensations"), ("/me/works/", "works")],
)
def test_on_a_phone_the_other_ledger_pages_do_not_scroll_sideways(phone_page, path, name):
    page = phone_page
    page.goto(path)
    page.screenshot(path=str(ARTIFACTS / f"ledger-{name}-phone-375.png"), full_page=True)

    assert no_sideways_scroll(page)


def test_on_a_phone_one_programs_ledger_does_not_scroll_sideways(phone_page):
    page = phone_page
    page.goto("/me/")
    page.locator("table.ledger-programs").get_by_role("link", name="Moving Pictures Artist Preview Programme").click()
    expect(page.get_by_role("heading", name="Moving Pictures Artist Preview Programme")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "ledger-program-phone-375.png"), full_page=True)

    assert no_sideways_scroll(page)
