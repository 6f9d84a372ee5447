"""The flags API (/api/v1/flags/, /api/v1/me/flags/) and webhook subscriptions
(/api/v1/webhooks/): who reads what, filters, the privacy floor, and strict write bodies."""

import datetime as dt
import itertools
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from tests import factories
from tracker.models import Flag, WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db

FLAGS = "/api/v1/flags/"
MY_FLAGS = "/api/v1/me/flags/"
WEBHOOKS = "/api/v1/webhooks/"
FLAG_FIELDS = {
    "id",
    "kind",
    "severity",
    "program",
    "subject",
    "artist",
    "message",
    "details",
    "raised_at",
    "resolved_at",
    "open",
}
_numbers = itertools.count(1)


def at(day: str, time: str = "12:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=dt.UTC)


def make_flag(program, *, kind: str, severity: str, raised_at: dt.datetime, **fields) -> Flag:
    number = next(_numbers)
    fields.setdefault("message", f"Finding {number:04d}.")
    return Flag.objects.create(
        program=program,
        kind=kind,
        severity=severity,
        subject_key=f"test:{number}",
        raised_at=raised_at,
        details={"number": number},
        **fields,
    )


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def world(db, settings):
    """Five artists in moving-pictures (one named by choice, one with a name kept private),
    a program without terms, a one-artist program and an unlisted one."""
    settings.MIN_GROUP_SIZE = 5
    moving = factories.ProgramFactory(slug="moving-pictures")
    artists = [factories.EnrollmentFactory(program=moving).artist for _ in range(5)]
    named, quiet, plain = artists[:3]
    named.public_name, named.show_public_name = "Ada Lovelace", True
    named.save()
    quiet.public_name = "Secret Person"
    quiet.save()
    bare = factories.ProgramFactory(slug="bare-terms")
    tiny = factories.ProgramFactory(slug="tiny-beta")
    lone = factories.EnrollmentFactory(program=tiny).artist
    unlisted = factories.ProgramFactory(slug="unlisted-program", is_listed=False)

    flags = SimpleNamespace(
        named=make_flag(
            moving, kind="revoked_without_reason", severity="medium", raised_at=at("2026-05-01"), artist=named
        ),
        overdue=make_flag(moving, kind="approval_overdue", severity="low", raised_at=at("2026-05-02"), artist=plain),
        quiet=make_flag(
            moving,
            kind="revoked_without_reason",
            severity="medium",
            raised_at=at("2026-05-03", "10:00"),
            resolved_at=at("2026-05-04"),
            artist=quiet,
        ),
        terms=make_flag(bare, kind="undefined_terms", severity="medium", raised_at=at("2026-05-03", "15:00")),
        mass=make_flag(moving, kind="mass_revocation", severity="high", raised_at=at("2026-05-05")),
        hidden=make_flag(
            tiny, kind="revoked_without_reason", severity="medium", raised_at=at("2026-05-04"), artist=lone
        ),
        unlisted=make_flag(unlisted, kind="undefined_terms", severity="medium", raised_at=at("2026-05-04")),
    )
    return SimpleNamespace(
        flags=flags, named=named, quiet=quiet, plain=plain, lone=lone, moving=moving, bare=bare, tiny=tiny
    )


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# Flags -------------------------------------------------------------------------------------------


def test_anyone_lists_public_flags_newest_first(api, world):
    f = world.flags

    response = api.get(FLAGS)

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 5 and data["next"] is None
    assert ids(response) == [f.mass.pk, f.terms.pk, f.quiet.pk, f.overdue.pk, f.named.pk]
    row = data["results"][2]
    assert set(row) == FLAG_FIELDS
    assert row == {
        "id": f.quiet.pk,
        "kind": "revoked_without_reason",
        "severity": "medium",
        "program": "moving-pictures",
        "subject": f.quiet.subject_key,
        "artist": None,
        "message": f.quiet.message,
        "details": f.quiet.details,
        "raised_at": "2026-05-03T10:00:00Z",
        "resolved_at": "2026-05-04T12:00:00Z",
        "open": False,
    }
    assert data["results"][0]["open"] is True and data["results"][0]["resolved_at"] is None


def test_within_a_day_the_most_severe_flag_comes_first(api, world):
    high = make_flag(world.bare, kind="mass_revocation", severity="high", raised_at=at("2026-05-03", "08:00"))

    assert ids(api.get(FLAGS, {"since": "2026-05-03", "until": "2026-05-03"})) == [
        high.pk,
        world.flags.terms.pk,
        world.flags.quiet.pk,
    ]


def test_the_list_is_paginated(api, db):
    program = factories.ProgramFactory()
    Flag.objects.bulk_create(
        Flag(program=program, kind="undefined_terms", severity="medium", subject_key=f"s:{n}", message=f"m{n}")
        for n in range(55)
    )

    first = api.get(FLAGS).json()
    assert first["count"] == 55 and len(first["results"]) == 50
    assert first["next"].endswith("page=2")
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 5 and second["next"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"program": "moving-pictures"}, ["mass", "quiet", "overdue", "named"]),
        ({"program": "bare-terms"}, ["terms"]),
        ({"program": "tiny-beta"}, []),
        ({"kind": "revoked_without_reason"}, ["quiet", "named"]),
        ({"severity": "high"}, ["mass"]),
        ({"severity": "low"}, ["overdue"]),
        ({"state": "open"}, ["mass", "terms", "overdue", "named"]),
        ({"state": "resolved"}, ["quiet"]),
        ({"since": "2026-05-03"}, ["mass", "terms", "quiet"]),
        ({"until": "2026-05-02"}, ["overdue", "named"]),
        ({"since": "2026-05-02", "until": "2026-05-03"}, ["terms", "quiet", "overdue"]),
        ({"program": "moving-pictures", "kind": "revoked_without_reason", "state": "open"}, ["named"]),
    ],
)
def test_flags_are_filtered(api, world, query, expected):
    assert ids(api.get(FLAGS, query)) == [getattr(world.flags, name).pk for name in expected]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"since": "yesterday"}, "since"),
        ({"until": "2026-13-01"}, "until"),
        ({"kind": "bogus"}, "kind"),
        ({"severity": "dire"}, "severity"),
        ({"state": "maybe"}, "state"),
        ({"program": "unknown"}, "program"),
        ({"program": "unlisted-program"}, "program"),
        ({"since": "2026-05-02", "until": "2026-05-01"}, "until"),
    ],
)
def test_bad_filters_answer_400_naming_the_field(api, world, query, field):
    response = api.get(FLAGS, query)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0]


