"""The floor of the showcase concentration (docs/metrics.md, "Showcase concentration,
exactly"), attacked by the program, which knows which works it showcased and whose.

Below MIN_GROUP_SIZE showcased artists neither figure is published by any door (the stats
API, the program page, the CSV downloads); when the top tenth is one artist, the share times
the total (showcase_rate × works_submitted) would be that artist's count, so the share is
withheld; and two artists holding nearly every showcase are not published either.
"""

import csv
import io
import re

import pytest
from rest_framework.test import APIClient

from artists.models import ApprovalDecision
from artists.services import record_decision
from tests import factories
from tests.jobs.helpers import at, make_program, make_testers, submit
from tracker.privacy import SINGLE_TOP_REASON

pytestmark = pytest.mark.django_db

FLOOR = 5
FIGURES = ("showcased_artists", "showcase_top_tenth_share")


@pytest.fixture
def api(settings):
    settings.MIN_GROUP_SIZE = FLOOR
    return APIClient()


def build(slug: str, showcased: list[int], unshowcased: int = 0, **fields):
    """A program whose i-th tester has showcased[i] showcased works, and `unshowcased` more
    testers with one work approved only (submitters, not showcased)."""
    program = make_program(slug=slug, **fields)
    testers = make_testers(program, len(showcased) + unshowcased)
    for tester, works in zip(testers, showcased + [0] * unshowcased, strict=True):
        for _ in range(works or 1):
            work = submit(tester, at("2026-03-02"))
            outcome = ApprovalDecision.Outcome.SHOWCASED if works else ApprovalDecision.Outcome.APPROVED
            record_decision(work=work, outcome=outcome, decided_at=at("2026-03-04"))
    return program


def stats(api, slug: str) -> dict:
    response = api.get(f"/api/v1/stats/programs/{slug}/")
    assert response.status_code == 200, response.content
    return response.json()


def page_figure(client, slug: str, label: str) -> str:
    html = client.get(f"/programs/{slug}/").content.decode()
    match = re.search(rf"<dt>{label}</dt><dd>(.*?)</dd>", html, re.S)
    assert match, label
    # The figure as read: a withheld one is a dash and its reason.
    return re.sub(r"<[^>]*>", "", match.group(1)).strip()


def csv_values(api, client, slug: str) -> tuple[dict, dict]:
    [api_row] = csv.DictReader(io.StringIO(api.get(f"/api/v1/stats/programs/{slug}/?format=csv").content.decode()))
    page_rows = csv.DictReader(io.StringIO(client.get(f"/programs/{slug}/?format=csv").content.decode()))
    return api_row, {row["field"]: row["value"] for row in page_rows}


def test_below_the_floor_of_showcased_artists_no_door_publishes_either_figure(api, client):
    # Six artists submitted works (their work figures are shown); four were showcased.
    build("few-showcased", [2, 1, 1, 1], unshowcased=2)

    data = stats(api, "few-showcased")

    assert data["works_submitted"] == 7 and data["showcase_rate"] is not None
    for figure in FIGURES:
        assert data[figure] is None, figure
        assert "fewer than 5 verified artists had works showcased" in data["withheld"][figure]
    for label in ("Artists ever showcased", "Showcase concentration"):
        shown = page_figure(client, "few-showcased", label)
        assert shown.startswith("— (Withheld: fewer than 5 verified artists had works showcased"), shown
    api_row, page_values = csv_values(api, client, "few-showcased")
    for figure in FIGURES:
        assert api_row[figure] == page_values[figure] == "", figure


def test_a_company_that_knows_its_showcase_list_cannot_read_one_artists_count(api, client):
    # Eight showcased artists (above the floor): the top tenth is one artist, A with 4 works.
    # The total is public (showcase_rate × works_submitted = 11), so the share, 4 / 11, would
    # give A's count: it is withheld, and the number of showcased artists is shown.
    build("one-on-top", [4, 1, 1, 1, 1, 1, 1, 1])

    data = stats(api, "one-on-top")

    assert round(data["showcase_rate"] * data["works_submitted"]) == 11
    assert data["showcased_artists"] == 8
    assert data["showcase_top_tenth_share"] is None
    assert data["withheld"]["showcase_top_tenth_share"] == SINGLE_TOP_REASON
    assert page_figure(client, "one-on-top", "Showcase concentration").startswith(f"— ({SINGLE_TOP_REASON})")
    assert page_figure(client, "one-on-top", "Artists ever showcased") == "8"
    api_row, page_values = csv_values(api, client, "one-on-top")
    assert api_row["showcase_top_tenth_share"] == page_values["showcase_top_tenth_share"] == ""
    assert api_row["showcased_artists"] == page_values["showcased_artists"] == "8"


def test_from_eleven_showcased_artists_the_top_tenth_is_two_and_the_share_is_shown(api):
    # Eleven artists: the top tenth is A and B, 3 + 2 of 14 works.
    build("two-on-top", [3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1])

    data = stats(api, "two-on-top")

    assert (data["showcased_artists"], data["showcase_top_tenth_share"]) == (11, round(5 / 14, 4))
    assert data["figure_artists"]["showcase_top_tenth_share"] == 11


def test_two_artists_holding_nearly_every_showcase_are_not_published(api):
    # A and B hold 20 + 20 of 49 works: 82 %, under 85 %, shown; with 25 each, 50 of 59 = 85 %
    # is still not more; with 30 each, 60 of 69 = 87 %: withheld (the dominance rule).
    build("dominated", [30, 30, 1, 1, 1, 1, 1, 1, 1, 1, 1])

    data = stats(api, "dominated")

    assert data["showcased_artists"] == 11
    assert data["showcase_top_tenth_share"] is None
    assert "two artists account for more than 85%" in data["withheld"]["showcase_top_tenth_share"]


def test_a_withheld_program_cannot_be_had_from_its_organization_minus_the_others(api):
    # The organization pools only the programs whose own showcased_artists are shown: the
    # small program's three showcased artists add nothing, so the pool is the big program's.
    organization = factories.OrganizationFactory(slug="showcase-pool")
    build("big-reel", [3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1], organization=organization)
    build("small-reel", [4, 1, 1], unshowcased=3, organization=organization)

    pooled = api.get("/api/v1/stats/organizations/showcase-pool/").json()
    big, small = stats(api, "big-reel"), stats(api, "small-reel")

    assert small["showcased_artists"] is None and small["showcase_top_tenth_share"] is None
    assert (pooled["showcased_artists"], pooled["showcase_top_tenth_share"]) == (11, round(5 / 14, 4))
    assert (big["showcased_artists"], big["showcase_top_tenth_share"]) == (11, round(5 / 14, 4))
