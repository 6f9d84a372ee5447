"""GET/POST /api/v1/programs/{slug}/replies/ and PATCH …/replies/{id}/: anyone reads; only a
representative of the organization that runs the program posts (401 anonymous, 403 for every
other account, staff included); only the author edits; hidden replies are a stub with the
reason; a reply leaves the program's figures byte-identical."""

import pytest
from rest_framework.test import APIClient

from tests.api.stats_world import build_world
from tests.replies_world import build_reply_world, open_finding
from tracker.models import Reply
from tracker.services_replies import hide_reply, post_reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_reply_world()


def url(program, pk=None) -> str:
    base = f"/api/v1/programs/{program.slug}/replies/"
    return f"{base}{pk}/" if pk else base


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_anonymous_may_read_but_not_post(world):
    assert client_for().get(url(world.program)).status_code == 200
    response = client_for().post(url(world.program), {"body": "Hello"}, format="json")
    assert response.status_code == 401
    assert "WWW-Authenticate" in response
    assert not Reply.objects.exists()


@pytest.mark.parametrize("who", ["user", "other_representative", "staff"])
def test_only_the_organizations_representative_may_post(world, who):
    response = client_for(getattr(world, who)).post(url(world.program), {"body": "We pay on time."}, format="json")
    assert response.status_code == 403
    assert "representative" in response.json()["detail"]
    assert not Reply.objects.exists()


def test_the_representative_posts_a_reply_to_the_figures(world):
    response = client_for(world.representative).post(
        url(world.program), {"body": "  We pay within 30 days.  "}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["body"] == "We pay within 30 days."
    assert body["organization"] == "Halcyon Labs"
    assert body["finding"] is None and body["visibility"] == "visible" and body["revisions"] == []
    assert "author" not in body and "halcyon_rep" not in response.content.decode()
    listed = client_for().get(url(world.program)).json()
    assert [reply["id"] for reply in listed["results"]] == [body["id"]]


def test_a_reply_to_an_open_program_level_finding(world):
    response = client_for(world.representative).post(
        url(world.program), {"body": "Our terms are on our site.", "finding": world.finding.pk}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["finding"] == world.finding.pk
    assert response.json()["finding_kind"] == "undefined_terms"


@pytest.mark.parametrize("which", ["other_finding", "artist_flag", "resolved", "missing"])
def test_a_reply_only_to_an_open_program_level_finding_of_this_program(world, which):
    if which == "resolved":
        world.finding.resolved_at = world.finding.raised_at
        world.finding.save()
        finding_id = world.finding.pk
    elif which == "missing":
        finding_id = 10**9
    else:
        finding_id = getattr(world, which).pk
    response = client_for(world.representative).post(
        url(world.program), {"body": "A reply.", "finding": finding_id}, format="json"
    )
    assert response.status_code == 400
    assert "finding" in response.json()
    assert not Reply.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [({}, "body"), ({"body": "   "}, "body"), ({"body": "x" * 4001}, "body"), ({"body": "Hi", "author": 3}, "author")],
)
def test_bad_bodies_answer_400_with_field_messages(world, data, field):
    response = client_for(world.representative).post(url(world.program), data, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_an_unknown_or_unlisted_program_is_404(world):
    world.other_program.is_listed = False
    world.other_program.save()
    assert client_for().get("/api/v1/programs/nope/replies/").status_code == 404
    assert client_for(world.other_representative).post(url(world.other_program), {"body": "x"}).status_code == 404


def test_the_author_edits_and_the_old_text_stays_public(world):
    reply = post_reply(program=world.program, author=world.representative, body="First text.")
    response = client_for(world.representative).patch(url(world.program, reply.pk), {"body": "Second."}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["body"] == "Second." and body["edited"] is True
    assert [revision["body"] for revision in body["revisions"]] == ["First text."]
    assert set(body["revisions"][0]) == {"body", "written_at", "replaced_at"}


@pytest.mark.parametrize("who", ["user", "other_representative", "staff", "second_representative"])
def test_nobody_else_edits_a_reply(world, who):
    from programs.models import Representative
    from tests import factories

    reply = post_reply(program=world.program, author=world.representative, body="Mine.")
    if who == "second_representative":
        editor = factories.UserFactory()
        Representative.objects.create(user=editor, organization=world.program.organization)
    else:
        editor = getattr(world, who)
    response = client_for(editor).patch(url(world.program, reply.pk), {"body": "Theirs."}, format="json")
    assert response.status_code == 403
    reply.refresh_from_db()
    assert reply.body == "Mine." and not reply.revisions.exists()


def test_an_author_no_longer_representing_may_not_edit(world):
    reply = post_reply(program=world.program, author=world.representative, body="Mine.")
    world.representative.representing.all().delete()
    response = client_for(world.representative).patch(url(world.program, reply.pk), {"body": "New"}, format="json")
    assert response.status_code == 403


def test_a_hidden_reply_is_a_stub_with_the_reason(world):
    reply = post_reply(program=world.program, author=world.representative, body="Something abusive.")
    hide_reply(reply=reply, staff=world.staff, reason="Insults a tester.")
    [listed] = client_for().get(url(world.program)).json()["results"]
    assert listed["visibility"] == "hidden"
    assert listed["body"] is None and listed["revisions"] == []
    assert listed["hidden_reason"] == "Insults a tester."
    assert "abusive" not in client_for().get(url(world.program)).content.decode()
    response = client_for(world.representative).patch(url(world.program, reply.pk), {"body": "x"}, format="json")
    assert response.status_code == 400


def test_the_list_is_paginated(world):
    for n in range(3):
        post_reply(program=world.program, author=world.representative, body=f"Reply {n}")
    page = client_for().get(url(world.program), {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2
    assert client_for().get(url(world.program), {"page": "x"}).status_code == 400


def test_posting_a_reply_leaves_the_stats_byte_identical(arithmetic_only):
    stats = build_world()
    world = build_reply_world(program=stats.program)
    finding = open_finding(stats.program, kind="mass_revocation")
    stats_url = f"/api/v1/stats/programs/{stats.program.slug}/"
    before = client_for().get(stats_url)
    assert before.status_code == 200

    response = client_for(world.representative).post(
        url(stats.program), {"body": "These figures miss our offline payments.", "finding": finding.pk}, format="json"
    )
    assert response.status_code == 201
    after = client_for().get(stats_url)

    assert after["ETag"] == before["ETag"]
    assert after.content == before.content
    assert client_for().get(stats_url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