def test_flags_hidden_by_the_privacy_floor_are_neither_listed_nor_found(api, world):
    listed = ids(api.get(FLAGS))

    assert world.flags.hidden.pk not in listed and world.flags.unlisted.pk not in listed
    assert api.get(f"{FLAGS}{world.flags.hidden.pk}/").status_code == 404
    assert api.get(f"{FLAGS}{world.flags.unlisted.pk}/").status_code == 404


def test_a_public_flag_is_found_by_id(api, world):
    response = api.get(f"{FLAGS}{world.flags.named.pk}/")

    assert response.status_code == 200
    assert set(response.json()) == FLAG_FIELDS
    assert response.json()["artist"] == "Ada Lovelace"


def test_an_artist_is_named_only_by_choice_and_never_by_handle(api, world):
    response = api.get(FLAGS)

    by_id = {row["id"]: row["artist"] for row in response.json()["results"]}
    assert by_id[world.flags.named.pk] == "Ada Lovelace"
    assert by_id[world.flags.quiet.pk] is None
    assert by_id[world.flags.overdue.pk] is None
    assert by_id[world.flags.mass.pk] is None
    content = response.content.decode() + api.get(f"{FLAGS}{world.flags.quiet.pk}/").content.decode()
    for artist in (world.named, world.quiet, world.plain, world.lone):
        assert artist.handle not in content
    assert "Secret Person" not in content
    assert "tester (not named)" not in content


def test_the_flag_list_takes_a_fixed_number_of_queries(api, db, settings, django_assert_max_num_queries):
    settings.MIN_GROUP_SIZE = 5
    program = factories.ProgramFactory()
    artists = [factories.EnrollmentFactory(program=program).artist for _ in range(5)]
    for artist in artists[:2]:
        artist.public_name, artist.show_public_name = f"Name of {artist.handle}", True
        artist.save()
    for n in range(30):
        make_flag(
            program,
            kind="revoked_without_reason",
            severity="medium",
            raised_at=at("2026-05-01") + dt.timedelta(minutes=n),
            artist=artists[n % 5],
        )

    with django_assert_max_num_queries(3):
        response = api.get(FLAGS)

    assert response.json()["count"] == 30


