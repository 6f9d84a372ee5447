"""Conditional responses and the per-data-version cache of the stats API (tracker.cache):
ETag and Last-Modified on every response, 304 for a matching If-None-Match, and a new
version, a new ETag and fresh figures after any write — through a service, a bulk path, an
import, a raw queryset update or a flag scan. Tests use the local-memory cache; the code
uses Django's cache API, so Redis behaves the same."""

from decimal import Decimal
from email.utils import parsedate_to_datetime

import pytest
from django.core.cache import cache as django_cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feedback.imports import CsvFile, import_ledger
from feedback.models import Compensation, Contribution
from feedback.services import log_contribution, record_compensation
from programs.services import revoke_many
from tests.api.stats_world import build_world
from tests.factories import ContributionFactory, EnrollmentFactory
from tests.jobs.helpers import at, on
from tracker import cache
from tracker.services import run_scan

pytestmark = pytest.mark.django_db

STATS = "/api/v1/stats"
PROGRAM = f"{STATS}/programs/open-canvas/"
ENDPOINTS = [
    f"{STATS}/summary/",
    f"{STATS}/programs/",
    PROGRAM,
    f"{STATS}/programs/open-canvas/timeseries/",
    f"{STATS}/organizations/canvas-co/",
]


@pytest.fixture
def world(arithmetic_only):
    # What is withheld is tested elsewhere (tests/security); here every figure can change.
    return build_world()


def conditional_get(api, url: str, etag: str):
    return api.get(url, HTTP_IF_NONE_MATCH=etag)


# -- headers and 304 -----------------------------------------------------------------


@pytest.mark.parametrize("url", ENDPOINTS)
def test_every_stats_response_has_an_etag_and_a_last_modified(api, world, url):
    response = api.get(url)

    assert response.status_code == 200
    assert response["ETag"].startswith('"') and response["ETag"].endswith('"') and len(response["ETag"]) > 2
    assert parsedate_to_datetime(response["Last-Modified"]).tzinfo is not None


@pytest.mark.parametrize("url", ENDPOINTS)
def test_a_matching_if_none_match_answers_304_with_no_body(api, world, url):
    first = api.get(url)

    again = conditional_get(api, url, first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]


@pytest.mark.parametrize("header", ['"other", {etag}', "W/{etag}", '{etag}, W/"other"'])
def test_if_none_match_may_list_etags_or_weaken_them(api, world, header):
    # Clients send back several ETags, and proxies that compress weaken them (W/"…");
    # If-None-Match compares weakly (RFC 9110, 13.1.2).
    etag = api.get(PROGRAM)["ETag"]

    assert conditional_get(api, PROGRAM, header.format(etag=etag)).status_code == 304


def test_another_etag_gets_the_full_response(api, world):
    first = api.get(PROGRAM)

    response = conditional_get(api, PROGRAM, '"something-else"')

    assert response.status_code == 200
    assert response.json() == first.json()


def test_json_csv_and_each_query_have_their_own_etag(api, world):
    etags = {
        api.get(PROGRAM)["ETag"],
        api.get(f"{PROGRAM}?format=csv")["ETag"],
        api.get(f"{PROGRAM}?period=2026-03")["ETag"],
    }

    assert len(etags) == 3
    csv_etag = api.get(f"{PROGRAM}?format=csv")["ETag"]
    assert conditional_get(api, PROGRAM, csv_etag).status_code == 200


def test_the_same_data_gives_the_same_etag(api, world):
    assert api.get(PROGRAM)["ETag"] == api.get(PROGRAM)["ETag"]


# -- every kind of write invalidates --------------------------------------------------


def _log_contribution(world):
    log_contribution(
        enrollment=world.testers["A"],
        kind="survey",
        title="Extra survey",
        hours_spent="2.00",
        occurred_on=on("2026-05-05"),
    )


def _record_compensation(world):
    unpaid = Contribution.objects.get(enrollment=world.testers["C"])
    record_compensation(
        enrollment=world.testers["C"],
        kind=Compensation.Kind.CASH,
        amount=Decimal("40.00"),
        paid_on=on("2026-05-01"),
        contributions=[unpaid],
    )


def _revoke_many(world):
    revoke_many(enrollments=[world.testers["A"], world.testers["B"]], occurred_at=at("2026-07-01"), reason="Ended")


def _import(world):
    rows = "program,kind,title,hours_spent,occurred_on\nopen-canvas,survey,Imported survey,3.00,2026-05-06\n"
    import_ledger(artist=world.testers["D"].artist, contributions=CsvFile("contributions.csv", rows.encode()))


def _raw_update(world):
    Contribution.objects.filter(enrollment=world.testers["C"]).update(hours_spent=Decimal("4.00"))


def _scan(world):
    run_scan(trigger="command")


