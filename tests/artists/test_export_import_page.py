"""Moving between trackers on the web and in the command line: the whole-export page
(/me/import/export/), the export's own files on the spreadsheet import page, and
`manage.py import_ledger --export`."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from artists.exports import export_zip
from feedback.models import Contribution
from programs.models import Enrollment
from tests import factories
from tests.api.export_world import artist_with_everything, tables_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive() -> bytes:
    return export_zip(artist_with_everything())


@pytest.fixture
def newcomer():
    return factories.ArtistFactory(handle="newcomer")


def file_of(archive: bytes, table: str) -> SimpleUploadedFile:
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        return SimpleUploadedFile(f"{table}.csv", zipped.read(f"{table}.csv"), content_type="text/csv")


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("import-export"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_someone_without_an_artist_profile_gets_an_explanation(client):
    client.force_login(factories.UserFactory(username="advocate"))
    response = client.post(reverse("import-export"), {"file": SimpleUploadedFile("e.zip", b"x")})
    assert response.status_code == 403
    assert "This page is for artists" in response.content.decode()


def test_the_import_page_links_the_export_import_and_says_what_is_not_imported(client, newcomer):
    client.force_login(newcomer.user)
    assert reverse("import-export") in client.get(reverse("import")).content.decode()
    page = client.get(reverse("import-export")).content.decode()
    for words in ["Verification.", "Evidence files", "Showing your public name.", "login name, email and handle"]:
        assert words in page


def test_an_export_uploaded_on_the_page_fills_the_ledger(client, newcomer, archive):
    client.force_login(newcomer.user)
    response = client.post(reverse("import-export"), {"file": SimpleUploadedFile("export.zip", archive)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("ledger")
    assert "Your export is imported: 3 enrollments" in response.content.decode()
    assert Contribution.objects.filter(enrollment__artist=newcomer).count() == 6


def test_a_refused_export_lists_its_problems_on_the_page(client, newcomer, archive):
    factories.EnrollmentFactory(artist=newcomer)
    client.force_login(newcomer.user)
    response = client.post(reverse("import-export"), {"file": SimpleUploadedFile("export.zip", archive)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "nothing was imported" in page
    assert "Your ledger already has 1 program." in page


def test_an_exports_files_round_trip_through_the_spreadsheet_import(client, newcomer, archive):
    """contributions.csv, compensations.csv and allocations.csv of an export, uploaded
    together, give the same contributions, compensations and exact allocations."""
    for slug in ("video-preview", "sound-lab"):
        factories.EnrollmentFactory(artist=newcomer, program=Enrollment.objects.get(program__slug=slug).program)
    client.force_login(newcomer.user)
    response = client.post(
        reverse("import"),
        {role: file_of(archive, role) for role in ("contributions", "compensations", "allocations")},
    )
    assert response.status_code == 200
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)
    assert client.post(reverse("import-confirm"), {"token": token}).status_code == 302

    old, new = tables_of(archive), tables_of(export_zip(newcomer))
    ids: dict[str, str] = {}
    for table in ("contributions", "compensations"):
        assert len(new[table]) == len(old[table])
        for was, now in zip(old[table], new[table], strict=True):
            ids[f"{table}:{was['id']}"] = now["id"]
            assert {k: v for k, v in now.items() if k not in ("id", "contributions")} == {
                k: v for k, v in was.items() if k not in ("id", "contributions")
            }
    assert sorted((a["compensation"], a["contribution"], a["amount"]) for a in new["allocations"]) == sorted(
        (ids[f"compensations:{a['compensation']}"], ids[f"contributions:{a['contribution']}"], a["amount"])
        for a in old["allocations"]
    )


def test_an_exports_compensations_alone_ask_for_its_contributions(client, newcomer, archive):
    """Uploaded one after the other, the compensations name ids the new ledger does not have."""
    factories.EnrollmentFactory(artist=newcomer, program=Enrollment.objects.get(program__slug="video-preview").program)
    client.force_login(newcomer.user)
    old = tables_of(archive)
    video = "\n".join(
        ["program,kind,amount,currency,paid_on,contributions"]
        + [
            f"{c['program']},{c['kind']},{c['amount']},{c['currency']},{c['paid_on']},{c['contributions']}"
            for c in old["compensations"]
            if c["program"] == "video-preview" and c["contributions"]
        ]
    )
    response = client.post(
        reverse("import"), {"compensations": SimpleUploadedFile("compensations.csv", video.encode())}
    )
    page = response.content.decode()
    first_id = old["compensations"][0]["contributions"].split(";")[0]
    assert f"{first_id} is the id of a row of the export&#x27;s contributions.csv: upload that file together" in page


def test_the_command_imports_a_whole_export(newcomer, archive, tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(archive)
    out = io.StringIO()
    call_command("import_ledger", "--artist", "newcomer", "--export", str(path), stdout=out)
    assert "Imported the export for newcomer: 3 enrollments" in out.getvalue()
    assert Contribution.objects.filter(enrollment__artist=newcomer).count() == 6

    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_ledger", "--artist", "newcomer", "--export", str(path), stderr=err)
    assert "already has 3 programs" in err.getvalue()