# The artist's own flags --------------------------------------------------------------------------


def test_an_artist_lists_only_the_flags_about_their_own_records(world):
    quiet = client_for(world.quiet.user).get(MY_FLAGS)

    assert ids(quiet) == [world.flags.quiet.pk]
    assert ids(client_for(world.named.user).get(MY_FLAGS)) == [world.flags.named.pk]
    assert set(quiet.json()["results"][0]) == FLAG_FIELDS


def test_an_artist_sees_their_own_flag_that_the_public_feed_hides(world):
    assert ids(client_for(world.lone.user).get(MY_FLAGS)) == [world.flags.hidden.pk]


def test_an_artist_with_no_flags_sees_none(world):
    artist = factories.EnrollmentFactory(program=world.moving).artist

    assert ids(client_for(artist.user).get(MY_FLAGS)) == []


def test_my_flags_need_an_artist_login(api, world):
    assert api.get(MY_FLAGS).status_code == 401
    response = client_for(factories.UserFactory()).get(MY_FLAGS)
    assert response.status_code == 403
    assert "artist profile" in response.json()["detail"]


def test_my_flags_filter_and_take_few_queries(world, django_assert_max_num_queries):
    client = client_for(world.quiet.user)

    with django_assert_max_num_queries(3):
        assert ids(client.get(MY_FLAGS, {"state": "open"})) == []
    assert ids(client.get(MY_FLAGS, {"state": "resolved"})) == [world.flags.quiet.pk]
    assert client.get(MY_FLAGS, {"kind": "bogus"}).status_code == 400


# Webhook subscriptions ---------------------------------------------------------------------------


@pytest.fixture
def owner(db):
    return factories.UserFactory(username="hook-owner")


@pytest.fixture
def owner_api(owner):
    return client_for(owner)


def subscription_of(user, **fields) -> WebhookSubscription:
    fields.setdefault("url", "https://hooks.example.org/tracker")
    return WebhookSubscription.objects.create(owner=user, secret="an-existing-secret-123456", **fields)


def test_webhooks_need_a_login(api):
    assert api.get(WEBHOOKS).status_code == 401
    assert api.post(WEBHOOKS, {"url": "https://hooks.example.org/"}, format="json").status_code == 401
    assert not WebhookSubscription.objects.exists()


def test_creating_a_subscription_shows_its_secret_once(owner_api, owner, world):
    response = owner_api.post(
        WEBHOOKS,
        {"url": "https://hooks.example.org/tracker", "kinds": ["mass_revocation"], "program": "moving-pictures"},
        format="json",
    )

    assert response.status_code == 201, response.content
    data = response.json()
    subscription = WebhookSubscription.objects.get()
    assert subscription.owner == owner
    assert subscription.kinds == ["mass_revocation"]
    assert subscription.program == world.moving
    assert subscription.active
    assert len(data["secret"]) >= 32 and data["secret"] == subscription.secret
    assert {k: data[k] for k in ("id", "url", "kinds", "program", "active")} == {
        "id": subscription.pk,
        "url": "https://hooks.example.org/tracker",
        "kinds": ["mass_revocation"],
        "program": "moving-pictures",
        "active": True,
    }

    detail = owner_api.get(f"{WEBHOOKS}{subscription.pk}/")
    listing = owner_api.get(WEBHOOKS)
    assert detail.status_code == 200 and "secret" not in detail.json()
    assert "secret" not in listing.json()["results"][0]
    assert subscription.secret not in detail.content.decode() + listing.content.decode()


def test_a_subscription_for_everything_is_the_default(owner_api):
    response = owner_api.post(WEBHOOKS, {"url": "http://127.0.0.1:9000/hook"}, format="json")

    assert response.status_code == 201
    assert response.json()["kinds"] == [] and response.json()["program"] is None
    assert WebhookSubscription.objects.get().kinds == []


