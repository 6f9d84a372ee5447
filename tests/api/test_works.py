"""The artist's submitted works and the decisions on them."""

import datetime as dt

import pytest
from django.utils import timezone

from artists.models import ApprovalDecision, Work
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/works/"


def writes() -> tuple[int, int]:
    return Work.objects.count(), ApprovalDecision.objects.count()


def ago(**delta) -> str:
    return (timezone.now() - dt.timedelta(**delta)).isoformat()


def body(enrollment, **changes):
    return {
        "program": enrollment.program.slug,
        "title": "Tide study",
        "medium": "video",
        "description": "Ten seconds of surf.",
        "submitted_at": ago(days=5),
        **changes,
    }


def test_submitting_a_work_answers_with_a_pending_record(artist_api, my_enrollment):
    response = artist_api.post(URL, body(my_enrollment, medium="image"), format="json")

    assert response.status_code == 201
    work = Work.objects.get()
    data = response.json()
    assert set(data) == {"id", "program", "title", "medium", "description", "submitted_at", "status"}
    assert (data["id"], data["program"], data["medium"], data["status"]) == (
        work.pk,
        my_enrollment.program.slug,
        "image",
        "pending",
    )
    assert work.enrollment == my_enrollment
    assert artist_api.get(f"{URL}{work.pk}/").json() == data


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"submitted_at": (timezone.now() + dt.timedelta(days=2)).isoformat()}, "submitted_at"),
        ({"submitted_at": "2000-01-01T00:00:00Z"}, "submitted_at"),
        ({"submitted_at": "last tuesday"}, "submitted_at"),
        ({"medium": "sculpture"}, "medium"),
        ({"title": ""}, "title"),
        ({"program": "no-such-program"}, "program"),
        ({"status": "approved", "views": 3}, "views"),
    ],
)
def test_bad_works_answer_400_and_write_nothing(artist_api, my_enrollment, changes, field):
    response = artist_api.post(URL, body(my_enrollment, **changes), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert writes() == (0, 0)


def test_a_decision_sets_the_works_status(artist_api, my_enrollment):
    work = factories.WorkFactory(enrollment=my_enrollment)
    decided_at = ago(days=1)

    response = artist_api.post(
        f"{URL}{work.pk}/decisions/", {"outcome": "rejected", "decided_at": decided_at}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["outcome"] == "rejected"
    assert response.json()["reason"] == ""
    work.refresh_from_db()
    assert work.status == "rejected"
    assert artist_api.get(f"{URL}{work.pk}/").json()["status"] == "rejected"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"decided_at": ago(days=30)}, "decided_at"),
        ({"decided_at": (timezone.now() + dt.timedelta(hours=1)).isoformat()}, "decided_at"),
        ({"outcome": "maybe"}, "outcome"),
        ({"reason": 12, "colour": "red"}, "colour"),
    ],
)
def test_bad_decisions_answer_400_and_write_nothing(artist_api, my_enrollment, changes, field):
    work = factories.WorkFactory(enrollment=my_enrollment)
    before = writes()

    response = artist_api.post(
        f"{URL}{work.pk}/decisions/", {"outcome": "approved", "decided_at": ago(hours=1), **changes}, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert writes() == before
    work.refresh_from_db()
    assert work.status == "pending"


def test_another_artists_work_is_not_found(artist_api, other_enrollment):
    theirs = factories.WorkFactory(enrollment=other_enrollment)

    assert artist_api.get(f"{URL}{theirs.pk}/").status_code == 404
    decision = artist_api.post(
        f"{URL}{theirs.pk}/decisions/", {"outcome": "approved", "decided_at": ago(hours=1)}, format="json"
    )
    assert decision.status_code == 404
    assert not ApprovalDecision.objects.exists()
    assert artist_api.get(URL).json()["count"] == 0


def test_list_filters_by_program_status_and_submission_dates_in_fixed_queries(
    artist_api, artist, my_enrollment, django_assert_max_num_queries
):
    old = factories.WorkFactory(enrollment=my_enrollment, submitted_at=timezone.now() - dt.timedelta(days=20))
    factories.WorkFactory.create_batch(5, enrollment=my_enrollment)
    elsewhere = factories.WorkFactory(enrollment=factories.EnrollmentFactory(artist=artist))

    with django_assert_max_num_queries(3):
        everything = artist_api.get(URL).json()
    assert everything["count"] == 7

    def ids(**params):
        return {row["id"] for row in artist_api.get(URL, params).json()["results"]}

    cutoff = str(timezone.localdate() - dt.timedelta(days=10))
    assert ids(until=cutoff) == {old.pk}
    assert old.pk not in ids(since=cutoff)
    assert ids(program=elsewhere.enrollment.program.slug) == {elsewhere.pk}
    assert ids(status="approved") == set()
    bad = artist_api.get(URL, {"since": "soon"})
    assert bad.status_code == 400
    assert bad.json() == {"since": ["Enter a valid date."]}
