"""After a write, pages and stats answers do not wait for the figures to be recomputed: with
FIGURES_STALE_SECONDS set they are served the last figures computed (saying how old they are
on a page), while one background thread computes the new ones (tracker/cache.py)."""

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.core.cache import cache as django_cache
from rest_framework.test import APIClient

from feedback.services import log_contribution
from tests.jobs.helpers import log_work, make_program, make_testers
from tracker import cache as figures_cache

# The background refresh reads on the replica (a connection of its own, in its thread).
pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def stale_allowed(settings):
    settings.FIGURES_STALE_SECONDS = 60
    settings.MIN_GROUP_SIZE = 5
    django_cache.clear()  # no figures of an earlier test's world, which would be served as recent
    yield
    figures_cache.wait_for_refreshes()


@pytest.fixture
def program():
    program = make_program(name="Busy Beta", slug="busy-beta", reference_hourly_rate=Decimal("40.00"))
    for tester in make_testers(program, 5):
        log_work(tester, dt.date(2026, 3, 2), hours="2.00")
    return program


def one_more_hour(program):
    enrollment = program.enrollments.first()
    log_contribution(
        enrollment=enrollment, kind="bug_report", title="One more", hours_spent="1.00", occurred_on=dt.date(2026, 3, 3)
    )


def test_a_page_after_a_write_shows_the_last_figures_and_says_when_they_were_computed(client, stale_allowed, program):
    # The platform's figures pool every program; one program's own are cached by its version
    # and computed afresh at once (tracker/program_figures.py).
    assert client.get("/").context["platform"].hours == Decimal("10.00")
    one_more_hour(program)

    response = client.get("/")

    # Served at once from the figures computed before the write, and the page says so.
    assert response.context["platform"].hours == Decimal("10.00")
    assert "newer ones are being computed" in response.content.decode()
    figures_cache.wait_for_refreshes()
    fresh = client.get("/")
    assert fresh.context["platform"].hours == Decimal("11.00")
    assert "newer ones are being computed" not in fresh.content.decode()


def test_a_program_page_after_a_write_to_it_shows_its_last_figures_charts_and_findings_together(
    client, stale_allowed, program
):
    before = client.get("/programs/busy-beta/")
    assert before.context["metrics"].hours == Decimal("10.00")
    one_more_hour(program)

    during = client.get("/programs/busy-beta/")

    # The figures, the charts drawn from them and the findings are the ones of before the
    # write, all of them, and the page says how old they are.
    assert during.context["metrics"].hours == Decimal("10.00")
    assert during.context["charts"] == before.context["charts"]
    assert "newer ones are being computed" in during.content.decode()
    figures_cache.wait_for_refreshes()
    after = client.get("/programs/busy-beta/")
    assert after.context["metrics"].hours == Decimal("11.00")
    assert "newer ones are being computed" not in after.content.decode()


def test_the_programs_table_after_a_write_shows_the_last_rows_until_they_are_computed(client, stale_allowed, program):
    def hours(response):
        return {row.program.slug: row.metrics.hours for row in response.context["rows"]}

    assert hours(client.get("/")) == {"busy-beta": Decimal("10.00")}
    one_more_hour(program)

    assert hours(client.get("/")) == {"busy-beta": Decimal("10.00")}
    figures_cache.wait_for_refreshes()
    assert hours(client.get("/")) == {"busy-beta": Decimal("11.00")}
    # The CSV download shares the page's figures.
    assert "11.00" in client.get("/?format=csv").content.decode()


def test_the_stats_api_answers_with_the_last_figures_and_their_own_validators(stale_allowed, program):
    api = APIClient()
    before = api.get("/api/v1/stats/programs/busy-beta/")
    one_more_hour(program)

    during = api.get("/api/v1/stats/programs/busy-beta/")

    assert during.json()["hours"] == before.json()["hours"] == "10.00"
    assert (during["ETag"], during["Last-Modified"]) == (before["ETag"], before["Last-Modified"])
    figures_cache.wait_for_refreshes()
    after = api.get("/api/v1/stats/programs/busy-beta/")
    assert after.json()["hours"] == "11.00"
    assert after["ETag"] != before["ETag"]


def test_figures_older_than_the_setting_are_computed_before_answering(client, stale_allowed, program, settings):
    client.get("/programs/busy-beta/")
    one_more_hour(program)
    settings.FIGURES_STALE_SECONDS = 1
    time.sleep(1.2)

    response = client.get("/programs/busy-beta/")

    assert response.context["metrics"].hours == Decimal("11.00")
    assert "newer ones are being computed" not in response.content.decode()


def test_without_the_setting_every_write_is_seen_by_the_next_request(client, program, settings):
    settings.FIGURES_STALE_SECONDS = 0
    client.get("/programs/busy-beta/")
    one_more_hour(program)

    assert client.get("/programs/busy-beta/").context["metrics"].hours == Decimal("11.00")
