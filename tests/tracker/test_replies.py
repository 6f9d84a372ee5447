"""The right of reply on the program page and in the admin: a representative posts and edits
replies below the figures; the page's figures are the same with or without a reply; each edit
keeps the earlier text, dated; staff hide an abusive reply with a reason, kept in the audit trail."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from programs.models import Representative
from tests import factories
from tests.api.stats_world import build_world
from tests.replies_world import build_reply_world
from tracker.models import AuditEvent, Reply
from tracker.services_replies import edit_reply, hide_reply, post_reply

pytestmark = pytest.mark.django_db

REPLIES_SECTION = re.compile(r'<section aria-labelledby="replies-heading".*?</section>', re.S)


@pytest.fixture
def world():
    return build_reply_world()


def page_url(program) -> str:
    return reverse("program", args=[program.slug])


def test_a_representative_posts_from_the_page_and_the_reply_is_shown_dated(client, world):
    client.force_login(world.representative)
    page = client.get(page_url(world.program))
    assert b"Reply as Halcyon Labs" in page.content

    response = client.post(
        reverse("reply-new", args=[world.program.slug]),
        {"finding": str(world.finding.pk), "body": "Our terms are published at example.org/terms."},
    )
    assert response.status_code == 302
    assert response["Location"] == page_url(world.program) + "#replies"
    reply = Reply.objects.get()
    assert reply.finding == world.finding and reply.author == world.representative

    html = client.get(page_url(world.program)).content.decode()
    section = REPLIES_SECTION.search(html).group()
    assert "Replies from Halcyon Labs" in section
    assert "Our terms are published at example.org/terms." in section
    assert "In reply to the finding <strong>Undefined terms</strong>" in section
    assert f"posted {timezone.localtime(reply.created_at):%-d %b %Y}" in section
    assert "Edit your reply" in section
    # The section comes after the figures and before the published terms.
    assert html.index("replies-heading") < html.index("terms-heading")


def test_the_form_refuses_with_messages(client, world):
    client.force_login(world.representative)
    new = reverse("reply-new", args=[world.program.slug])
    empty = client.post(new, {"finding": "", "body": "   "})
    assert empty.status_code == 400
    assert b"Write the reply." in empty.content
    too_long = client.post(new, {"finding": "", "body": "x" * 4001})
    assert too_long.status_code == 400 and b"4000 characters" in too_long.content
    other = client.post(new, {"finding": str(world.other_finding.pk), "body": "Hi"})
    assert other.status_code == 400 and b"Select a valid choice" in other.content
    assert not Reply.objects.exists()


@pytest.mark.parametrize("who", ["user", "other_representative", "staff"])
def test_no_form_and_no_post_for_anyone_else(client, world, who):
    client.force_login(getattr(world, who))
    assert b"reply-form" not in client.get(page_url(world.program)).content
    response = client.post(reverse("reply-new", args=[world.program.slug]), {"finding": "", "body": "Hi"})
    assert response.status_code == 403
    assert not Reply.objects.exists()


def test_anonymous_sees_no_form_and_is_sent_to_log_in(client, world):
    assert b"reply-form" not in client.get(page_url(world.program)).content
    response = client.post(reverse("reply-new", args=[world.program.slug]), {"finding": "", "body": "Hi"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_edits_keep_the_earlier_versions_with_their_dates(client, world):
    reply = post_reply(program=world.program, author=world.representative, body="First.")
    client.force_login(world.representative)
    edit = reverse("reply-edit", args=[world.program.slug, reply.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, {"body": "Second."}).status_code == 302
    reply = edit_reply(reply=reply, editor=world.representative, body="Third.")

    assert [r.body for r in reply.revisions.order_by("-written_at")] == ["Second.", "First."]
    assert reply.edited
    section = REPLIES_SECTION.search(client.get(page_url(world.program)).content.decode()).group()
    assert "Third." in section and "Earlier versions (2)" in section
    assert section.index("Second.") < section.index("First.")
    assert ", edited " in section
    # The public history shows texts and dates, never who edited.
    assert "halcyon_rep" not in section


def test_the_same_text_is_not_an_edit(world):
    reply = post_reply(program=world.program, author=world.representative, body="Same.")
    edit_reply(reply=reply, editor=world.representative, body="  Same. ")
    assert not reply.revisions.exists()


def test_a_reply_leaves_the_page_figures_unchanged(client, arithmetic_only):
    stats = build_world()
    world = build_reply_world(program=stats.program)
    before = client.get(page_url(stats.program)).content.decode()
    assert "Key figures" in before

    post_reply(program=stats.program, author=world.representative, body="These figures miss offline payments.")
    after = client.get(page_url(stats.program)).content.decode()

    assert "These figures miss offline payments." in after
    assert REPLIES_SECTION.sub("", after) == REPLIES_SECTION.sub("", before)


def test_a_hidden_reply_shows_the_reason_only(client, world):
    reply = post_reply(program=world.program, author=world.representative, body="Something abusive.")
    hide_reply(reply=reply, staff=world.staff, reason="Insults a tester.")
    html = client.get(page_url(world.program)).content.decode()
    assert "A reply was hidden by staff: Insults a tester." in html
    assert "Something abusive." not in html


def test_only_staff_hide_and_only_with_a_reason(world):
    from django.core.exceptions import PermissionDenied, ValidationError

    reply = post_reply(program=world.program, author=world.representative, body="Text.")
    with pytest.raises(PermissionDenied):
        hide_reply(reply=reply, staff=world.representative, reason="No.")
    with pytest.raises(ValidationError):
        hide_reply(reply=reply, staff=world.staff, reason="  ")
    reply.refresh_from_db()
    assert not reply.is_hidden


def test_the_database_refuses_a_hidden_reply_without_a_reason(world):
    reply = post_reply(program=world.program, author=world.representative, body="Text.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Reply.objects.filter(pk=reply.pk).update(hidden_at=timezone.now())


def test_staff_hide_in_the_admin_with_a_reason_and_the_trail_keeps_who(staff_client, world):
    reply = post_reply(program=world.program, author=world.representative, body="Abuse.")
    changelist = reverse("admin:tracker_reply_changelist")
    action = {"action": "hide_selected", ACTION_CHECKBOX_NAME: [reply.pk], "index": 0}

    staff_client.post(changelist, {**action, "reason": ""}, follow=True)
    reply.refresh_from_db()
    assert not reply.is_hidden

    response = staff_client.post(changelist, {**action, "reason": "Abusive language."}, follow=True)
    assert b"Hid 1 reply." in response.content
    reply.refresh_from_db()
    assert reply.hidden_reason == "Abusive language." and reply.hidden_by.username == "staffer"
    [update] = [e for e in AuditEvent.objects.tracks(reply) if e.pgh_label == "update"]
    assert update.pgh_context["user"] == reply.hidden_by.pk
    assert update.pgh_context["reason"] == "Abusive language."
    assert staff_client.get(reverse("admin:tracker_reply_change", args=[reply.pk])).status_code == 200


def test_staff_link_a_representative_in_the_organization_admin(staff_client, world):
    from tests.tracker.test_audit_trail import change_form_data

    user = factories.UserFactory(username="new_rep")
    organization = world.program.organization
    existing = Representative.objects.get(organization=organization)
    url = reverse("admin:programs_organization_change", args=[organization.pk])
    page = staff_client.get(url)
    data = change_form_data(page)
    data.update(
        {
            "representatives-TOTAL_FORMS": "2",
            "representatives-0-id": str(existing.pk),
            "representatives-0-organization": str(organization.pk),
            "representatives-0-user": str(existing.user_id),
            "representatives-1-organization": str(organization.pk),
            "representatives-1-user": str(user.pk),
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    linked = Representative.objects.get(user=user)
    assert linked.organization == organization and linked.created_by.username == "staffer"
