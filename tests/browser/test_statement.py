"""An artist on a phone opens the statement of unpaid work for one program from their ledger,
reads the totals, downloads the PDF and prints the page."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from feedback.services import record_compensation
from tests import factories

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def mira():
    """Clay Studio (USD, 40.00/h, pays within 30 days): 3.5 h 60 days ago and a requested
    2 h promotion 45 days ago are due and unpaid (5.5 h × 40.00 = 220.00 USD); 4 h 50 days ago
    was paid 20.00 cash; 2.5 h 10 days ago is not yet due. Quiet Beta owes nothing."""
    program = factories.ProgramFactory(
        name="Clay Studio",
        slug="clay-studio",
        organization__name="Kiln Labs",
        reference_hourly_rate=Decimal("40.00"),
        payment_terms_days=30,
        opened_on=days_ago(200),
    )
    artist = factories.ArtistFactory(handle="mira", user__username="mira")
    enrollment = factories.EnrollmentFactory(program=program, artist=artist, granted_on=days_ago(150))
    factories.ContributionFactory(
        enrollment=enrollment, title="Weekly feedback call", hours_spent=Decimal("3.5"), occurred_on=days_ago(60)
    )
    factories.ContributionFactory(
        enrollment=enrollment,
        kind="promotion",
        title="Launch-day post",
        hours_spent=Decimal("2"),
        occurred_on=days_ago(45),
        requested_by_program=True,
    )
    paid = factories.ContributionFactory(
        enrollment=enrollment, title="Stress test", hours_spent=Decimal("4"), occurred_on=days_ago(50)
    )
    factories.ContributionFactory(
        enrollment=enrollment, title="Motion study", hours_spent=Decimal("2.5"), occurred_on=days_ago(10)
    )
    record_compensation(
        enrollment=enrollment, kind="cash", amount=Decimal("20.00"), paid_on=days_ago(20), contributions=[paid]
    )
    factories.EnrollmentFactory(program__name="Quiet Beta", artist=artist)
    return artist


def test_on_a_phone_an_artist_opens_downloads_and_prints_a_statement(page, screenshot, mira):
    page.set_viewport_size(PHONE)
    page.goto("/accounts/login/?next=/me/")
    page.get_by_label("Username").fill("mira")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Statement of unpaid work for Clay Studio").click()

    expect(page.get_by_role("heading", name="Statement of unpaid work: Clay Studio")).to_be_visible()
    expect(page.locator(".statement-total")).to_contain_text("2 contributions, 5.50 hours × 40.00 USD = 220.00 USD")
    expect(page.locator(".cash-paid")).to_have_text("20.00 USD")
    expect(page.locator(".not-yet-due")).to_contain_text("1 more unpaid contribution, 2.50 hours")
    unpaid = page.locator("table.statement-unpaid tbody tr")
    expect(unpaid).to_have_count(2)
    expect(unpaid.first).to_contain_text(days_ago(60).isoformat())
    expect(page.locator("table.statement-unpaid")).not_to_contain_text("Stress test")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    # Nothing runs off the side of a phone: wide tables scroll inside their own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot = screenshot("statement-phone-375")
    assert shot.stat().st_size > 0

    page.get_by_label("Name to print").fill("Mira Okafor")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download PDF").click()
    download = info.value
    assert download.suggested_filename == f"statement-clay-studio-{timezone.localdate().isoformat()}.pdf"
    content = download.path().read_bytes()
    assert content.startswith(b"%PDF")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())
    assert "Clay Studio" in text and "Prepared by Mira Okafor" in text
    assert "2 contributions, 5.50 hours × 40.00 USD = 220.00 USD" in text
    assert "sends nothing to the company" in text

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".ledger-nav")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator(".statement-tools")).to_be_hidden()
    expect(page.locator(".statement-total")).to_be_visible()
    expect(page.locator(".sends-nothing")).to_be_visible()
    screenshot("statement-phone-375-print")
