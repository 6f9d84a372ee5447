"""The artist's enrollments and the access changes they record."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from programs.models import AccessEvent, Enrollment
from programs.services import propose_program
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/enrollments/"


def writes() -> tuple[int, int]:
    return Enrollment.objects.count(), AccessEvent.objects.count()


def test_enrolling_in_a_listed_program_grants_access(artist_api, artist, program, settings):
    settings.FAIR_HOURLY_RATE = Decimal("50.00")
    granted_on = program.opened_on + dt.timedelta(days=3)

    response = artist_api.post(URL, {"program": program.slug, "granted_on": str(granted_on)}, format="json")

    assert response.status_code == 201
    enrollment = Enrollment.objects.get(artist=artist)
    assert response.json() == {
        "id": enrollment.pk,
        "program": program.slug,
        "granted_on": str(granted_on),
        "status": "active",
        # A new enrollment counts in no public figure until a reviewer has seen evidence.
        "verification": "unverified",
        "verification_reason": "",
        # Nothing logged yet, so nothing owed; the factory's program published no rate.
        "owed": "0.00",
        "owed_currency": "USD",
        "owed_rate": "50.00",
        "owed_rate_source": "default",
        "hours_due_unpaid": "0.00",
        "due_unpaid_contributions": 0,
        "unpaid_hours_not_yet_due": "0.00",
    }
    assert enrollment.access_events.get().recorded_by == artist.user


def test_enrolling_without_a_grant_date_is_an_invitation(artist_api, program):
    response = artist_api.post(URL, {"program": program.slug}, format="json")

    assert response.status_code == 201
    assert response.json()["status"] == "invited"
    assert response.json()["granted_on"] is None


def test_artist_can_enrol_in_their_own_unlisted_proposal_but_not_anothers(artist_api, artist):
    mine = propose_program(artist=artist, name="Quiet Beta", organization_name="Newco")
    theirs = propose_program(artist=factories.ArtistFactory(), name="Other Beta", organization_name="Newco")

    assert artist_api.post(URL, {"program": mine.slug}, format="json").status_code == 201
    refused = artist_api.post(URL, {"program": theirs.slug}, format="json")
    assert refused.status_code == 400
    assert refused.json()["program"] == [f"No program you can join has the slug {theirs.slug}."]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"program": "no-such-program"}, "program"),
        ({"program": ["x"]}, "program"),
        ({"granted_on": "2999-01-01"}, "granted_on"),
        ({"granted_on": "yesterday"}, "granted_on"),
        ({"granted_on": "1990-01-01"}, "granted_on"),
        ({"status": "active", "colour": "red"}, "colour"),
    ],
)
def test_enrolling_with_bad_input_answers_400_and_writes_nothing(artist_api, program, body, field):
    response = artist_api.post(URL, {"program": program.slug, **body}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert writes() == (0, 0)


def test_enrolling_twice_is_refused(artist_api, my_enrollment, program):
    before = writes()

    response = artist_api.post(URL, {"program": program.slug}, format="json")

    assert response.status_code == 400
    assert "already enrolled" in response.json()["program"][0]
    assert writes() == before


def test_artist_lists_and_reads_only_their_own_enrollments(artist_api, my_enrollment, other_enrollment):
    listed = artist_api.get(URL).json()

    assert [e["id"] for e in listed["results"]] == [my_enrollment.pk]
    assert artist_api.get(f"{URL}{my_enrollment.pk}/").json()["status"] == "active"
    assert artist_api.get(f"{URL}{other_enrollment.pk}/").status_code == 404


def test_enrollments_filter_by_program_and_status(artist_api, artist, my_enrollment, django_assert_max_num_queries):
    factories.EnrollmentFactory.create_batch(4, artist=artist)

    with django_assert_max_num_queries(4):
        everything = artist_api.get(URL).json()
    assert everything["count"] == 5
    only = artist_api.get(URL, {"program": my_enrollment.program.slug}).json()
    assert [e["id"] for e in only["results"]] == [my_enrollment.pk]
    assert artist_api.get(URL, {"status": "revoked"}).json()["count"] == 0
    assert artist_api.get(URL, {"status": "gone"}).status_code == 400


def test_recording_a_revocation_records_the_programs_act(artist_api, artist, my_enrollment):
    occurred_at = timezone.now() - dt.timedelta(days=1)

    response = artist_api.post(
        f"{URL}{my_enrollment.pk}/access-events/",
        {"kind": "revoked", "occurred_at": occurred_at.isoformat(), "reason": "", "notice_days": 0},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["kind"] == "revoked"
    assert response.json()["notice_days"] == 0
    event = my_enrollment.access_events.latest("occurred_at")
    assert (event.kind, event.actor, event.recorded_by, event.reason) == ("revoked", "program", artist.user, "")
    my_enrollment.refresh_from_db()
    assert my_enrollment.status == "revoked"
    assert artist_api.get(f"{URL}{my_enrollment.pk}/").json()["status"] == "revoked"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "granted"}, "kind"),
        ({"kind": "reinstated"}, "kind"),
        ({"occurred_at": "2999-01-01T00:00:00Z"}, "occurred_at"),
        ({"occurred_at": "not a time"}, "occurred_at"),
        ({"notice_days": -3}, "notice_days"),
        ({"notice_days": "a week"}, "notice_days"),
        ({"reason": ["because"]}, "reason"),
        ({"actor": "artist"}, "actor"),
    ],
)
def test_bad_access_changes_answer_400_and_write_nothing(artist_api, my_enrollment, body, field):
    before = writes()
    good = {"kind": "suspended", "occurred_at": timezone.now().isoformat()}

    response = artist_api.post(f"{URL}{my_enrollment.pk}/access-events/", {**good, **body}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert writes() == before
    my_enrollment.refresh_from_db()
    assert my_enrollment.status == "active"


def test_access_changes_to_another_artists_enrollment_are_not_found(artist_api, other_enrollment):
    before = writes()

    response = artist_api.post(
        f"{URL}{other_enrollment.pk}/access-events/",
        {"kind": "revoked", "occurred_at": timezone.now().isoformat()},
        format="json",
    )

    assert response.status_code == 404
    assert writes() == before
