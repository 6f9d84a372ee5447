"""Weekly reminders in the browser, on a phone: an artist turns them on from their profile,
and the link in the email turns them off without signing in."""

import pytest
from playwright.sync_api import expect

from artists import reminders
from artists.models import Artist
from tests import factories

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/?next=/me/profile/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()


def test_an_artist_turns_reminders_on_and_the_emailed_link_turns_them_off(page, screenshot):
    artist = factories.ArtistFactory(handle="mira_frames", user=factories.UserFactory(username="mira"))
    page.set_viewport_size(PHONE)
    sign_in(page, "mira")

    page.get_by_label("Weekly, when I have logged nothing that week in a program where I am active").check()
    page.get_by_role("button", name="Save reminders").click()

    expect(page.get_by_text("Weekly reminders are on.")).to_be_visible()
    expect(page.get_by_label("Weekly, when I have logged nothing")).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot("reminders-profile-phone-375")
    artist.refresh_from_db()
    assert artist.reminders == Artist.Reminders.WEEKLY

    page.context.clear_cookies()
    page.goto(reminders.stop_url(artist).removeprefix("http://localhost:8000"))

    expect(page.get_by_role("heading", name="Weekly reminders are off")).to_be_visible()
    screenshot("reminders-stopped-phone-375")
    artist.refresh_from_db()
    assert artist.reminders == Artist.Reminders.NONE
    page.get_by_role("link", name="Turn weekly reminders back on").click()
    expect(page.get_by_label("Username")).to_be_visible()


def test_an_artist_without_an_email_is_told_how_to_get_reminders(page):
    factories.ArtistFactory(user=factories.UserFactory(username="noemail", email=""))
    page.set_viewport_size(PHONE)
    sign_in(page, "noemail")

    expect(page.get_by_text("Reminders are sent by email, and your account has no email address.")).to_be_visible()
    expect(page.get_by_role("button", name="Save reminders")).to_have_count(0)
