"""Schemathesis against the live OpenAPI schema: every operation the API publishes, called
with generated requests (valid and invalid), answers without a 5xx, with a documented status
code and content type, and with a body that matches the schema.

The schema is fetched from /api/v1/schema/ through the WSGI app, so what is tested is what
clients download. Requests run in the test's transaction against a small seeded world: two
listed programs, one with six artists and their records, so that its figures are shown, and
one below the privacy floor; flags from a scan; an artist enrolled in both, with a token.
"""

import datetime as dt
import ipaddress
import socket
from decimal import Decimal
from types import SimpleNamespace

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from artists.api import AuthRateThrottle
from artists.services import record_decision
from feedback.services import record_compensation
from programs.models import Representative
from programs.services import revoke_access
from tests import factories
from tracker import webhooks
from tracker.models import Flag, Reply, WebhookDelivery, WebhookSubscription
from tracker.services import run_scan
from tracker.services_replies import post_reply

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

# Modest per operation: every read runs anonymously and as an artist, catalogue writes also as staff.
EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def resolve_offline(host, port, *args, **kwargs):
    try:
        address = str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        address = "93.184.215.14"
    return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]


@pytest.fixture
def world(db, settings, monkeypatch):
    """Two listed programs (one above the privacy floor), flags, a webhook with a delivery,
    an artist and a staff member with API tokens."""
    settings.MIN_GROUP_SIZE = 5
    # Sign-up and token requests are limited to 10 a minute per address; the generated
    # requests would spend it on the first operation. The limit has its own tests.
    monkeypatch.setattr(AuthRateThrottle, "rate", "100000/minute")
    # Webhook addresses are checked as in production, by a resolver that answers at once
    # (IP addresses as themselves, host names with a public address) instead of the network.
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    monkeypatch.setattr(webhooks.socket, "getaddrinfo", resolve_offline)
    today = timezone.localdate()
    organization = factories.OrganizationFactory(slug="halcyon-labs")
    listed = factories.ProgramFactory(slug="motion-preview", organization=organization, reference_hourly_rate=40)
    small = factories.ProgramFactory(slug="image-residency", responsible_use_definition="", promotion_required=True)

    artist = factories.ArtistFactory()
    mine = factories.EnrollmentFactory(program=listed, artist=artist)
    factories.EnrollmentFactory(program=small, artist=artist)
    enrollments = [mine] + [factories.EnrollmentFactory(program=listed) for _ in range(5)]
    for index, enrollment in enumerate(enrollments):
        contributions = [
            factories.ContributionFactory(
                enrollment=enrollment,
                kind=kind,
                hours_spent=Decimal("1.50") + index,
                occurred_on=today - dt.timedelta(days=40 + index),
                requested_by_program=kind == "promotion",
            )
            for kind in ("feedback_session", "bug_report", "promotion")
        ]
        if index % 2 == 0:
            record_compensation(
                enrollment=enrollment,
                kind="cash",
                amount=Decimal("60.00"),
                paid_on=today - dt.timedelta(days=20),
                contributions=contributions[:1],
            )
        work = factories.WorkFactory(enrollment=enrollment, submitted_at=timezone.now() - dt.timedelta(days=30))
        if index % 3:
            record_decision(
                work=work,
                outcome="approved" if index % 2 else "rejected",
                decided_at=timezone.now() - dt.timedelta(days=25),
                reason="" if index == 1 else "On brief.",
            )
    revoke_access(enrollment=enrollments[-1], occurred_at=timezone.now() - dt.timedelta(days=2))
    run_scan()

    subscription = WebhookSubscription.objects.create(
        owner=artist.user, url="https://hooks.example.org/flags", secret="s" * 32
    )
    WebhookDelivery.objects.create(subscription=subscription, flag=Flag.objects.filter(program=listed).first())
    # The artist's account also speaks for the listed program's organization, so the generated
    # replies (POST/PATCH /programs/{slug}/replies/) reach the service behind them.
    Representative.objects.create(user=artist.user, organization=organization)
    post_reply(program=listed, author=artist.user, body="Our reply to the figures.")
    staff = factories.UserFactory(username="staffer", is_staff=True)
    return SimpleNamespace(
        ids=record_ids(artist),
        programs=[listed.slug, small.slug],
        organizations=[organization.slug, small.organization.slug],
        artist=artist,
        artist_token=Token.objects.create(user=artist.user).key,
        staff_token=Token.objects.create(user=staff).key,
    )


def record_ids(artist) -> dict[str, list[int]]:
    """The ids of existing records, by the path that serves them."""
    return {
        "/me/enrollments/": list(artist.enrollments.values_list("pk", flat=True)),
        "/me/contributions/": list(
            artist.enrollments.values_list("contributions__pk", flat=True).exclude(contributions__pk=None)
        ),
        "/me/works/": list(artist.enrollments.values_list("works__pk", flat=True).exclude(works__pk=None)),
        "/me/compensations/": list(
            artist.enrollments.values_list("compensations__pk", flat=True).exclude(compensations__pk=None)
        ),
        "/webhooks/": list(artist.user.webhooks.values_list("pk", flat=True)),
        "/flags/": list(Flag.objects.values_list("pk", flat=True)),
        "/programs/": list(Reply.objects.values_list("pk", flat=True)),
    }


@pytest.fixture(autouse=True)
def served_in_the_test_transaction(settings):
    """Requests go through the WSGI app, as a server runs it, inside the test's transaction.
    Like Django's test client, it must not close the connection at the end of each request."""
    settings.ALLOWED_HOSTS = ["localhost"]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# The schema clients download, fetched through the app when the tests are collected.
