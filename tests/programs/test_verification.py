"""Verification: the artist's evidence, a reviewer's decision on it, and the evidence leaving
with the enrollment or the artist. Files are judged by their content, not their names."""

import os
import stat
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from artists.services import ERASED_TEXT, erase_artist
from programs import services
from programs.evidence import MAX_FILE_BYTES, evidence_storage
from programs.models import Enrollment, EnrollmentEvidence, VerificationDecision
from tests import factories

pytestmark = pytest.mark.django_db

V = Enrollment.Verification
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
EML = b"From: Frontier Labs <access@frontier.example>\r\nSubject: Your early access\r\n\r\nWelcome aboard.\r\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 40


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


def stored_files(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    # The browser's claimed type is ignored: only the name and the first bytes count.
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_reviewer(**kwargs):
    user = factories.UserFactory(**kwargs)
    user.user_permissions.add(Permission.objects.get(codename="verify_enrollment", content_type__app_label="programs"))
    return user


@pytest.fixture
def unverified(db):
    return factories.EnrollmentFactory(verification=V.UNVERIFIED)


@pytest.fixture
def pending(unverified):
    services.attach_evidence(enrollment=unverified, note="Invitation email", uploaded_by=unverified.artist.user)
    return unverified


# Attaching evidence.


@pytest.mark.parametrize("state", [V.UNVERIFIED, V.REJECTED])
def test_evidence_on_an_unverified_or_rejected_enrollment_asks_for_review(state):
    enrollment = factories.EnrollmentFactory(verification=state)

    evidence = services.attach_evidence(
        enrollment=enrollment, note="  The invitation email of 12 March  ", uploaded_by=enrollment.artist.user
    )

    assert (evidence.note, evidence.file.name, evidence.size) == ("The invitation email of 12 March", "", 0)
    assert evidence.uploaded_by == enrollment.artist.user
    assert enrollment.verification == V.PENDING
    assert Enrollment.objects.get(pk=enrollment.pk).verification == V.PENDING


@pytest.mark.parametrize("state", [V.PENDING, V.VERIFIED])
def test_more_evidence_leaves_a_pending_or_verified_enrollment_as_it_is(state):
    enrollment = factories.EnrollmentFactory(verification=state)

    services.attach_evidence(enrollment=enrollment, note="A screenshot", uploaded_by=enrollment.artist.user)

    assert Enrollment.objects.get(pk=enrollment.pk).verification == state


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("invitation.pdf", PDF, "application/pdf"),
        ("Screenshot 2026-03-12.PNG", PNG, "image/png"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("notes.txt", "Zugang erhalten am 12. März — merci.\n".encode(), "text/plain"),
        ("notes-latin1.txt", "Accès accordé le 12 mars.\n".encode("latin-1"), "text/plain"),
        ("welcome.eml", EML, "message/rfc822"),
    ],
)
def test_a_file_is_stored_privately_with_the_type_its_content_shows(
    unverified, evidence_root, name, content, content_type
):
    evidence = services.attach_evidence(
        enrollment=unverified, note="Proof", file=upload(name, content), uploaded_by=unverified.artist.user
    )

    evidence.refresh_from_db()
    assert (evidence.original_filename, evidence.content_type, evidence.size) == (name, content_type, len(content))
    folder, stored_name = evidence.file.name.split("/")
    assert folder == str(unverified.pk) and len(stored_name) == 32 and name not in evidence.file.name
    path = evidence_root / evidence.file.name
    assert path.read_bytes() == content
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with pytest.raises(ValueError, match="no public address"):
        _ = evidence.file.url


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("invitation.docx", b"PK\x03\x04rest", "is not a PDF, PNG, JPEG, plain text (.txt) or email (.eml) file"),
        ("invitation", PDF, "is not a PDF, PNG, JPEG"),
        ("screenshot.pdf", PNG, "This file's content is not a PDF, whatever its name says."),
        ("invitation.png", PDF, "This file's content is not a PNG image"),
        ("photo.jpg", PNG, "This file's content is not a JPEG image"),
        ("readme.txt", EXE, "This file's content is not plain text"),
        ("readme.txt", PDF, "This file's content is not plain text"),
        ("readme.txt", bytes(range(256)) * 4, "This file's content is not plain text"),
        ("welcome.eml", b"Hello, this is not an email at all.\n", "This file's content is not an email (.eml)"),
        ("empty.pdf", b"", "This file is empty."),
        ("huge.pdf", b"%PDF-" + b"0" * MAX_FILE_BYTES, "This file is 5.1 MB, over the 5 MB limit for evidence files."),
    ],
)
def test_a_wrong_file_is_refused_on_its_field_and_nothing_is_written(unverified, evidence_root, name, content, message):
    with pytest.raises(ValidationError) as refused:
        services.attach_evidence(
            enrollment=unverified, note="Proof", file=upload(name, content), uploaded_by=unverified.artist.user
        )

    assert list(refused.value.message_dict) == ["file"]
    assert message in refused.value.message_dict["file"][0]
    assert not EnrollmentEvidence.objects.exists()
    assert stored_files(evidence_root) == []
    assert Enrollment.objects.get(pk=unverified.pk).verification == V.UNVERIFIED


