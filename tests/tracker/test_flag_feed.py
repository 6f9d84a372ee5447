import datetime as dt

import pytest
from django.utils import timezone

from programs.services import revoke_access
from tests import factories
from tracker.models import Flag, Follow
from tracker.services import run_scan


@pytest.fixture
def revoked_world(db, settings):
    """A program of 5 artists, two revoked without a reason; one of them opted in to a public name."""
    settings.MIN_GROUP_SIZE = 5
    program = factories.ProgramFactory(name="Moving Pictures Preview", slug="moving-pictures")
    enrollments = [factories.EnrollmentFactory(program=program) for _ in range(5)]
    named = enrollments[0].artist
    named.public_name, named.show_public_name = "Ada Lovelace", True
    named.save()
    quiet = enrollments[1].artist
    quiet.public_name = "Secret Person"
    quiet.save()
    when = timezone.now() - dt.timedelta(days=2)
    for enrollment in enrollments[:2]:
        revoke_access(enrollment=enrollment, occurred_at=when)
    run_scan(rules=["revoked_without_reason"], trigger="command")
    return program, named, quiet


def test_feed_lists_flags_and_names_only_artists_who_opted_in(client, revoked_world):
    program, named, quiet = revoked_world

    page = client.get("/flags/").content.decode()

    assert page.count("Revoked without a reason") >= 2
    assert "Ada Lovelace" in page
    assert "Secret Person" not in page and quiet.handle not in page and named.handle not in page
    assert "a tester (not named)" in page
    assert "Last scan" in page


def test_feed_hides_flags_about_one_artist_in_a_small_program(client, db, settings):
    settings.MIN_GROUP_SIZE = 5
    small = factories.ProgramFactory(name="Tiny Beta")
    enrollment = factories.EnrollmentFactory(program=small)
    revoke_access(enrollment=enrollment, occurred_at=timezone.now() - dt.timedelta(days=1))
    run_scan(rules=["revoked_without_reason"])

    assert Flag.objects.filter(program=small).exists()
    response = client.get("/flags/")
    assert not response.context["page"].object_list
    assert "No flags match" in response.content.decode()


def test_feed_filters_by_program_kind_and_state(client, revoked_world):
    program, *_ = revoked_world
    other = factories.ProgramFactory(name="Other Program", responsible_use_definition="")
    run_scan(rules=["undefined_terms"])

    by_program = client.get("/flags/", {"program": program.slug}).context["page"].object_list
    assert {f.program_id for f in by_program} == {program.pk}
    by_kind = client.get("/flags/", {"kind": "undefined_terms"}).context["page"].object_list
    assert {f.kind for f in by_kind} == {"undefined_terms"} and other.pk in {f.program_id for f in by_kind}
    assert not client.get("/flags/", {"state": "resolved"}).context["page"].object_list


@pytest.mark.parametrize(
    "query", [{"since": "yesterday"}, {"kind": "bogus"}, {"program": "no-such-program"}, {"state": "maybe"}]
)
def test_bad_filters_answer_400_with_a_message(client, revoked_world, query):
    response = client.get("/flags/", query)

    assert response.status_code == 400
    assert "These filters are not valid" in response.content.decode()


def test_since_after_until_is_refused(client, revoked_world):
    response = client.get("/flags/", {"since": "2026-05-02", "until": "2026-05-01"})

    assert response.status_code == 400
    assert "before the" in response.content.decode()


def test_following_a_program_needs_a_login_and_a_post(client, revoked_world):
    program, *_ = revoked_world

    assert client.get(f"/programs/{program.slug}/follow/").status_code in (302, 405)
    response = client.post(f"/programs/{program.slug}/follow/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Follow.objects.exists()


def test_an_advocate_follows_and_unfollows_a_program(client, revoked_world):
    program, *_ = revoked_world
    advocate = factories.UserFactory(username="advocate")
    client.force_login(advocate)

    client.post(f"/programs/{program.slug}/follow/")
    assert Follow.objects.filter(user=advocate, program=program).exists()
    assert "Stop following" in client.get("/flags/", {"program": program.slug}).content.decode()

    client.post(f"/programs/{program.slug}/follow/", {"action": "unfollow"})
    assert not Follow.objects.filter(user=advocate).exists()


def test_an_unlisted_program_cannot_be_followed(client, db):
    hidden = factories.ProgramFactory(is_listed=False)
    client.force_login(factories.UserFactory())

    assert client.post(f"/programs/{hidden.slug}/follow/").status_code == 404


def test_feed_pages_through_many_flags_in_few_queries(client, db, django_assert_max_num_queries, settings):
    settings.MIN_GROUP_SIZE = 1
    program = factories.ProgramFactory()
    for _ in range(60):
        factories.ContributionFactory(
            enrollment=factories.EnrollmentFactory(program=program),
            kind="promotion",
            requested_by_program=True,
        )
    run_scan(rules=["uncompensated_promotion"])

    with django_assert_max_num_queries(10):
        first = client.get("/flags/")
    assert len(first.context["page"].object_list) == 50
    second = client.get("/flags/", {"page": 2})
    assert len(second.context["page"].object_list) == 10
