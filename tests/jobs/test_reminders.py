"""Weekly reminders the artist chooses: one email in a week when they logged nothing in a
program where they are active, naming only those programs, never twice in a week."""

import datetime as dt
import io
import threading

import pytest
from celery.schedules import crontab
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone

from artists import reminders
from artists.models import Artist, ReminderSent
from artists.services import erase_artist
from artists.tasks import send_weekly_reminders
from feedback.models import Contribution
from programs.services import revoke_access, suspend_access
from tests import factories

# Sunday of ISO week 2026-W19 (Monday 4 May), at the scheduled hour.
NOW = dt.datetime(2026, 5, 10, 17, 0, tzinfo=dt.UTC)
MONDAY = dt.date(2026, 5, 4)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://tracker.example"


def weekly_artist(**user) -> Artist:
    user.setdefault("username", "mira")
    user.setdefault("email", "mira@example.org")
    artist = factories.ArtistFactory(handle="mira_frames", user=factories.UserFactory(**user))
    Artist.objects.filter(pk=artist.pk).update(reminders=Artist.Reminders.WEEKLY)
    artist.refresh_from_db()
    return artist


def enrol(artist, name: str, **program):
    return factories.EnrollmentFactory(artist=artist, program=factories.ProgramFactory(name=name, **program))


def logged(enrollment, at: dt.datetime) -> Contribution:
    contribution = factories.ContributionFactory(enrollment=enrollment)
    Contribution.objects.filter(pk=contribution.pk).update(created_at=at)
    return contribution


def test_an_artist_active_in_two_programs_is_reminded_only_of_the_one_without_a_log(db):
    artist = weekly_artist()
    alpha = enrol(artist, "Alpha Preview")
    enrol(artist, "Beta Studio")
    logged(alpha, NOW - dt.timedelta(days=2))

    sent = reminders.send_reminders(now=NOW)

    assert [reminder.artist for reminder in sent] == [artist]
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["mira@example.org"]
    assert email.subject == "Nothing logged this week in Beta Studio"
    assert "Beta Studio" in email.body and "Alpha Preview" not in email.body
    assert "https://tracker.example/me/log/" in email.body
    assert "https://tracker.example/me/" in email.body
    assert "because you chose weekly reminders" in email.body
    assert reminders.stop_url(artist) in email.body
    row = ReminderSent.objects.get()
    assert (row.artist, row.week, row.programs) == (artist, MONDAY, 1)


def test_an_artist_who_logged_in_every_program_gets_nothing(db):
    artist = weekly_artist()
    monday_start = dt.datetime(2026, 5, 4, tzinfo=dt.UTC)
    logged(enrol(artist, "Alpha Preview"), monday_start)
    logged(enrol(artist, "Beta Studio"), monday_start + dt.timedelta(days=6, hours=16))

    assert reminders.send_reminders(now=NOW) == []
    assert mail.outbox == []


def test_a_contribution_logged_last_week_does_not_count_for_this_one(db):
    artist = weekly_artist()
    logged(enrol(artist, "Alpha Preview"), dt.datetime(2026, 5, 3, 23, 59, tzinfo=dt.UTC))

    reminders.send_reminders(now=NOW)

    assert [email.subject for email in mail.outbox] == ["Nothing logged this week in Alpha Preview"]


def test_several_programs_come_in_one_email(db):
    artist = weekly_artist()
    for name in ("Alpha Preview", "Beta Studio", "Gamma Lab"):
        enrol(artist, name)

    reminders.send_reminders(now=NOW)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Nothing logged this week in 3 programs"
    assert all(name in mail.outbox[0].body for name in ("Alpha Preview", "Beta Studio", "Gamma Lab"))


def test_an_artist_who_chose_no_reminders_gets_none(db):
    artist = weekly_artist()
    Artist.objects.filter(pk=artist.pk).update(reminders=Artist.Reminders.NONE)
    enrol(artist, "Alpha Preview")

    assert reminders.send_reminders(now=NOW) == []
    assert mail.outbox == []


def test_an_artist_without_an_email_or_with_an_inactive_account_gets_none(db):
    enrol(weekly_artist(email=""), "Alpha Preview")
    inactive = factories.ArtistFactory(user=factories.UserFactory(email="gone@example.org", is_active=False))
    Artist.objects.filter(pk=inactive.pk).update(reminders=Artist.Reminders.WEEKLY)
    enrol(inactive, "Beta Studio")

    assert reminders.send_reminders(now=NOW) == []
    assert mail.outbox == []


@pytest.mark.parametrize("access", ["revoked", "suspended"])
def test_an_enrollment_no_longer_active_is_not_reminded(db, access):
    artist = weekly_artist()
    enrollment = enrol(artist, "Alpha Preview")
    change = revoke_access if access == "revoked" else suspend_access
    change(enrollment=enrollment, occurred_at=timezone.now() - dt.timedelta(hours=1))

    assert reminders.send_reminders(now=NOW) == []
    assert mail.outbox == []


@pytest.mark.parametrize("status", ["closed", "suspended", "announced"])
def test_a_program_not_active_is_not_reminded(db, status):
    artist = weekly_artist()
    enrol(artist, "Alpha Preview", status=status)

    assert reminders.send_reminders(now=NOW) == []


