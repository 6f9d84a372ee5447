"""Password guessing on the web sign-in (`/accounts/login/`): after LOGIN_FAILURE_LIMIT
wrong passwords for one account from one address, that account cannot sign in from that
address, even with the right password, until the cool-off ends or staff unlock it. The
address is the connection's unless TRUSTED_PROXY_COUNT says how many proxies to trust."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
LOCKED = "Too many failed sign-ins for this account from this address"


def sign_in(client, username, password, **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def mira(db):
    return factories.ArtistFactory(user__username="mira").user


def guess(client, times, username="mira", **headers):
    return [sign_in(client, username, f"guess-{i}", **headers) for i in range(times)]


def test_twenty_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(client, mira, settings):
    answers = guess(client, 20)

    assert [a.status_code for a in answers[:4]] == [200] * 4
    assert "enter a correct username and password" in answers[0].content.decode()
    assert all(a.status_code == 429 for a in answers[4:])
    page = sign_in(client, "mira", PASSWORD)
    assert page.status_code == 429
    text = page.content.decode()
    assert LOCKED in text
    assert f"try again in {settings.LOGIN_COOLOFF_MINUTES} minutes or ask staff to unlock it" in text
    assert 'name="password"' in text  # the login form is still there
    assert not signed_in(client)


def test_a_rotating_x_forwarded_for_does_not_escape_the_lockout(client, mira):
    answers = [sign_in(client, "mira", f"guess-{i}", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}") for i in range(6)]

    assert [a.status_code for a in answers] == [200] * 4 + [429] * 2
    assert sign_in(client, "mira", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 429
    assert not signed_in(client)


def test_the_lockout_is_for_the_account_and_the_address_together(client, mira):
    factories.ArtistFactory(user__username="noor")
    guess(client, 5)

    assert sign_in(client, "noor", PASSWORD).status_code == 302  # another account, same address
    client.logout()
    assert sign_in(client, "mira", PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == 302  # elsewhere
    client.logout()
    assert sign_in(client, "mira", PASSWORD).status_code == 429


def test_the_account_opens_again_after_the_cool_off(client, mira, settings):
    guess(client, 5)
    assert sign_in(client, "mira", PASSWORD).status_code == 429

    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES, seconds=1)
    )

    assert sign_in(client, "mira", PASSWORD).status_code == 302
    assert signed_in(client)


def test_staff_see_the_lockout_in_the_admin_and_unlock_the_artist(client, mira, staff_client):
    guess(client, 5)
    listing = staff_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "mira" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="mira")

    deleted = staff_client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})

    assert deleted.status_code == 302
    assert sign_in(client, "mira", PASSWORD).status_code == 302
    assert signed_in(client)
    assert Client().get("/admin/axes/accessattempt/").status_code == 302  # not for anyone else


def test_the_axes_reset_command_unlocks_the_artist(client, mira):
    guess(client, 5)

    call_command("axes_reset_username", "mira")

    assert sign_in(client, "mira", PASSWORD).status_code == 302


def test_behind_one_trusted_proxy_the_address_is_the_last_forwarded_one(client, mira, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    guess(client, 5, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)

    # What the client wrote itself (left of what the proxy appended) does not count.
    forged = sign_in(client, "mira", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7", **proxy)
    assert forged.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    # Another client behind the same proxy is not locked out of the account.
    assert sign_in(client, "mira", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy).status_code == 302


def test_the_lockout_does_not_tell_whether_an_account_exists(mira):
    """A program that guesses at its testers' usernames learns nothing from the lockout: an
    account that does not exist is answered exactly as one that does."""
    real, invented = Client(), Client()
    for client, username in ((real, "mira"), (invented, "no-such-artist")):
        guess(client, 5, username=username)
    real_answer = sign_in(real, "mira", "guess-x")
    invented_answer = sign_in(invented, "no-such-artist", "guess-x")
    assert real_answer.status_code == invented_answer.status_code == 429

    def page(answer, username):  # the page less what differs by request: the name typed, the CSRF token
        return re.sub(r'value="[A-Za-z0-9]{64}"', "", answer.content.decode().replace(username, ""))

    assert page(real_answer, "mira") == page(invented_answer, "no-such-artist")
