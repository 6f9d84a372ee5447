"""The flags API (/api/v1/flags/, /api/v1/me/flags/) and webhook subscriptions
(/api/v1/webhooks/): who reads what, filters, the privacy floor, and strict write bodies.

The public sees a finding about a program as it is, and findings about one artist's record
only as monthly aggregates (docs/api.md, Flags); the artist sees their own flags in full."""

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
    "occurred_on",
    "due_on",
    "days_past_due",
    "raised_at",
    "resolved_at",
    "open",
}
FINDING_FIELDS = {
    "id",
    "scope",
    "program",
    "kind",
    "severity",
    "month",
    "state",
    "withheld",
    "withheld_reason",
    "artists",
    "findings",
    "contributions",
    "hours",
    "message",
    "details",
    "occurred_on",
    "due_on",
    "raised_at",
    "resolved_at",
}
WITHHELD = "Fewer than 5 verified artists are behind this finding; its figures are withheld to protect them."
_numbers = itertools.count(1)


def at(day: str, time: str = "12:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=dt.UTC)


def make_flag(program, *, kind: str, severity: str, raised_at: dt.datetime, **fields) -> Flag:
    number = next(_numbers)
    fields.setdefault("message", f"Finding {number:04d}.")
    fields.setdefault("details", {"number": number})
    fields.setdefault("subject_key", f"test:{number}")
    return Flag.objects.create(program=program, kind=kind, severity=severity, raised_at=raised_at, **fields)


def revoked(program, artist, *, on: str, raised_at: dt.datetime, **fields) -> Flag:
    """A revoked_without_reason flag as the rule writes it: the revocation's moment in its
    details, its day as `occurred_on`."""
    details = {"access_event": next(_numbers), "occurred_at": f"{on}T09:00:00+00:00", "notice_days": 0}
    return make_flag(
        program,
        kind="revoked_without_reason",
        severity="medium",
        raised_at=raised_at,
        artist=artist,
        details=details,
        occurred_on=dt.date.fromisoformat(on),
        **fields,
    )


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def world(db, settings):
    """Moving Pictures: five verified artists (one named by choice) revoked without a reason
    in April 2026, one of them with a work overdue in May, a sixth (with a name kept private)
    revoked in March and that flag resolved since, and a mass revocation; a program without
    terms; a one-artist program and an unlisted one."""
    settings.MIN_GROUP_SIZE = 5
    moving = factories.ProgramFactory(slug="moving-pictures", name="Moving Pictures", approval_sla_days=14)
    artists = [factories.EnrollmentFactory(program=moving).artist for _ in range(6)]
    named, plain, quiet = artists[0], artists[1], artists[5]
    named.public_name, named.show_public_name = "Ada Lovelace", True
    named.save()
    quiet.public_name = "Secret Person"
    quiet.save()
    bare = factories.ProgramFactory(slug="bare-terms", name="Bare Terms")
    tiny = factories.ProgramFactory(slug="tiny-beta", name="Tiny Beta")
    lone = factories.EnrollmentFactory(program=tiny).artist
    unlisted = factories.ProgramFactory(slug="unlisted-program", is_listed=False)

    april = [
        revoked(moving, artist, on=f"2026-04-{10 + n}", raised_at=at("2026-05-01"))
        for n, artist in enumerate(artists[:5])
    ]
    flags = SimpleNamespace(
        named=april[0],
        april=april,
        overdue=make_flag(
            moving,
            kind="approval_overdue",
            severity="low",
            raised_at=at("2026-05-02"),
            artist=plain,
            details={"work": next(_numbers), "submitted_at": "2026-04-20T10:00:00+00:00"},
            occurred_on=dt.date(2026, 4, 20),
            due_on=dt.date(2026, 5, 4),
        ),
        quiet=revoked(
            moving, quiet, on="2026-03-05", raised_at=at("2026-03-06", "10:00"), resolved_at=at("2026-05-04")
        ),
        terms=make_flag(bare, kind="undefined_terms", severity="medium", raised_at=at("2026-05-03", "15:00")),
        mass=make_flag(
            moving,
            kind="mass_revocation",
            severity="high",
            raised_at=at("2026-05-05"),
            details={
                "revoked": 12,
                "active_before": 40,
                "without_reason": 12,
                "started_at": "2026-05-04T15:00:00+00:00",
            },
            occurred_on=dt.date(2026, 5, 4),
        ),
        hidden=revoked(tiny, lone, on="2026-04-12", raised_at=at("2026-04-13")),
        unlisted=make_flag(unlisted, kind="undefined_terms", severity="medium", raised_at=at("2026-05-04")),
    )
    return SimpleNamespace(
        flags=flags, named=named, quiet=quiet, plain=plain, lone=lone, moving=moving, bare=bare, tiny=tiny
    )


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def rows(response) -> list[tuple]:
    assert response.status_code == 200, response.content
    return [(row["program"], row["kind"], row["month"], row["state"]) for row in response.json()["results"]]


# What the public sees -----------------------------------------------------------------------------


def test_anyone_lists_findings_the_most_severe_first_then_newest_by_when_they_happened(api, world):
    """High: the mass revocation (4 May). Medium: undefined terms (no day of its own: the day
    raised, 3 May), then the April revocations (their month), by program name. Low: May's
    overdue works (due 4 May)."""
    f = world.flags

    response = api.get(FLAGS)

    data = response.json()
    assert data["count"] == 5 and data["next"] is None
    assert rows(response) == [
        ("moving-pictures", "mass_revocation", "2026-05", "open"),
        ("bare-terms", "undefined_terms", "2026-05", "open"),
        ("moving-pictures", "revoked_without_reason", "2026-04", "open"),
        ("tiny-beta", "revoked_without_reason", "2026-04", "open"),
        ("moving-pictures", "approval_overdue", "2026-05", "open"),
    ]
    assert all(set(row) == FINDING_FIELDS for row in data["results"])
    assert data["results"][0] == {
        "id": f.mass.pk,
        "scope": "program",
        "program": "moving-pictures",
        "kind": "mass_revocation",
        "severity": "high",
        "month": "2026-05",
        "state": "open",
        "withheld": False,
        "withheld_reason": "",
        "artists": None,
        "findings": None,
        "contributions": None,
        "hours": None,
        "message": f.mass.message,
        "details": f.mass.details,
        # The day the wave started, apart from the day a scan saw it.
        "occurred_on": "2026-05-04",
        "due_on": None,
        "raised_at": "2026-05-05",
        "resolved_at": None,
    }
    assert data["results"][2] == {
        "id": None,
        "scope": "monthly",
        "program": "moving-pictures",
        "kind": "revoked_without_reason",
        "severity": "medium",
        "month": "2026-04",
        "state": "open",
        "withheld": False,
        "withheld_reason": "",
        "artists": 5,
        "findings": 5,
        "contributions": None,
        "hours": None,
        "message": None,
        "details": None,
        "occurred_on": None,
        "due_on": None,
        "raised_at": None,
        "resolved_at": None,
    }
    assert data["results"][3] | {"withheld_reason": ""} == data["results"][3] | {
        "id": None,
        "scope": "monthly",
        "withheld": True,
        "artists": None,
        "findings": None,
        "contributions": None,
        "hours": None,
        "withheld_reason": "",
    }
    assert data["results"][3]["withheld_reason"] == WITHHELD


def test_an_aggregate_of_contributions_counts_them_and_their_hours(api, db, settings):
    settings.MIN_GROUP_SIZE = 2
    program = factories.ProgramFactory(slug="paid-later", payment_terms_days=30)
    for hours in ("1.50", "2.25"):
        artist = factories.EnrollmentFactory(program=program).artist
        make_flag(
            program,
            kind="unpaid_feedback",
            severity="medium",
            raised_at=at("2026-05-20"),
            artist=artist,
            subject_key=f"contribution:{next(_numbers)}",
            details={"contribution": 1, "kind": "bug_report", "hours": float(hours), "occurred_on": "2026-03-25"},
            occurred_on=dt.date(2026, 3, 25),
            due_on=dt.date(2026, 4, 24),
        )

    (row,) = api.get(FLAGS, {"kind": "unpaid_feedback"}).json()["results"]

    # Due 30 days after 25 March: April is the month they came due.
    assert (row["month"], row["artists"], row["findings"], row["contributions"], row["hours"]) == (
        "2026-04",
        2,
        2,
        2,
        "3.75",
    )


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
        (
            {"program": "moving-pictures"},
            [("mass_revocation", "2026-05"), ("revoked_without_reason", "2026-04"), ("approval_overdue", "2026-05")],
        ),
        ({"program": "bare-terms"}, [("undefined_terms", "2026-05")]),
        ({"program": "tiny-beta"}, [("revoked_without_reason", "2026-04")]),
        ({"kind": "revoked_without_reason"}, [("revoked_without_reason", "2026-04")] * 2),
        ({"month": "2026-04"}, [("revoked_without_reason", "2026-04")] * 2),
        ({"month": "2026-02"}, []),
        ({"state": "open", "kind": "undefined_terms"}, [("undefined_terms", "2026-05")]),
        ({"state": "resolved"}, [("revoked_without_reason", "2026-03")]),
        (
            {"program": "moving-pictures", "kind": "approval_overdue", "month": "2026-05"},
            [("approval_overdue", "2026-05")],
        ),
    ],
)
def test_findings_are_filtered(api, world, query, expected):
    assert [(kind, month) for _, kind, month, _ in rows(api.get(FLAGS, query))] == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"month": "yesterday"}, "month"),
        ({"month": "2026-13"}, "month"),
        ({"month": "0000-01"}, "month"),
        ({"kind": "bogus"}, "kind"),
        ({"state": "maybe"}, "state"),
        ({"program": "unknown"}, "program"),
        ({"program": "unlisted-program"}, "program"),
        ({"since": "2026-05-02"}, "since"),
        ({"until": "2026-05-02"}, "until"),
        ({"severity": "high"}, "severity"),
    ],
)
def test_bad_filters_answer_400_naming_the_field(api, world, query, field):
    response = api.get(FLAGS, query)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0]


