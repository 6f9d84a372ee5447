"""The landing page: the platform summary and the programs table, ranked by fairness score,
sortable by any column, filterable, downloadable as CSV; figures only through tracker.metrics."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from tests.jobs.helpers import log_work, make_program, make_testers, on, pay
from tracker.models import JobRun

pytestmark = pytest.mark.django_db
HIDDEN = "Fewer than 5 artists have logged work here; figures are hidden to protect them."


def program_with(name: str, *, testers: int = 5, hours: str = "2.00", paid: int = 0, **fields):
    """A program whose `testers` artists each logged one contribution of `hours` on 2026-03-02;
    the first `paid` of them were paid 100 cash for it."""
    program = make_program(name=name, **fields)
    for index, enrollment in enumerate(make_testers(program, testers)):
        contribution = log_work(enrollment, dt.date(2026, 3, 2), hours=hours)
        if index < paid:
            pay(enrollment, [contribution], dt.date(2026, 3, 10), amount="100.00")
    return program


def names_in_table(response) -> list[str]:
    return [row.program.name for row in response.context["rows"]]


def row_text(page: str, name: str) -> str:
    """The text of the table row naming `name`, tags stripped."""
    row = next(row for row in re.findall(r"<tr>.*?</tr>", page, re.S) if name in row)
    return re.sub(r"<[^>]+>", " ", row)


@pytest.fixture
def three_programs(settings):
    settings.MIN_GROUP_SIZE = 5
    # Score: paid for every hour at 50/h (fair pay 1 and 2), in time, no revocations,
    # terms defined: everything but fair approval (no works) → 8.
    generous = program_with(
        "Generous Beta", paid=5, reference_hourly_rate=Decimal("50.00"), organization__name="Acme Studio"
    )
    # Nothing paid: loses fair pay and timely pay → 4 (fair access 2, clear terms 2).
    stingy = program_with("Stingy Preview", hours="3.00", organization__name="Stingy Labs")
    tiny = program_with("Tiny Pilot", testers=4, hours="7.00", organization__name="Zeta Labs")
    return generous, stingy, tiny


def test_home_page_ranks_programs_by_score_with_suppressed_programs_last(client, three_programs):
    response = client.get("/")

    assert response.status_code == 200
    assert names_in_table(response) == ["Generous Beta", "Stingy Preview", "Tiny Pilot"]
    rows = {row.program.name: row.metrics for row in response.context["rows"]}
    assert rows["Generous Beta"].fairness_score == 8
    assert rows["Stingy Preview"].fairness_score == 4
    assert rows["Stingy Preview"].hours == Decimal("15.00")
    assert rows["Tiny Pilot"].suppressed and rows["Tiny Pilot"].hours is None
    page = response.content.decode()
    assert "8 / 10" in page and "4 / 10" in page


def test_home_page_links_each_program_to_its_dashboard_and_organization(client, three_programs):
    generous, stingy, _ = three_programs

    page = client.get("/").content.decode()

    assert f'href="/programs/{generous.slug}/"' in page
    assert f'href="/organizations/{stingy.organization.slug}/"' in page


def test_a_program_below_the_privacy_floor_shows_no_figures_on_the_home_page(client, three_programs):
    page = client.get("/").content.decode()

    tiny_row = row_text(page, "Tiny Pilot")
    assert HIDDEN in tiny_row
    assert not re.search(r"\d", tiny_row.replace("5 artists", ""))  # 28 hours, 4 testers: nowhere


def test_platform_summary_comes_from_the_platform_metrics(client, three_programs):
    response = client.get("/")

    platform = response.context["platform"]
    # Pooled over the two programs above the floor (Tiny Pilot's 4 artists are left out, or its
    # hidden figures would be the total minus the others): 10 artists, 10 + 15 hours.
    assert platform.artists == 10
    assert platform.hours == Decimal("25.00")
    assert platform.contributions == 10
    assert platform.cash_paid_by_currency == {"USD": Decimal("500.00")}
    assert response.context["program_count"] == 3
    page = response.content.decode()
    assert "500 USD" in page
    assert "50%" in page  # 5 of 10 contributions paid for


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Generous Beta", "Stingy Preview", "Tiny Pilot"]),
        ("-name", ["Tiny Pilot", "Stingy Preview", "Generous Beta"]),
        ("-hours", ["Stingy Preview", "Generous Beta", "Tiny Pilot"]),
        ("hours", ["Generous Beta", "Stingy Preview", "Tiny Pilot"]),
        ("fairness_score", ["Stingy Preview", "Generous Beta", "Tiny Pilot"]),
        ("-compensated_share", ["Generous Beta", "Stingy Preview", "Tiny Pilot"]),
        ("-organization", ["Tiny Pilot", "Stingy Preview", "Generous Beta"]),
    ],
)
def test_the_table_sorts_by_any_column_with_suppressed_figures_last(client, three_programs, sort, expected):
    response = client.get("/", {"sort": sort})

    assert response.status_code == 200
    assert names_in_table(response) == expected


def test_column_headers_are_sort_links_that_reverse_on_a_second_click(client, three_programs):
    page = client.get("/", {"status": "active"}).content.decode()

    assert 'aria-sort="descending"' in page  # the default: fairness score, highest first
    assert 'href="?status=active&amp;sort=fairness_score"' in page  # the sorted column reverses
    assert 'href="?status=active&amp;sort=-hours"' in page  # figures: largest first
    assert 'href="?status=active&amp;sort=name"' in page  # words: A to Z

    page = client.get("/", {"sort": "-hours"}).content.decode()
    assert 'href="?sort=hours"' in page


def test_a_sort_outside_the_allow_list_is_a_400_with_a_message(client, three_programs):
    response = client.get("/", {"sort": "password"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Cannot sort by “password”" in page
    assert "fairness_score" in page


def test_the_table_filters_by_organization_and_status(client, three_programs):
    generous, stingy, tiny = three_programs
    tiny.status = "closed"
    tiny.save()

    assert names_in_table(client.get("/", {"organization": stingy.organization.slug})) == ["Stingy Preview"]
    assert names_in_table(client.get("/", {"status": "closed"})) == ["Tiny Pilot"]
    response = client.get("/", {"status": "announced"})
    assert response.status_code == 200
    assert "No program matches these filters" in response.content.decode()


def test_an_unknown_organization_or_status_is_a_400(client, three_programs):
    assert client.get("/", {"organization": "nobody"}).status_code == 400
    response = client.get("/", {"status": "deleted"})
    assert response.status_code == 400
    assert "Status must be one of" in response.content.decode()


def test_home_page_explains_when_there_are_no_programs(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No programs are listed yet" in response.content.decode()


def test_a_proposed_program_is_not_shown_until_staff_list_it(client):
    factories.ProgramFactory(name="Secret Proposal", is_listed=False)

    page = client.get("/").content.decode()

    assert "Secret Proposal" not in page
    assert "No programs are listed yet" in page


def test_home_page_says_when_the_last_scan_ran(client):
    JobRun.objects.create(
        rule="all", status=JobRun.Status.SUCCEEDED, finished_at=timezone.now() - dt.timedelta(minutes=7)
    )

    assert "Last scan 7\xa0minutes ago" in client.get("/").content.decode()


def test_the_table_downloads_as_csv_with_the_metrics_field_names(client, three_programs):
    response = client.get("/", {"format": "csv", "sort": "name"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="programs.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["name"] for row in rows] == ["Generous Beta", "Stingy Preview", "Tiny Pilot"]
    generous, stingy, tiny = rows
    assert generous["fairness_score"] == "8"
    assert generous["cash_paid"] == "500.00"
    assert generous["compensated_share"] == "1.0"
    assert stingy["hours"] == "15.00"
    assert stingy["contributions_by_kind.feedback_session"] == "5"
    assert tiny["suppressed"] == "true"
    assert tiny["suppressed_reason"] == HIDDEN
    figures = {key: value for key, value in tiny.items() if key not in {"slug", "name", "organization", "status"}}
    assert {key for key, value in figures.items() if value} <= {
        "currency",
        "suppressed",
        "suppressed_reason",
        "terms_defined",
    }


def test_the_csv_follows_the_filters(client, three_programs):
    response = client.get("/", {"format": "csv", "status": "announced"})

    assert list(csv.DictReader(io.StringIO(response.content.decode()))) == []


def test_an_unknown_format_is_a_400(client):
    assert client.get("/", {"format": "xlsx"}).status_code == 400


@pytest.mark.parametrize("programs", [2, 8])
def test_the_landing_page_queries_do_not_grow_with_the_programs(client, django_assert_max_num_queries, programs):
    for index in range(programs):
        program_with(f"Program {index}", paid=2)

    # The programs' figures and the platform's, each with who is behind them (privacy rules).
    with django_assert_max_num_queries(34):
        response = client.get("/", {"sort": "-hours"})

    assert len(response.context["rows"]) == programs


def test_the_landing_page_figures_are_cached_until_the_data_changes(client, three_programs, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from feedback.services import log_contribution

    _, stingy, _ = three_programs
    client.get("/")
    with CaptureQueriesContext(connection) as warm:
        before = client.get("/").context["platform"].hours
    # (An unpaid hour at Generous Beta would be owed to one artist alone: withheld, docs/privacy.md.)
    enrollment = stingy.enrollments.first()
    log_contribution(
        enrollment=enrollment,
        kind="bug_report",
        title="One more",
        hours_spent="2.00",
        # Long due: work of one artist still within the terms would be withheld (docs/privacy.md).
        occurred_on=dt.date(2026, 3, 3),
    )

    after = client.get("/").context["platform"].hours

    assert len(warm.captured_queries) <= 8  # the data version, the program list, flags: no metrics
    assert after == before + 2


def test_the_landing_page_and_the_organization_page_take_a_period_and_refuse_free_ranges(client, arithmetic_only):
    program = make_program(name="Dated Beta", slug="dated-beta")
    for tester in make_testers(program, 5):
        log_work(tester, on("2026-03-02"), hours="1.00")
        log_work(tester, on("2026-04-02"), hours="2.00")

    march = client.get("/", {"period": "2026-03"})
    organization = client.get(f"/organizations/{program.organization.slug}/", {"period": "2026-Q2"})

    assert march.status_code == organization.status_code == 200
    assert march.context["platform"].hours == Decimal("5.00") and march.context["rows"][0].metrics.hours == 5
    assert "Across the platform, 2026-03" in march.content.decode()
    assert organization.context["metrics"].hours == Decimal("10.00")
    refused = client.get("/", {"since": "2026-03-01"})
    assert refused.status_code == 400 and "Free date ranges are not offered" in refused.content.decode()
    assert client.get("/", {"period": "March"}).status_code == 400


def test_the_compare_page_takes_a_period(client, arithmetic_only):
    programs = [make_program(name=f"Side {n}", slug=f"side-{n}") for n in range(2)]
    for program in programs:
        for tester in make_testers(program, 5):
            log_work(tester, on("2026-03-02"), hours="1.00")

    in_april = client.get("/compare/", {"programs": "side-0,side-1", "period": "2026-04"})
    refused = client.get("/compare/", {"programs": "side-0,side-1", "until": "2026-04-30"})

    assert in_april.status_code == 200
    assert all(row.metrics.suppressed for row in in_april.context["rows"])  # nothing was logged in April
    assert refused.status_code == 400 and "Free date ranges are not offered" in refused.content.decode()


def test_money_columns_never_compare_currencies(client, arithmetic_only):
    # Cash paid sorts within each currency; the pay gap by its share of the fair value.
    rows = []
    for name, currency, amount in (
        ("Euro Big", "EUR", "900.00"),
        ("Dollar Small", "USD", "100.00"),
        ("Dollar Big", "USD", "500.00"),
    ):
        program = make_program(name=name, currency=currency, reference_hourly_rate=Decimal("50.00"))
        for tester in make_testers(program, 5):
            contribution = log_work(tester, on("2026-03-02"), hours="4.00")
            pay(tester, [contribution], on("2026-03-05"), amount=str(Decimal(amount) / 5))
        rows.append(program)

    by_cash = client.get("/", {"sort": "-cash_paid"})
    by_gap = client.get("/", {"sort": "-pay_gap"})

    assert [row.program.name for row in by_cash.context["rows"]] == ["Euro Big", "Dollar Big", "Dollar Small"]
    assert "Sorted by the amount, within each currency" in by_cash.content.decode()
    # Fair value 5 × 4 h × 50 = 1,000 each: gaps 100 (10 %), 500 (50 %), 900 (90 %).
    assert [row.program.name for row in by_gap.context["rows"]] == ["Dollar Small", "Dollar Big", "Euro Big"]
    assert "Sorted by the pay gap as a share of the fair value" in by_gap.content.decode()
