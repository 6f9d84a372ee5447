"""Attacks on the right of reply: a representative replying to another organization's finding
(or through another program's address), and a reply that would show who wrote or hid it.
A reply is signed by the organization only; its form, shown to a representative, never
reaches the figures' cached fragment that other visitors are served."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from tests.replies_world import build_reply_world
from tracker.models import Reply
from tracker.services_replies import edit_reply, hide_reply, post_reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_reply_world()


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_reply_cannot_answer_another_organizations_finding(world, client):
    # Through its own program's address with the other program's finding…
    response = api_as(world.representative).post(
        f"/api/v1/programs/{world.program.slug}/replies/",
        {"body": "About their terms…", "finding": world.other_finding.pk},
        format="json",
    )
    assert response.status_code == 400 and "finding" in response.json()
    # …through the other program's address…
    response = api_as(world.representative).post(
        f"/api/v1/programs/{world.other_program.slug}/replies/",
        {"body": "About their terms…", "finding": world.other_finding.pk},
        format="json",
    )
    assert response.status_code == 403
    # …through the page's form, and the service itself.
    client.force_login(world.representative)
    page = client.post(
        reverse("reply-new", args=[world.program.slug]), {"finding": str(world.other_finding.pk), "body": "x"}
    )
    assert page.status_code == 400
    with pytest.raises(ValidationError):
        post_reply(program=world.program, author=world.representative, body="x", finding_id=world.other_finding.pk)
    with pytest.raises(PermissionDenied):
        post_reply(program=world.other_program, author=world.representative, body="x")
    assert not Reply.objects.exists()


def test_a_reply_cannot_answer_a_finding_about_one_artists_record(world):
    # Those are public only as monthly aggregates: a reply naming one would point at an artist.
    with pytest.raises(ValidationError):
        post_reply(program=world.program, author=world.representative, body="x", finding_id=world.artist_flag.pk)


def test_a_reply_cannot_be_edited_through_another_programs_address(world):
    reply = post_reply(program=world.program, author=world.representative, body="Mine.")
    response = api_as(world.other_representative).patch(
        f"/api/v1/programs/{world.other_program.slug}/replies/{reply.pk}/", {"body": "Theirs."}, format="json"
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        edit_reply(reply=reply, editor=world.other_representative, body="Theirs.")


def test_a_reply_shows_only_the_organizations_name(world, client):
    world.representative.first_name, world.representative.last_name = "Rosa", "Quill"
    world.representative.email = "rosa.quill@halcyon.example"
    world.representative.save()
    reply = post_reply(program=world.program, author=world.representative, body="We disagree.")
    reply = edit_reply(reply=reply, editor=world.representative, body="We disagree, politely.")
    hidden = post_reply(program=world.program, author=world.representative, body="Rude.")
    hide_reply(reply=hidden, staff=world.staff, reason="Rude to a tester.")

    api = APIClient().get(f"/api/v1/programs/{world.program.slug}/replies/")
    page = client.get(reverse("program", args=[world.program.slug]))
    for text in (api.content.decode(), page.content.decode()):
        assert "Halcyon Labs" in text
        for secret in ("halcyon_rep", "Rosa", "Quill", "rosa.quill", "tracker_staff"):
            assert secret not in text
    for row in api.json()["results"]:
        assert not {"author", "user", "hidden_by", "editor"} & set(row)


def test_the_representatives_form_never_reaches_other_visitors(world, client):
    client.force_login(world.representative)
    assert b"reply-form" in client.get(reverse("program", args=[world.program.slug])).content
    client.logout()
    anonymous = client.get(reverse("program", args=[world.program.slug])).content
    assert b"reply-form" not in anonymous and b"csrfmiddlewaretoken" not in anonymous
