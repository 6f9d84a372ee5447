"""Weekly reminders the artist chooses: an email when they have logged nothing this week in
a program where they are active, and the one-click link that stops them.

An artist opts in on their profile page (`set_reminders`); reminders need an email address.
Once a week (the beat schedule, or `manage.py send_reminders`) `send_reminders` emails each
artist who chose them, has an active account with an email, and has an active enrollment in
an active program with no contribution logged (by when it was logged, `created_at`) since
Monday 00:00 UTC. One email per artist names those programs and nothing about anyone else.
A row per artist and week, written in the transaction that sends, makes a second run (or
two racing) send nothing more.

Every email carries a signed link that turns reminders off without signing in. The link
names the artist by a random key of theirs (`Artist.reminders_key`), signed with a salt of
its own: it carries neither their id nor their email, cannot be forged for another artist,
and does nothing else.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from artists.models import Artist, ReminderSent
from feedback.models import Contribution
from programs.models import Enrollment, Program

STOP_SALT = "artists.reminders.stop"
# Built by another part of the tracker under the URL name "quick-log"; linked by its path.
QUICK_LOG_PATH = "/me/log/"


class BadStopLink(Exception):
    """The stop link was altered, or was signed for something else."""


@dataclass(frozen=True)
class DueReminder:
    artist: Artist
    programs: tuple[Program, ...]


# Weeks


def week_of(moment: dt.datetime) -> dt.date:
    """The Monday (UTC) of the ISO week `moment` falls in."""
    day = moment.astimezone(dt.UTC).date()
    return day - dt.timedelta(days=day.weekday())


def parse_week(text: str) -> dt.date:
    """The Monday of an ISO week written `2026-W48`; ValueError otherwise."""
    try:
        year, week = text.strip().upper().split("-W")
        return dt.date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO week such as 2026-W48.") from None


def week_label(week: dt.date) -> str:
    year, number, _ = week.isocalendar()
    return f"{year}-W{number:02d}"


def _window(week: dt.date, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """From the week's Monday 00:00 UTC to the run time, or to the week's end if it is over."""
    start = dt.datetime.combine(week, dt.time(0), tzinfo=dt.UTC)
    return start, min(start + dt.timedelta(days=7), now)


# The artist's choice


def set_reminders(*, artist: Artist, reminders: str) -> Artist:
    """Choose weekly reminders or none. Weekly ones need an email address on the account."""
    if reminders not in Artist.Reminders.values:
        raise ValidationError({"reminders": "Choose weekly reminders or none."})
    if artist.erased_at is not None:
        raise ValidationError({"reminders": "This account was erased."})
    if reminders == Artist.Reminders.WEEKLY and not (artist.user and artist.user.email.strip()):
        raise ValidationError({"reminders": "Weekly reminders need an email address: add one to your account first."})
    Artist.objects.filter(pk=artist.pk).update(reminders=reminders)
    artist.reminders = reminders
    return artist


def stop_token(artist: Artist) -> str:
    # No timestamp: every reminder carries the same link, and it never expires.
    return signing.Signer(salt=STOP_SALT).sign_object(artist.reminders_key.hex)


def stop_url(artist: Artist) -> str:
    return settings.SITE_URL + reverse("reminders-stop", kwargs={"token": stop_token(artist)})


def stop_reminders(*, token: str) -> Artist | None:
    """Turn off the reminders of the artist the link names; that artist, or None when no
    artist has that key any more (erased). BadStopLink when the link is not one of ours."""
    try:
        key = uuid.UUID(hex=signing.Signer(salt=STOP_SALT).unsign_object(token))
    except (signing.BadSignature, TypeError, ValueError):
        raise BadStopLink from None
    artist = Artist.objects.filter(reminders_key=key, erased_at__isnull=True).first()
    if artist is not None:
        Artist.objects.filter(pk=artist.pk).update(reminders=Artist.Reminders.NONE)
        artist.reminders = Artist.Reminders.NONE
    return artist


# Sending


def due_reminders(*, week: dt.date, now: dt.datetime) -> list[DueReminder]:
    """The artists to remind about `week` (not yet reminded about it), each with the active
    programs they logged nothing in since the week began, in one query."""
    start, until = _window(week, now)
    if until <= start:
        return []
    logged = Contribution.objects.filter(enrollment=OuterRef("pk"), created_at__gte=start, created_at__lt=until)
    reminded = ReminderSent.objects.filter(artist=OuterRef("artist"), week=week)
    enrollments = (
        Enrollment.objects.filter(
            status=Enrollment.Status.ACTIVE,
            program__status=Program.Status.ACTIVE,
            artist__reminders=Artist.Reminders.WEEKLY,
            artist__erased_at__isnull=True,
            artist__user__is_active=True,
        )
        .exclude(artist__user__email="")
        .exclude(Exists(logged))
        .exclude(Exists(reminded))
        .select_related("program", "artist__user")
        .order_by("artist__handle", "program__name", "program_id")
    )
    by_artist: dict[int, tuple[Artist, list[Program]]] = {}
    for enrollment in enrollments:
        by_artist.setdefault(enrollment.artist_id, (enrollment.artist, []))[1].append(enrollment.program)
    return [DueReminder(artist, tuple(programs)) for artist, programs in by_artist.values()]


def _subject(programs: tuple[Program, ...]) -> str:
    if len(programs) == 1:
        return f"Nothing logged this week in {programs[0].name}"
    if len(programs) == 2:
        return f"Nothing logged this week in {programs[0].name} and {programs[1].name}"
    return f"Nothing logged this week in {len(programs)} programs"


def reminder_email(due: DueReminder, *, week: dt.date, connection=None) -> EmailMultiAlternatives:
    unsubscribe = stop_url(due.artist)
    context = {
        "artist": due.artist,
        "programs": due.programs,
        "week": week_label(week),
        "quick_log_url": settings.SITE_URL + QUICK_LOG_PATH,
        "ledger_url": settings.SITE_URL + reverse("ledger"),
        "settings_url": settings.SITE_URL + reverse("reminders"),
        "stop_url": unsubscribe,
    }
    return EmailMultiAlternatives(
        subject=_subject(due.programs),
        body=render_to_string("accounts/email/reminder.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[due.artist.user.email],
        # RFC 2369 and RFC 8058: mail clients offer "unsubscribe", which POSTs to the link.
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        connection=connection,
    )


def send_reminders(
    *, week: dt.date | None = None, now: dt.datetime | None = None, dry_run: bool = False
) -> list[DueReminder]:
    """Email each artist due a reminder about `week` (by default the current one); returns
    those emailed (with `dry_run`, those who would be, sending and writing nothing).

    Each artist's email is sent in a transaction that first records it: a run that finds the
    row already there (written by an earlier run, or by one racing this one, whose insert
    this one waits for) sends nothing, and an email that fails to send leaves no row, so the
    next run tries again."""
    now = now or timezone.now()
    week = week or week_of(now)
    due = due_reminders(week=week, now=now)
    if dry_run:
        return due
    sent = []
    if not due:
        return sent
    # One connection to the mail server for the whole run.
    with get_connection() as connection:
        for reminder in due:
            with transaction.atomic():
                _, created = ReminderSent.objects.get_or_create(
                    artist=reminder.artist, week=week, defaults={"sent_at": now, "programs": len(reminder.programs)}
                )
                if not created:
                    continue
                reminder_email(reminder, week=week, connection=connection).send()
            sent.append(reminder)
    return sent
