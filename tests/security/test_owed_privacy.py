"""Attacks through the due-based pay figures (docs/privacy.md, "A total is shown only with its
parts"). The program knows whom it asked for what, and when; it reads every public figure.

- *The last two weeks.* It asked one tester for three hours a few days ago. Work within the
  payment terms is `hours_not_yet_due`; `hours` minus the due hours (`fair_value` divided by
  its own rate) would be those three hours.
- *The one it did not pay.* It paid five of six testers. `owed`, or `fair_value` minus the cash
  paid for due work, would be the sixth tester's hours times its rate.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.jobs.helpers import log_work, make_program, make_testers, on, pay

pytestmark = pytest.mark.django_db

STATS = "/api/v1/stats"
RATE = Decimal("40.00")


@pytest.fixture
def api(settings):
    settings.MIN_GROUP_SIZE = 5
    return APIClient()


def stats(api, path: str) -> dict:
    response = api.get(f"{STATS}/{path}")
    assert response.status_code == 200, response.content
    return response.json()


def hours_due(figures: dict) -> Decimal | None:
    """What the program can work out from the fair value and its own published rate."""
    return None if figures["fair_value"] is None else Decimal(figures["fair_value"]) / RATE


def test_one_testers_work_of_the_last_days_cannot_be_had_from_the_totals(api):
    today = timezone.localdate()
    program = make_program(slug="recent", reference_hourly_rate=RATE, payment_terms_days=14)
    testers = make_testers(program, 6)
    for tester in testers:
        contribution = log_work(tester, on("2026-03-02"), hours="2.00")
        pay(tester, [contribution], on("2026-03-10"), amount="80.00")
    recent = today - dt.timedelta(days=3)
    log_work(testers[0], recent, hours="3.00")  # asked of this one tester

    figures = stats(api, "programs/recent/")

    # The due work of six testers is judged and shown, with the score.
    assert (figures["fair_value"], figures["owed"], figures["pay_gap"]) == ("480.00", "0.00", "0.00")
    assert figures["fairness_score"] is not None
    # The recent part is one tester's: withheld, and so is every total it could be had from.
    for name in ("hours_not_yet_due", "hours", "contributions", "compensated_hours_share", "compensated_share"):
        assert figures[name] is None, name
        assert "fewer than 5" in figures["withheld"][name]
    # Nor from the monthly series: the month holding those hours shows none.
    series = stats(api, "programs/recent/timeseries/")
    month = [point for point in series["points"] if point["period_start"] == f"{recent:%Y-%m}-01"]
    assert len(month) == 1 and (month[0]["hours"], month[0]["contributions"]) == (None, None)


def test_the_one_tester_left_unpaid_is_not_published_as_owed_nor_as_a_pay_gap(api):
    program = make_program(slug="all-but-one", reference_hourly_rate=RATE, payment_terms_days=14)
    testers = make_testers(program, 6)
    for index, tester in enumerate(testers):
        contribution = log_work(tester, on("2026-03-02"), hours="2.00")
        if index:
            pay(tester, [contribution], on("2026-03-10"), amount="80.00")

    figures = stats(api, "programs/all-but-one/")

    # Six testers' due hours are public (12 h), but nothing that splits them into paid and owed.
    assert hours_due(figures) == Decimal("12")
    for name in (
        "owed",
        "owed_hours",
        "owed_contributions",
        "pay_gap",
        "cash_paid_for_due_work",
        "effective_hourly_rate",
        "compensated_due_hours_share",
    ):
        assert figures[name] is None, name
        assert "fewer than 5" in figures["withheld"][name]
    # Nor from the platform: a pool adds up only the programs whose own owed figure is shown.
    summary = stats(api, "summary/")
    assert (summary["owed"], summary["owed_by_currency"]) == (None, None)