def test_only_a_program_level_finding_is_found_by_id(api, world):
    f = world.flags

    response = api.get(f"{FLAGS}{f.mass.pk}/")

    assert response.status_code == 200
    assert set(response.json()) == FINDING_FIELDS
    assert response.json()["message"] == f.mass.message and response.json()["scope"] == "program"
    for flag in (f.named, f.overdue, f.quiet, f.hidden, f.unlisted):
        assert api.get(f"{FLAGS}{flag.pk}/").status_code == 404
    assert api.get(f"{FLAGS}{f.terms.pk}/").json()["resolved_at"] is None


def test_no_public_answer_names_an_artist_or_describes_one_record(api, world):
    f = world.flags
    answers = [
        api.get(FLAGS),
        api.get(FLAGS, {"state": "resolved"}),
        api.get(FLAGS, {"format": "csv"}),
        api.get(FLAGS, {"program": "tiny-beta"}),
    ]

    assert [answer.status_code for answer in answers] == [200] * 4
    content = "".join(answer.content.decode() for answer in answers)
    assert "2026-04" in content and "withheld" in content
    for artist in (world.named, world.quiet, world.plain, world.lone):
        assert artist.handle not in content
    assert "Ada Lovelace" not in content and "Secret Person" not in content
    for flag in (*f.april, f.overdue, f.quiet, f.hidden):
        assert flag.message not in content and flag.subject_key not in content
        assert f'"id":{flag.pk},' not in content.replace(" ", "")
    for day in ("2026-04-10", "2026-04-12", "2026-04-20", "2026-03-05"):
        assert day not in content


