"""POST /api/v1/me/contributions/batch/: many contributions in one request, all or none,
with the checks and the answer of the single POST."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle

from feedback.models import Contribution
from tests import factories
from tracker import cache

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/contributions/batch/"
SINGLE = "/api/v1/me/contributions/"


def item(enrollment, n=0, **changes):
    return {
        "program": enrollment.program.slug,
        "kind": ["bug_report", "promotion", "survey"][n % 3],
        "title": f"Entry {n}",
        "description": f"Details {n}",
        "hours_spent": f"{1 + n % 8 / 4:.2f}",
        "occurred_on": str(enrollment.granted_on + dt.timedelta(days=n % 3)),
        "requested_by_program": n % 2 == 0,
        **changes,
    }


def snapshot() -> list[tuple]:
    return list(Contribution.objects.order_by("pk").values_list())


def test_a_batch_stores_every_row_and_answers_them_in_order(artist_api, artist, my_enrollment):
    elsewhere = factories.EnrollmentFactory(artist=artist)
    items = [item(my_enrollment, n) for n in range(5)] + [item(elsewhere, 5, description="")]

    response = artist_api.post(URL, {"contributions": items}, format="json")

    assert response.status_code == 201
    answered = response.json()["contributions"]
    assert list(response.json()) == ["contributions"]
    assert [{k: v for k, v in row.items() if k != "id"} for row in answered] == items
    stored = Contribution.objects.order_by("pk")
    assert [row["id"] for row in answered] == [c.pk for c in stored]
    # Each row answers as the single POST and the single GET answer it.
    for row in answered:
        assert artist_api.get(f"{SINGLE}{row['id']}/").json() == row
    assert [c.enrollment_id for c in stored] == [my_enrollment.pk] * 5 + [elsewhere.pk]


def test_a_batch_item_is_cleaned_as_a_single_post_cleans_it(artist_api, my_enrollment):
    single = artist_api.post(SINGLE, item(my_enrollment, title="  Padded  ", hours_spent=1.5), format="json").json()
    optional = item(my_enrollment, title="  Padded  ", hours_spent=1.5)
    del optional["description"], optional["requested_by_program"]
    single_defaults = artist_api.post(SINGLE, optional, format="json").json()

    batch = artist_api.post(
        URL, {"contributions": [item(my_enrollment, title="  Padded  ", hours_spent=1.5), optional]}, format="json"
    ).json()["contributions"]

    assert [{**row, "id": 0} for row in batch] == [{**single, "id": 0}, {**single_defaults, "id": 0}]
    assert batch[1]["description"] == "" and batch[1]["requested_by_program"] is False


def test_one_bad_item_refuses_the_batch_naming_its_position_and_field(artist_api, my_enrollment):
    factories.ContributionFactory(enrollment=my_enrollment)
    before = snapshot()
    items = [item(my_enrollment, n) for n in range(4)]
    items[2]["hours_spent"] = "25"

    response = artist_api.post(URL, {"contributions": items}, format="json")

    assert response.status_code == 400
    errors = response.json()["contributions"]
    assert len(errors) == 4
    assert errors[0] == errors[1] == errors[3] == {}
    assert list(errors[2]) == ["hours_spent"] and errors[2]["hours_spent"]
    assert snapshot() == before


def test_every_refused_item_is_named_with_the_single_posts_message(artist_api, my_enrollment):
    future = str(my_enrollment.granted_on + dt.timedelta(days=9999))
    items = [item(my_enrollment, 0), item(my_enrollment, 1, occurred_on=future), item(my_enrollment, 2)]
    items[2]["occurred_on"] = "1999-01-01"
    single = artist_api.post(SINGLE, items[1], format="json").json()

    response = artist_api.post(URL, {"contributions": items}, format="json")

    assert response.status_code == 400
    errors = response.json()["contributions"]
    assert errors[0] == {}
    assert errors[1] == single == {"occurred_on": ["This date cannot be in the future."]}
    assert list(errors[2]) == ["occurred_on"] and "opened on" in errors[2]["occurred_on"][0]
    assert not Contribution.objects.exists()


def test_an_unknown_field_in_an_item_or_the_body_is_refused(artist_api, my_enrollment):
    in_item = artist_api.post(
        URL, {"contributions": [item(my_enrollment), item(my_enrollment, colour="red")]}, format="json"
    )
    in_body = artist_api.post(URL, {"contributions": [item(my_enrollment)], "dry_run": True}, format="json")

    assert in_item.status_code == 400
    assert in_item.json() == {"contributions": [{}, {"colour": ["Unknown field."]}]}
    assert in_body.status_code == 400
    assert in_body.json() == {"dry_run": ["Unknown field."]}
    assert not Contribution.objects.exists()


def test_an_item_may_not_set_its_id(artist_api, my_enrollment):
    response = artist_api.post(URL, {"contributions": [item(my_enrollment, id=5)]}, format="json")

    assert response.status_code == 400
    assert response.json() == {"contributions": [{"id": ["This field is read-only: it cannot be set."]}]}


def test_an_empty_batch_is_refused(artist_api, my_enrollment):
    response = artist_api.post(URL, {"contributions": []}, format="json")

    assert response.status_code == 400
    assert response.json() == {"contributions": {"non_field_errors": ["Give at least one contribution."]}}


def test_a_batch_over_the_most_is_refused_before_any_is_read(artist_api, my_enrollment, settings):
    settings.API_BATCH_MAX = 3

    with CaptureQueriesContext(connection) as queries:
        response = artist_api.post(URL, {"contributions": [item(my_enrollment, n) for n in range(4)]}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "contributions": {"non_field_errors": ["At most 3 contributions in one batch: send the rest in another."]}
    }
    assert not [q for q in queries.captured_queries if "programs_enrollment" in q["sql"]]
    assert (
        artist_api.post(URL, {"contributions": [item(my_enrollment, n) for n in range(3)]}, format="json").status_code
        == 201
    )


def test_the_most_is_500_by_default(artist_api, my_enrollment):
    response = artist_api.post(URL, {"contributions": [item(my_enrollment, n) for n in range(501)]}, format="json")

    assert response.status_code == 400
    assert "At most 500" in response.json()["contributions"]["non_field_errors"][0]


@pytest.mark.parametrize("body", [{}, {"contributions": "x"}, {"contributions": [1]}, [{"contributions": []}]])
def test_a_body_of_the_wrong_shape_is_refused(artist_api, my_enrollment, body):
    response = artist_api.post(URL, body, format="json")

    assert response.status_code == 400
    assert not Contribution.objects.exists()


def test_another_artists_program_is_refused_as_the_single_post_refuses_it(artist_api, my_enrollment):
    theirs = factories.EnrollmentFactory()
    items = [item(my_enrollment), item(my_enrollment, program=theirs.program.slug)]

    response = artist_api.post(URL, {"contributions": items}, format="json")

    assert response.status_code == 400
    message = f"You are not enrolled in a program with the slug {theirs.program.slug}."
    assert response.json() == {"contributions": [{}, {"program": [message]}]}
    assert artist_api.post(SINGLE, items[1], format="json").json() == {"program": [message]}
    assert not Contribution.objects.exists()


def test_an_enrollment_without_access_yet_is_refused_on_its_program(artist_api, artist, my_enrollment, program):
    invited = factories.ProgramFactory()
    artist_api.post("/api/v1/me/enrollments/", {"program": invited.slug}, format="json")
    today = str(dt.date.today())
    items = [item(my_enrollment), item(my_enrollment, program=invited.slug, occurred_on=today)]

    response = artist_api.post(URL, {"contributions": items}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "contributions": [{}, {"program": ["Record when access to this program was granted first."]}]
    }
    assert not Contribution.objects.exists()


def test_anonymous_clients_and_accounts_without_an_artist_profile_are_refused(api, my_enrollment):
    body = {"contributions": [item(my_enrollment)]}

    anonymous = api.post(URL, body, format="json")
    api.force_authenticate(factories.UserFactory(username="advocate"))
    not_an_artist = api.post(URL, body, format="json")

    assert anonymous.status_code == 401
    assert not_an_artist.status_code == 403
    assert not Contribution.objects.exists()


def test_as_csv_the_answer_is_a_row_per_contribution(artist_api, my_enrollment):
    response = artist_api.post(
        f"{URL}?format=csv", {"contributions": [item(my_enrollment, n) for n in range(3)]}, format="json"
    )

    assert response.status_code == 201
    lines = response.content.decode().splitlines()
    assert lines[0].split(",")[:3] == ["id", "program", "kind"]
    assert [line.split(",")[0] for line in lines[1:]] == [str(c.pk) for c in Contribution.objects.order_by("pk")]


def test_only_post_is_allowed(artist_api, my_enrollment):
    assert artist_api.get(URL).status_code == 405


def test_a_batch_moves_the_program_version_and_data_version_once(artist_api, my_enrollment):
    program = my_enrollment.program
    version, data = cache.program_version(program.pk), cache.data_version()

    response = artist_api.post(URL, {"contributions": [item(my_enrollment, n) for n in range(3)]}, format="json")

    assert response.status_code == 201
    assert cache.program_version(program.pk) > version
    assert cache.data_version() > data


def test_a_batch_is_one_insert_and_one_lookup_per_program(artist_api, artist, my_enrollment):
    elsewhere = factories.EnrollmentFactory(artist=artist)
    items = [item(my_enrollment, n) for n in range(50)] + [item(elsewhere, n) for n in range(50)]

    with CaptureQueriesContext(connection) as queries:
        response = artist_api.post(URL, {"contributions": items}, format="json")

    assert response.status_code == 201
    statements = [q["sql"] for q in queries.captured_queries]
    assert sum("INSERT INTO" in sql for sql in statements) == 1
    assert sum('FROM "programs_enrollment"' in sql for sql in statements) == 2
    assert len(statements) <= 8, statements


def test_a_batch_counts_as_one_request_for_the_throttle(monkeypatch, my_enrollment, artist):
    monkeypatch.setattr(UserRateThrottle, "rate", "2/minute", raising=False)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=artist.user).key}")
    body = {"contributions": [item(my_enrollment, n) for n in range(10)]}

    statuses = [client.post(URL, body, format="json").status_code for _ in range(3)]

    assert statuses == [201, 201, 429]
    assert Contribution.objects.count() == 20