def test_an_erased_artist_gets_none_and_their_reminders_are_forgotten(db):
    artist = weekly_artist()
    enrol(artist, "Alpha Preview")
    reminders.send_reminders(now=NOW - dt.timedelta(days=7))
    erase_artist(artist=artist)

    assert reminders.send_reminders(now=NOW) == []
    assert len(mail.outbox) == 1
    assert not ReminderSent.objects.exists()
    artist.refresh_from_db()
    assert artist.reminders == "none"


def test_a_second_run_the_same_week_sends_nothing_and_next_week_reminds_again(db):
    artist = weekly_artist()
    enrol(artist, "Alpha Preview")
    reminders.send_reminders(now=NOW)

    assert reminders.send_reminders(now=NOW + dt.timedelta(hours=5)) == []
    assert len(mail.outbox) == 1

    reminders.send_reminders(now=NOW + dt.timedelta(days=7))
    assert len(mail.outbox) == 2
    assert list(ReminderSent.objects.filter(artist=artist).values_list("week", flat=True)) == [
        MONDAY + dt.timedelta(days=7),
        MONDAY,
    ]


def test_an_email_that_fails_to_send_is_tried_again_next_run(db, monkeypatch):
    artist = weekly_artist()
    enrol(artist, "Alpha Preview")

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    with monkeypatch.context() as patched:
        patched.setattr("django.core.mail.EmailMessage.send", refuse)
        with pytest.raises(ConnectionRefusedError):
            reminders.send_reminders(now=NOW)
    assert not ReminderSent.objects.exists()

    assert len(reminders.send_reminders(now=NOW)) == 1
    assert len(mail.outbox) == 1


def test_the_email_says_nothing_about_other_artists(db):
    artist = weekly_artist()
    enrollment = enrol(artist, "Alpha Preview")
    other = factories.EnrollmentFactory(program=enrollment.program)
    Artist.objects.filter(pk=other.artist_id).update(reminders=Artist.Reminders.WEEKLY)

    reminders.send_reminders(now=NOW)

    by_recipient = {email.to[0]: email for email in mail.outbox}
    mine = by_recipient["mira@example.org"]
    assert other.artist.handle not in mine.body and other.artist.user.email not in mine.body
    assert len(mail.outbox) == 2 and mine.to == ["mira@example.org"] and not mine.cc and not mine.bcc


def test_two_runs_racing_send_one_email(transactional_db):
    """The first run holds its new row uncommitted while it sends; the second, finding the
    same artist due, waits on the row's unique index, then sees it and sends nothing."""
    artist = weekly_artist()
    enrol(artist, "Alpha Preview")
    first_is_sending, let_first_finish = threading.Event(), threading.Event()
    errors = []
    real_send = reminders.EmailMultiAlternatives.send

    def send_slowly(self, fail_silently=False):
        if threading.current_thread().name == "first":
            first_is_sending.set()
            assert let_first_finish.wait(timeout=30)
        return real_send(self, fail_silently)

    def run():
        try:
            reminders.send_reminders(now=NOW)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    reminders.EmailMultiAlternatives.send = send_slowly
    try:
        first = threading.Thread(target=run, name="first")
        second = threading.Thread(target=run, name="second")
        first.start()
        assert first_is_sending.wait(timeout=30)
        second.start()
        wait_until_a_backend_waits_for_a_lock()
        let_first_finish.set()
        first.join(timeout=30)
        second.join(timeout=30)
    finally:
        reminders.EmailMultiAlternatives.send = real_send
        let_first_finish.set()

    assert errors == []
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.filter(artist=artist).count() == 1


def wait_until_a_backend_waits_for_a_lock(timeout: float = 30) -> None:
    deadline = timezone.now() + dt.timedelta(seconds=timeout)
    while timezone.now() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone():
                return
        threading.Event().wait(0.05)
    pytest.fail("The second run never waited for the first one's row.")


def test_the_task_sends_this_weeks_reminders(db):
    enrol(weekly_artist(), "Alpha Preview")

    assert send_weekly_reminders.delay().get() == {"emails": 1}
    assert send_weekly_reminders.delay().get() == {"emails": 0}
    assert len(mail.outbox) == 1


def test_reminders_are_scheduled_weekly_on_sunday_evening(settings):
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "artists.tasks.send_weekly_reminders"]

    assert len(entries) == 1
    schedule = entries[0]["schedule"]
    assert isinstance(schedule, crontab)
    assert schedule.day_of_week == {0} and schedule.hour == {17} and schedule.minute == {0}


def test_the_command_sends_a_given_week_and_a_dry_run_sends_nothing(db):
    artist = weekly_artist()
    enrol(artist, "Alpha Preview")
    out = io.StringIO()

    call_command("send_reminders", "--week", "2026-W19", "--dry-run", stdout=out)

    assert "Would email mira_frames: Alpha Preview" in out.getvalue()
    assert "Would email 1 artist for 2026-W19." in out.getvalue()
    assert mail.outbox == [] and not ReminderSent.objects.exists()

    out = io.StringIO()
    call_command("send_reminders", "--week", "2026-W19", stdout=out)
    assert "Emailed mira_frames: Alpha Preview" in out.getvalue()
    assert len(mail.outbox) == 1 and ReminderSent.objects.get().week == MONDAY

    out = io.StringIO()
    call_command("send_reminders", "--week", "2026-W19", stdout=out)
    assert "Emailed 0 artists for 2026-W19." in out.getvalue()
    assert len(mail.outbox) == 1


def test_the_command_refuses_a_week_it_cannot_read(db):
    with pytest.raises(CommandError, match="not an ISO week"):
        call_command("send_reminders", "--week", "May", stdout=io.StringIO())
