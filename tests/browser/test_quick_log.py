"""The quick log on a phone (375 px): an artist with two programs logs a contribution in a
few taps, with and without JavaScript."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from feedback.models import Contribution
from tests import factories
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
MIN_TOUCH = 44


@pytest.fixture
def artist():
    """Two programs; the last contribution logged was to Still Frames (though an older-dated
    one), and Moving Pictures sorts first: the quick log must start on Still Frames."""
    artist = factories.ArtistFactory(user__username="mira")
    pictures = factories.EnrollmentFactory(artist=artist, program__name="Moving Pictures Preview")
    frames = factories.EnrollmentFactory(artist=artist, program__name="Still Frames")
    factories.ContributionFactory(enrollment=pictures, occurred_on=timezone.localdate() - dt.timedelta(days=2))
    factories.ContributionFactory(enrollment=frames, occurred_on=timezone.localdate() - dt.timedelta(days=20))
    return artist


def signed_in(browser, live_server, artist, **options):
    """A phone-sized browser context already signed in as the artist (signing in is not part
    of the quick log's taps)."""
    client = Client()
    client.force_login(artist.user)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, **options)
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
    return context, page


class Interactions:
    """Counts what the artist does on the page: each tap or typing into a field is one."""

    def __init__(self):
        self.count = 0

    def click(self, locator):
        self.count += 1
        locator.click()

    def check(self, locator):
        self.count += 1
        locator.check()


def test_on_a_phone_an_artist_logs_two_hours_of_bug_report_in_two_taps(browser, live_server, artist):
    context, page = signed_in(browser, live_server, artist)
    page.goto("/me/log/")
    expect(page.get_by_role("heading", name="Quick log")).to_be_visible()
    expect(page.get_by_label("Still Frames")).to_be_checked()
    expect(page.get_by_label("1 h", exact=True)).to_be_checked()
    expect(page.get_by_label("Date")).to_have_value(timezone.localdate().isoformat())
    page.screenshot(path=str(ARTIFACTS / "quick-log-phone-375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for target in (page.locator("label.chip span"), page.locator(".kinds button")):
        for index in range(target.count()):
            box = target.nth(index).bounding_box()
            assert box["height"] >= MIN_TOUCH and box["width"] >= MIN_TOUCH, box
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box

    taps = Interactions()
    taps.check(page.get_by_label("2 h", exact=True))
    taps.click(page.get_by_role("button", name="Bug report"))

    today = timezone.localdate()
    expect(page.get_by_text(f"Logged 2 h of bug report for Still Frames, {today:%Y-%m-%d}.")).to_be_visible()
    assert taps.count <= 4
    contribution = Contribution.objects.latest("id")
    assert contribution.enrollment.program.name == "Still Frames"
    assert (contribution.kind, contribution.hours_spent, contribution.occurred_on) == (
        "bug_report",
        Decimal("2"),
        today,
    )
    assert contribution.title == "Bug report"
    # Edit and undo are one tap away, and the same program is ready for the next one.
    expect(page.get_by_role("link", name="Edit “Bug report”")).to_have_attribute(
        "href", f"/me/contributions/{contribution.pk}/edit/"
    )
    expect(page.get_by_role("link", name="undo “Bug report”")).to_have_attribute(
        "href", f"/me/contributions/{contribution.pk}/delete/"
    )
    expect(page.get_by_label("Still Frames")).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / "quick-log-phone-375-logged.png"), full_page=True)
    context.close()


def test_a_refused_entry_shows_its_error_on_the_phone_and_stores_nothing(browser, live_server, artist):
    context, page = signed_in(browser, live_server, artist)
    page.goto("/me/log/")

    page.get_by_label("Other", exact=True).fill("1.3")
    page.get_by_role("button", name="Feedback session").click()

    expect(page.get_by_role("alert").first).to_contain_text("Nothing was logged.")
    expect(page.locator(".hours .field-error")).to_contain_text("quarter steps")
    assert Contribution.objects.count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / "quick-log-phone-375-error.png"), full_page=True)
    context.close()


def test_without_javascript_the_quick_log_still_logs(browser, live_server, artist):
    context, page = signed_in(browser, live_server, artist, java_script_enabled=False)
    page.goto("/me/log/")

    page.get_by_label("Moving Pictures Preview").check()
    page.get_by_label("Other", exact=True).fill("2.75")
    page.get_by_label("The program asked for this").check()
    page.get_by_role("button", name="Promotion").click()

    expect(page.get_by_text("Logged 2¾ h of promotion for Moving Pictures Preview")).to_be_visible()
    contribution = Contribution.objects.latest("id")
    assert contribution.enrollment.program.name == "Moving Pictures Preview"
    assert (contribution.kind, contribution.hours_spent, contribution.requested_by_program) == (
        "promotion",
        Decimal("2.75"),
        True,
    )
    assert contribution.occurred_on == timezone.localdate()
    page.screenshot(path=str(ARTIFACTS / "quick-log-phone-375-no-js.png"), full_page=True)
    context.close()


def test_pressing_enter_in_a_field_logs_nothing(browser, live_server, artist):
    """Enter submits a form with its first submit button: it must not log the first kind."""
    context, page = signed_in(browser, live_server, artist)
    page.goto("/me/log/")

    page.get_by_text("Title and note").click()
    page.get_by_label("Title").fill("Half-typed")
    page.get_by_label("Title").press("Enter")
    page.get_by_label("Other", exact=True).fill("2")
    page.get_by_label("Other", exact=True).press("Enter")

    page.wait_for_timeout(500)
    expect(page.get_by_role("alert")).to_have_count(0)
    assert Contribution.objects.count() == 2
    context.close()
