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
    return program, named, quiet, enrollments


def revoke_all(enrollments, when):
    for enrollment in enrollments:
        revoke_access(enrollment=enrollment, occurred_at=when)
    run_scan(rules=["revoked_without_reason"])


def test_feed_shows_findings_about_artists_as_a_monthly_count_and_never_names_them(client, revoked_world):
    program, named, quiet, enrollments = revoked_world
    revoke_all(enrollments[2:], timezone.now() - dt.timedelta(days=2))

    response = client.get("/flags/")

    page = response.content.decode()
    (finding,) = response.context["findings"]
    month = f"{timezone.now() - dt.timedelta(days=2):%Y-%m}"
    assert (finding.kind, finding.month_label, finding.artists, finding.findings) == (
        "revoked_without_reason",
        month,
        5,
        5,
    )
    assert "5 artists: 5 revocations" in page and month in page
    for flag in Flag.objects.all():
        assert flag.message not in page and flag.subject_key not in page
    assert "Ada Lovelace" not in page and "Secret Person" not in page
    assert quiet.handle not in page and named.handle not in page
    assert "a tester (not named)" not in page
    assert "Last scan" in page


def test_feed_withholds_a_month_with_fewer_verified_artists_than_the_floor(client, revoked_world):
    response = client.get("/flags/")

    page = response.content.decode()
    (finding,) = response.context["findings"]
    assert finding.withheld and finding.artists is None and finding.findings is None
    assert "Withheld: Fewer than 5 verified artists are behind this finding" in page
    assert "2 artists" not in page and "2 revocations" not in page


def test_feed_shows_program_level_findings_as_they_are(client, revoked_world):
    other = factories.ProgramFactory(name="Other Program", responsible_use_definition="")
    run_scan(rules=["undefined_terms"])
    flag = Flag.objects.get(kind="undefined_terms", program=other)

    page = client.get("/flags/", {"kind": "undefined_terms"}).content.decode()

    assert flag.message.replace('"', "&quot;") in page
    assert f"raised {flag.raised_at:%Y-%m-%d}" in page


def test_feed_filters_by_program_kind_month_and_state(client, revoked_world):
    program, *_ = revoked_world
    other = factories.ProgramFactory(name="Other Program", responsible_use_definition="")
    run_scan(rules=["undefined_terms"])
    month = f"{timezone.now() - dt.timedelta(days=2):%Y-%m}"

    def shown(query):
        response = client.get("/flags/", query)
        assert response.status_code == 200
        return [(f.program_slug, f.kind) for f in response.context["findings"]]

    assert {slug for slug, _ in shown({"program": program.slug})} == {program.slug}
    assert (program.slug, "revoked_without_reason") in shown({"program": program.slug})
    assert (other.slug, "undefined_terms") in shown({"kind": "undefined_terms"})
    assert {kind for _, kind in shown({"kind": "undefined_terms"})} == {"undefined_terms"}
    assert (program.slug, "revoked_without_reason") in shown({"month": month})
    assert shown({"month": "2001-01"}) == []
    assert shown({"state": "resolved"}) == []
    assert "No resolved findings match these filters" in client.get("/flags/", {"state": "resolved"}).content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"month": "yesterday"},
        {"month": "2026-13"},
        {"kind": "bogus"},
        {"program": "no-such-program"},
        {"state": "maybe"},
    ],
)
def test_bad_filters_answer_400_with_a_message(client, revoked_world, query):
    response = client.get("/flags/", query)

    assert response.status_code == 400
    assert "These filters are not valid" in response.content.decode()


def test_there_is_no_state_that_adds_open_and_resolved_together(client, revoked_world):
    """A total over both states minus the open cells would give the resolved ones."""
    response = client.get("/flags/", {"state": ""})

    assert response.status_code == 200
    assert {f.state for f in response.context["findings"]} == {"open"}
    assert client.get("/flags/", {"state": "all"}).status_code == 400


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


def test_an_empty_feed_says_so(client, db):
    page = client.get("/flags/").content.decode()

    assert "No open findings." in page and "The checks have not run yet." in page


def test_feed_pages_through_many_findings_in_few_queries(client, db, django_assert_max_num_queries, settings):
    settings.MIN_GROUP_SIZE = 1
    for _ in range(60):
        factories.ContributionFactory(
            enrollment=factories.EnrollmentFactory(program=factories.ProgramFactory()),
            kind="promotion",
            requested_by_program=True,
        )
    run_scan(rules=["uncompensated_promotion"])

    with django_assert_max_num_queries(10):
        first = client.get("/flags/")
    assert len(first.context["findings"]) == 50
    assert "Page 1 of 2" in first.content.decode()
    second = client.get("/flags/", {"page": 2})
    assert len(second.context["findings"]) == 10
