"""Read replica routing (config/routers.py): the public figures, dashboards and flag feed read
from the "replica" alias; every write, and everything an artist reads of their own, goes to
the primary ("default").

The replica here is a test mirror (config/settings_test.py) kept as a connection of its own
(the `separate_replica` fixture): the same test database, so what a test commits is on it at
once, as on a replica that has caught up, while each connection's queries are seen apart.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.views import View
from rest_framework.test import APIClient
from rest_framework.views import APIView

from config.routers import REPLICA_DB_ALIAS, ReplicaRouter, reads_from_replica, replica_reads
from feedback.models import Contribution
from programs.models import Program
from tests import factories

# Committed rows, so the replica's own connection sees them; both aliases may be queried.
replica_db = pytest.mark.django_db(transaction=True, databases="__all__")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(separate_replica, arithmetic_only):
    """Two listed programs (the comparison needs two), the first with five artists and a
    contribution each."""
    program = factories.ProgramFactory()
    for _ in range(5):
        enrollment = factories.EnrollmentFactory(program=program)
        factories.ContributionFactory(enrollment=enrollment)
    factories.EnrollmentFactory()
    return program


def doors(program: Program) -> list[str]:
    """Every door marked to read from the replica."""
    slug, organization = program.slug, program.organization.slug
    other = Program.objects.exclude(pk=program.pk).get().slug
    return [
        "/api/v1/stats/summary/",
        "/api/v1/stats/programs/",
        "/api/v1/stats/programs/?format=csv",
        f"/api/v1/stats/programs/{slug}/",
        f"/api/v1/stats/programs/{slug}/timeseries/",
        f"/api/v1/stats/organizations/{organization}/",
        "/api/v1/flags/",
        "/",
        "/?format=csv",
        f"/programs/{slug}/",
        f"/organizations/{organization}/",
        f"/compare/?programs={slug}&programs={other}",
        "/flags/",
    ]


def api_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def selects(queries) -> list[str]:
    """The reads among `queries`: plain SELECTs and WITH queries, which pghistory may prefix
    with its context (SELECT set_config(…); …)."""
    reads = ("SELECT", "WITH")
    return [query["sql"] for query in queries if query["sql"].lstrip().upper().startswith(reads)]


@replica_db
def test_the_replica_is_a_connection_of_its_own(separate_replica):
    assert separate_replica is not connections[DEFAULT_DB_ALIAS]
    assert separate_replica.settings_dict["NAME"] == connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]


def reads_versions(sql: str) -> bool:
    """The read of the data version or of programs' versions (tracker/cache.py)."""
    return "tracker_data_version" in sql or 'FROM "tracker_programchange"' in sql


@pytest.mark.parametrize("method", ["get", "head"])
@replica_db
def test_every_public_figure_door_reads_from_the_replica(client, world, method):
    for url in doors(world):
        cache.clear()  # each door computes its figures, as after a write (the page's CSV shares them)
        with (
            CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
            CaptureQueriesContext(connections[REPLICA_DB_ALIAS]) as replica,
        ):
            response = getattr(client, method)(url)

        assert response.status_code == 200, url
        assert selects(replica.captured_queries), url
        # The primary is asked only for the data versions, which key the figures' cache.
        assert [q["sql"] for q in primary.captured_queries if not reads_versions(q["sql"])] == [], url


@replica_db
def test_an_artist_logging_a_contribution_writes_on_the_primary(world, separate_replica):
    enrollment = factories.EnrollmentFactory(program=world)
    api = api_of(enrollment.artist.user)
    body = {
        "program": world.slug,
        "kind": "bug_report",
        "title": "Crash on export",
        "hours_spent": "1.00",
        "occurred_on": str(enrollment.granted_on),
    }
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(separate_replica) as replica,
    ):
        response = api.post("/api/v1/me/contributions/", body, format="json")

    assert response.status_code == 201, response.content
    # pghistory sends its context with each write, in the same statement.
    assert any('INSERT INTO "feedback_contribution"' in query["sql"] for query in primary.captured_queries)
    assert replica.captured_queries == []


