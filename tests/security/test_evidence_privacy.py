"""Attacks on the evidence artists give for verification. The adversary is the program: it
knows its testers, can open accounts (with artist profiles of its own), holds API tokens and
can try every door as often as it likes. Evidence is for its artist and the reviewers only."""

import os
import stat
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from programs import services
from programs.models import Enrollment
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.7\nThe invitation to artist_victim@example.org\n%%EOF\n"
NOTE = "Invitation email from Halcyon to my personal address"


@pytest.fixture
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


@pytest.fixture
def victim(evidence_root):
    """A tester of the program with a file and a note under review."""
    program = factories.ProgramFactory(slug="halcyon-preview")
    enrollment = factories.EnrollmentFactory(
        program=program,
        artist__handle="victim",
        artist__public_name="Real Name",
        verification=Enrollment.Verification.UNVERIFIED,
    )
    evidence = services.attach_evidence(
        enrollment=enrollment,
        note=NOTE,
        file=SimpleUploadedFile("invitation.pdf", PDF),
        uploaded_by=enrollment.artist.user,
    )
    return evidence


@pytest.fixture
def program_account(victim):
    """The program's own account: a login with an artist profile enrolled in its own
    program, and an API token."""
    artist = factories.ArtistFactory(handle="halcyon-insider")
    factories.EnrollmentFactory(
        artist=artist, program=victim.enrollment.program, verification=Enrollment.Verification.UNVERIFIED
    )
    return artist


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def doors(evidence) -> dict[str, str]:
    enrollment = evidence.enrollment
    return {
        "web download": f"/me/evidence/{evidence.pk}/file/",
        "api download": f"/api/v1/evidence/{evidence.pk}/file/",
        "program page": f"/me/programs/{enrollment.pk}/",
        "evidence page": f"/me/programs/{enrollment.pk}/evidence/",
        "review list": "/api/v1/enrollments/",
        "review list filtered": f"/api/v1/enrollments/?program={enrollment.program.slug}&verification=pending",
        "artist's enrollment": f"/api/v1/me/enrollments/{enrollment.pk}/",
    }


def leaks(response) -> bool:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return PDF in body or NOTE.encode() in body or b"invitation.pdf" in body


def test_the_program_account_reads_no_evidence_through_any_door(client, victim, program_account):
    client.force_login(program_account.user)
    api = token_client(program_account.user)

    for name, url in doors(victim).items():
        # The pages take the session, the API the token too.
        response = api.get(url) if url.startswith("/api/") else client.get(url)
        assert response.status_code in (403, 404), name
        assert not leaks(response), name


def test_the_program_cannot_verify_its_own_accounts(victim, program_account):
    own = program_account.enrollments.get()
    services.attach_evidence(enrollment=own, note="Trust us", uploaded_by=program_account.user)
    api = token_client(program_account.user)

    response = api.post(f"/api/v1/enrollments/{own.pk}/verification/", {"decision": "verified"}, format="json")

    assert response.status_code == 403
    assert Enrollment.objects.get(pk=own.pk).verification == Enrollment.Verification.PENDING


def test_another_artist_reads_no_evidence_and_cannot_add_any(client, victim):
    other = factories.ArtistFactory()
    client.force_login(other.user)

    for name, url in doors(victim).items():
        response = client.get(url)
        assert response.status_code in (403, 404), name
        assert not leaks(response), name
    added = client.post(doors(victim)["evidence page"], {"note": "Planted"})
    assert added.status_code == 404
    assert victim.enrollment.evidence.count() == 1


def test_an_anonymous_visitor_reads_no_evidence(client, victim):
    api = APIClient()

    for name, url in doors(victim).items():
        web, rest = client.get(url), api.get(url)
        assert web.status_code in (302, 401, 403, 404), name
        assert rest.status_code in (302, 401, 403, 404), name
        assert not leaks(web) and not leaks(rest), name


def test_an_existing_file_and_a_missing_one_answer_alike(client, victim, program_account):
    """No oracle: trying ids tells the program nothing about which exist."""
    client.force_login(program_account.user)
    api = token_client(program_account.user)

    existing, missing = victim.pk, victim.pk + 1000
    web = [client.get(f"/me/evidence/{pk}/file/") for pk in (existing, missing)]
    rest = [api.get(f"/api/v1/evidence/{pk}/file/") for pk in (existing, missing)]

    assert [r.status_code for r in web] == [404, 404]
    assert [(r.status_code, r.json()) for r in rest] == [(404, {"detail": "Not found."})] * 2


def test_a_reviewer_sees_the_handle_but_never_the_name_or_login(victim):
    reviewer = factories.UserFactory()
    reviewer.user_permissions.add(Permission.objects.get(codename="verify_enrollment"))

    response = token_client(reviewer).get("/api/v1/enrollments/?verification=pending")

    assert response.status_code == 200
    body = response.content.decode()
    assert '"artist":"victim"' in body
    assert "Real Name" not in body and victim.enrollment.artist.user.username not in body
    assert victim.enrollment.artist.user.email not in body


def test_stored_files_have_unguessable_names_no_url_and_private_permissions(victim, evidence_root):
    path = evidence_root / victim.file.name

    folder, name = victim.file.name.split("/")
    assert len(name) == 32 and int(name, 16) >= 0  # 128 random bits, no extension
    assert "invitation" not in victim.file.name
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    with pytest.raises(ValueError):
        victim.file.storage.url(victim.file.name)


def test_evidence_files_are_not_served_as_static_or_media_files(client, victim):
    name = victim.file.name
    for url in (
        f"/static/{name}",
        f"/media/{name}",
        f"/evidence/{name}",
        f"/.data/evidence/{name}",
        f"/static/../.data/evidence/{name}",
        f"/{name}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert not leaks(response), url


def test_the_default_evidence_folder_is_private_and_git_ignored():
    root = Path(django_settings.EVIDENCE_ROOT).resolve()
    public = [Path(django_settings.STATIC_ROOT), *map(Path, django_settings.STATICFILES_DIRS)]
    if django_settings.MEDIA_ROOT:
        public.append(Path(django_settings.MEDIA_ROOT))

    for folder in public:
        assert not root.is_relative_to(folder.resolve()) and not folder.resolve().is_relative_to(root)
    assert root.is_relative_to(ROOT / ".data")
    assert ".data/" in (ROOT / ".gitignore").read_text().splitlines()
