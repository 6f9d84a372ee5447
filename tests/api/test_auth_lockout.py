"""Password guessing on the API's token door (`POST /api/v1/auth/token/`): a different
X-Forwarded-For on each request changes nothing (the address is the connection's unless
TRUSTED_PROXY_COUNT trusts proxies), the per-address throttle holds, and after
LOGIN_FAILURE_LIMIT wrong passwords the account answers 429 in JSON from that address,
the right password included, until staff unlock it."""

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.core.management import call_command

from tests import factories

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
PASSWORD = "correct-horse-battery"
LOCKED = "Too many failed sign-ins for this account from this address"


def ask_token(api, username, password, **headers):
    return api.post(TOKEN, {"username": username, "password": password}, format="json", **headers)


def test_fourteen_wrong_passwords_with_rotating_forwarded_for_lock_the_account(api, settings):
    factories.ArtistFactory(user__username="mira")

    answers = [ask_token(api, "mira", f"guess-{i}", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}") for i in range(14)]

    assert [a.status_code for a in answers[:4]] == [400] * 4
    assert all(a.status_code == 429 for a in answers[4:])
    locked = answers[4]
    assert locked["Content-Type"] == "application/json"
    assert locked.json() == {
        "detail": f"{LOCKED}; try again in {settings.LOGIN_COOLOFF_MINUTES} minutes or ask staff to unlock it."
    }
    assert locked["Retry-After"] == str(settings.LOGIN_COOLOFF_MINUTES * 60)

    cache.clear()  # the throttle's minute is over; the lockout is not
    right = ask_token(api, "mira", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert right.status_code == 429
    assert LOCKED in right.json()["detail"]
    assert "token" not in right.json()

    call_command("axes_reset")
    assert not AccessAttempt.objects.exists()
    assert "token" in ask_token(api, "mira", PASSWORD).json()


def test_guessing_one_account_does_not_lock_another_from_the_same_address(api):
    factories.ArtistFactory(user__username="mira")
    factories.ArtistFactory(user__username="noor")
    for i in range(5):
        ask_token(api, "mira", f"guess-{i}")

    assert ask_token(api, "noor", PASSWORD).status_code == 200
    assert ask_token(api, "mira", PASSWORD).status_code == 429


def test_the_auth_throttle_counts_by_connection_not_by_forwarded_for(api):
    """Spraying one guess at each of many accounts, each from a 'new' forwarded address."""
    answers = [ask_token(api, f"someone{i}", "guess", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}") for i in range(11)]

    assert [a.status_code for a in answers[:10]] == [400] * 10
    assert answers[10].status_code == 429
    assert "throttled" in answers[10].json()["detail"]


def test_a_wrong_password_still_answers_400_with_the_usual_message(api):
    factories.ArtistFactory(user__username="mira")

    response = ask_token(api, "mira", "guess")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}
