"""Sign-up, log-in links, password change and password reset, through the web pages."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, include, path, reverse

from artists.models import Artist
from tests import factories

User = get_user_model()


def _named(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


# Sign-up sends artists on to their ledger; until those pages exist, a stand-in takes the name.
urlpatterns = [path("", include("config.urls"))]
if not _named("ledger"):
    urlpatterns.append(path("me/", lambda request: HttpResponse("ledger"), name="ledger"))
pytestmark = pytest.mark.urls(__name__)

GOOD = {
    "username": "mira",
    "email": "mira@example.org",
    "handle": "mira_frames",
    "password1": "a-long-enough-passphrase",
    "password2": "a-long-enough-passphrase",
}


def sign_up(client, **changes):
    return client.post(reverse("signup"), {**GOOD, **changes})


def test_the_sign_up_page_renders(client, db):
    response = client.get(reverse("signup"))

    assert response.status_code == 200
    assert "Sign up as an artist" in response.content.decode()


def test_signing_up_creates_a_login_and_an_artist_and_logs_in(client, db):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("ledger")
    artist = Artist.objects.select_related("user").get()
    assert (artist.handle, artist.user.username, artist.user.email) == ("mira_frames", "mira", "mira@example.org")
    assert int(client.session["_auth_user_id"]) == artist.user.pk


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": "Taken"}, "username", "A user with that username already exists."),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"handle": "TAKEN_handle"}, "handle", "This handle is taken."),
        ({"handle": "no spaces allowed"}, "handle", "A handle is 3 to 40 letters"),
        ({"handle": "Erased-1"}, "handle", "kept for erased accounts"),
        ({"password1": "password", "password2": "password"}, "password1", "This password is too common."),
        ({"password1": "12345678901", "password2": "12345678901"}, "password1", "entirely numeric"),
        ({"password2": "a-different-passphrase"}, "password2", "The two passwords differ."),
    ],
)
def test_a_refused_sign_up_shows_the_message_on_its_field_and_writes_nothing(client, db, changes, field, message):
    factories.ArtistFactory(handle="taken_handle", user__username="Taken", user__email="taken@example.org")
    users, artists = User.objects.count(), Artist.objects.count()

    response = sign_up(client, **changes)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field]), errors
    assert 'class="field has-error"' in response.content.decode()
    assert (User.objects.count(), Artist.objects.count()) == (users, artists)
    assert "_auth_user_id" not in client.session


def test_the_login_page_links_to_password_reset_and_sign_up(client, db):
    page = client.get(reverse("login")).content.decode()

    assert f'href="{reverse("password_reset")}"' in page and "Forgot your password?" in page
    assert f'href="{reverse("signup")}"' in page


def test_a_wrong_password_at_login_is_shown(client, db):
    factories.UserFactory(username="mira")

    response = client.post(reverse("login"), {"username": "mira", "password": "not-it"})

    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()


@pytest.mark.parametrize("name", ["password_change", "password_change_done"])
def test_password_change_pages_need_a_login(client, db, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_changing_the_password(client, db):
    user = factories.UserFactory(username="mira")
    client.force_login(user)
    assert client.get(reverse("password_change")).status_code == 200

    wrong = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "fresh-pass-phrase", "new_password2": "fresh-pass-phrase"},
    )
    assert "old_password" in wrong.context["form"].errors
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "fresh-pass-phrase",
            "new_password2": "fresh-pass-phrase",
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    assert "Your password is changed" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("fresh-pass-phrase")


def test_password_reset_emails_a_link_that_sets_a_new_password(client, db):
    factories.UserFactory(username="mira", email="mira@example.org")
    assert client.get(reverse("password_reset")).status_code == 200

    response = client.post(reverse("password_reset"), {"email": "MIRA@example.org"}, follow=True)

    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["mira@example.org"]
    assert email.subject == "Reset your Early-Access Tracker password"
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", email.body).group(1)

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-phrase", "new_password2": "a-brand-new-phrase"},
        follow=True,
    )
    assert "Your new password is set" in done.content.decode()

    client.logout()
    login = client.post(reverse("login"), {"username": "mira", "password": "a-brand-new-phrase"})
    assert login.status_code == 302
    assert client.session["_auth_user_id"]
    assert not client.login(request=HttpRequest(), username="mira", password="correct-horse-battery")


def test_a_used_or_broken_reset_link_explains_and_offers_a_new_one(client, db):
    response = client.get(reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "nope-nope"}))

    page = response.content.decode()
    assert response.status_code == 200
    assert "This link no longer works" in page
    assert f'href="{reverse("password_reset")}"' in page


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)

    assert "Check your email" in response.content.decode()
    assert mail.outbox == []
