"""The snapshots of the stats API (tracker.api_snapshots): list, detail, POST to take one,
and nobody may edit a snapshot."""

import pytest
from rest_framework.test import APIClient

from tests.jobs.helpers import log_work, on
from tests.tracker.headline_world import SLUG, STUDIO_ALL_TIME, headline_studio
from tracker.models import Snapshot
from tracker.privacy import METHODOLOGY_VERSION
from tracker.services import run_scan

BASE = f"/api/v1/stats/programs/{SLUG}/snapshots/"


@pytest.fixture
def studio(db, settings):
    settings.MIN_GROUP_SIZE = 5
    program, testers = headline_studio()
    run_scan(trigger="command")
    return program, testers


def test_post_takes_a_snapshot_of_the_stats_answer_as_served(studio):
    client = APIClient()
    served = client.get(f"/api/v1/stats/programs/{SLUG}/").json()

    response = client.post(BASE, {}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["figures"] == served
    assert body["figures"]["headlines"] == STUDIO_ALL_TIME
    assert body["methodology_version"] == METHODOLOGY_VERSION
    assert body["period"] == "all"
    assert body["permalink"] == f"http://testserver/programs/{SLUG}/snapshots/{body['id']}/"
    assert body["citation"].startswith('Early-Access Tracker, "Headline Studio: fairness figures, all time", ')
    assert body["citation"].endswith(f"methodology version {METHODOLOGY_VERSION}. {body['permalink']}")
    assert [panel["slug"] for panel in body["charts"]] == ["hours", "kinds", "latency", "revocations"]


def test_post_of_a_period_freezes_that_periods_answer(studio):
    client = APIClient()
    served = client.get(f"/api/v1/stats/programs/{SLUG}/?period=2026-Q1").json()

    body = client.post(BASE, {"period": "2026-Q1"}, format="json").json()

    assert body["period"] == "2026-Q1"
    assert body["figures"] == served


def test_the_same_figures_answer_200_with_the_snapshot_already_taken(studio):
    client = APIClient()
    first = client.post(BASE, {}, format="json")

    second = client.post(BASE, {}, format="json")

    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert Snapshot.objects.count() == 1


def test_list_and_detail(studio):
    program, testers = studio
    client = APIClient()
    older = client.post(BASE, {}, format="json").json()
    log_work(testers[0], on("2026-04-01"), hours="5.00")
    newer = client.post(BASE, {}, format="json").json()

    listing = client.get(BASE)
    detail = client.get(f"{BASE}{older['id']}/")

    assert listing.status_code == 200
    assert listing.json()["count"] == 2
    assert [row["id"] for row in listing.json()["results"]] == [newer["id"], older["id"]]
    assert "figures" not in listing.json()["results"][0]
    assert detail.status_code == 200
    assert detail.json() == older
    # The snapshot kept its figures; the stats answer moved on.
    assert detail.json()["figures"]["hours"] == "36.00"
    assert client.get(f"/api/v1/stats/programs/{SLUG}/").json()["hours"] == "41.00"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_nobody_may_edit_a_snapshot(studio, method, django_user_model):
    taken = APIClient().post(BASE, {}, format="json").json()
    staff = django_user_model.objects.create_user("staffer", password="x", is_staff=True, is_superuser=True)
    client = APIClient()
    client.force_authenticate(staff)

    on_detail = getattr(client, method)(f"{BASE}{taken['id']}/", {"figures": {"hours": "1.00"}}, format="json")
    on_list = getattr(client, method)(BASE, {"figures": {"hours": "1.00"}}, format="json")

    assert on_detail.status_code == 405
    assert on_list.status_code == 405
    assert Snapshot.objects.get().figures["hours"] == "36.00"


def test_unknown_snapshot_or_program_is_404(studio):
    client = APIClient()

    assert client.get(f"{BASE}abcdefghjkmnpq/").status_code == 404
    assert client.get("/api/v1/stats/programs/no-such-program/snapshots/").status_code == 404
    assert client.post("/api/v1/stats/programs/no-such-program/snapshots/", {}, format="json").status_code == 404


def test_hidden_figures_answer_409(studio, settings):
    settings.MIN_GROUP_SIZE = 50

    response = APIClient().post(BASE, {}, format="json")

    assert response.status_code == 409
    assert Snapshot.objects.count() == 0


def test_a_bad_period_answers_400(studio):
    response = APIClient().post(BASE, {"period": "2026-13"}, format="json")

    assert response.status_code == 400
    assert "period" in response.json()
    assert Snapshot.objects.count() == 0


def test_the_schema_documents_the_snapshot_operations(studio):
    schema = APIClient().get("/api/v1/schema/?format=json").json()

    operations = schema["paths"]["/api/v1/stats/programs/{slug}/snapshots/"]
    assert set(operations) >= {"get", "post"}
    assert {"201", "200", "409"} <= set(operations["post"]["responses"])
    assert set(schema["paths"]["/api/v1/stats/programs/{slug}/snapshots/{id}/"]) - {"parameters"} == {"get"}