def test_the_flag_list_takes_a_fixed_number_of_queries(api, db, settings, django_assert_max_num_queries):
    settings.MIN_GROUP_SIZE = 5
    programs = [factories.ProgramFactory() for _ in range(3)]
    for program in programs:
        artists = [factories.EnrollmentFactory(program=program).artist for _ in range(5)]
        for n in range(30):
            revoked(program, artists[n % 5], on=f"2026-0{1 + n % 6}-10", raised_at=at("2026-07-01"))
        make_flag(program, kind="undefined_terms", severity="medium", raised_at=at("2026-07-01"))

    with django_assert_max_num_queries(3):
        response = api.get(FLAGS)

    assert response.json()["count"] == 3 * 7


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
        "event": "flag.raised",
        "flag": world.flags.mass.pk,
        "program": "moving-pictures",
        "kind": "mass_revocation",
        "month": None,
        "status": "pending",
        "attempts": 1,
        "last_status_code": 500,
        "last_error": "HTTP 500",
        "next_attempt_at": None,
        "delivered_at": None,
    }
    # A finding about one artist's record went out as its month's aggregate: no record id.
    assert {k: data["results"][1][k] for k in ("event", "flag", "program", "kind", "month", "status")} == {
        "event": "findings.updated",
        "flag": None,
        "program": "moving-pictures",
        "kind": "revoked_without_reason",
        "month": "2026-04",
        "status": "delivered",
    }


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