@replica_db
def test_an_artist_reads_their_own_ledger_on_the_primary(world, separate_replica):
    enrollment = factories.EnrollmentFactory(program=world)
    factories.ContributionFactory(enrollment=enrollment)
    api = api_of(enrollment.artist.user)
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(separate_replica) as replica,
    ):
        contributions = api.get("/api/v1/me/contributions/")
        enrollments = api.get("/api/v1/me/enrollments/")

    assert contributions.status_code == enrollments.status_code == 200
    assert selects(primary.captured_queries)
    assert replica.captured_queries == []


@replica_db
def test_a_write_inside_replica_reads_goes_to_the_primary(world, separate_replica):
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Contribution) == REPLICA_DB_ALIAS
        assert router.db_for_write(Contribution) == DEFAULT_DB_ALIAS
        with CaptureQueriesContext(separate_replica) as replica:
            factories.ContributionFactory(enrollment=world.enrollments.first())
    assert not any("INSERT" in query["sql"] or "UPDATE" in query["sql"] for query in replica.captured_queries)


def test_reads_go_to_the_primary_outside_replica_reads_and_for_the_accounts():
    router = ReplicaRouter()
    assert router.db_for_read(Contribution) == DEFAULT_DB_ALIAS
    with replica_reads():
        # Sessions, users and tokens: a sign-in just made must be seen on the next page.
        for model in ("sessions.Session", "auth.User", "authtoken.Token"):
            assert router.db_for_read(apps.get_model(model)) == DEFAULT_DB_ALIAS


def test_without_a_replica_everything_reads_the_primary(monkeypatch):
    monkeypatch.delitem(connections.settings, REPLICA_DB_ALIAS)
    with replica_reads():
        assert ReplicaRouter().db_for_read(Contribution) == DEFAULT_DB_ALIAS


def test_only_the_primary_is_migrated():
    router = ReplicaRouter()
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "feedback") is True
    assert router.allow_migrate(REPLICA_DB_ALIAS, "feedback") is False


def test_objects_read_on_either_alias_may_be_related():
    on_replica, on_primary = Program(), Contribution()
    on_replica._state.db, on_primary._state.db = REPLICA_DB_ALIAS, DEFAULT_DB_ALIAS
    assert ReplicaRouter().allow_relation(on_replica, on_primary) is True


def _routed_alias() -> str:
    return ReplicaRouter().db_for_read(Contribution)


@reads_from_replica
def function_view(request):
    return HttpResponse(_routed_alias())


@reads_from_replica
class ClassView(View):
    def get(self, request):
        return HttpResponse(_routed_alias())

    def post(self, request):
        return HttpResponse(_routed_alias())


@reads_from_replica
class DRFView(APIView):
    authentication_classes = []
    permission_classes = []

    def get(self, request):
        return HttpResponse(_routed_alias())

    def post(self, request):
        return HttpResponse(_routed_alias())


@pytest.mark.parametrize("view", [function_view, ClassView.as_view(), DRFView.as_view()])
@pytest.mark.parametrize(("method", "alias"), [("get", "replica"), ("head", "replica"), ("post", "default")])
def test_the_decorator_lets_only_get_and_head_read_from_the_replica(view, method, alias):
    """Where each kind of view would read Contribution rows, by request method."""
    response = view(getattr(RequestFactory(), method)("/"))
    assert response.content.decode() == alias


def test_database_replica_url_adds_the_replica_alias_to_the_settings():
    show = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({alias: [db['HOST'], db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS']] "
        "for alias, db in settings.DATABASES.items()}))"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATABASE_REPLICA_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="k",
        DATABASE_URL="postgresql://someone@primary.invalid:5432/tracker",
    )

    def databases(**extra):
        result = subprocess.run(
            [sys.executable, "-c", show], cwd=ROOT, env={**env, **extra}, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    assert databases() == {"default": ["primary.invalid", 60, True]}
    assert databases(DATABASE_REPLICA_URL="postgresql://someone@replica.invalid:5432/tracker") == {
        "default": ["primary.invalid", 60, True],
        "replica": ["replica.invalid", 60, True],
    }
