"""The "stop reminders" link in an artist's email is a credential that needs no sign-in. It
must name its artist only to the tracker: no id or email to read in it, no way to make one
for another artist from it, and nothing it can do but turn that artist's reminders off."""

import base64
import datetime as dt

import pytest
from django.core import signing
from django.urls import reverse

from artists import reminders
from artists.models import Artist
from tests import factories


def weekly_artist(handle: str, email: str) -> Artist:
    artist = factories.ArtistFactory(handle=handle, user=factories.UserFactory(username=handle, email=email))
    Artist.objects.filter(pk=artist.pk).update(reminders=Artist.Reminders.WEEKLY)
    artist.refresh_from_db()
    return artist


def readable(token: str) -> str:
    """Everything a reader could make of the token: as it is, and its parts base64-decoded."""
    parts = [token]
    for part in token.split(":"):
        try:
            parts.append(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode("latin-1"))
        except ValueError:
            continue
    return " ".join(parts)


@pytest.fixture
def artists(db):
    return weekly_artist("artist_a", "a.tester@example.org"), weekly_artist("artist_b", "b.tester@example.org")


def test_the_link_carries_neither_the_email_nor_the_id_nor_the_handle(artists):
    a, b = artists
    token = reminders.stop_token(a)
    text = readable(token)

    assert "a.tester@example.org" not in text and "a.tester" not in text and "artist_a" not in text
    # All it carries, once decoded, is the artist's random key (which no page shows) and its
    # signature: no id, and nothing another artist's link would share.
    value, _signature = token.rsplit(":", 1)
    assert signing.JSONSerializer().loads(signing.b64_decode(value.encode())) == a.reminders_key.hex
    assert a.reminders_key != b.reminders_key
    assert str(a.pk) != a.reminders_key.hex


def test_a_link_for_artist_a_leaves_artist_b_alone(client, artists):
    a, b = artists

    client.get(reverse("reminders-stop", kwargs={"token": reminders.stop_token(a)}))

    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.reminders, b.reminders) == ("none", "weekly")


def test_a_link_rewritten_to_name_another_artist_is_refused(client, artists):
    """Swapping B's key into A's signed link breaks the signature."""
    a, b = artists
    _, signature = reminders.stop_token(a).rsplit(":", 1)
    forged_value = signing.b64_encode(signing.JSONSerializer().dumps(b.reminders_key.hex)).decode()

    response = client.get(reverse("reminders-stop", kwargs={"token": f"{forged_value}:{signature}"}))

    assert response.status_code == 400
    b.refresh_from_db()
    assert b.reminders == "weekly"


def test_a_value_signed_for_something_else_is_not_a_stop_link(client, artists):
    """The same key signed with the project's secret but another salt (or none) is refused."""
    _, b = artists
    for signer in (signing.Signer(), signing.Signer(salt="artists.something.else")):
        token = signer.sign_object(b.reminders_key.hex)
        assert client.get(reverse("reminders-stop", kwargs={"token": token})).status_code == 400
    b.refresh_from_db()
    assert b.reminders == "weekly"


def test_a_stop_link_signs_nobody_in_and_changes_nothing_else(client, artists):
    a, _ = artists
    before = Artist.objects.values().get(pk=a.pk)

    client.get(reverse("reminders-stop", kwargs={"token": reminders.stop_token(a)}))

    after = Artist.objects.values().get(pk=a.pk)
    assert {field for field in before if before[field] != after[field]} == {"reminders"}
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("reminders")).status_code == 302  # still needs a sign-in
    assert client.get(reverse("profile")).status_code == 302


def test_the_reminder_shows_nothing_about_another_artist_in_the_same_program(artists, settings, mailoutbox):
    settings.SITE_URL = "https://tracker.example"
    a, b = artists
    program = factories.ProgramFactory(name="Alpha Preview")
    factories.EnrollmentFactory(artist=a, program=program)
    factories.EnrollmentFactory(artist=b, program=program)

    reminders.send_reminders(now=dt.datetime(2026, 5, 10, 17, tzinfo=dt.UTC))

    to_a = next(email for email in mailoutbox if email.to == ["a.tester@example.org"])
    headers = str(to_a.message())
    for secret in ("artist_b", "b.tester@example.org", b.reminders_key.hex, reminders.stop_token(b)):
        assert secret not in headers
