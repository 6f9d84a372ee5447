"""The artist's contributions: log, read, correct and delete them over the API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from feedback.models import Contribution
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/contributions/"
FIELDS = {"id", "program", "kind", "title", "description", "hours_spent", "occurred_on", "requested_by_program"}


def body(enrollment, **changes):
    return {
        "program": enrollment.program.slug,
        "kind": "promotion",
        "title": "Launch thread",
        "description": "Posted the demo reel.",
        "hours_spent": "3.50",
        "occurred_on": str(enrollment.granted_on + dt.timedelta(days=2)),
        "requested_by_program": True,
        **changes,
    }


def snapshot() -> list[tuple]:
    return list(Contribution.objects.order_by("pk").values_list())


def test_logging_a_contribution_answers_with_its_record(artist_api, my_enrollment):
    response = artist_api.post(URL, body(my_enrollment), format="json")

    assert response.status_code == 201
    contribution = Contribution.objects.get()
    assert response.json() == {
        "id": contribution.pk,
        "program": my_enrollment.program.slug,
        "kind": "promotion",
        "title": "Launch thread",
        "description": "Posted the demo reel.",
        "hours_spent": "3.50",
        "occurred_on": str(contribution.occurred_on),
        "requested_by_program": True,
    }
    assert contribution.enrollment == my_enrollment
    assert contribution.hours_spent == Decimal("3.50")
    assert artist_api.get(f"{URL}{contribution.pk}/").json() == response.json()


def test_optional_fields_take_their_defaults_and_numbers_are_accepted(artist_api, my_enrollment):
    data = body(my_enrollment, hours_spent=1.25)
    del data["description"], data["requested_by_program"]

    response = artist_api.post(URL, data, format="json")

    assert response.status_code == 201
    assert response.json()["hours_spent"] == "1.25"
    assert response.json()["requested_by_program"] is False
    assert response.json()["description"] == ""


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hours_spent": "0"}, "hours_spent"),
        ({"hours_spent": "25"}, "hours_spent"),
        ({"hours_spent": "-1"}, "hours_spent"),
        ({"hours_spent": "lots"}, "hours_spent"),
        ({"hours_spent": [1]}, "hours_spent"),
        ({"hours_spent": "1.005"}, "hours_spent"),
        ({"occurred_on": str(timezone.localdate() + dt.timedelta(days=1))}, "occurred_on"),
        ({"occurred_on": "1999-01-01"}, "occurred_on"),
        ({"occurred_on": "26/11/2025"}, "occurred_on"),
        ({"program": "no-such-program"}, "program"),
        ({"program": 7}, "program"),
        ({"kind": "sculpture"}, "kind"),
        ({"title": ""}, "title"),
        ({"title": {"text": "x"}}, "title"),
        ({"requested_by_program": "maybe"}, "requested_by_program"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_contributions_answer_400_on_the_field_and_write_nothing(artist_api, my_enrollment, changes, field):
    response = artist_api.post(URL, body(my_enrollment, **changes), format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field]
    assert not Contribution.objects.exists()


def test_a_body_that_is_not_an_object_answers_400(artist_api, my_enrollment):
    response = artist_api.post(URL, [body(my_enrollment)], format="json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_unknown_fields_are_named_alongside_other_errors(artist_api, my_enrollment):
    response = artist_api.post(URL, body(my_enrollment, hours_spent="x", colour="red", mood=1), format="json")

    assert response.status_code == 400
    assert response.json()["colour"] == ["Unknown field."]
    assert response.json()["mood"] == ["Unknown field."]
    assert "hours_spent" in response.json()


@pytest.mark.parametrize("slug", ["with\x00nul", ""])
def test_a_malformed_program_slug_is_refused(artist_api, my_enrollment, slug):
    response = artist_api.post(URL, body(my_enrollment, program=slug), format="json")

    assert response.status_code == 400
    assert "program" in response.json()
    assert not Contribution.objects.exists()


def test_logging_into_a_program_of_another_artist_is_refused(artist_api, my_enrollment):
    theirs = factories.EnrollmentFactory()

    response = artist_api.post(URL, body(my_enrollment, program=theirs.program.slug), format="json")

    assert response.status_code == 400
    assert response.json()["program"] == [f"You are not enrolled in a program with the slug {theirs.program.slug}."]
    assert not Contribution.objects.exists()


def test_an_enrollment_without_access_yet_cannot_log(artist_api, artist, program):
    artist_api.post("/api/v1/me/enrollments/", {"program": program.slug}, format="json")

    response = artist_api.post(
        URL,
        {
            "program": program.slug,
            "kind": "survey",
            "title": "s",
            "hours_spent": "1",
            "occurred_on": str(timezone.localdate()),
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["program"] == ["Record when access to this program was granted first."]


def test_patch_changes_only_the_fields_given(artist_api, my_enrollment):
    contribution = factories.ContributionFactory(enrollment=my_enrollment, title="Old", description="Kept")

    response = artist_api.patch(f"{URL}{contribution.pk}/", {"hours_spent": "6.5", "kind": "bug_report"}, format="json")

    assert response.status_code == 200
    assert response.json()["hours_spent"] == "6.50"
    assert response.json()["kind"] == "bug_report"
    assert response.json()["title"] == "Old"
    contribution.refresh_from_db()
    assert (contribution.hours_spent, contribution.kind, contribution.title, contribution.description) == (
        Decimal("6.50"),
        "bug_report",
        "Old",
        "Kept",
    )


def test_patch_keeps_the_program_and_refuses_to_move_it(artist_api, artist, my_enrollment):
    contribution = factories.ContributionFactory(enrollment=my_enrollment)
    elsewhere = factories.EnrollmentFactory(artist=artist)

    same = artist_api.patch(f"{URL}{contribution.pk}/", {"program": my_enrollment.program.slug}, format="json")
    before = snapshot()
    moved = artist_api.patch(f"{URL}{contribution.pk}/", {"program": elsewhere.program.slug}, format="json")

    assert same.status_code == 200
    assert moved.status_code == 400
    assert "program" in moved.json()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hours_spent": "25"}, "hours_spent"),
        ({"hours_spent": "0"}, "hours_spent"),
        ({"occurred_on": "2999-01-01"}, "occurred_on"),
        ({"requested_by_program": "maybe"}, "requested_by_program"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_patches_answer_400_and_change_nothing(artist_api, my_enrollment, changes, field):
    contribution = factories.ContributionFactory(enrollment=my_enrollment)
    before = snapshot()

    response = artist_api.patch(f"{URL}{contribution.pk}/", changes, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert snapshot() == before


def test_put_is_not_offered(artist_api, my_enrollment):
    contribution = factories.ContributionFactory(enrollment=my_enrollment)

    assert artist_api.put(f"{URL}{contribution.pk}/", body(my_enrollment), format="json").status_code == 405


def test_delete_removes_the_contribution(artist_api, my_enrollment):
    contribution = factories.ContributionFactory(enrollment=my_enrollment)

    assert artist_api.delete(f"{URL}{contribution.pk}/").status_code == 204
    assert not Contribution.objects.exists()


def test_another_artists_contribution_is_not_found(artist_api, other_enrollment):
    theirs = factories.ContributionFactory(enrollment=other_enrollment)
    before = snapshot()

    assert artist_api.get(f"{URL}{theirs.pk}/").status_code == 404
    assert artist_api.get(f"{URL}{theirs.pk}x/").status_code == 404
    assert artist_api.patch(f"{URL}{theirs.pk}/", {"hours_spent": "1"}, format="json").status_code == 404
    assert artist_api.delete(f"{URL}{theirs.pk}/").status_code == 404
    assert artist_api.get(URL).json()["count"] == 0
    assert snapshot() == before


def test_list_is_paginated_and_runs_a_fixed_number_of_queries(
    artist_api, artist, my_enrollment, django_assert_max_num_queries
):
    factories.ContributionFactory.create_batch(51, enrollment=my_enrollment)
    factories.ContributionFactory.create_batch(3, enrollment=factories.EnrollmentFactory(artist=artist))

    with django_assert_max_num_queries(3):
        first = artist_api.get(URL).json()

    assert first["count"] == 54
    assert len(first["results"]) == 50
    assert first["next"].endswith("page=2")
    assert set(first["results"][0]) == FIELDS
    assert len(artist_api.get(first["next"]).json()["results"]) == 4


def test_list_filters_by_program_kind_and_dates(artist_api, artist, my_enrollment):
    start = my_enrollment.granted_on
    early = factories.ContributionFactory(enrollment=my_enrollment, occurred_on=start)
    late = factories.ContributionFactory(enrollment=my_enrollment, occurred_on=start + dt.timedelta(days=10))
    other_program = factories.ContributionFactory(
        enrollment=factories.EnrollmentFactory(artist=artist), kind="bug_report"
    )

    def ids(**params):
        response = artist_api.get(URL, params)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids(program=my_enrollment.program.slug) == {early.pk, late.pk}
    assert ids(since=str(start + dt.timedelta(days=1)), program=my_enrollment.program.slug) == {late.pk}
    assert ids(until=str(start)) >= {early.pk}
    assert late.pk not in ids(until=str(start))
    assert ids(kind="bug_report") == {other_program.pk}
    assert ids(ordering="occurred_on", program=my_enrollment.program.slug) == {early.pk, late.pk}


@pytest.mark.parametrize("params", [{"since": "last week"}, {"until": "2025-13-01"}, {"kind": "sculpture"}])
def test_bad_filters_answer_400_with_a_message(artist_api, my_enrollment, params):
    response = artist_api.get(URL, params)

    assert response.status_code == 400
    assert list(response.json()) == list(params)


def test_logging_one_with_a_token_reads_twice_and_inserts_once(my_enrollment, artist):
    # The token, its user and their artist profile in one query; the enrollment behind the
    # slug; the INSERT. No query repeats what is known (the enrollment's existence, the
    # table's check constraints, which the fields' validators apply).
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=artist.user).key}")
    data = body(my_enrollment)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, data, format="json")

    assert response.status_code == 201
    statements = [query["sql"] for query in queries.captured_queries]
    assert len(statements) == 5, statements
    assert '"artists_artist"' in statements[0] and '"authtoken_token"' in statements[0]
    assert sum("INSERT INTO" in sql for sql in statements) == 1
