"""POST /api/v1/me/import/ and GET /api/v1/me/export/zip/: who may use them, and every
refusal of an export, each with a clear message and nothing written."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from artists.exports import export_zip
from artists.restore import MAX_EXPORT_BYTES
from feedback.imports import MAX_FILE_BYTES
from feedback.models import Compensation, CompensationAllocation, Contribution
from programs.models import AccessEvent, Enrollment
from tests import factories
from tests.api.export_world import artist_with_everything, tables_of, zip_of

pytestmark = pytest.mark.django_db

ENDPOINTS = [("post", "/api/v1/me/import/"), ("get", "/api/v1/me/export/zip/")]


@pytest.fixture
def exported():
    """The tables of an export of an artist with every kind of record."""
    return tables_of(export_zip(artist_with_everything()))


@pytest.fixture
def newcomer():
    artist = factories.ArtistFactory()
    client = APIClient()
    client.force_authenticate(artist.user)
    return client


def post(client, archive: bytes, name: str = "export.zip"):
    return client.post("/api/v1/me/import/", {"file": SimpleUploadedFile(name, archive)}, format="multipart")


def messages_of(response) -> list[str]:
    assert response.status_code == 400, response.content
    assert response.json()["detail"].endswith("nothing was imported.")
    files = response.json()["files"]
    return [f"{file}:{e['line']}: {e['message']}" for file, errors in files.items() for e in errors]


def records() -> tuple[int, ...]:
    return (
        Enrollment.objects.count(),
        AccessEvent.objects.count(),
        Contribution.objects.count(),
        Compensation.objects.count(),
        CompensationAllocation.objects.count(),
    )


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_anonymous_clients_cannot_import_or_download(api, method, url):
    assert getattr(api, method)(url).status_code in (401, 403)


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_an_account_without_an_artist_profile_is_refused(method, url):
    client = APIClient()
    client.force_authenticate(factories.UserFactory())
    response = getattr(client, method)(url)
    assert response.status_code == 403
    assert "artist profile" in response.json()["detail"]


def test_the_zip_download_is_the_artists_own_export(exported, newcomer):
    """Another artist's records never come with one's own download."""
    response = newcomer.get("/api/v1/me/export/zip/")
    mine = tables_of(response.content)
    assert mine["contributions"] == [] and mine["enrollments"] == []
    assert response["Cache-Control"] == "private, no-store"
    assert len(exported["contributions"]) == 6


def test_the_zip_download_answers_as_bytes_to_a_client_that_asks_for_them(newcomer):
    response = newcomer.get("/api/v1/me/export/zip/", HTTP_ACCEPT="application/octet-stream")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert set(tables_of(response.content)) == {
        "profile",
        "enrollments",
        "access_events",
        "contributions",
        "works",
        "decisions",
        "compensations",
        "allocations",
    }


def test_an_upload_that_is_not_a_zip_is_refused(newcomer):
    errors = messages_of(post(newcomer, b"program,kind\n", "contributions.csv"))
    assert errors == ["contributions.csv:1: This is not a zip file. Upload the zip that “Download my data” gave you."]


def test_a_file_that_is_no_part_of_an_export_is_refused(newcomer):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr("passwords.txt", "nothing")
    assert "passwords.txt is not a file of an export" in messages_of(post(newcomer, buffer.getvalue()))[0]


def test_a_zip_bomb_is_refused_without_unpacking_it(newcomer):
    """A small zip that unpacks far beyond the limit: refused from the sizes it declares."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("contributions.csv", b"program,kind\n" + b"0" * (MAX_EXPORT_BYTES + 1))
    assert len(buffer.getvalue()) < MAX_FILE_BYTES // 100
    errors = messages_of(post(newcomer, buffer.getvalue()))
    assert errors == [
        f"export.zip:1: Unpacked, the files of this zip are larger than {MAX_EXPORT_BYTES >> 20} MB, "
        "the limit of an import."
    ]
    assert not Contribution.objects.exists()


def test_a_zip_that_lies_about_its_sizes_is_refused_while_reading(newcomer):
    """The sizes in a zip's directory are the sender's claim; reading stops at the limit anyway."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("contributions.csv", b"0" * (MAX_EXPORT_BYTES + 10))
    forged = bytearray(buffer.getvalue())
    size = (MAX_EXPORT_BYTES + 10).to_bytes(4, "little")
    # Claim 100 bytes in both the local header and the central directory.
    for at in [i for i in range(len(forged) - 4) if forged[i : i + 4] == size]:
        forged[at : at + 4] = (100).to_bytes(4, "little")
    response = post(newcomer, bytes(forged))
    assert response.status_code == 400
    assert not Contribution.objects.exists()


def test_an_upload_over_the_size_limit_is_refused(newcomer):
    response = post(newcomer, b"0" * (MAX_FILE_BYTES + 1))
    assert response.status_code == 400
    assert response.json()["file"] == [f"The zip can be at most {MAX_FILE_BYTES >> 20} MB."]


def test_a_currency_other_than_the_programs_is_refused(exported, newcomer):
    exported["compensations"][0]["currency"] = "JPY"
    before = records()
    errors = messages_of(post(newcomer, zip_of(exported)))
    assert errors == [
        "compensations.csv:2: currency: This amount is in JPY but Video Preview pays in USD. "
        "Convert it (and change the currency) or leave it out of the import."
    ]
    assert records() == before


def test_an_unknown_column_is_refused_by_name(exported, newcomer):
    errors = messages_of(post(newcomer, zip_of(exported, extra_columns={"contributions": {"mood": "happy"}})))
    assert errors[0] == (
        "contributions.csv:1: Unknown column 'mood'. The columns are: program, kind, title, hours_spent, "
        "occurred_on, requested_by_program, description, ref."
    )


def test_allocations_beyond_the_compensations_amount_are_refused(exported, newcomer):
    first = exported["allocations"][0]
    compensation = next(c for c in exported["compensations"] if c["id"] == first["compensation"])
    first["amount"] = str(compensation["amount"])  # with the other part, more than the amount
    before = records()
    errors = messages_of(post(newcomer, zip_of(exported)))
    assert len(errors) == 1
    assert errors[0].startswith("allocations.csv:3: amount: The parts of compensation")
    assert f"more than its amount {compensation['amount']}" in errors[0]
    assert records() == before


def test_an_allocation_to_another_programs_contribution_is_refused(exported, newcomer):
    other = next(c for c in exported["contributions"] if c["program"] == "sound-lab")
    exported["allocations"][0]["contribution"] = other["id"]
    errors = messages_of(post(newcomer, zip_of(exported)))
    assert any(f"Contribution {other['id']} is to Sound Lab" in error for error in errors), errors


def test_a_program_that_does_not_exist_here_is_named(exported, newcomer):
    exported["enrollments"][0]["program"] = "elsewhere-beta"
    errors = messages_of(post(newcomer, zip_of(exported)))
    assert "enrollments.csv:2: program: No program here has the slug 'elsewhere-beta'; it cannot be imported." in errors


def test_an_import_into_a_ledger_in_use_is_refused(exported):
    artist = factories.EnrollmentFactory().artist
    client = APIClient()
    client.force_authenticate(artist.user)
    errors = messages_of(post(client, zip_of(exported)))
    assert "Your ledger already has 1 program." in errors[0]
