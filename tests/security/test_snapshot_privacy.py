"""A snapshot never holds a figure that was withheld when it was taken, and its id tells
nothing: no sequence to walk to other snapshots (tracker.snapshots, docs/privacy.md)."""

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.tracker.headline_world import SLUG, headline_studio
from tracker.models import SNAPSHOT_ID_ALPHABET, Snapshot, snapshot_public_id
from tracker.services import run_scan


@pytest.fixture
def studio(db, settings):
    settings.MIN_GROUP_SIZE = 5
    program, testers = headline_studio()
    run_scan(trigger="command")
    return program, testers


def test_figures_hidden_below_the_floor_are_never_frozen(studio, settings):
    settings.MIN_GROUP_SIZE = 13  # one more than the twelve testers

    page = Client().post(f"/programs/{SLUG}/snapshots/take/")
    api = APIClient().post(f"/api/v1/stats/programs/{SLUG}/snapshots/", {"period": "2026-03"}, format="json")

    assert page.status_code == 302 and page["Location"] == f"/programs/{SLUG}/"
    assert api.status_code == 409
    assert "36" not in api.content.decode()
    assert Snapshot.objects.count() == 0


def test_a_withheld_figure_stays_null_in_the_snapshot(studio):
    body = APIClient().post(f"/api/v1/stats/programs/{SLUG}/snapshots/", {}, format="json").json()
    served = APIClient().get(f"/api/v1/stats/programs/{SLUG}/").json()

    assert body["figures"]["withheld"] == served["withheld"]
    for name in served["withheld"]:
        assert body["figures"][name] is None


def test_snapshot_ids_are_random_not_sequential(studio):
    ids = [snapshot_public_id() for _ in range(2000)]

    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(f"[{SNAPSHOT_ID_ALPHABET}]{{14}}", value) for value in ids)
    # Taken one after another, two snapshots' ids share no more than chance would.
    client = APIClient()
    first = client.post(f"/api/v1/stats/programs/{SLUG}/snapshots/", {}, format="json").json()["id"]
    second = client.post(f"/api/v1/stats/programs/{SLUG}/snapshots/", {"period": "2026"}, format="json").json()["id"]
    assert first != second
    assert sum(a == b for a, b in zip(first, second, strict=True)) < 7
    # The database's own sequence never leaves.
    listed = {row["id"] for row in client.get(f"/api/v1/stats/programs/{SLUG}/snapshots/").json()["results"]}
    assert listed == {first, second}
    for snapshot in Snapshot.objects.all():
        assert str(snapshot.pk) not in listed
        assert Client().get(f"/programs/{SLUG}/snapshots/{snapshot.pk}/").status_code == 404
