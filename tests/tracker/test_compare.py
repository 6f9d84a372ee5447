"""/compare/?programs=a,b,c: two to four listed programs side by side, and as CSV."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest

from tests import factories
from tests.jobs.helpers import log_work, make_program, make_testers, pay

pytestmark = pytest.mark.django_db
HIDDEN = "Fewer than 5 artists have logged work here; figures are hidden to protect them."


def program_with(slug: str, *, testers: int = 5, hours: str = "2.00", paid: bool = False):
    program = make_program(name=slug.replace("-", " ").title(), slug=slug)
    for enrollment in make_testers(program, testers):
        contribution = log_work(enrollment, dt.date(2026, 3, 2), hours=hours)
        if paid:
            pay(enrollment, [contribution], dt.date(2026, 3, 9), amount="100.00")
    return program


@pytest.fixture
def programs(settings):
    settings.MIN_GROUP_SIZE = 5
    return {
        "paying": program_with("paying", paid=True),
        "unpaid": program_with("unpaid", hours="3.00"),
        "tiny": program_with("tiny", testers=3, hours="6.50"),
        "extra-one": program_with("extra-one"),
        "extra-two": program_with("extra-two"),
    }


def test_without_a_choice_the_page_shows_the_form(client, programs):
    response = client.get("/compare/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'type="checkbox" name="programs" value="paying"' in page
    assert response.context["rows"] is None


def test_two_programs_side_by_side_with_their_score_points(client, programs):
    response = client.get("/compare/", {"programs": "unpaid,paying"})

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.program.slug for row in rows] == ["unpaid", "paying"]  # in the order asked
    assert [row.metrics.hours for row in rows] == [Decimal("15.00"), Decimal("10.00")]
    page = response.content.decode()
    assert "15 h" in page and "10 h" in page
    assert "500.00 USD" in page
    assert len(response.context["score_rows"]) == 10
    assert "Fair pay 1:" in page and "✓ Earned" in page and "✗ Not earned" in page
    # The chosen programs stay ticked in the form.
    assert re.search(r'<input type="checkbox" name="programs" value="paying"[^>]* checked>', page)


def test_checkboxes_and_a_comma_list_choose_the_same_programs(client, programs):
    ticked = client.get("/compare/?programs=paying&programs=unpaid")
    listed = client.get("/compare/?programs=paying,unpaid")

    assert [row.program.slug for row in ticked.context["rows"]] == ["paying", "unpaid"]
    assert [row.program.slug for row in listed.context["rows"]] == ["paying", "unpaid"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("programs=paying", "Compare 2 to 4 programs; 1 chosen."),
        ("programs=paying,paying", "Compare 2 to 4 programs; 1 chosen."),
        ("programs=", "Choose 2 to 4 programs to compare."),
        ("programs=paying,unpaid,tiny,extra-one,extra-two", "Compare 2 to 4 programs; 5 chosen."),
        ("programs=paying,nope", "Unknown program “nope”: use the slug of a listed program."),
    ],
)
def test_a_bad_choice_is_a_400_with_a_clear_message(client, programs, query, message):
    response = client.get(f"/compare/?{query}")

    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_unlisted_program_cannot_be_compared(client, programs):
    factories.ProgramFactory(slug="proposal", is_listed=False)

    response = client.get("/compare/", {"programs": "paying,proposal"})

    assert response.status_code == 400
    assert "Unknown program “proposal”" in response.content.decode()


def test_a_suppressed_program_is_compared_without_its_figures(client, programs):
    response = client.get("/compare/", {"programs": "paying,tiny"})

    page = response.content.decode()
    assert response.status_code == 200
    assert HIDDEN in page
    assert "6.5" not in page and "19.5" not in page


def test_the_comparison_downloads_as_csv_one_column_per_program(client, programs):
    response = client.get("/compare/", {"programs": "paying,unpaid,tiny", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="compare-paying-unpaid-tiny.csv"'
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0] == ["field", "paying", "unpaid", "tiny"]
    rows = {row[0]: row[1:] for row in table[1:]}
    assert rows["hours"] == ["10.00", "15.00", ""]
    assert rows["cash_paid"] == ["500.00", "0.00", ""]
    assert rows["suppressed_reason"] == ["", "", HIDDEN]
    assert rows["score.fair_pay.1.earned"] == ["true", "false", ""]
    assert rows["score.fair_pay.1.figure"] == ["1.0", "0.0", ""]


def test_a_csv_without_programs_is_a_400(client, programs):
    assert client.get("/compare/", {"format": "csv"}).status_code == 400
