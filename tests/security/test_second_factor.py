"""Attacks on sign-in safety: guessing recovery or authenticator codes, skipping the
second factor through the admin's own login, using a session that gave only the password,
and signing in with a stolen copy of the database."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from artists import twofactor
from artists.models import RecoveryCodes
from tests import factories
from tests.two_factor_world import PASSWORD, current_code, turn_on_two_factor, wrong_code

pytestmark = pytest.mark.django_db

WAIT = "Too many wrong codes for this account: wait"


def recover(client, code, username="mira"):
    return client.post(reverse("recovery-sign-in"), {"username": username, "code": code})


def code_errors(response) -> list[str]:
    return response.context["form"].errors.get("code", [])


def test_guessing_recovery_codes_is_refused_after_each_wrong_one(client):
    user = factories.UserFactory(username="mira", email="")
    codes = twofactor.new_recovery_codes(user=user)

    guesses = [recover(client, f"aaaaa-{i:05d}") for i in range(20)]
    right_but_too_soon = recover(client, codes[0])

    assert code_errors(guesses[0]) == [twofactor.WRONG_RECOVERY]
    # The other 19 were not even checked: each answered the wait instead.
    assert all(code_errors(g)[0].startswith(WAIT) for g in guesses[1:])
    assert code_errors(right_but_too_soon)[0].startswith(WAIT)
    assert "_auth_user_id" not in client.session
    device = RecoveryCodes.objects.get(user=user)
    assert device.throttling_failure_count == 1
    assert len(device.digests) == 10


def test_each_checked_wrong_recovery_code_doubles_the_wait(client):
    user = factories.UserFactory(username="mira", email="")
    twofactor.new_recovery_codes(user=user)
    long_ago = timezone.now() - dt.timedelta(days=1)

    for _ in range(5):
        recover(client, "aaaaa-bbbbb")
        RecoveryCodes.objects.filter(user=user).update(throttling_failure_timestamp=long_ago)
    RecoveryCodes.objects.filter(user=user).update(throttling_failure_timestamp=timezone.now())
    refused = recover(client, "aaaaa-ccccc")

    # After 5 wrong codes the next is checked only 2^4 = 16 seconds later.
    assert code_errors(refused) == [f"{WAIT} 16 seconds and try again."]


def test_the_wait_for_recovery_codes_stops_doubling_so_nobody_can_keep_the_owner_out(client):
    user = factories.UserFactory(username="mira", email="")
    codes = twofactor.new_recovery_codes(user=user)
    long_ago = timezone.now() - dt.timedelta(days=1)

    for _ in range(30):
        recover(client, "aaaaa-bbbbb")
        RecoveryCodes.objects.filter(user=user).update(throttling_failure_timestamp=long_ago)
    RecoveryCodes.objects.filter(user=user).update(throttling_failure_timestamp=timezone.now())
    refused = recover(client, codes[0])
    RecoveryCodes.objects.filter(user=user).update(
        throttling_failure_timestamp=timezone.now() - dt.timedelta(minutes=9)
    )
    owner = recover(client, codes[0])

    assert code_errors(refused) == [f"{WAIT} 512 seconds and try again."]
    assert owner.status_code == 302 and owner["Location"] == reverse("recovered-password")


def test_guessing_the_authenticator_code_at_the_second_step_is_throttled(client):
    user = factories.UserFactory(username="mira")
    device, _ = turn_on_two_factor(user)
    client.post(reverse("login"), {"username": "mira", "password": PASSWORD})

    guesses = [client.post(reverse("login-code"), {"code": wrong_code(device)}) for _ in range(5)]
    right = client.post(reverse("login-code"), {"code": current_code(device)})

    assert code_errors(guesses[0]) == [twofactor.WRONG_CODE]
    assert all(code_errors(g)[0].startswith(WAIT) for g in [*guesses[1:], right])
    assert "_auth_user_id" not in client.session


def test_a_copy_of_the_database_does_not_sign_anyone_in(client):
    user = factories.UserFactory(username="mira", email="")
    codes = twofactor.new_recovery_codes(user=user)
    row = RecoveryCodes.objects.values().get(user=user)

    stored = str(row)
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)
    for stolen in (row["digests"][0], row["digests"][0][:11], row["salt"][:11]):
        assert code_errors(recover(client, stolen))
        assert "_auth_user_id" not in client.session
        RecoveryCodes.objects.filter(user=user).update(throttling_failure_count=0)


@pytest.fixture
def staff_with_two_factor():
    user = factories.UserFactory(username="boss", is_staff=True, is_superuser=True)
    device, _ = turn_on_two_factor(user)
    return user, device


def test_the_admin_login_cannot_skip_the_second_factor(staff_with_two_factor):
    _, device = staff_with_two_factor
    client = Client()

    response = client.post(reverse("admin:login"), {"username": "boss", "password": PASSWORD, "next": "/admin/"})

    assert response.status_code == 302
    assert response["Location"] == reverse("login-code")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith(reverse("admin:login"))
    second = client.post(reverse("login-code"), {"code": current_code(device)})
    assert second["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_still_signs_in_staff_without_two_factor():
    factories.UserFactory(username="curator", is_staff=True)
    client = Client()

    response = client.post(reverse("admin:login"), {"username": "curator", "password": PASSWORD, "next": "/admin/"})

    assert response["Location"] == "/admin/"
    assert "_auth_user_id" in client.session


def test_staff_reach_the_admin_only_after_both_steps(staff_with_two_factor):
    _, device = staff_with_two_factor
    client = Client()

    first = client.post(reverse("login"), {"username": "boss", "password": PASSWORD, "next": "/admin/"})
    assert client.get("/admin/").status_code == 302
    second = client.post(first["Location"], {"code": current_code(device)})

    assert second["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_half_signed_in_session_reaches_no_page_and_no_api():
    artist = factories.ArtistFactory(user__username="mira")
    turn_on_two_factor(artist.user)
    factories.ContributionFactory(enrollment=factories.EnrollmentFactory(artist=artist))
    client = Client()
    client.post(reverse("login"), {"username": "mira", "password": PASSWORD})

    for path in ("/me/", "/me/profile/", reverse("security"), reverse("api-token"), reverse("recovered-password")):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), path
    api = APIClient()
    api.cookies = client.cookies
    assert api.get("/api/v1/me/contributions/").status_code in (401, 403)
    assert api.get("/api/v1/me/export/").status_code in (401, 403)


def test_the_admin_never_shows_an_authenticator_key(staff_client):
    device, _ = turn_on_two_factor(factories.UserFactory(username="mira"))

    response = staff_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))

    assert response.status_code == 200
    assert device.key not in response.content.decode()
