"""An export is a file the artist (or anyone who opens an account) writes as they like. The
tracker's privacy floors count only verified enrollments, so a file must never make one
verified: otherwise a program could open accounts, import "verified" exports and lift its
own figures over the floor, or unmask the one real tester behind a figure. Nor does a file
ever choose to show a public name: that consent is given on the profile page only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from artists.exports import export_zip
from artists.models import Artist
from programs.models import Enrollment
from tests import factories
from tests.api.export_world import artist_with_everything, tables_of, zip_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported():
    return tables_of(export_zip(artist_with_everything()))


def import_as_new_artist(archive: bytes) -> Artist:
    artist = factories.ArtistFactory()
    client = APIClient()
    client.force_authenticate(artist.user)
    response = client.post("/api/v1/me/import/", {"file": SimpleUploadedFile("export.zip", archive)})
    assert response.status_code == 201, response.content
    return artist


def test_an_export_that_claims_verification_imports_unverified(exported):
    forged = zip_of(
        exported,
        extra_columns={"enrollments": {"verification": "verified", "status": "active"}},
    )
    artist = import_as_new_artist(forged)
    enrollments = Enrollment.objects.filter(artist=artist)
    assert enrollments.count() == 3
    assert set(enrollments.values_list("verification", flat=True)) == {Enrollment.Verification.UNVERIFIED}
    assert not enrollments.filter(verified_by__isnull=False).exists()
    # The status comes from the imported access history, not from the file's column.
    assert enrollments.get(program__slug="sound-lab").status == Enrollment.Status.REVOKED


def test_an_export_that_says_show_my_name_does_not_show_it(exported):
    exported["profile"][0]["show_public_name"] = "True"
    artist = import_as_new_artist(zip_of(exported))
    artist.refresh_from_db()
    assert artist.public_name == "Ada Pixel"
    assert artist.show_public_name is False


def test_an_export_cannot_take_another_accounts_handle_or_email(exported):
    exported["profile"][0].update(handle="someone_else", username="someone", email="someone@example.org")
    artist = import_as_new_artist(zip_of(exported))
    artist.refresh_from_db()
    assert artist.handle.startswith("artist_")
    assert artist.user.email != "someone@example.org"


def test_the_companys_own_account_exports_nothing_of_a_tester_in_its_program():
    """The company opens an artist account in its own program and downloads "its" export: the
    zip holds its own records only, never a tester's beside it in the same program."""
    tester = artist_with_everything()
    program = tester.enrollments.first().program
    company = factories.ArtistFactory(handle="company_plant")
    factories.EnrollmentFactory(artist=company, program=program)
    client = APIClient()
    client.force_authenticate(company.user)

    response = client.get("/api/v1/me/export/zip/")

    assert response.status_code == 200
    tables = tables_of(response.content)
    assert [row["handle"] for row in tables["profile"]] == ["company_plant"]
    assert [row["program"] for row in tables["enrollments"]] == [program.slug]
    assert tables["contributions"] == [] and tables["compensations"] == [] and tables["works"] == []
    assert tester.handle.encode() not in response.content
