"""GET /healthz is public. The program can read it as often as it likes, before and after it
asks one tester for something: it must say nothing that changes with what artists log, only
whether the services answer."""

import datetime as dt

import pytest

from tests import factories
from tests.jobs.helpers import log_work, make_program, make_testers

pytestmark = pytest.mark.django_db


def test_the_health_answer_does_not_change_when_an_artist_logs_work(client):
    program = make_program(slug="watched")
    tester, *_ = make_testers(program, 5)
    client.force_login(factories.ArtistFactory().user)  # an account the program opened
    before = client.get("/healthz").json()

    log_work(tester, dt.date(2026, 3, 2), hours="3.00")
    after = client.get("/healthz").json()

    assert before == after
    assert set(after) == {"status", "database", "redis"}
