"""The weekly reminders on a real Celery worker (a subprocess) over Redis, as beat runs them.

Like tests/jobs/test_worker.py, it runs only where Redis is (REDIS_URL; CI requires it). The
worker prints the email it sends (the console email backend) into its log."""

import re

import pytest

from artists.models import Artist, ReminderSent
from artists.tasks import send_weekly_reminders
from tests import factories

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("redis_client")]


@pytest.fixture
def console_email(monkeypatch):
    """The worker (started after this) prints what it sends, whatever the environment says."""
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    monkeypatch.setenv("SITE_URL", "https://tracker.example")


@pytest.mark.usefixtures("console_email")
def test_the_scheduled_task_emails_reminders_from_the_worker(start_worker, transactional_db):
    artist = factories.ArtistFactory(handle="mira_frames", user=factories.UserFactory(email="mira@example.org"))
    Artist.objects.filter(pk=artist.pk).update(reminders=Artist.Reminders.WEEKLY)
    factories.EnrollmentFactory(artist=artist, program=factories.ProgramFactory(name="Alpha Preview"))
    worker = start_worker()

    result = send_weekly_reminders.apply_async(queue=worker.queue)
    try:
        summary = result.get(timeout=60)
    except Exception as error:
        pytest.fail(f"The reminders did not complete on the worker: {type(error).__name__}: {error}\n{worker.log()}")
    result.forget()

    assert summary == {"emails": 1}
    assert ReminderSent.objects.filter(artist=artist).count() == 1
    log = worker.log()
    assert "Subject: Nothing logged this week in Alpha Preview" in log
    assert "To: mira@example.org" in log
    # A long header is folded onto the next line.
    assert re.search(r"List-Unsubscribe:\s+<https://tracker\.example/me/reminders/stop/[^/>\s]+/>", log)
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in log