# (schemathesis.pytest.from_fixture would load it per test, but does not run on pytest 9.2.)
with override_settings(ALLOWED_HOSTS=["localhost"]):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


def plausible_values(world) -> dict:
    """Values that pass the rules a schema cannot state (an enrolled program, a day after it
    opened and not in the future, a password that is not too common), by field name."""
    today, now = timezone.localdate(), timezone.now()
    days = st.integers(min_value=0, max_value=300).map(lambda n: str(today - dt.timedelta(days=n)))
    moments = st.integers(min_value=60, max_value=300 * 86400).map(
        lambda seconds: (now - dt.timedelta(seconds=seconds)).isoformat()
    )
    contributions = world.ids["/me/contributions/"]
    return {
        "program": st.sampled_from(world.programs),
        "organization": st.sampled_from(world.organizations),
        "contributions": st.lists(st.sampled_from(contributions), min_size=1, max_size=3, unique=True),
        "hours_spent": st.decimals(min_value="0.25", max_value="24", places=2).map(str),
        "amount": st.decimals(min_value="0", max_value="500", places=2).map(str),
        "password": st.just("an-unusual-passphrase-2026"),
        "finding": st.sampled_from(world.ids["/flags/"]),
        **dict.fromkeys(["occurred_on", "paid_on", "granted_on", "opened_on"], days),
        **dict.fromkeys(["occurred_at", "submitted_at", "decided_at"], moments),
    }


def call(case, data, world, token=None):
    """Send the case. Half the time the path names an existing record or slug, and each field
    of the query or body with a plausible value takes it, so that the calls reach past the
    404 or the 400 to the code behind them."""
    path = case.operation.path
    parameters = case.path_parameters or {}
    if "id" in parameters:
        known = next((values for prefix, values in world.ids.items() if path.startswith(f"/api/v1{prefix}")), [])
        if known and data.draw(st.booleans(), label="existing id"):
            parameters["id"] = data.draw(st.sampled_from(known), label="id")
    if "slug" in parameters and data.draw(st.booleans(), label="existing slug"):
        known = world.organizations if "/organizations/" in path else world.programs
        parameters["slug"] = data.draw(st.sampled_from(known), label="slug")
    plausible = plausible_values(world)
    records = [case.query, case.body]
    if path.endswith("/batch/") and isinstance(case.body, dict) and isinstance(case.body.get("contributions"), list):
        # A batch: its items are bodies of their own, and the list stays a list of them.
        records = [case.query, *case.body["contributions"]]
    for values in records:
        if isinstance(values, dict):
            for name in sorted(values.keys() & plausible.keys()):
                if data.draw(st.booleans(), label=f"plausible {name}"):
                    values[name] = data.draw(plausible[name], label=name)
    headers = {"Authorization": f"Token {token}"} if token else None
    case.call_and_validate(headers=headers, checks=CHECKS)


@schema.include(method="GET").parametrize()
@schema.given(data=st.data())
@EXAMPLES
def test_every_read_answers_as_documented_anonymously(case, data, world):
    call(case, data, world)


@schema.parametrize()
@schema.given(data=st.data())
@EXAMPLES
def test_every_operation_answers_as_documented_for_an_artist(case, data, world):
    call(case, data, world, world.artist_token)


@schema.include(path_regex="^/api/v1/(programs|organizations)/").exclude(method="GET").parametrize()
@schema.given(data=st.data())
@EXAMPLES
def test_catalogue_writes_answer_as_documented_for_staff(case, data, world):
    call(case, data, world, world.staff_token)


# Inputs the generators seldom produce, each of which once answered 500. The schema checks
# above judge the answers the same way.
@pytest.mark.parametrize(
    ("method", "path", "inputs", "as_staff"),
    [
        ("POST", "/api/v1/webhooks/", {"body": {"url": "https://hooks.example.org:99999/flags"}}, False),
        ("POST", "/api/v1/webhooks/", {"body": {"url": "https://hooks.example.org/", "program": "a\x00b"}}, False),
        ("POST", "/api/v1/programs/", {"body": {"name": "Nul", "slug": "nul", "organization": "a\x00b"}}, True),
        ("GET", "/api/v1/stats/programs/", {"query": {"organization": "a\x00b"}}, False),
    ],
)
def test_odd_input_found_by_fuzzing_answers_400(world, method, path, inputs, as_staff):
    media_type = {"media_type": "application/json"} if "body" in inputs else {}
    case = schema[path][method].Case(**inputs, **media_type)

    response = case.call_and_validate(
        headers={"Authorization": f"Token {world.staff_token if as_staff else world.artist_token}"}, checks=CHECKS
    )

    assert response.status_code == 400


def test_a_valid_batch_answers_201_as_documented(world):
    # Generated batches seldom hold only valid items; the created ones are checked here.
    day = str(timezone.localdate() - dt.timedelta(days=3))
    items = [
        {"program": slug, "kind": "survey", "title": f"Batch {n}", "hours_spent": "1.25", "occurred_on": day}
        for n, slug in enumerate(world.programs)
    ]
    case = schema["/api/v1/me/contributions/batch/"]["POST"].Case(
        body={"contributions": items}, media_type="application/json"
    )

    response = case.call_and_validate(headers={"Authorization": f"Token {world.artist_token}"}, checks=CHECKS)

    assert response.status_code == 201
    assert [row["title"] for row in response.json()["contributions"]] == ["Batch 0", "Batch 1"]
