"""The daily digest: an advocate who follows programs gets one email listing the flags
raised on them since the last digest, and never a flag the public feed hides: findings
about one artist's record come only as their month's shown aggregate."""

import datetime as dt
import itertools

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.utils import timezone

from programs.services import revoke_access
from tests import factories
from tracker.digests import send_digests
from tracker.models import Flag, Follow
from tracker.services import run_scan
from tracker.tasks import send_flag_digests

FOLLOWED_AT = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
DIGEST_AT = dt.datetime(2026, 5, 2, 7, 0, tzinfo=dt.UTC)
_numbers = itertools.count(1)


def raise_flag(program, *, at: dt.datetime, kind: str = "undefined_terms", severity: str = "medium", **fields) -> Flag:
    number = next(_numbers)
    fields.setdefault("message", f"Finding {number:04d} ({kind}).")
    fields.setdefault("subject_key", f"test:{number}")
    return Flag.objects.create(program=program, kind=kind, severity=severity, raised_at=at, **fields)


def raise_promotion_flags(program, artists, *, at: dt.datetime, occurred_on: str = "2026-03-21") -> list[Flag]:
    """An uncompensated_promotion flag per artist, shaped as the rule writes them: due 30
    days after the promotion (on 2026-04-20), so its month is 2026-04."""
    due_on = dt.date.fromisoformat(occurred_on) + dt.timedelta(days=30)
    return [
        raise_flag(
            program,
            at=at,
            kind="uncompensated_promotion",
            artist=artist,
            message=f"Promotion the program requested on {occurred_on} (3.50 h) is unpaid.",
            subject_key=f"contribution:{next(_numbers)}",
            details={"kind": "promotion", "hours": 3.5, "occurred_on": occurred_on, "requested_by_program": True},
            occurred_on=dt.date.fromisoformat(occurred_on),
            due_on=due_on,
        )
        for artist in artists
    ]


def follow(user, program, at: dt.datetime = FOLLOWED_AT) -> Follow:
    return Follow.objects.create(user=user, program=program, created_at=at, digest_sent_until=at)


@pytest.fixture
def advocate(db):
    return factories.UserFactory(username="advocate", email="advocate@example.org")


def test_new_flags_on_followed_programs_come_in_one_email_grouped_by_program(advocate, settings):
    settings.MIN_GROUP_SIZE = 5
    alpha = factories.ProgramFactory(name="Alpha Preview")
    beta = factories.ProgramFactory(name="Beta Studio")
    follow(advocate, alpha)
    follow(advocate, beta)
    artists = [factories.EnrollmentFactory(program=alpha).artist for _ in range(5)]
    mass = raise_flag(alpha, at=FOLLOWED_AT + dt.timedelta(hours=1), kind="mass_revocation", severity="high")
    terms = raise_flag(beta, at=FOLLOWED_AT + dt.timedelta(hours=2), kind="undefined_terms")
    promotions = raise_promotion_flags(alpha, artists, at=FOLLOWED_AT + dt.timedelta(hours=3))

    assert send_digests(now=DIGEST_AT) == 1

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["advocate@example.org"]
    assert email.subject == "3 new flags on programs you follow"
    body = email.body
    for flag in (mass, terms):
        assert f"{flag.get_kind_display()}: {flag.message}" in body
    aggregate = "Uncompensated promotion, 2026-04: 5 artists, 5 contributions, 17.50 h"
    assert aggregate in body
    for flag in promotions:
        assert flag.message not in body and flag.subject_key not in body
    assert "2026-03-21" not in body and "2026-04-20" not in body and "3.50" not in body
    # Each program once, as a heading over its own flags.
    assert body.count("Alpha Preview") == 1 and body.count("Beta Studio") == 1
    alpha_at, beta_at = body.index("Alpha Preview (2)"), body.index("Beta Studio (1)")
    assert alpha_at < body.index(mass.message) < beta_at
    assert alpha_at < body.index(aggregate) < beta_at
    assert beta_at < body.index(terms.message)


def test_the_most_severe_flags_of_a_program_come_first(advocate, settings):
    settings.MIN_GROUP_SIZE = 1
    program = factories.ProgramFactory()
    follow(advocate, program)
    artist = factories.EnrollmentFactory(program=program).artist
    low = raise_flag(
        program,
        at=FOLLOWED_AT + dt.timedelta(hours=1),
        severity="low",
        kind="approval_overdue",
        artist=artist,
        details={"work": 1, "submitted_at": "2026-04-01T10:00:00+00:00"},
        occurred_on=dt.date(2026, 4, 1),
        due_on=dt.date(2026, 4, 15),
    )
    high = raise_flag(program, at=FOLLOWED_AT + dt.timedelta(hours=2), severity="high", kind="mass_revocation")
    medium = raise_flag(program, at=FOLLOWED_AT + dt.timedelta(hours=3), severity="medium")

    send_digests(now=DIGEST_AT)

    body = mail.outbox[0].body
    assert low.message not in body
    assert body.index(high.message) < body.index(medium.message) < body.index("[Low] Approval overdue, 2026-04")