def test_a_file_just_over_the_limit_is_refused_and_one_at_the_limit_is_not(unverified):
    at_limit = b"%PDF-" + b"0" * (MAX_FILE_BYTES - 5)
    over = at_limit + b"0"

    services.attach_evidence(
        enrollment=unverified, note="Contract", file=upload("a.pdf", at_limit), uploaded_by=unverified.artist.user
    )
    with pytest.raises(ValidationError, match="over the 5 MB limit"):
        services.attach_evidence(
            enrollment=unverified, note="Contract", file=upload("b.pdf", over), uploaded_by=unverified.artist.user
        )


def test_a_blank_note_is_refused_with_the_files_problem_too(unverified, evidence_root):
    with pytest.raises(ValidationError) as refused:
        services.attach_evidence(
            enrollment=unverified, note="   ", file=upload("x.exe", EXE), uploaded_by=unverified.artist.user
        )

    assert set(refused.value.message_dict) == {"note", "file"}
    assert refused.value.message_dict["note"] == [
        "Say what this evidence shows, for example “The invitation email of 12 March”."
    ]
    assert stored_files(evidence_root) == []


def test_when_the_row_cannot_be_written_the_file_does_not_stay(unverified, evidence_root, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise ValidationError({"note": "Refused by the database."})

    monkeypatch.setattr(EnrollmentEvidence, "full_clean", refuse)

    with pytest.raises(ValidationError):
        services.attach_evidence(
            enrollment=unverified, note="Proof", file=upload("a.pdf", PDF), uploaded_by=unverified.artist.user
        )

    assert stored_files(evidence_root) == []
    assert not EnrollmentEvidence.objects.exists()
    assert Enrollment.objects.get(pk=unverified.pk).verification == V.UNVERIFIED


def test_an_enrollment_holds_at_most_twenty_pieces_of_evidence(unverified):
    for n in range(20):
        services.attach_evidence(enrollment=unverified, note=f"Proof {n}", uploaded_by=unverified.artist.user)

    with pytest.raises(ValidationError, match="already has 20 pieces of evidence"):
        services.attach_evidence(enrollment=unverified, note="One more", uploaded_by=unverified.artist.user)


# Deciding.


def test_a_reviewer_with_the_permission_verifies_and_the_decision_is_recorded(pending):
    reviewer = make_reviewer(username="union-rep")

    record = services.decide_verification(enrollment=pending, decision="verified", reason="", reviewer=reviewer)

    pending.refresh_from_db()
    assert (pending.verification, pending.verified_by, pending.verification_reason) == (V.VERIFIED, reviewer, "")
    assert pending.verification_decided_at == record.decided_at
    assert list(VerificationDecision.objects.values_list("decision", "reviewer__username")) == [
        ("verified", "union-rep")
    ]


def test_staff_may_decide_without_the_permission(pending):
    staff = factories.UserFactory(is_staff=True)

    services.decide_verification(
        enrollment=pending, decision="rejected", reason="The email is not from them.", reviewer=staff
    )

    pending.refresh_from_db()
    assert (pending.verification, pending.verification_reason) == (V.REJECTED, "The email is not from them.")


@pytest.mark.parametrize("who", ["artist", "other user", "inactive reviewer", "anonymous"])
def test_anyone_else_is_refused_and_nothing_changes(pending, who):
    from django.contrib.auth.models import AnonymousUser

    user = {
        "artist": lambda: pending.artist.user,
        "other user": lambda: factories.UserFactory(),
        "inactive reviewer": lambda: make_reviewer(is_active=False),
        "anonymous": AnonymousUser,
    }[who]()

    with pytest.raises(PermissionDenied):
        services.decide_verification(enrollment=pending, decision="verified", reason="", reviewer=user)

    assert Enrollment.objects.get(pk=pending.pk).verification == V.PENDING
    assert not VerificationDecision.objects.exists()


def test_a_rejection_needs_a_reason(pending):
    with pytest.raises(ValidationError) as refused:
        services.decide_verification(enrollment=pending, decision="rejected", reason="  ", reviewer=make_reviewer())

    assert refused.value.message_dict == {
        "reason": ["Give the reason for a rejection: the artist sees it and can send more."]
    }
    assert Enrollment.objects.get(pk=pending.pk).verification == V.PENDING
    assert not VerificationDecision.objects.exists()


@pytest.mark.parametrize(
    ("decision", "message"),
    [("pending", "Decide verified or rejected."), ("unverified", "Decide verified or rejected.")],
)
def test_only_verified_or_rejected_can_be_decided(pending, decision, message):
    with pytest.raises(ValidationError) as refused:
        services.decide_verification(enrollment=pending, decision=decision, reason="x", reviewer=make_reviewer())

    assert refused.value.message_dict == {"decision": [message]}


def test_there_must_be_evidence_to_decide_on(unverified):
    with pytest.raises(ValidationError, match="There is no evidence to review yet."):
        services.decide_verification(enrollment=unverified, decision="verified", reviewer=make_reviewer())


def test_a_reviewer_cannot_verify_their_own_enrollment(db):
    reviewer = make_reviewer(is_staff=True)
    own = factories.EnrollmentFactory(artist__user=reviewer, verification=V.UNVERIFIED)
    services.attach_evidence(enrollment=own, note="Trust me", uploaded_by=reviewer)

    with pytest.raises(ValidationError, match="You cannot review your own enrollment."):
        services.decide_verification(enrollment=own, decision="verified", reviewer=reviewer)


def test_a_rejected_artist_sends_more_and_is_verified_the_second_time(pending):
    reviewer = make_reviewer()
    services.decide_verification(enrollment=pending, decision="rejected", reason="Unreadable.", reviewer=reviewer)
    with pytest.raises(ValidationError, match="already rejected"):
        services.decide_verification(enrollment=pending, decision="rejected", reason="Again.", reviewer=reviewer)

    services.attach_evidence(enrollment=pending, note="A clearer copy", uploaded_by=pending.artist.user)
    assert Enrollment.objects.get(pk=pending.pk).verification == V.PENDING
    services.decide_verification(enrollment=pending, decision="verified", reviewer=reviewer)

    assert list(pending.verification_decisions.values_list("decision", flat=True)) == ["rejected", "verified"]
    assert Enrollment.objects.get(pk=pending.pk).verification == V.VERIFIED


# Evidence leaves with the enrollment or the artist.


def attach_file(enrollment, name="a.pdf", content=PDF):
    return services.attach_evidence(
        enrollment=enrollment, note="Proof", file=upload(name, content), uploaded_by=enrollment.artist.user
    )


def test_removing_a_program_from_the_ledger_removes_its_evidence_files(
    unverified, evidence_root, django_capture_on_commit_callbacks
):
    other = factories.EnrollmentFactory(verification=V.UNVERIFIED)
    attach_file(unverified)
    attach_file(unverified, "b.png", PNG)
    kept = attach_file(other)
    # A file whose write was interrupted before its row was saved is removed as well.
    evidence_storage().save(f"{unverified.pk}/leftover", upload("leftover.pdf", PDF))

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_enrollment(enrollment=unverified)

    assert stored_files(evidence_root) == [kept.file.name]
    assert not (evidence_root / str(unverified.pk)).exists()
    assert list(EnrollmentEvidence.objects.all()) == [kept]


def test_a_rolled_back_deletion_keeps_the_files(unverified, evidence_root, django_capture_on_commit_callbacks):
    evidence = attach_file(unverified)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.delete_enrollment(enrollment=unverified)

    assert callbacks  # run only on commit
    assert stored_files(evidence_root) == [evidence.file.name]


def test_erasing_an_artist_removes_their_evidence_and_keeps_their_verification(
    evidence_root, django_capture_on_commit_callbacks
):
    artist = factories.ArtistFactory()
    first = factories.EnrollmentFactory(artist=artist, verification=V.UNVERIFIED)
    second = factories.EnrollmentFactory(artist=artist, verification=V.UNVERIFIED)
    attach_file(first)
    attach_file(second, "mail.eml", EML)
    reviewer = make_reviewer()
    services.decide_verification(enrollment=first, decision="verified", reason="Matches the list.", reviewer=reviewer)
    services.decide_verification(
        enrollment=second, decision="rejected", reason="Names another person.", reviewer=reviewer
    )
    someone_else = attach_file(factories.EnrollmentFactory(verification=V.UNVERIFIED))

    with django_capture_on_commit_callbacks(execute=True):
        erase_artist(artist=artist)

    assert stored_files(evidence_root) == [someone_else.file.name]
    assert list(EnrollmentEvidence.objects.all()) == [someone_else]
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.verification, first.verification_reason) == (V.VERIFIED, ERASED_TEXT)
    assert (second.verification, second.verification_reason) == (V.REJECTED, ERASED_TEXT)
    assert set(VerificationDecision.objects.values_list("reason", flat=True)) == {ERASED_TEXT}


