"""Bodies the API cannot read, through the real HTTP API: malformed JSON answers 400
`{"detail": …}`, a body over DATA_UPLOAD_MAX_MEMORY_SIZE answers 413 in JSON (pages keep
Django's 400), and a field the client cannot set (`id`, any read-only field) answers 400 on
that field like an unknown one. Nothing is written by any of them."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from config.parsers import MAX_DEPTH
from feedback.models import Contribution
from programs.models import Enrollment, EnrollmentEvidence
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/contributions/"


def body(enrollment, **changes):
    return {
        "program": enrollment.program.slug,
        "kind": "promotion",
        "title": "Launch thread",
        "hours_spent": "2",
        "occurred_on": str(enrollment.granted_on + dt.timedelta(days=1)),
        **changes,
    }


def post_raw(client, raw: bytes, url=URL, content_type="application/json"):
    return client.generic("POST", url, raw, content_type=content_type)


def nested(depth: int) -> bytes:
    return b'{"title": ' + b"[" * depth + b"]" * depth + b"}"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"[" * 100_000, id="nested-100000"),
        pytest.param(b"{" * 100_000, id="nested-objects"),
        pytest.param(nested(MAX_DEPTH + 1), id="nested-past-the-limit"),
        pytest.param(b'{"title": "\xff\xfe"}', id="invalid-utf8"),
        pytest.param(b'{"title": "a\xc3"}', id="truncated-utf8"),
        pytest.param(b'{"hours_spent": NaN}', id="nan"),
        pytest.param(b'{"hours_spent": Infinity}', id="infinity"),
        pytest.param(b'{"hours_spent": -Infinity}', id="minus-infinity"),
        pytest.param(b'{"title": "\\ud800"}', id="lone-surrogate"),
        pytest.param(b'{"\\udfff": 1}', id="lone-surrogate-key"),
        pytest.param(b'{"hours_spent": ' + b"9" * 5000 + b"}", id="huge-integer"),
        pytest.param(b'{"title": "x"', id="truncated"),
        pytest.param(b"{'title': 'x'}", id="single-quotes"),
        pytest.param(b'{"title": "x"} trailing', id="trailing-data"),
    ],
)
def test_malformed_json_answers_400_with_a_detail(artist_api, my_enrollment, raw):
    response = post_raw(artist_api, raw)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    detail = response.json()["detail"]
    assert detail.startswith("JSON parse error - ")
    assert not Contribution.objects.exists()


def test_nesting_up_to_the_limit_is_read_and_refused_on_the_field(artist_api, my_enrollment):
    response = post_raw(artist_api, nested(MAX_DEPTH - 1))

    assert response.status_code == 400
    assert "title" in response.json()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"[1, 2]", "Invalid data. Expected a dictionary, but got list."),
        (b'"a string"', "Invalid data. Expected a dictionary, but got str."),
        (b"5", "Invalid data. Expected a dictionary, but got int."),
        (b"true", "Invalid data. Expected a dictionary, but got bool."),
        (b"null", "No data provided"),
    ],
)
def test_a_body_that_is_not_an_object_answers_400(artist_api, my_enrollment, raw, message):
    response = post_raw(artist_api, raw)

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [message]}
    assert not Contribution.objects.exists()


def test_malformed_json_answers_400_on_every_door_that_reads_json(api, artist_api, my_enrollment):
    for client, url in [
        (api, "/api/v1/auth/signup/"),
        (api, "/api/v1/auth/token/"),
        (artist_api, f"/api/v1/me/enrollments/{my_enrollment.pk}/access-events/"),
        (artist_api, f"/api/v1/me/enrollments/{my_enrollment.pk}/evidence/"),
        (artist_api, "/api/v1/me/works/"),
        (artist_api, "/api/v1/me/compensations/"),
        (artist_api, "/api/v1/me/programs/propose/"),
    ]:
        response = post_raw(client, b"[" * 100_000, url=url)
        assert response.status_code == 400, (url, response.status_code)
        assert response.json()["detail"].startswith("JSON parse error - "), url


# Too large: 413 in JSON on the API.


def test_a_json_body_over_the_limit_answers_413_in_json(artist_api, my_enrollment, settings):
    raw = b'{"title": "' + b"a" * 10_000_000 + b'"}'

    response = post_raw(artist_api, raw)

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."
    }
    assert not Contribution.objects.exists()


def test_the_limit_follows_the_setting(artist_api, my_enrollment, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    raw = b'{"title": "' + b"a" * 1000 + b'"}'

    response = post_raw(artist_api, raw)

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than 1000 bytes."}
    assert post_raw(artist_api, b'{"title": "short"}').status_code == 400  # read, refused on its fields


def test_a_form_body_over_the_limit_answers_413_in_json(artist_api, my_enrollment):
    raw = b"title=" + b"a" * 3_000_000

    response = post_raw(artist_api, raw, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 413
    assert response.json()["detail"].startswith("The request body is larger than")


def test_the_browsable_api_answers_413_too(artist, my_enrollment):
    client = Client()
    client.force_login(artist.user)
    client.handler.enforce_csrf_checks = False

    response = client.post(
        URL, b'{"title": "' + b"a" * 3_000_000 + b'"}', content_type="application/json", HTTP_ACCEPT="text/html"
    )

    assert response.status_code == 413


def test_too_many_form_fields_answers_400_in_json(artist_api, my_enrollment, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    raw = "&".join(f"f{i}=x" for i in range(20)).encode()

    response = post_raw(artist_api, raw, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert "DATA_UPLOAD_MAX_NUMBER_FIELDS" in response.json()["detail"]


def test_pages_keep_djangos_answer(artist, my_enrollment):
    client = Client()
    client.force_login(artist.user)

    response = client.post("/me/contributions/new/", {"title": "a" * 3_000_000})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_an_evidence_file_larger_than_the_body_limit_is_still_accepted(artist_api, artist, program, settings, tmp_path):
    """Files in a multipart upload do not count against DATA_UPLOAD_MAX_MEMORY_SIZE: evidence
    keeps its own 5 MB limit."""
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000
    enrollment = factories.EnrollmentFactory(
        artist=artist, program=program, verification=Enrollment.Verification.UNVERIFIED
    )
    pdf = b"%PDF-1.7\n" + b"x" * 2_000_000 + b"\n%%EOF\n"
    url = f"/api/v1/me/enrollments/{enrollment.pk}/evidence/"

    response = artist_api.post(
        url, {"note": "Invitation", "file": SimpleUploadedFile("a.pdf", pdf)}, format="multipart"
    )

    assert response.status_code == 201, response.content
    assert EnrollmentEvidence.objects.get().size == len(pdf)

    too_big = b"%PDF-1.7\n" + b"x" * (5 * 1024 * 1024) + b"\n%%EOF\n"
    response = artist_api.post(
        url, {"note": "Another", "file": SimpleUploadedFile("b.pdf", too_big)}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()


# Fields the client cannot set.


def test_an_id_sent_on_create_is_refused_on_the_field(artist_api, my_enrollment):
    response = artist_api.post(URL, body(my_enrollment, id=5), format="json")

    assert response.status_code == 400
    assert response.json() == {"id": ["This field is read-only: it cannot be set."]}
    assert not Contribution.objects.exists()


def test_an_id_sent_on_update_is_refused_on_the_field(artist_api, my_enrollment):
    contribution = factories.ContributionFactory(enrollment=my_enrollment)

    response = artist_api.patch(f"{URL}{contribution.pk}/", {"id": contribution.pk + 1, "title": "New"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"id": ["This field is read-only: it cannot be set."]}
    contribution.refresh_from_db()
    assert contribution.title != "New"


def test_read_only_and_unknown_fields_are_named_together_with_the_field_errors(artist_api, my_enrollment):
    data = body(my_enrollment, id=5, hours=2)
    del data["title"]

    response = artist_api.post(URL, data, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "title": ["This field is required."],
        "id": ["This field is read-only: it cannot be set."],
        "hours": ["Unknown field."],
    }


def test_read_only_fields_are_refused_on_every_write_serializer(artist_api, my_enrollment):
    work = artist_api.post(
        "/api/v1/me/works/", {"program": my_enrollment.program.slug, "id": 1, "status": "approved"}, format="json"
    )
    assert work.status_code == 400
    assert work.json()["id"] == ["This field is read-only: it cannot be set."]
    assert work.json()["status"] == ["This field is read-only: it cannot be set."]

    enrollment = artist_api.post("/api/v1/me/enrollments/", {"id": 1, "status": "active"}, format="json")
    assert enrollment.status_code == 400
    assert enrollment.json()["id"] == ["This field is read-only: it cannot be set."]