def test_two_subscriptions_get_different_secrets(owner_api):
    first = owner_api.post(WEBHOOKS, {"url": "https://a.example.org/"}, format="json").json()["secret"]
    second = owner_api.post(WEBHOOKS, {"url": "https://b.example.org/"}, format="json").json()["secret"]

    assert first != second


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://hooks.example.org/tracker"}, "url"),
        ({"url": "not a url"}, "url"),
        ({}, "url"),
        ({"url": "https://hooks.example.org/", "kinds": ["bogus"]}, "kinds"),
        ({"url": "https://hooks.example.org/", "kinds": ["mass_revocation", "mass_revocation"]}, "kinds"),
        ({"url": "https://hooks.example.org/", "program": "no-such-program"}, "program"),
        ({"url": "https://hooks.example.org/", "program": "unlisted-program"}, "program"),
        ({"url": "https://hooks.example.org/", "secret": "short"}, "secret"),
        ({"url": "https://hooks.example.org/", "colour": "red"}, "colour"),
    ],
)
def test_bad_subscriptions_answer_400_naming_the_field(owner_api, world, body, field):
    response = owner_api.post(WEBHOOKS, body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field]
    assert not WebhookSubscription.objects.exists()


def test_a_user_lists_only_their_own_subscriptions(owner_api, owner):
    mine = subscription_of(owner)
    subscription_of(factories.UserFactory())

    response = owner_api.get(WEBHOOKS)

    assert [row["id"] for row in response.json()["results"]] == [mine.pk]


def test_another_users_subscription_is_not_found(owner_api):
    theirs = subscription_of(factories.UserFactory(), url="https://theirs.example.org/")
    url = f"{WEBHOOKS}{theirs.pk}/"

    assert owner_api.get(url).status_code == 404
    assert owner_api.patch(url, {"active": False}, format="json").status_code == 404
    assert owner_api.put(url, {"url": "https://mine.example.org/"}, format="json").status_code == 404
    assert owner_api.delete(url).status_code == 404
    assert owner_api.get(f"{url}deliveries/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.active and theirs.url == "https://theirs.example.org/"


def test_the_owner_pauses_edits_and_deletes_a_subscription(owner_api, owner):
    subscription = subscription_of(owner)
    url = f"{WEBHOOKS}{subscription.pk}/"

    response = owner_api.patch(url, {"active": False, "kinds": ["undefined_terms"]}, format="json")
    assert response.status_code == 200
    assert response.json()["active"] is False and "secret" not in response.json()
    subscription.refresh_from_db()
    assert not subscription.active and subscription.kinds == ["undefined_terms"]
    assert subscription.secret == "an-existing-secret-123456"

    assert owner_api.patch(url, {"url": "ftp://x.example.org/"}, format="json").status_code == 400

    assert owner_api.delete(url).status_code == 204
    assert not WebhookSubscription.objects.exists()


def test_deliveries_list_the_subscriptions_own_deliveries(owner_api, owner, world):
    subscription = subscription_of(owner)
    other = subscription_of(owner, url="https://other.example.org/")
    delivered = WebhookDelivery.objects.create(
        subscription=subscription,
        flag=world.flags.named,
        status=WebhookDelivery.Status.DELIVERED,
        attempts=2,
        last_status_code=204,
    )
    pending = WebhookDelivery.objects.create(
        subscription=subscription, flag=world.flags.mass, attempts=1, last_status_code=500, last_error="HTTP 500"
    )
    WebhookDelivery.objects.create(subscription=other, flag=world.flags.terms)

    response = owner_api.get(f"{WEBHOOKS}{subscription.pk}/deliveries/")

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    assert [row["id"] for row in data["results"]] == [pending.pk, delivered.pk]
    assert data["results"][0] | {"next_attempt_at": None} == {
        "id": pending.pk,
        "flag": world.flags.mass.pk,
        "status": "pending",
        "attempts": 1,
        "last_status_code": 500,
        "last_error": "HTTP 500",
        "next_attempt_at": None,
        "delivered_at": None,
    }
    assert data["results"][1]["status"] == "delivered"


def test_deliveries_of_flags_the_privacy_floor_hides_are_not_listed(owner_api, owner, world):
    """A queued delivery would tell the client that a hidden flag exists, and of what kind."""
    subscription = subscription_of(owner, program=world.tiny, kinds=["revoked_without_reason"])
    WebhookDelivery.objects.create(subscription=subscription, flag=world.flags.hidden)

    response = owner_api.get(f"{WEBHOOKS}{subscription.pk}/deliveries/")

    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/hook", "http://10.0.0.5/hook", "http://localhost/hook"])
def test_a_subscription_to_a_private_address_is_refused(owner_api, world, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False

    response = owner_api.post(WEBHOOKS, {"url": url}, format="json")

    assert response.status_code == 400
    assert "private or local address" in response.json()["url"][0]
    assert not WebhookSubscription.objects.exists()