def test_an_artist_deleted_outright_takes_their_files_too(
    unverified, evidence_root, django_capture_on_commit_callbacks
):
    attach_file(unverified)

    with django_capture_on_commit_callbacks(execute=True):
        unverified.artist.delete()

    assert stored_files(evidence_root) == []


# The artist's pages.


def evidence_page(enrollment) -> str:
    return reverse("ledger-evidence", args=[enrollment.pk])


def test_the_evidence_page_says_why_and_takes_a_note_and_a_file(client, unverified):
    client.force_login(unverified.artist.user)

    page = client.get(evidence_page(unverified))

    assert page.status_code == 200
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html
    assert "Only verified testers count in the public figures" in html
    assert "The program never sees your evidence. Only the tracker's reviewers do" in html


def test_sending_evidence_takes_the_artist_back_to_the_program_pending(client, unverified, evidence_root):
    client.force_login(unverified.artist.user)

    response = client.post(
        evidence_page(unverified),
        {"note": "The invitation email", "file": upload("invitation.pdf", PDF)},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("ledger-enrollment", args=[unverified.pk]), 302)]
    html = response.content.decode()
    assert "Thank you: a reviewer will look at your evidence." in html
    assert "Pending review" in html and "invitation.pdf" in html
    evidence = EnrollmentEvidence.objects.get()
    assert reverse("evidence-file", args=[evidence.pk]) in html
    assert (evidence.uploaded_by, evidence.content_type) == (unverified.artist.user, "application/pdf")
    assert stored_files(evidence_root) == [evidence.file.name]


