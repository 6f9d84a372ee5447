"""Formatting for the dashboards' figures: shares as percentages, money with its currency,
large amounts in words ("150 billion USD"), and a missing figure (None) as "—" with a title
saying why."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html

register = template.Library()

NO_DATA = "No data: nothing has been recorded that this figure could be computed from."


def _dash(title: str = NO_DATA):
    return format_html('<span class="nodata" title="{}">—<span class="sr-only"> ({})</span></span>', title, title)


def _number(value, places: int = 2) -> str:
    """Thousands separated; decimals only when the value has them (3,488.25 but 3,488)."""
    text = f"{value:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def share_text(value) -> str:
    if 0 < value < 0.01:
        return "under 1%"
    if 0.99 < value < 1:
        return "over 99%"
    return f"{value:.0%}"


def money_text(value, currency) -> str:
    return f"{value:,.2f} {currency}" if currency else f"{value:,.2f}"


@register.filter
def count(value):
    return _dash() if value is None else intcomma(value)


@register.filter
def share(value):
    """0.4237 → 42%."""
    return _dash() if value is None else share_text(value)


@register.filter
def money(value, currency=""):
    """1900 → 1,900.00 USD."""
    if value is None:
        return _dash("No single figure: nothing recorded, or amounts in several currencies.")
    return money_text(value, currency)


@register.filter
def amount(value, currency=""):
    """Money rounded to whole units, for tables: 204555.00 → 204,555 USD."""
    if value is None:
        return _dash("No single figure: nothing recorded, or amounts in several currencies.")
    return f"{value:,.0f} {currency}".strip()


# A large amount in words from a million on: (the unit's size, its name), the largest first.
LARGE_UNITS = [(Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")]


def large_amount_text(value, currency="") -> str:
    """A large amount as one reads it: 150000000000 → 150 billion, 1500000 → 1.5 million,
    2300000000000 → 2.3 trillion (one decimal at most, rounded half up); exact whole units
    below a million: 950000 → 950,000."""
    value = Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    text = f"{value:,.0f}"
    for size, name in LARGE_UNITS if abs(value) >= LARGE_UNITS[-1][0] else []:
        scaled = (abs(value) / size).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if scaled >= 1:
            # 999,960,000 rounds to 1,000.0 million: that is 1 billion, found by the unit above.
            text = f"{'-' if value < 0 else ''}{_number(scaled, 1)} {name}"
            break
    return f"{text} {currency}".strip()


@register.filter
def large_amount(value, currency=""):
    """Money in words from a million on, the exact amount in its title:
    150000000000 → <span title="150,000,000,000 USD">150 billion USD</span>."""
    if value is None:
        return _dash("No single figure: nothing recorded, or amounts in several currencies.")
    exact = f"{value:,.2f}".removesuffix(".00")
    exact = f"{exact} {currency}".strip()
    return format_html('<span title="{}">{}</span>', exact, large_amount_text(value, currency))


@register.filter
def whole(value):
    """A number rounded to a whole, for tables: 3488.25 → 3,488."""
    return _dash() if value is None else f"{value:,.0f}"


@register.filter
def rate(value, currency=""):
    """An hourly rate: 12.5 → 12.50 USD/h."""
    if value is None:
        return _dash("No data: no hours logged, or amounts in several currencies.")
    return f"{money_text(value, currency)}/h"


@register.filter
def hours(value):
    """3488.25 → 3,488.25 h."""
    return _dash() if value is None else f"{_number(value)} h"


@register.filter
def days(value):
    if value is None:
        return _dash()
    return f"{_number(value, 1)} day" + ("" if value == 1 else "s")


@register.filter
def latency(value):
    """Hours of waiting, in days from two days on: 5.5 → 5.5 h, 351.2 → 14.6 days."""
    if value is None:
        return _dash("No data: no work has had a decision yet.")
    if value < 48:
        return f"{_number(value, 1)} h"
    return f"{_number(value / 24, 1)} days"


@register.filter
def figure(value, currency=""):
    """A score point's figure, whatever its type."""
    if value is None:
        return _dash()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return share_text(value)
    if isinstance(value, Decimal):
        return money_text(value, currency)
    if isinstance(value, dict):
        return "; ".join(f"{name.replace('_', ' ')}: {intcomma(number)}" for name, number in value.items())
    return intcomma(value)


@register.filter
def total(values) -> int:
    """The sum of a dict's values (open flags by kind)."""
    return sum((values or {}).values())


@register.filter
def score(value):
    return _dash("No score: the figures are hidden or missing.") if value is None else f"{value} / 10"


# How each Metrics figure reads on a page (money and rates in the metrics' currency).
FORMATS = {
    "fairness_score": score,
    "artists": count,
    "testers_active": count,
    "testers_revoked": count,
    "testers_ever_granted": count,
    "revocation_rate": share,
    "contributions": count,
    "hours": hours,
    "compensated_contributions": count,
    "compensated_hours": hours,
    "compensated_share": share,
    "compensated_hours_share": share,
    "cash_paid": money,
    "other_value": money,
    "reference_hourly_rate": rate,
    "effective_hourly_rate": rate,
    "hours_due": hours,
    "hours_not_yet_due": hours,
    "compensated_due_hours_share": share,
    "cash_paid_for_due_work": money,
    "fair_value": money,
    "pay_gap": money,
    "owed": money,
    "owed_hours": hours,
    "owed_contributions": count,
    "unpaid_over_90_days_past_due": count,
    "median_days_to_payment": days,
    "contributions_older_than_terms": count,
    "paid_within_terms": count,
    "paid_within_terms_share": share,
    "works_submitted": count,
    "works_decided": count,
    "approval_rate": share,
    "rejection_rate": share,
    "showcase_rate": share,
    "showcased_artists": count,
    "showcase_top_tenth_share": share,
    "decisions": count,
    "decisions_with_reason_share": share,
    "approval_latency_median_hours": latency,
    "approval_latency_p90_hours": latency,
    "overdue_works": count,
    "decided_within_sla": count,
    "decided_within_sla_share": share,
    "revocations": count,
    "revocations_without_reason": count,
    "revocations_short_notice": count,
    "mass_revocations": count,
    "requested_promotion_unpaid": count,
}
MONEY = {money, rate}


@register.simple_tag
def metric(metrics, name: str):
    """One figure of a Metrics, formatted: {% metric m "cash_paid" %} → 1,900.00 USD."""
    value = getattr(metrics, name)
    withheld = (getattr(metrics, "withheld", None) or {}).get(name)
    if value is None and withheld:
        # The privacy rules' reason (tracker.privacy), not "no data".
        return _dash(withheld)
    formatter = FORMATS[name]
    return formatter(value, metrics.currency or "") if formatter in MONEY else formatter(value)
