import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser


def tile(page, name: str):
    """The value of one of the totals tiles."""
    return page.locator(".tiles div").filter(has=page.get_by_text(name, exact=True)).locator("dd")


def test_a_new_artist_joins_a_program_logs_work_and_a_payment_and_sees_the_totals_change(page, screenshot):
    factories.ProgramFactory(name="Moving Pictures Preview", organization__name="Frontier Labs", currency="USD")
    factories.ProgramFactory(name="Quiet Beta", organization__name="Hush Inc")
    today = timezone.localdate()

    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("mira")
    page.get_by_label("Email").fill("mira@example.org")
    page.get_by_label("Handle").fill("mira_paints")
    page.get_by_label("Password", exact=True).fill("a-long-enough-passphrase")
    page.get_by_label("Password again").fill("a-long-enough-passphrase")
    page.get_by_role("button", name="Create my account").click()

    expect(page.get_by_role("heading", name="You have not added a program yet")).to_be_visible()
    screenshot("ledger-empty")
    page.get_by_role("link", name="Add a program you tested").click()

    page.get_by_label("Program").select_option(label="Moving Pictures Preview (Frontier Labs)")
    page.get_by_label("Access granted on").fill((today - dt.timedelta(days=60)).isoformat())
    screenshot("ledger-join")
    page.get_by_role("button", name="Add to my ledger").click()

    expect(page.get_by_role("heading", name="Moving Pictures Preview")).to_be_visible()
    expect(page.get_by_text("Moving Pictures Preview is in your ledger")).to_be_visible()
    page.get_by_role("link", name="Log a contribution").click()

    page.get_by_label("Kind").select_option(label="Feedback session")
    page.get_by_label("Title").fill("Weekly feedback call")
    page.get_by_label("Hours spent").fill("25")
    page.get_by_label("Date").fill((today - dt.timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_role("alert")).to_contain_text("cannot be more than 24")
    screenshot("ledger-contribution-error")
    page.get_by_label("Hours spent").fill("3.5")
    page.get_by_role("button", name="Log it").click()

    expect(page.get_by_text("Logged “Weekly feedback call”: 3.5 hours.")).to_be_visible()
    expect(tile(page, "Hours given")).to_have_text("3.50")
    expect(tile(page, "Unpaid contributions")).to_contain_text("1")
    expect(tile(page, "Cash paid")).to_contain_text("0.00")

    page.get_by_role("link", name="Your ledger", exact=True).click()
    row = page.get_by_role("row").filter(has_text="Moving Pictures Preview")
    expect(row.get_by_role("cell").nth(3)).to_have_text("0.00 USD")
    expect(row.get_by_role("cell").nth(5)).to_contain_text("1 · 3.50 h")
    expect(tile(page, "Hours given")).to_have_text("3.50")
    screenshot("ledger-before-payment")

    page.get_by_role("link", name="Record a payment").click()
    page.get_by_label("Kind").select_option(label="Cash")
    page.get_by_label("Amount (USD)").fill("150.00")
    page.get_by_label("Paid on").fill((today - dt.timedelta(days=2)).isoformat())
    page.get_by_label("Weekly feedback call").check()
    screenshot("ledger-payment-form")
    page.get_by_role("button", name="Record it").click()

    expect(page.get_by_text("Recorded cash of 150.00 USD, split across 1 contribution by hours.")).to_be_visible()
    expect(page.get_by_role("cell", name="Paid 150.00 USD")).to_be_visible()
    screenshot("ledger-program")

    page.get_by_role("link", name="Your ledger", exact=True).click()
    row = page.get_by_role("row").filter(has_text="Moving Pictures Preview")
    expect(row.get_by_role("cell").nth(3)).to_have_text("150.00 USD")
    expect(row.get_by_role("cell").nth(5)).to_contain_text("0 · 0 h")
    expect(tile(page, "Cash paid")).to_have_text("150.00 USD")
    expect(tile(page, "Unpaid contributions")).to_contain_text("0")
    screenshot("ledger-after-payment")

    page.get_by_role("link", name="Contributions", exact=True).click()
    page.get_by_label("Program").select_option(label="Moving Pictures Preview (Frontier Labs)")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("1 contribution, 3.50 hours match these filters.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Weekly feedback call")).to_contain_text("Paid")
    screenshot("ledger-contributions")


def test_an_advocate_is_told_the_ledger_is_for_artists(page, screenshot):
    factories.UserFactory(username="reporter")

    page.goto("/accounts/login/?next=/me/")
    page.get_by_label("Username").fill("reporter")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="This page is for artists")).to_be_visible()
    screenshot("ledger-not-an-artist")
    page.get_by_role("button", name="log out and sign up").click()
    expect(page.get_by_role("heading", name="Sign up as an artist")).to_be_visible()
