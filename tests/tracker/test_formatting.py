"""The dashboards' formatting of large amounts (tracker.templatetags.metrics): a valuation
reads "150 billion USD", not "150,000,000,000 USD", with the exact figure in its title."""

from decimal import Decimal

import pytest

from tests import factories
from tracker.templatetags.metrics import large_amount, large_amount_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("150000000000", "150 billion USD"),
        ("150000000000.00", "150 billion USD"),
        ("1500000", "1.5 million USD"),
        ("2300000000000", "2.3 trillion USD"),
        ("1000000", "1 million USD"),
        ("1049999", "1 million USD"),
        ("1050000", "1.1 million USD"),
        ("12345678901", "12.3 billion USD"),
        # Rounding up to the next unit names that unit.
        ("999950000", "1 billion USD"),
        ("999999.60", "1 million USD"),
        ("5000000000000000", "5,000 trillion USD"),
        # Exact below a million.
        ("950000", "950,000 USD"),
        ("999999", "999,999 USD"),
        ("1250", "1,250 USD"),
        ("0", "0 USD"),
        ("-2500000", "-2.5 million USD"),
    ],
)
def test_a_large_amount_reads_in_words_from_a_million_on(value, text):
    assert large_amount_text(Decimal(value), "USD") == text


def test_without_a_currency_it_is_the_number_alone():
    assert large_amount_text(Decimal("2300000000000")) == "2.3 trillion"


def test_the_filter_keeps_the_exact_amount_in_a_title():
    assert large_amount(Decimal("150000000000.00"), "USD") == (
        '<span title="150,000,000,000 USD">150 billion USD</span>'
    )
    assert large_amount(Decimal("1234567.89"), "EUR") == '<span title="1,234,567.89 EUR">1.2 million EUR</span>'
    assert large_amount(Decimal("1234567.80"), "EUR") == '<span title="1,234,567.80 EUR">1.2 million EUR</span>'
    assert large_amount(Decimal("950000.00"), "USD") == '<span title="950,000 USD">950,000 USD</span>'
    assert "nodata" in large_amount(None, "USD")


@pytest.mark.django_db
def test_the_organization_page_gives_the_valuation_in_words(client):
    organization = factories.OrganizationFactory(slug="bigco", valuation_usd=Decimal("150000000000.00"))
    factories.ProgramFactory(organization=organization)

    page = client.get("/organizations/bigco/").content.decode()

    assert 'Latest reported valuation <span title="150,000,000,000 USD">150 billion USD</span>.' in page
    assert "150,000,000,000.00" not in page
