"""A program can poll its own stats as often as it likes. When one of its testers logs work
that changes nothing the program may see (the figures behind it are withheld), the answer's
headers must not move either: Last-Modified is when the answer last changed, not when the
records behind it did (tracker.cache.first_seen)."""

import datetime as dt
import time

import pytest
from rest_framework.test import APIClient

from tests.jobs.helpers import log_work, make_program, make_testers

pytestmark = pytest.mark.django_db

STATS = "/api/v1/stats/programs/watched/"


def test_a_write_that_changes_no_shown_figure_moves_no_header(settings):
    settings.MIN_GROUP_SIZE = 5
    program = make_program(slug="watched")
    lonely, *_ = make_testers(program, 2)  # below the floor: every figure is withheld
    api = APIClient()
    before = api.get(STATS)
    assert before.json()["suppressed"] is True

    time.sleep(1.1)  # Last-Modified has whole seconds: a moved header would show
    log_work(lonely, dt.date(2026, 3, 2), hours="3.00")  # the tester the program just asked
    after = api.get(STATS)

    assert after.content == before.content
    assert (after["ETag"], after["Last-Modified"]) == (before["ETag"], before["Last-Modified"])
    assert api.get(STATS, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