def test_a_month_below_the_floor_is_not_in_a_digest_until_it_is_shown(advocate, settings):
    """Four artists' findings are withheld; the fifth's makes the month shown, and the next
    digest gives its counts, never how many of them are new."""
    settings.MIN_GROUP_SIZE = 5
    program = factories.ProgramFactory(name="Alpha Preview")
    follow(advocate, program)
    artists = [factories.EnrollmentFactory(program=program).artist for _ in range(5)]
    raise_promotion_flags(program, artists[:4], at=FOLLOWED_AT + dt.timedelta(hours=1))

    assert send_digests(now=DIGEST_AT) == 0

    raise_promotion_flags(program, artists[4:], at=DIGEST_AT + dt.timedelta(hours=1))
    assert send_digests(now=DIGEST_AT + dt.timedelta(days=1)) == 1
    body = mail.outbox[0].body
    assert "Uncompensated promotion, 2026-04: 5 artists, 5 contributions, 17.50 h" in body
    assert " 1 contributions" not in body and "3.50" not in body


def test_a_second_digest_the_same_day_sends_nothing(advocate):
    program = factories.ProgramFactory()
    follow(advocate, program)
    raise_flag(program, at=FOLLOWED_AT + dt.timedelta(hours=1))
    send_digests(now=DIGEST_AT)

    assert send_digests(now=DIGEST_AT + dt.timedelta(hours=3)) == 0

    assert len(mail.outbox) == 1


def test_the_next_digest_holds_only_flags_raised_since_the_last(advocate):
    program = factories.ProgramFactory()
    follow(advocate, program)
    first = raise_flag(program, at=FOLLOWED_AT + dt.timedelta(hours=1))
    send_digests(now=DIGEST_AT)
    later = raise_flag(program, at=DIGEST_AT + dt.timedelta(hours=5))

    assert send_digests(now=DIGEST_AT + dt.timedelta(days=1)) == 1

    body = mail.outbox[1].body
    assert later.message in body and first.message not in body
    assert mail.outbox[1].subject == "1 new flag on programs you follow"


def test_flags_on_programs_not_followed_are_left_out(advocate):
    followed = factories.ProgramFactory()
    other = factories.ProgramFactory(name="Not Followed Program")
    follow(advocate, followed)
    mine = raise_flag(followed, at=FOLLOWED_AT + dt.timedelta(hours=1))
    theirs = raise_flag(other, at=FOLLOWED_AT + dt.timedelta(hours=1))

    send_digests(now=DIGEST_AT)

    body = mail.outbox[0].body
    assert mine.message in body
    assert theirs.message not in body and "Not Followed Program" not in body


def test_a_program_with_no_new_flags_sends_no_email(advocate):
    program = factories.ProgramFactory()
    follow(advocate, program)
    raise_flag(factories.ProgramFactory(), at=FOLLOWED_AT + dt.timedelta(hours=1))

    assert send_digests(now=DIGEST_AT) == 0
    assert mail.outbox == []


def test_flags_raised_before_the_follow_are_left_out(advocate):
    program = factories.ProgramFactory()
    before = raise_flag(program, at=FOLLOWED_AT - dt.timedelta(minutes=1))
    follow(advocate, program)
    after = raise_flag(program, at=FOLLOWED_AT + dt.timedelta(minutes=1))

    send_digests(now=DIGEST_AT)

    body = mail.outbox[0].body
    assert after.message in body and before.message not in body


def test_each_follower_gets_their_own_flags_since_their_own_follow(advocate):
    program = factories.ProgramFactory()
    early = raise_flag(program, at=FOLLOWED_AT + dt.timedelta(hours=1))
    late = raise_flag(program, at=FOLLOWED_AT + dt.timedelta(hours=3))
    newcomer = factories.UserFactory(email="newcomer@example.org")
    follow(advocate, program)
    follow(newcomer, program, at=FOLLOWED_AT + dt.timedelta(hours=2))

    assert send_digests(now=DIGEST_AT) == 2

    by_recipient = {email.to[0]: email.body for email in mail.outbox}
    assert early.message in by_recipient["advocate@example.org"]
    assert late.message in by_recipient["advocate@example.org"]
    assert early.message not in by_recipient["newcomer@example.org"]
    assert late.message in by_recipient["newcomer@example.org"]


def test_a_user_without_an_email_or_inactive_gets_none(db):
    program = factories.ProgramFactory()
    follow(factories.UserFactory(email=""), program)
    follow(factories.UserFactory(email="gone@example.org", is_active=False), program)
    raise_flag(program, at=FOLLOWED_AT + dt.timedelta(hours=1))

    assert send_digests(now=DIGEST_AT) == 0
    assert mail.outbox == []


