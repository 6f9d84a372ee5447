"""GET /healthz: the status for anyone, what was served without Redis for staff only."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_anyone_gets_the_status_without_the_counts(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "up"
    assert body["redis"] in {"up", "not configured"}
    assert "degraded_since_start" not in body
    assert "no-cache" in response["Cache-Control"]


def test_a_signed_in_artist_does_not_see_the_counts(client):
    client.force_login(factories.ArtistFactory().user)

    assert "degraded_since_start" not in client.get("/healthz").json()


def test_staff_see_what_was_served_without_redis(staff_client):
    body = staff_client.get("/healthz").json()

    assert set(body["degraded_since_start"]) == {"cache_errors", "cache_skipped", "enqueue_errors"}


def test_it_only_answers_get(client):
    assert client.post("/healthz").status_code == 405
