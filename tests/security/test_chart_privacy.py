"""Attacks through the charts that travel (tracker/views_charts.py). A chart file or an
embed page shows no more than the program page: a program whose figures are withheld has
none, the landing chart leaves a withheld program out altogether, and only the embed pages
may be framed by another site (clickjacking everywhere else)."""

import pytest

from tests.jobs.helpers import log_work, make_program, make_testers, on, pay

pytestmark = pytest.mark.django_db

# Hours no published figure adds up to: found in a chart, they could only be the small program's.
SECRET_HOURS = "7.25"


@pytest.fixture
def world(settings):
    settings.MIN_GROUP_SIZE = 5
    published = make_program(slug="crowded", name="Crowded Preview", payment_terms_days=14)
    for tester in make_testers(published, 6):
        log_work(tester, on("2026-03-02"), hours="2.00")
    small = make_program(slug="small", name="Small Preview", payment_terms_days=14)
    testers = make_testers(small, 2)
    log_work(testers[0], on("2026-03-02"), hours=SECRET_HOURS)
    pay(testers[1], [log_work(testers[1], on("2026-03-02"), hours="1.00")], on("2026-03-20"), amount="10.00")
    return published, small


@pytest.mark.parametrize("name", ["hours", "kinds", "latency", "revocations"])
@pytest.mark.parametrize("suffix", [".svg", ".png", "/embed/"])
@pytest.mark.parametrize("period", [None, "2026-03", "2026"])
def test_a_withheld_programs_charts_give_nothing(client, world, name, suffix, period):
    query = {"period": period} if period else {}
    response = client.get(f"/programs/small/charts/{name}{suffix}", query)

    assert response.status_code == 404
    assert SECRET_HOURS.encode() not in response.content


def test_the_landing_chart_leaves_a_withheld_program_out(client, world):
    page = client.get("/").content.decode()
    svg = client.get("/charts/owed.svg").content.decode()

    assert "Crowded Preview" in svg
    assert "Small Preview" not in svg and SECRET_HOURS not in svg
    chart = page[page.index('id="owed-chart-heading"') :]
    assert "Small Preview" not in chart.split("</section>")[0]
    assert "1 program is left out" in chart


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/programs/crowded/",
        "/flags/",
        "/compare/",
        "/privacy/",
        "/charts/owed.svg",
        "/programs/crowded/charts/hours.svg",
    ],
)
def test_no_other_page_may_be_framed(client, world, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_an_embed_page_may_be_framed_and_nothing_else_is_widened(client, world):
    response = client.get("/programs/crowded/charts/hours/embed/")

    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors *" in policy and "'none'" not in policy.split("frame-ancestors")[1].split(";")[0]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