def test_flags_the_public_feed_hides_are_never_in_a_digest(advocate, settings):
    """A flag about the one artist of a small program could identify them: not in the feed,
    so not in an email either. Nor a flag on a program that is not listed."""
    settings.MIN_GROUP_SIZE = 5
    small = factories.ProgramFactory(name="Tiny Beta")
    lone = factories.EnrollmentFactory(program=small)
    unlisted = factories.ProgramFactory(name="Hidden Program", is_listed=False)
    follow(advocate, small)
    follow(advocate, unlisted)
    about_the_artist = raise_flag(
        small, at=FOLLOWED_AT + dt.timedelta(hours=1), kind="revoked_without_reason", artist=lone.artist
    )
    about_the_program = raise_flag(small, at=FOLLOWED_AT + dt.timedelta(hours=2), kind="undefined_terms")
    on_unlisted = raise_flag(unlisted, at=FOLLOWED_AT + dt.timedelta(hours=2))

    assert send_digests(now=DIGEST_AT) == 1

    body = mail.outbox[0].body
    assert about_the_program.message in body
    assert about_the_artist.message not in body
    assert on_unlisted.message not in body and "Hidden Program" not in body
    assert mail.outbox[0].subject == "1 new flag on programs you follow"


def test_a_follower_of_only_hidden_flags_gets_no_email(advocate, settings):
    settings.MIN_GROUP_SIZE = 5
    small = factories.ProgramFactory()
    lone = factories.EnrollmentFactory(program=small)
    follow(advocate, small)
    raise_flag(small, at=FOLLOWED_AT + dt.timedelta(hours=1), kind="revoked_without_reason", artist=lone.artist)

    assert send_digests(now=DIGEST_AT) == 0
    assert mail.outbox == []


def test_a_scan_after_following_comes_in_the_next_digest(advocate, settings):
    """End to end: follow, the scan raises flags, the daily task emails their month's count."""
    settings.MIN_GROUP_SIZE = 5
    program = factories.ProgramFactory(
        name="Moving Pictures Preview",
        responsible_use_definition="No deepfakes.",
        confidential_content_definition="Unreleased outputs.",
    )
    enrollments = [factories.EnrollmentFactory(program=program) for _ in range(5)]
    revoked_at = timezone.now() - dt.timedelta(days=1)
    for enrollment in enrollments:
        revoke_access(enrollment=enrollment, occurred_at=revoked_at)
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    Follow.objects.create(user=advocate, program=program, created_at=an_hour_ago, digest_sent_until=an_hour_ago)
    run_scan(rules=["revoked_without_reason"])
    # The scan ran half an hour before the daily digest.
    Flag.objects.update(raised_at=timezone.now() - dt.timedelta(minutes=30))

    summary = send_flag_digests.delay().get()

    assert summary == {"emails": 1}
    body = mail.outbox[0].body
    assert "Moving Pictures Preview (1)" in body
    assert f"Revoked without a reason, {revoked_at:%Y-%m}: 5 artists, 5 revocations" in body
    for flag in Flag.objects.all():
        assert flag.message not in body
    assert f"{revoked_at:%Y-%m-%d}" not in body
    assert all(enrollment.artist.handle not in body for enrollment in enrollments)
    assert send_flag_digests.delay().get() == {"emails": 0}


def _entry(task: str) -> dict:
    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == task]
    assert len(entries) == 1, f"expected one beat entry for {task}"
    return entries[0]


def test_the_digest_is_sent_daily_and_webhooks_are_delivered_every_minute():
    digest = _entry("tracker.tasks.send_flag_digests")["schedule"]
    webhooks = _entry("tracker.tasks.deliver_webhooks")["schedule"]

    assert isinstance(digest, crontab) and isinstance(webhooks, crontab)
    assert len(digest.hour) == 1 and len(digest.minute) == 1
    assert digest.day_of_week == set(range(7)) and digest.day_of_month == set(range(1, 32))
    assert webhooks.minute == set(range(60)) and webhooks.hour == set(range(24))


def test_a_flag_raised_minutes_ago_waits_for_the_next_digest(advocate, settings):
    """A scan may still be committing flags stamped just before the digest: they come next time."""
    settings.MIN_GROUP_SIZE = 1
    program = factories.ProgramFactory(responsible_use_definition="", status="active")
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    Follow.objects.create(user=advocate, program=program, created_at=an_hour_ago, digest_sent_until=an_hour_ago)
    run_scan(rules=["undefined_terms"])
    Flag.objects.update(raised_at=timezone.now() - dt.timedelta(minutes=5))

    assert send_digests() == 0

    assert send_digests(now=timezone.now() + dt.timedelta(days=1)) == 1
    assert "Undefined terms" in mail.outbox[0].body
