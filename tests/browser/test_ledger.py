import datetime as dt
from decimal import Decimal

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
    page.get_by_role("textbox", name="Email (optional)").fill("mira@example.org")
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


def test_an_artist_sees_what_each_program_owes_on_the_ledger(page, screenshot, settings):
    """Moving Pictures (USD, 60.00/h, pays within 14 days): 12.5 h done 30 days ago and 8 h done
    20 days ago are due and unpaid, 2 h done 5 days ago is not yet due: 20.5 h × 60.00 = 1,230.00 USD.
    Still Frames (EUR, no published rate: the default 45.50/h, pays within 30 days): 3 h done
    40 days ago: 136.50 EUR. The two are never added together."""
    settings.FAIR_HOURLY_RATE = Decimal("45.50")
    today = timezone.localdate()
    artist = factories.ArtistFactory(handle="mira_paints", user__username="mira")
    pictures = factories.ProgramFactory(
        name="Moving Pictures Preview",
        organization__name="Frontier Labs",
        currency="USD",
        reference_hourly_rate=Decimal("60.00"),
        payment_terms_days=14,
    )
    frames = factories.ProgramFactory(
        name="Still Frames", organization__name="Pixel Works", currency="EUR", payment_terms_days=30
    )
    in_pictures = factories.EnrollmentFactory(artist=artist, program=pictures, granted_on=today - dt.timedelta(60))
    in_frames = factories.EnrollmentFactory(artist=artist, program=frames, granted_on=today - dt.timedelta(60))
    for enrollment, hours, ago in ((in_pictures, "12.5", 30), (in_pictures, "8", 20), (in_pictures, "2", 5)):
        factories.ContributionFactory(
            enrollment=enrollment, hours_spent=Decimal(hours), occurred_on=today - dt.timedelta(ago)
        )
    factories.ContributionFactory(enrollment=in_frames, hours_spent=Decimal("3"), occurred_on=today - dt.timedelta(40))

    page.goto("/accounts/login/?next=/me/")
    page.get_by_label("Username").fill("mira")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()

    owed = page.get_by_role("heading", name="Owed to you at each program’s own rate")
    expect(owed).to_be_visible()
    expect(owed).to_contain_text("1,230.00 USD · 136.50 EUR")
    help_text = page.locator(".owed-help")
    expect(help_text).to_contain_text(
        "Moving Pictures Preview: 20.50 h of due, unpaid work × 60.00 USD/h, the program’s published rate; "
        "2 h are not yet due (the program promises payment within 14 days)."
    )
    expect(help_text).to_contain_text(
        "Still Frames: 3 h of due, unpaid work × 45.50 EUR/h, the tracker’s default rate (the program published none)."
    )
    row = page.get_by_role("row").filter(has_text="Moving Pictures Preview")
    expect(row.get_by_role("cell").nth(6)).to_contain_text("1,230.00 USD")
    screenshot("owed-ledger")
    page.screenshot(path="/tmp/owed-ledger.png", full_page=True)

    page.get_by_role("link", name="Moving Pictures Preview").first.click()
    expect(page.get_by_role("heading", name="Owed to you at the program’s own rate")).to_contain_text("1,230.00 USD")
    screenshot("owed-program")
