"""Signing up without an email, getting back in with a recovery code, and two-factor
sign-in, on a phone 375 px wide: every page fits without scrolling sideways."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from artists import twofactor
from tests import factories
from tests.two_factor_world import PASSWORD, current_code

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def refusals(page):
    """Console messages about the Content-Security-Policy: the QR code and every page must
    show under the site's policy."""
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None)
    return seen


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    for box in page.locator("main form, main ol, main figure, main h1").evaluate_all(
        "nodes => nodes.map(n => n.getBoundingClientRect()).map(r => [r.left, r.right])"
    ):
        assert box[0] >= 0 and box[1] <= PHONE["width"], (page.url, box)


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def test_sign_up_without_an_email_then_get_back_in_with_a_recovery_code(page, screenshot, refusals):
    page.set_viewport_size(PHONE)
    page.goto("/accounts/signup/")
    expect(page.get_by_text("nobody can give you the account back")).to_be_visible()
    page.get_by_label("Username").fill("mira")
    page.get_by_label("Handle").fill("mira_paints")
    page.get_by_label("Password", exact=True).fill("a-long-enough-passphrase")
    page.get_by_label("Password again").fill("a-long-enough-passphrase")
    screenshot("accounts-phone-375-signup")
    fits_the_phone(page)
    page.get_by_role("button", name="Create my account").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator("ol.recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    screenshot("accounts-phone-375-recovery-codes")
    fits_the_phone(page)
    page.get_by_role("link", name="I have saved them").click()
    expect(page.get_by_role("heading", name="You have not added a program yet")).to_be_visible()
    log_out(page)

    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with a recovery code").click()
    page.get_by_label("Username").fill("mira")
    page.get_by_label("Recovery code").fill(codes[4].upper())
    screenshot("accounts-phone-375-recovery-sign-in")
    fits_the_phone(page)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    screenshot("accounts-phone-375-new-password")
    fits_the_phone(page)
    page.get_by_label("New password", exact=True).fill("a-brand-new-passphrase")
    page.get_by_label("New password confirmation").fill("a-brand-new-passphrase")
    page.get_by_role("button", name="Set my new password").click()

    expect(page.get_by_role("heading", name="You have not added a program yet")).to_be_visible()
    expect(page.get_by_text("You have 9 recovery codes left.")).to_be_visible()
    screenshot("accounts-phone-375-ledger")
    fits_the_phone(page)
    assert refusals == []


def test_turn_on_two_factor_then_sign_in_with_the_second_step(page, screenshot, refusals):
    user = factories.ArtistFactory(user__username="mira").user
    page.set_viewport_size(PHONE)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("mira")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Security")).to_be_visible()

    page.get_by_role("link", name="Security").click()
    expect(page.get_by_role("heading", name="Sign-in and security")).to_be_visible()
    screenshot("accounts-phone-375-security")
    fits_the_phone(page)
    page.get_by_role("link", name="Turn on two-factor sign-in").click()
    expect(page.locator("figure.qr svg")).to_be_visible()
    expect(page.locator("#totp-secret")).not_to_be_empty()
    screenshot("accounts-phone-375-two-factor-setup")
    fits_the_phone(page)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_label("Code from the app").fill(current_code(device))
    page.get_by_role("button", name="Turn on").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator("ol.recovery-codes code")).to_have_count(10)
    page.get_by_role("link", name="I have saved them").click()
    expect(page.get_by_text("Two-factor sign-in is on:")).to_be_visible()
    assert twofactor.has_two_factor(user)
    log_out(page)

    page.goto("/accounts/login/?next=/me/")
    page.get_by_label("Username").fill("mira")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()  # not signed in yet
    screenshot("accounts-phone-375-second-step")
    fits_the_phone(page)
    page.get_by_label("Code").fill(current_code(device))
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="You have not added a program yet")).to_be_visible()
    expect(page.get_by_text("Signed in as mira")).to_be_visible()
    assert refusals == []
