"""Verification over the API: the artist's evidence (/api/v1/me/enrollments/{id}/evidence/),
the reviewers' list and decisions (/api/v1/enrollments/), and evidence files."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from programs import services
from programs.models import Enrollment, EnrollmentEvidence, VerificationDecision
from tests import factories

pytestmark = pytest.mark.django_db

V = Enrollment.Verification
PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
REVIEW = "/api/v1/enrollments/"


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"


def evidence_url(enrollment) -> str:
    return f"/api/v1/me/enrollments/{enrollment.pk}/evidence/"


def decision_url(enrollment) -> str:
    return f"{REVIEW}{enrollment.pk}/verification/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def make_reviewer(**kwargs):
    user = factories.UserFactory(**kwargs)
    user.user_permissions.add(Permission.objects.get(codename="verify_enrollment", content_type__app_label="programs"))
    return user


@pytest.fixture
def reviewer_api():
    return client_for(make_reviewer(username="union-rep"))


@pytest.fixture
def unverified(artist, program):
    return factories.EnrollmentFactory(artist=artist, program=program, verification=V.UNVERIFIED)


def give_evidence(enrollment, note="Invitation email", file=None):
    return services.attach_evidence(enrollment=enrollment, note=note, file=file, uploaded_by=enrollment.artist.user)


# The artist's evidence.


def test_an_artist_sends_a_note_and_a_file_and_the_enrollment_waits_for_review(artist_api, unverified):
    response = artist_api.post(
        evidence_url(unverified),
        {"note": "The invitation email", "file": SimpleUploadedFile("invitation.pdf", PDF)},
        format="multipart",
    )

    assert response.status_code == 201
    evidence = EnrollmentEvidence.objects.get()
    assert response.json() == {
        "id": evidence.pk,
        "note": "The invitation email",
        "filename": "invitation.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "uploaded_at": evidence.uploaded_at.isoformat().replace("+00:00", "Z"),
        "download_url": f"http://testserver/api/v1/evidence/{evidence.pk}/file/",
    }
    mine = artist_api.get(f"/api/v1/me/enrollments/{unverified.pk}/").json()
    assert (mine["verification"], mine["verification_reason"]) == ("pending", "")


def test_a_note_alone_is_evidence_too(artist_api, unverified):
    response = artist_api.post(evidence_url(unverified), {"note": "My tester badge on Discord"}, format="json")

    assert response.status_code == 201
    assert (response.json()["filename"], response.json()["download_url"], response.json()["size"]) == ("", None, 0)


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"note": ["This field is required."]}),
        ({"note": "  "}, {"note": ["This field may not be blank."]}),
        ({"note": "x", "verification": "verified"}, {"verification": ["Unknown field."]}),
        ({"note": "x", "file": SimpleUploadedFile("shot.pdf", PNG)}, None),
        ({"note": "x", "file": SimpleUploadedFile("tool.exe", b"MZ\x00\x00")}, None),
        ({"note": "x", "file": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 5 * 1024 * 1024)}, None),
    ],
)
def test_bad_evidence_answers_400_on_its_field_and_writes_nothing(artist_api, unverified, body, errors):
    response = artist_api.post(evidence_url(unverified), body, format="multipart")

    assert response.status_code == 400
    if errors is not None:
        assert response.json() == errors
    else:
        assert list(response.json()) == ["file"]
    assert not EnrollmentEvidence.objects.exists()
    assert Enrollment.objects.get(pk=unverified.pk).verification == V.UNVERIFIED


def test_the_file_type_messages_say_what_is_wrong(artist_api, unverified):
    wrong = artist_api.post(
        evidence_url(unverified), {"note": "x", "file": SimpleUploadedFile("shot.pdf", PNG)}, format="multipart"
    )
    unknown = artist_api.post(
        evidence_url(unverified), {"note": "x", "file": SimpleUploadedFile("tool.exe", b"MZ")}, format="multipart"
    )

    assert wrong.json()["file"] == [
        "This file's content is not a PDF, whatever its name says. "
        "Attach a PDF, PNG, JPEG, plain text (.txt) or email (.eml) file."
    ]
    assert unknown.json()["file"] == [
        "“tool.exe” is not a PDF, PNG, JPEG, plain text (.txt) or email (.eml) file. Attach one of those."
    ]


def test_another_artists_enrollment_is_not_found(artist_api, other_enrollment):
    response = artist_api.post(evidence_url(other_enrollment), {"note": "Mine"}, format="json")

    assert response.status_code == 404
    assert not EnrollmentEvidence.objects.exists()


def test_evidence_needs_a_signed_in_artist(api, unverified):
    assert api.post(evidence_url(unverified), {"note": "x"}, format="json").status_code == 401
    no_artist = client_for(factories.UserFactory())
    assert no_artist.post(evidence_url(unverified), {"note": "x"}, format="json").status_code == 403


def test_the_artists_enrollments_show_verification_read_only(artist_api, artist, my_enrollment):
    unverified = factories.EnrollmentFactory(artist=artist, verification=V.UNVERIFIED)
    give_evidence(unverified)
    services.decide_verification(
        enrollment=unverified, decision="rejected", reason="Another name.", reviewer=make_reviewer()
    )

    rows = {row["id"]: row for row in artist_api.get("/api/v1/me/enrollments/").json()["results"]}

    assert (rows[my_enrollment.pk]["verification"], rows[my_enrollment.pk]["verification_reason"]) == ("verified", "")
    assert (rows[unverified.pk]["verification"], rows[unverified.pk]["verification_reason"]) == (
        "rejected",
        "Another name.",
    )


# The reviewers' list.


@pytest.fixture
def queue(program):
    """Three pending enrollments in two programs, one verified, one unverified."""
    other_program = factories.ProgramFactory(slug="other-beta")
    pending = []
    for target in (program, program, other_program):
        enrollment = factories.EnrollmentFactory(program=target, verification=V.UNVERIFIED)
        give_evidence(enrollment)
        pending.append(enrollment)
    verified = factories.EnrollmentFactory(program=program)
    unverified = factories.EnrollmentFactory(program=program, verification=V.UNVERIFIED)
    return {"pending": pending, "verified": verified, "unverified": unverified}


def test_reviewers_list_pending_enrollments_with_their_evidence_and_handle_only(reviewer_api, queue):
    first = queue["pending"][0]
    evidence = give_evidence(first, note="A PDF", file=SimpleUploadedFile("mail.pdf", PDF))

    response = reviewer_api.get(REVIEW, {"verification": "pending"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [row["id"] for row in body["results"]] == [e.pk for e in queue["pending"][1:]] + [first.pk]
    row = body["results"][-1]
    assert set(row) == {"id", "program", "artist", "verification", "verification_reason", "evidence", "created_at"}
    assert (row["program"], row["artist"], row["verification"]) == (first.program.slug, first.artist.handle, "pending")
    assert [item["note"] for item in row["evidence"]] == ["Invitation email", "A PDF"]
    assert row["evidence"][1]["filename"] == "mail.pdf" and row["evidence"][1]["size"] == len(PDF)
    assert row["evidence"][1]["download_url"] == f"http://testserver/api/v1/evidence/{evidence.pk}/file/"


def test_without_a_filter_pending_come_first(reviewer_api, queue):
    rows = reviewer_api.get(REVIEW).json()["results"]

    assert [row["verification"] for row in rows] == ["pending"] * 3 + ["verified", "unverified"]


def test_the_list_filters_by_program_and_verification(reviewer_api, queue, program):
    by_program = reviewer_api.get(REVIEW, {"program": "other-beta"}).json()
    both = reviewer_api.get(REVIEW, {"program": program.slug, "verification": "verified"}).json()

    assert [row["id"] for row in by_program["results"]] == [queue["pending"][2].pk]
    assert [row["id"] for row in both["results"]] == [queue["verified"].pk]
    refused = reviewer_api.get(REVIEW, {"verification": "approved"})
    assert refused.status_code == 400
    assert list(refused.json()) == ["verification"]


def test_the_list_is_paged(reviewer_api, queue):
    first = reviewer_api.get(REVIEW, {"page_size": 2}).json()
    second = reviewer_api.get(REVIEW, {"page_size": 2, "page": 3}).json()

    assert (first["count"], len(first["results"])) == (5, 2)
    assert first["next"].endswith("page=2&page_size=2") and first["previous"] is None
    assert len(second["results"]) == 1 and second["next"] is None
    assert reviewer_api.get(REVIEW, {"page": 4, "page_size": 2}).status_code == 404
    assert reviewer_api.get(REVIEW, {"page": "last"}).json() == {"page": ["Use a whole number from 1."]}
    assert reviewer_api.get(REVIEW, {"page_size": 500}).status_code == 400


def test_the_list_takes_a_fixed_number_of_queries(reviewer_api, queue, django_assert_max_num_queries):
    for enrollment in queue["pending"]:
        give_evidence(enrollment, note="More")

    with django_assert_max_num_queries(6):
        assert reviewer_api.get(REVIEW).status_code == 200


def test_staff_without_the_permission_review_too(queue):
    assert client_for(factories.UserFactory(is_staff=True)).get(REVIEW).status_code == 200


@pytest.mark.parametrize("who", ["artist", "advocate", "program account"])
def test_anyone_else_is_refused_the_reviewers_endpoints(queue, who):
    user = {
        "artist": lambda: queue["pending"][0].artist.user,
        "advocate": lambda: factories.UserFactory(username="advocate"),
        "program account": lambda: factories.UserFactory(username="halcyon-labs"),
    }[who]()
    client = client_for(user)
    target = queue["pending"][0]

    assert client.get(REVIEW).status_code == 403
    assert client.post(decision_url(target), {"decision": "verified"}, format="json").status_code == 403
    assert client.post(f"{REVIEW}999999/verification/", {"decision": "verified"}, format="json").status_code == 403
    assert Enrollment.objects.get(pk=target.pk).verification == V.PENDING


def test_anonymous_is_asked_to_authenticate(api, queue):
    listing = api.get(REVIEW)
    decision = api.post(decision_url(queue["pending"][0]), {"decision": "verified"}, format="json")

    assert listing.status_code == decision.status_code == 401
    assert listing["WWW-Authenticate"] == "Token"


# Decisions.


def test_a_reviewer_verifies_and_gets_the_new_state(reviewer_api, queue):
    target = queue["pending"][0]

    response = reviewer_api.post(
        decision_url(target), {"decision": "verified", "reason": "On the list."}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["verification"], response.json()["verification_reason"]) == (
        target.pk,
        "verified",
        "On the list.",
    )
    decision = VerificationDecision.objects.get()
    assert (decision.decision, decision.reviewer.username) == ("verified", "union-rep")


def test_a_reviewer_rejects_with_a_reason_through_a_token(queue):
    token = Token.objects.create(user=make_reviewer())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.post(
        decision_url(queue["pending"][1]), {"decision": "rejected", "reason": "Not their address."}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["verification"] == "rejected"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"decision": "rejected"},
            {"reason": ["Give the reason for a rejection: the artist sees it and can send more."]},
        ),
        ({"decision": "pending"}, {"decision": ['"pending" is not a valid choice.']}),
        ({}, {"decision": ["This field is required."]}),
        ({"decision": "verified", "verified_by": 1}, {"verified_by": ["Unknown field."]}),
    ],
)
def test_a_bad_decision_answers_400_on_its_field(reviewer_api, queue, body, errors):
    target = queue["pending"][0]

    response = reviewer_api.post(decision_url(target), body, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert Enrollment.objects.get(pk=target.pk).verification == V.PENDING
    assert not VerificationDecision.objects.exists()


def test_deciding_without_evidence_or_twice_is_refused(reviewer_api, queue):
    no_evidence = reviewer_api.post(decision_url(queue["unverified"]), {"decision": "verified"}, format="json")
    reviewer_api.post(decision_url(queue["pending"][0]), {"decision": "verified"}, format="json")
    twice = reviewer_api.post(decision_url(queue["pending"][0]), {"decision": "verified"}, format="json")

    assert no_evidence.json() == {"decision": ["There is no evidence to review yet."]}
    assert twice.json() == {"decision": ["This enrollment is already verified."]}


def test_an_unknown_enrollment_is_not_found(reviewer_api, db):
    assert (
        reviewer_api.post(f"{REVIEW}999999/verification/", {"decision": "verified"}, format="json").status_code == 404
    )


# Evidence files.


@pytest.fixture
def pdf_evidence(unverified):
    return give_evidence(unverified, file=SimpleUploadedFile("Invitation.pdf", PDF))


def file_url(evidence) -> str:
    return f"/api/v1/evidence/{evidence.pk}/file/"


def test_the_artist_downloads_their_file_as_an_attachment(artist_api, pdf_evidence):
    response = artist_api.get(file_url(pdf_evidence), HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Invitation.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_reviewer_downloads_any_file(reviewer_api, pdf_evidence):
    assert reviewer_api.get(file_url(pdf_evidence)).status_code == 200


def test_nobody_else_downloads_a_file(api, pdf_evidence):
    assert api.get(file_url(pdf_evidence)).status_code == 401
    assert client_for(factories.ArtistFactory().user).get(file_url(pdf_evidence)).status_code == 404
    assert client_for(factories.UserFactory()).get(file_url(pdf_evidence)).status_code == 404


def test_evidence_without_a_file_or_an_unknown_id_is_not_found(artist_api, unverified):
    note_only = give_evidence(unverified)

    assert artist_api.get(file_url(note_only)).status_code == 404
    assert artist_api.get("/api/v1/evidence/999999/file/").json() == {"detail": "Not found."}
