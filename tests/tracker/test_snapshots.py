"""'Cite this' (tracker.snapshots): a snapshot freezes what the program's page shows for a
period, never changes after later writes, is taken once per set of figures, and never from
hidden figures. Headline Studio's figures are worked out in tests/tracker/headline_world.py."""

import html
import re

import pytest
from django.db import DatabaseError, transaction
from django.test import Client

from tests.jobs.helpers import log_work, on
from tests.tracker.headline_world import SLUG, STUDIO_ALL_TIME, headline_studio
from tracker.models import Snapshot, SnapshotChangeRefused
from tracker.privacy import METHODOLOGY_VERSION
from tracker.services import run_scan

FIGURE = re.compile(r"<dt>Hours given</dt><dd>(.*?)</dd>", re.S)


@pytest.fixture
def studio(db, settings):
    settings.MIN_GROUP_SIZE = 5
    program, testers = headline_studio()
    run_scan(trigger="command")
    return program, testers


def cite(client, period=None):
    return client.post(f"/programs/{SLUG}/snapshots/take/", {"period": period} if period else {})


def hours_given(html: str) -> str:
    return FIGURE.search(html).group(1).strip()


def test_cite_this_is_on_the_page_of_published_figures(studio):
    page = Client().get(f"/programs/{SLUG}/").content.decode()

    assert f'action="/programs/{SLUG}/snapshots/take/"' in page
    assert "Cite this" in page


def test_a_snapshot_holds_what_the_page_shows(studio):
    client = Client()
    page = client.get(f"/programs/{SLUG}/").content.decode()

    response = cite(client)

    snapshot = Snapshot.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/programs/{SLUG}/snapshots/{snapshot.public_id}/"
    assert snapshot.figures["headlines"] == STUDIO_ALL_TIME
    assert snapshot.figures["hours"] == "36.00"
    assert snapshot.methodology_version == METHODOLOGY_VERSION
    assert snapshot.period == "all" and snapshot.period_label == "all time"
    assert [panel["slug"] for panel in snapshot.charts] == ["hours", "kinds", "latency", "revocations"]
    # Each chart's SVG is the one the page shows.
    for panel in snapshot.charts:
        if panel["svg"]:
            assert panel["svg"] in page
    shown = html.unescape(client.get(response["Location"]).content.decode())
    assert hours_given(shown) == hours_given(page) == "36 h"
    assert " ".join(STUDIO_ALL_TIME) in shown
    assert "This is a snapshot" in shown
    assert f'href="/programs/{SLUG}/"' in shown  # the current figures
    assert f"methodology version {METHODOLOGY_VERSION}" in shown
    citation = (
        f'Early-Access Tracker, "Headline Studio: fairness figures, all time", snapshot {snapshot.public_id}, '
        f"data as of {snapshot.data_as_of:%Y-%m-%d %H:%M} UTC, methodology version {METHODOLOGY_VERSION}. "
        f"http://testserver/programs/{SLUG}/snapshots/{snapshot.public_id}/"
    )
    assert f'<textarea id="citation-text" readonly rows="4">{citation}</textarea>' in shown


def test_a_snapshot_of_a_period_is_of_that_period(studio):
    response = cite(Client(), "2026-03")

    snapshot = Snapshot.objects.get()
    assert response.status_code == 302
    assert snapshot.period == "2026-03"
    assert snapshot.figures["hours"] == "36.00"
    assert '"Headline Studio: fairness figures, 2026-03"' in html.unescape(
        Client().get(response["Location"]).content.decode()
    )


def test_after_a_new_write_the_page_changes_and_the_snapshot_does_not(studio):
    program, testers = studio
    client = Client()
    permalink = cite(client)["Location"]
    before = client.get(permalink).content.decode()

    log_work(testers[0], on("2026-04-01"), hours="5.00")

    assert hours_given(client.get(f"/programs/{SLUG}/").content.decode()) == "41 h"
    after = client.get(permalink).content.decode()
    assert hours_given(after) == "36 h"
    assert after == before
    assert Snapshot.objects.get().figures["hours"] == "36.00"


def test_citing_twice_without_a_change_returns_the_same_snapshot(studio):
    program, testers = studio
    client = Client()

    first, second = cite(client)["Location"], cite(client)["Location"]

    assert first == second
    assert Snapshot.objects.count() == 1
    log_work(testers[0], on("2026-04-01"), hours="5.00")
    third = cite(client)["Location"]
    assert third != first
    assert Snapshot.objects.count() == 2
    listing = client.get(f"/programs/{SLUG}/snapshots/").content.decode()
    assert listing.index(third) < listing.index(first)  # newest first


def test_hidden_figures_are_never_cited(studio, settings):
    settings.MIN_GROUP_SIZE = 50  # above the twelve testers: every figure hidden
    client = Client()

    page = client.get(f"/programs/{SLUG}/").content.decode()
    response = cite(client)

    assert "Cite this" not in page
    assert response.status_code == 302
    assert response["Location"] == f"/programs/{SLUG}/"
    assert Snapshot.objects.count() == 0


def test_a_bad_period_is_refused(studio):
    assert cite(Client(), "2026-13").status_code == 400
    assert Snapshot.objects.count() == 0


def test_the_page_limits_snapshots_per_address(studio, settings):
    settings.SNAPSHOTS_PER_ADDRESS = 2
    program, testers = studio
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert cite(client).status_code == 302
    assert cite(client, "2026").status_code == 302

    assert cite(client, "2026-03").status_code == 429
    assert Client(REMOTE_ADDR="203.0.113.10").post(f"/programs/{SLUG}/snapshots/take/").status_code == 302


def test_a_snapshot_is_never_updated(studio):
    cite(Client())
    snapshot = Snapshot.objects.get()

    snapshot.figures = {"hours": "1.00"}
    with pytest.raises(SnapshotChangeRefused):
        snapshot.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        Snapshot.objects.filter(pk=snapshot.pk).update(figures={"hours": "1.00"})
    with pytest.raises(DatabaseError), transaction.atomic():
        Snapshot.objects.filter(pk=snapshot.pk).update(data_as_of=snapshot.created_at)
    assert Snapshot.objects.get().figures["hours"] == "36.00"


def test_unknown_snapshot_is_404(studio):
    assert Client().get(f"/programs/{SLUG}/snapshots/abcdefghjkmnpq/").status_code == 404
