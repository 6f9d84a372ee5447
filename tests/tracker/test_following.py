"""The Following page: an advocate's followed programs, their headline figures and what
changed since the last visit; the visit is recorded, so the next one shows nothing new."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests import factories
from tests.jobs.helpers import log_work, make_program, make_tester, on
from tracker import views_following
from tracker.models import Flag, Follow

pytestmark = pytest.mark.django_db

URL = "/following/"


@pytest.fixture
def advocate(client):
    user = factories.UserFactory(username="advocate", email="advocate@example.org")
    client.force_login(user)
    return user


def follow(user, program, *, days_ago: int = 2) -> Follow:
    at = timezone.now() - dt.timedelta(days=days_ago)
    return Follow.objects.create(user=user, program=program, created_at=at, digest_sent_until=at)


def card(page: str, slug: str) -> str:
    """The text of one program's card, tags removed."""
    match = re.search(rf'<li class="followed" id="follow-{slug}">(.*?)</form>\s*</li>', page, re.S)
    assert match, f"no card for {slug}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


def visit(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_needs_a_login(client, db):
    response = client.get(URL)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_with_no_follows_the_page_points_to_the_programs(client, advocate):
    page = visit(client)

    assert "You follow no program yet" in page and 'href="/"' in page


def test_signed_in_visitors_have_the_link_and_a_follow_button_on_a_program(client, advocate, arithmetic_only):
    program = make_program(slug="button")
    make_tester(program)

    page = client.get(f"/programs/{program.slug}/").content.decode()
    assert f'href="{URL}">Following</a>' in page
    assert f"Follow {program.name}</button>" in page

    response = client.post(f"/programs/{program.slug}/follow/", {"next": "program"})
    assert response["Location"] == f"/programs/{program.slug}/"
    assert Follow.objects.filter(user=advocate, program=program).exists()
    assert "Stop following" in client.get(f"/programs/{program.slug}/").content.decode()


def test_figures_that_moved_show_old_and_new_then_nothing_new(client, advocate, arithmetic_only):
    program = make_program(slug="moving", name="Moving Preview")
    tester = make_tester(program)
    log_work(tester, on("2026-03-02"), hours="2.00")
    follow(advocate, program)

    first = card(visit(client), "moving")
    assert "Moving Preview" in first and "2 h" in first
    assert "Since you followed it" in first and "Nothing new." in first

    log_work(tester, on("2026-03-09"), hours="3.00")
    second = card(visit(client), "moving")
    assert "Since your last visit" in second
    assert "Hours given: 2 h → 5 h" in second

    third = card(visit(client), "moving")
    assert "Nothing new." in third and "→" not in third


def test_a_status_change_is_shown(client, advocate, arithmetic_only):
    program = make_program(slug="status")
    make_tester(program)
    follow(advocate, program)
    visit(client)

    program.status = "suspended"
    program.save()

    assert "Status: Active → Suspended" in card(visit(client), "status")


def test_new_public_findings_are_counted_by_kind_once(client, advocate, arithmetic_only):
    program = make_program(slug="flagged")
    make_tester(program)
    follow(advocate, program)
    raised = timezone.now() - dt.timedelta(hours=3)
    for number in range(2):
        Flag.objects.create(
            program=program,
            kind="undefined_terms",
            severity="medium",
            subject_key=f"terms:{number}",
            message="The program does not define its terms.",
            raised_at=raised,
        )

    first = card(visit(client), "flagged")
    assert "Undefined terms : 2 new findings" in first
    assert re.search(r"Open findings about the program 2\b", first)

    assert "Nothing new." in card(visit(client), "flagged")


def test_findings_from_before_the_follow_are_not_new(client, advocate, arithmetic_only):
    program = make_program(slug="old-news")
    make_tester(program)
    Flag.objects.create(
        program=program,
        kind="undefined_terms",
        severity="medium",
        subject_key="terms:old",
        message="Old.",
        raised_at=timezone.now() - dt.timedelta(days=5),
    )
    follow(advocate, program, days_ago=2)

    assert "Nothing new." in card(visit(client), "old-news")


def test_another_users_follows_are_never_shown(client, advocate, arithmetic_only):
    mine, theirs = make_program(slug="mine", name="Mine"), make_program(slug="theirs", name="Theirs Preview")
    follow(advocate, mine)
    other = factories.UserFactory(username="other")
    their_follow = follow(other, theirs)

    page = visit(client)

    assert "follow-mine" in page and "Theirs Preview" not in page
    their_follow.refresh_from_db()
    assert their_follow.last_seen_at is None and their_follow.seen_figures == {}


def test_the_visit_is_recorded_with_published_values_only(client, advocate, arithmetic_only):
    program = make_program(slug="recorded")
    log_work(make_tester(program), on("2026-03-02"), hours="2.00")
    record = follow(advocate, program)

    visit(client)

    record.refresh_from_db()
    assert record.last_seen_at is not None
    assert record.seen_figures["figures"]["hours"] == {"value": "2.00", "text": "2 h"}
    assert record.seen_figures["status"] == "active"


def test_unfollowing_from_the_page_comes_back_to_it(client, advocate, arithmetic_only):
    program = make_program(slug="leaving")
    follow(advocate, program)

    response = client.post(f"/programs/{program.slug}/follow/", {"action": "unfollow", "next": "following"})

    assert response["Location"] == URL
    assert not Follow.objects.filter(user=advocate).exists()
    assert "You follow no program yet" in visit(client)


def test_many_follows_are_paged_and_only_the_shown_ones_are_recorded(client, advocate, monkeypatch, arithmetic_only):
    monkeypatch.setattr(views_following, "FOLLOWS_PER_PAGE", 2)
    for name in ("Alpha", "Bravo", "Charlie"):
        follow(advocate, make_program(slug=name.lower(), name=name))

    page = visit(client)

    assert "follow-alpha" in page and "follow-bravo" in page and "follow-charlie" not in page
    assert "Page 1 of 2" in page
    assert "follow-charlie" in client.get(URL, {"page": 2}).content.decode()
    assert Follow.objects.filter(user=advocate, last_seen_at__isnull=True).count() == 0