@pytest.mark.parametrize(
    ("write", "figures"),
    [
        (_log_contribution, {"contributions": 7, "hours": "14.50"}),
        (_record_compensation, {"cash_paid": "140.00", "compensated_share": 0.6667}),
        (_revoke_many, {"testers_active": 2, "testers_revoked": 3}),
        (_import, {"contributions": 7, "hours": "15.50"}),
        (_raw_update, {"hours": "14.50", "fair_value": "290.00"}),
        (
            _scan,
            {
                "open_flags": {
                    "approval_overdue": 1,
                    "revoked_with_unpaid_work": 1,
                    "revoked_without_reason": 1,
                    "uncompensated_promotion": 1,
                    "unpaid_feedback": 3,
                }
            },
        ),
    ],
    ids=["service-contribution", "service-compensation", "revoke-many", "import", "raw-update", "flag-scan"],
)
def test_a_write_changes_the_version_the_etag_and_the_figures(api, world, write, figures):
    before = api.get(PROGRAM)
    version = cache.data_version()
    assert before.json()["open_flags"] == {}
    assert {name: before.json()[name] for name in figures} != figures

    write(world)

    assert cache.data_version() > version
    after = conditional_get(api, PROGRAM, before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert parsedate_to_datetime(after["Last-Modified"]) >= parsedate_to_datetime(before["Last-Modified"])
    assert {name: after.json()[name] for name in figures} == figures


def test_a_write_refreshes_every_endpoint(api, world):
    before = {url: api.get(url) for url in ENDPOINTS}

    _log_contribution(world)

    for url, response in before.items():
        after = conditional_get(api, url, response["ETag"])
        assert after.status_code == 200, url
        assert after.json() != response.json(), url


def test_a_scan_that_finds_nothing_new_leaves_the_program_cached(api, world):
    run_scan(trigger="command")
    before = api.get(PROGRAM)
    version = cache.program_version(world.program.pk)

    run_scan(trigger="command")

    # The scan wrote no flag of this program: its figures are not computed again.
    assert cache.program_version(world.program.pk) == version
    with CaptureQueriesContext(connection) as queries:
        after = conditional_get(api, PROGRAM, before["ETag"])
    assert len(queries) <= 3
    assert after.status_code == 304


def test_a_write_to_another_program_leaves_this_one_cached(api, world):
    before = api.get(PROGRAM)
    other = EnrollmentFactory()
    ContributionFactory(enrollment=other)

    with CaptureQueriesContext(connection) as queries:
        after = conditional_get(api, PROGRAM, before["ETag"])
    assert after.status_code == 304
    assert len(queries) <= 3, [q["sql"] for q in queries]

    _log_contribution(world)
    assert conditional_get(api, PROGRAM, before["ETag"]).status_code == 200


# -- the cache -----------------------------------------------------------------------


@pytest.mark.parametrize("url", [*ENDPOINTS, f"{STATS}/programs/?format=csv"])
def test_a_repeated_request_is_served_from_the_cache(api, world, url):
    with CaptureQueriesContext(connection) as first_queries:
        first = api.get(url)

    with CaptureQueriesContext(connection) as second_queries:
        second = api.get(url)

    assert second.content == first.content
    # The data version, and for a program the lookup of its slug; nothing is recomputed.
    assert len(second_queries) <= 3, [q["sql"] for q in second_queries]
    assert any("tracker_data_version" in q["sql"] or "tracker_programchange" in q["sql"] for q in second_queries)
    assert len(first_queries) > len(second_queries)


def test_a_304_reads_only_the_version(api, world):
    etag = api.get(PROGRAM)["ETag"]

    with CaptureQueriesContext(connection) as queries:
        assert conditional_get(api, PROGRAM, etag).status_code == 304

    assert len(queries) <= 3


def test_the_cache_is_keyed_by_version_not_by_time(api, world, settings):
    settings.STATS_CACHE_SECONDS = 3600
    first = api.get(PROGRAM).json()

    _raw_update(world)

    assert api.get(PROGRAM).json()["hours"] == "14.50" != first["hours"]


def test_an_etag_taken_before_a_writer_committed_does_not_keep_old_figures(api, world):
    # A writer's statement takes the next version at once (a sequence is not transactional),
    # but its rows are seen only when it commits: a reader in between computes the old
    # figures under the new version. Once that entry expires, the client holding its ETag
    # must get the new figures, not a 304 until some later write.
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('tracker_data_version')")
    stale = api.get(PROGRAM)
    with connection.cursor() as cursor:
        # (The world's deferred checks run first: a table with pending events cannot be altered.)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE feedback_contribution DISABLE TRIGGER feedback_contribution_data_version")
        Contribution.objects.filter(enrollment=world.testers["C"]).update(hours_spent=Decimal("4.00"))
        cursor.execute("ALTER TABLE feedback_contribution ENABLE TRIGGER feedback_contribution_data_version")
    django_cache.clear()  # the entry expired (STATS_CACHE_SECONDS)

    after = conditional_get(api, PROGRAM, stale["ETag"])

    assert after.status_code == 200
    assert (stale.json()["hours"], after.json()["hours"]) == ("12.50", "14.50")
    assert after["ETag"] != stale["ETag"]