def test_a_wrong_file_is_shown_on_its_field_and_nothing_is_written(client, unverified, evidence_root):
    client.force_login(unverified.artist.user)

    page = client.post(evidence_page(unverified), {"note": "Proof", "file": upload("proof.pdf", PNG)})

    assert page.status_code == 200
    assert page.context["form"].errors == {
        "file": [
            "This file's content is not a PDF, whatever its name says. "
            "Attach a PDF, PNG, JPEG, plain text (.txt) or email (.eml) file."
        ]
    }
    assert not EnrollmentEvidence.objects.exists() and stored_files(evidence_root) == []


def test_another_artists_evidence_page_is_not_found(client, unverified):
    client.force_login(factories.ArtistFactory().user)

    assert client.get(evidence_page(unverified)).status_code == 404
    assert client.post(evidence_page(unverified), {"note": "Mine now"}).status_code == 404
    assert not EnrollmentEvidence.objects.exists()


def test_the_program_page_shows_the_state_the_reason_and_the_evidence(client, pending):
    services.decide_verification(
        enrollment=pending, decision="rejected", reason="The email names someone else.", reviewer=make_reviewer()
    )
    client.force_login(pending.artist.user)

    html = client.get(reverse("ledger-enrollment", args=[pending.pk])).content.decode()

    assert "Rejected" in html and "The email names someone else." in html
    assert "Invitation email" in html and "Add more evidence" in html
    assert evidence_page(pending) in html


