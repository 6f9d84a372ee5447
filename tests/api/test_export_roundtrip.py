"""Moving between instances: an artist's export imports back into an empty account with the
same records (artists.restore), through the real doors: the API's export zip, the account
deletion page, sign-up, POST /api/v1/me/import/, and the web import page file by file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from artists.models import Artist
from feedback.models import Compensation, CompensationAllocation, Contribution
from programs.models import Enrollment
from tests.api.export_world import PASSWORD, artist_with_everything, tables_of

pytestmark = pytest.mark.django_db

# What the new account does not take from the export, by design: ids are new (compared
# through the old → new mapping below), the login and handle are the new account's own,
# verification is a reviewer's decision (the export has no verification column), and
# reminder emails are chosen on the new account, which may have no email address.
NOT_CARRIED = {"profile": {"handle", "username", "email", "joined_at", "reminders"}}
# The columns holding ids, with the table whose ids they name.
ID_COLUMNS = {
    "enrollments": {"id": "enrollments"},
    "access_events": {"enrollment": "enrollments"},
    "contributions": {"id": "contributions"},
    "works": {"id": "works"},
    "decisions": {"work": "works"},
    "compensations": {"id": "compensations", "contributions": "contributions"},
    "allocations": {"compensation": "compensations", "contribution": "contributions"},
}
# Tables whose own ids the others name, in the order the mapping is learnt.
OWNERS = ["enrollments", "contributions", "works", "compensations"]


def stored() -> tuple[int, int, int]:
    return Contribution.objects.count(), Compensation.objects.count(), CompensationAllocation.objects.count()


def export_through_the_api(client) -> bytes:
    response = client.get("/api/v1/me/export/zip/")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/zip"
    return response.content


def new_account(username: str) -> APIClient:
    response = APIClient().post(
        "/api/v1/auth/signup/",
        {
            "username": username,
            "email": f"{username}@example.org",
            "password": "A-new-passphrase-42",
            "handle": username,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def without_ids(table: str, row: dict[str, str]) -> dict[str, str]:
    skipped = set(ID_COLUMNS.get(table, {})) | NOT_CARRIED.get(table, set())
    return {column: value for column, value in row.items() if column not in skipped}


def assert_same_records(old: dict, new: dict) -> None:
    """Every table row by row, ids compared through the mapping the rows themselves give."""
    assert set(old) == set(new)
    mapping: dict[str, dict[str, str]] = {}
    for table in OWNERS:
        assert [without_ids(table, row) for row in new[table]] == [without_ids(table, row) for row in old[table]]
        mapping[table] = {was["id"]: now["id"] for was, now in zip(old[table], new[table], strict=True)}

    def linked(table: str, row: dict[str, str], translate) -> str:
        """The row without its own id, its links to other tables as (translated) id lists."""
        links = {
            column: ";".join(sorted(translate(owner, part) for part in row[column].split(";") if part))
            for column, owner in ID_COLUMNS.get(table, {}).items()
            if column != "id"
        }
        return repr(sorted((without_ids(table, row) | links).items()))

    for table in old:
        was = sorted(linked(table, row, lambda owner, old_id: mapping[owner][old_id]) for row in old[table])
        now = sorted(linked(table, row, lambda owner, new_id: new_id) for row in new[table])
        assert now == was, table


def test_an_export_imports_back_into_a_new_account_with_the_same_records(client):
    artist = artist_with_everything()
    api = APIClient()
    api.force_authenticate(artist.user)
    archive = export_through_the_api(api)
    before = tables_of(archive)
    assert all(before[table] for table in before), "the world has a row in every table"

    # Erased through the account page, the door an artist uses.
    client.force_login(artist.user)
    response = client.post("/me/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert Artist.objects.get(pk=artist.pk).erased_at is not None

    mover = new_account("ada_moved")
    response = mover.post("/api/v1/me/import/", {"file": SimpleUploadedFile("export.zip", archive)}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json() == {
        "enrollments": 3,
        "access_events": len(before["access_events"]),
        "contributions": 6,
        "works": 3,
        "decisions": 3,
        "compensations": 4,
        "allocations": 4,
    }

    after = tables_of(export_through_the_api(mover))
    assert_same_records(before, after)
    # Verification is never carried by a file: the new enrollments wait for review.
    mine = Enrollment.objects.filter(artist__handle="ada_moved")
    assert set(mine.values_list("verification", flat=True)) == {Enrollment.Verification.UNVERIFIED}
    assert after["profile"][0]["handle"] == "ada_moved"


def test_a_second_import_of_the_same_export_is_refused_and_doubles_nothing():
    artist = artist_with_everything()
    api = APIClient()
    api.force_authenticate(artist.user)
    archive = export_through_the_api(api)
    mover = new_account("twice")
    assert mover.post("/api/v1/me/import/", {"file": SimpleUploadedFile("e.zip", archive)}).status_code == 201
    counts = stored()

    response = mover.post("/api/v1/me/import/", {"file": SimpleUploadedFile("e.zip", archive)})
    assert response.status_code == 400
    assert "already has 3 programs" in response.json()["files"]["export"][0]["message"]
    assert stored() == counts
