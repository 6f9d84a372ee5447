"""Choosing weekly reminders on the profile page, and the one-click link that stops them."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from artists import reminders
from artists.models import Artist
from tests import factories

NOW = dt.datetime(2026, 5, 10, 17, 0, tzinfo=dt.UTC)


@pytest.fixture
def artist(db):
    return factories.ArtistFactory(handle="mira_frames", user=factories.UserFactory(username="mira"))


@pytest.fixture
def artist_client(client, artist):
    client.force_login(artist.user)
    return client


def choose(client, value: str):
    return client.post(reverse("reminders"), {"reminders-reminders": value})


def preference(artist) -> str:
    artist.refresh_from_db()
    return artist.reminders


def weekly(artist) -> Artist:
    Artist.objects.filter(pk=artist.pk).update(reminders=Artist.Reminders.WEEKLY)
    artist.refresh_from_db()
    return artist


# Choosing


def test_reminders_are_off_until_the_artist_chooses_them(artist_client, artist):
    page = artist_client.get(reverse("profile")).content.decode()

    assert preference(artist) == "none"
    assert 'name="reminders-reminders" value="none"' in page and "checked" in page
    assert f'action="{reverse("reminders")}"' in page


def test_an_artist_turns_weekly_reminders_on_and_off(artist_client, artist):
    response = choose(artist_client, "weekly")

    assert response.status_code == 302 and response["Location"] == reverse("profile")
    assert preference(artist) == "weekly"
    assert "Weekly reminders are on." in artist_client.get(reverse("profile")).content.decode()

    choose(artist_client, "none")
    assert preference(artist) == "none"


def test_a_choice_that_is_not_offered_is_refused(artist_client, artist):
    response = choose(artist_client, "daily")

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert preference(artist) == "none"


def test_without_an_email_the_page_explains_and_weekly_is_refused(client, db):
    artist = factories.ArtistFactory(user=factories.UserFactory(email=""))
    client.force_login(artist.user)

    page = client.get(reverse("profile")).content.decode()
    assert "Reminders are sent by email, and your account has no email address." in page
    assert 'value="weekly"' not in page

    response = choose(client, "weekly")
    assert response.status_code == 200
    assert "Weekly reminders need an email address" in response.content.decode()
    assert preference(artist) == "none"


def test_anonymous_visitors_are_sent_to_log_in(client, artist):
    for response in (client.get(reverse("reminders")), choose(client, "weekly")):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert preference(artist) == "none"


def test_an_account_without_an_artist_profile_cannot_choose(client, artist):
    client.force_login(factories.UserFactory(username="advocate"))

    assert client.get(reverse("reminders")).status_code == 403
    assert choose(client, "weekly").status_code == 403
    assert preference(artist) == "none"


def test_another_artist_changes_only_their_own_choice(client, artist):
    other = factories.ArtistFactory(handle="someone_else")
    client.force_login(other.user)

    choose(client, "weekly")

    assert preference(other) == "weekly"
    assert preference(artist) == "none"


# The stop link


def test_the_stop_link_turns_reminders_off_without_signing_in(client, artist):
    weekly(artist)

    response = client.get(reminders.stop_url(artist).removeprefix("http://localhost:8000"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Weekly reminders are off" in page
    assert reverse("reminders") in page
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert preference(artist) == "none"


def test_a_mail_clients_one_click_post_turns_reminders_off(artist):
    weekly(artist)
    # RFC 8058: the mail client POSTs, with no cookie and no CSRF token.
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("reminders-stop", kwargs={"token": reminders.stop_token(artist)}),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert preference(artist) == "none"


def test_an_altered_link_is_refused_and_changes_nothing(client, artist):
    weekly(artist)
    token = reminders.stop_token(artist)
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")

    for bad in (altered, "nonsense", token.split(":")[0]):
        response = client.get(reverse("reminders-stop", kwargs={"token": bad}))
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
        assert "Nothing was changed." in response.content.decode()
    assert client.post(reverse("reminders-stop", kwargs={"token": altered})).status_code == 400
    assert preference(artist) == "weekly"


def test_the_link_of_an_erased_account_finds_nothing(client, artist):
    from artists.services import erase_artist

    token = reminders.stop_token(artist)
    erase_artist(artist=artist)

    response = client.get(reverse("reminders-stop", kwargs={"token": token}))

    assert response.status_code == 404
    assert "no longer exists" in response.content.decode()


def test_every_reminder_carries_the_one_click_unsubscribe_headers(artist, settings):
    settings.SITE_URL = "https://tracker.example"
    weekly(artist)
    factories.EnrollmentFactory(artist=artist)

    reminders.send_reminders(now=NOW)

    email = mail.outbox[0]
    url = f"https://tracker.example{reverse('reminders-stop', kwargs={'token': reminders.stop_token(artist)})}"
    assert email.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    message = email.message()
    assert message["List-Unsubscribe"] == f"<{url}>"
    assert url in email.body

    # The link in the email works as it is.
    assert Client().get(url.removeprefix("https://tracker.example")).status_code == 200
    assert preference(artist) == "none"