def test_the_ledger_overview_shows_each_programs_verification(client, db):
    artist = factories.ArtistFactory()
    factories.EnrollmentFactory(artist=artist, program__name="Verified Beta")
    factories.EnrollmentFactory(artist=artist, program__name="Pending Beta", verification=V.PENDING)
    client.force_login(artist.user)

    html = client.get(reverse("ledger")).content.decode()

    assert '<th scope="col">Verification</th>' in html
    assert ">Verified</span>" in html and ">Pending review</span>" in html


def test_the_owner_downloads_their_file_as_an_attachment(client, unverified):
    evidence = attach_file(unverified, "Einladung März.pdf")
    client.force_login(unverified.artist.user)

    response = client.get(reverse("evidence-file", args=[evidence.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Einladung%20M%C3%A4rz.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_a_reviewer_downloads_the_file_and_nobody_else_does(client, unverified):
    evidence = attach_file(unverified)
    url = reverse("evidence-file", args=[evidence.pk])

    assert client.get(url).status_code == 302  # to the login page
    client.force_login(factories.ArtistFactory().user)
    assert client.get(url).status_code == 404
    client.force_login(make_reviewer())
    assert client.get(url).status_code == 200


# The admin's verification queue.

QUEUE = "/admin/programs/enrollmentreview/"


@pytest.fixture
def reviewer_client(client):
    """A staff account that is not a superuser and holds only the verify_enrollment permission."""
    client.force_login(make_reviewer(username="union-rep", is_staff=True))
    return client


def admin_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_reviewer_finds_the_queue_and_nothing_else_in_the_admin(reviewer_client, pending):
    index = reviewer_client.get("/admin/")

    assert index.status_code == 200
    assert "Verification queue" in index.content.decode()
    assert [model["object_name"] for app in index.context["app_list"] for model in app["models"]] == [
        "EnrollmentReview"
    ]
    assert reviewer_client.get("/admin/programs/enrollment/").status_code == 403
    assert reviewer_client.get("/admin/artists/artist/").status_code == 403


def test_the_queue_lists_pending_first_and_filters(reviewer_client, pending, db):
    verified = factories.EnrollmentFactory()
    later = factories.EnrollmentFactory(verification=V.UNVERIFIED)
    services.attach_evidence(enrollment=later, note="Later", uploaded_by=later.artist.user)

    listing = reviewer_client.get(QUEUE)
    only_verified = reviewer_client.get(QUEUE, {"verification__exact": "verified"})

    assert list(listing.context["cl"].result_list) == [pending, later, verified]
    assert list(only_verified.context["cl"].result_list) == [verified]
    assert [choice[0] for choice in listing.context["action_form"].fields["action"].choices][1:] == [
        "verify_selected",
        "reject_selected",
    ]


def test_the_queue_page_shows_the_evidence_with_a_checked_download(reviewer_client, pending):
    evidence = attach_file(pending, "mail.pdf")

    page = reviewer_client.get(f"{QUEUE}{pending.pk}/change/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Invitation email" in html
    assert f'<a href="/me/evidence/{evidence.pk}/file/">mail.pdf</a>' in html
    assert reviewer_client.get(f"/me/evidence/{evidence.pk}/file/").status_code == 200


def test_verify_selected_verifies_through_the_service(reviewer_client, pending):
    response = reviewer_client.post(
        QUEUE, {"action": "verify_selected", "_selected_action": [pending.pk], "reason": ""}, follow=True
    )

    assert "Verified 1 enrollment(s)." in admin_messages(response)
    pending.refresh_from_db()
    assert (pending.verification, pending.verified_by.username) == (V.VERIFIED, "union-rep")
    assert pending.verification_decisions.get().decision == "verified"


def test_reject_selected_needs_the_reason_box(reviewer_client, pending):
    data = {"action": "reject_selected", "_selected_action": [pending.pk]}

    blank = reviewer_client.post(QUEUE, {**data, "reason": ""}, follow=True)
    assert Enrollment.objects.get(pk=pending.pk).verification == V.PENDING
    assert admin_messages(blank) == [
        f"Not decided ({pending}): Give the reason for a rejection: the artist sees it and can send more."
    ]

    reviewer_client.post(QUEUE, {**data, "reason": "The email is addressed to someone else."})
    pending.refresh_from_db()
    assert (pending.verification, pending.verification_reason) == (
        V.REJECTED,
        "The email is addressed to someone else.",
    )


def test_staff_without_the_permission_and_non_staff_with_it(client, pending):
    client.force_login(factories.UserFactory(is_staff=True))
    assert client.get(QUEUE).status_code == 200

    client.force_login(make_reviewer(is_staff=False))
    assert client.get(QUEUE).status_code == 302  # the admin is for staff accounts


def test_the_enrollment_admin_shows_and_filters_verification(staff_client, pending):
    listing = staff_client.get("/admin/programs/enrollment/", {"verification__exact": "pending"})
    change = staff_client.get(f"/admin/programs/enrollment/{pending.pk}/change/")

    assert list(listing.context["cl"].result_list) == [pending]
    assert "Pending review" in change.content.decode()


# The demo world.


def test_the_demo_world_is_mostly_verified_with_a_few_pending_and_one_for_the_demo_artist(db):
    from django.core.management import call_command

    from tracker import demo

    call_command("seed_demo", "--scale=0.1", "--no-progress", stdout=StringIO())

    enrollments = Enrollment.objects.all()
    pending = enrollments.filter(verification=V.PENDING)
    assert set(enrollments.values_list("verification", flat=True)) == {V.VERIFIED, V.PENDING}
    assert 0 < pending.count() <= 0.12 * enrollments.count()
    assert pending.filter(program__slug=demo.INCIDENT_SLUG).count() >= 5
    assert list(
        Enrollment.objects.filter(artist__handle=demo.DEMO_ARTIST, verification=V.PENDING).values_list(
            "program__slug", flat=True
        )
    ) == [demo.FAIR_SLUG]
    # Every tester gave a note; every verified one has its decision, after the evidence.
    assert EnrollmentEvidence.objects.count() == enrollments.count()
    assert not EnrollmentEvidence.objects.exclude(file="").exists()
    assert not pending.filter(verification_decisions__isnull=False).exists()
    for enrollment in enrollments.filter(verification=V.VERIFIED).prefetch_related(
        "evidence", "verification_decisions"
    ):
        (evidence,), (decision,) = enrollment.evidence.all(), enrollment.verification_decisions.all()
        assert evidence.uploaded_at <= decision.decided_at == enrollment.verification_decided_at <= timezone.now()
