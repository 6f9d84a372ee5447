"""A colour band says which range a figure falls in: it must never be shown for a figure the
privacy rules withhold, or a company could read the range of its testers' pay from the colour
where the page shows a dash (tracker/bands.py)."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.jobs.helpers import log_work, make_program, make_testers

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_program(settings):
    settings.MIN_GROUP_SIZE = 5
    program = make_program(name="Small Beta", slug="small-beta", reference_hourly_rate=Decimal("40.00"))
    for tester in make_testers(program, 3):  # below the floor of 5
        log_work(tester, dt.date(2026, 3, 2), hours="2.00")
    return program


@pytest.mark.parametrize(
    "path", ["/", "/programs/small-beta/", "/organizations/{organization}/", "/compare/?programs=small-beta"]
)
def test_no_band_where_the_figures_are_withheld(client, small_program, path):
    html = client.get(path.format(organization=small_program.organization.slug)).content.decode()

    assert "Small Beta" in html
    assert 'class="band band-' not in html.split('class="bands-legend"')[0]


def test_a_band_appears_once_the_figure_is_published(client, small_program, settings):
    settings.MIN_GROUP_SIZE = 3

    html = client.get("/programs/small-beta/").content.decode()

    assert 'class="band band-poor" title="Hourly rate:' in html


def test_raising_the_floor_hides_at_once_what_the_cached_pages_showed(client, small_program, settings):
    settings.MIN_GROUP_SIZE = 3
    assert 'class="band band-poor"' in client.get("/programs/small-beta/").content.decode()
    assert client.get("/api/v1/stats/programs/small-beta/").json()["suppressed"] is False

    settings.MIN_GROUP_SIZE = 5  # staff raise the floor; the cache still holds the pages

    assert 'class="band band-' not in client.get("/programs/small-beta/").content.decode().split("bands-legend")[0]
    assert client.get("/api/v1/stats/programs/small-beta/").json()["suppressed"] is True
