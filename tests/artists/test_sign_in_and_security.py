"""Signing in with two steps or a recovery code, and the Sign-in and security pages,
through the web pages."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from artists import twofactor
from tests import factories
from tests.two_factor_world import PASSWORD, current_code, forgive_wrong_codes, turn_on_two_factor, wrong_code

pytestmark = pytest.mark.django_db
User = get_user_model()

SIGNUP = {
    "username": "mira",
    "handle": "mira_frames",
    "password1": "a-long-enough-passphrase",
    "password2": "a-long-enough-passphrase",
}
NEW_PASSWORD = {"new_password1": "a-fresh-pass-phrase", "new_password2": "a-fresh-pass-phrase"}


def signed_in_id(client):
    return client.session.get("_auth_user_id")


def codes_on(page: str) -> list[str]:
    return re.findall(r"<code>([0-9a-z]{5}-[0-9a-z]{5})</code>", page)


# Sign-up without an email.


def test_the_sign_up_page_says_what_is_lost_without_an_email(client):
    page = client.get(reverse("signup")).content.decode()

    assert "(optional)" in page
    assert "cannot send you a link to reset a forgotten password, nor any reminder emails" in page
    assert "only way back in" in page
    assert "nobody can give you the account back" in page


def test_signing_up_without_an_email_shows_the_recovery_codes_once(client):
    response = client.post(reverse("signup"), SIGNUP)

    assert response.status_code == 201
    page = response.content.decode()
    codes = codes_on(page)
    assert len(codes) == 10
    assert "shown only this once" in page and "I have saved them" in page
    assert "no-store" in response["Cache-Control"]
    assert signed_in_id(client) == str(User.objects.get(username="mira").pk)
    # The codes are not kept anywhere a second visit could show them.
    assert not codes_on(client.get(reverse("security")).content.decode())
    assert twofactor.recovery_codes_left(User.objects.get(username="mira")) == 10


def test_signing_up_with_an_email_goes_straight_to_the_ledger(client):
    response = client.post(reverse("signup"), {**SIGNUP, "email": "mira@example.org"})

    assert response.status_code == 302
    assert twofactor.recovery_codes_left(User.objects.get(username="mira")) == 0


# Signing in with a recovery code.


def test_a_recovery_code_signs_in_and_leads_to_a_new_password_without_the_old_one(client):
    user = factories.ArtistFactory(user__username="mira", user__email="").user
    codes = twofactor.new_recovery_codes(user=user)

    response = client.post(reverse("recovery-sign-in"), {"username": "mira", "code": codes[3].upper()})

    assert response.status_code == 302 and response["Location"] == reverse("recovered-password")
    assert signed_in_id(client) == str(user.pk)
    page = client.get(reverse("recovered-password")).content.decode()
    assert "old_password" not in page
    done = client.post(reverse("recovered-password"), NEW_PASSWORD)
    assert done.status_code == 302 and done["Location"] == reverse("ledger")
    user.refresh_from_db()
    assert user.check_password("a-fresh-pass-phrase")
    assert twofactor.recovery_codes_left(user) == 9
    # Only once: afterwards changing the password asks for the old one again.
    assert client.get(reverse("recovered-password"))["Location"] == reverse("password_change")


def test_a_used_recovery_code_does_not_work_again(client):
    user = factories.UserFactory(username="mira")
    code = twofactor.new_recovery_codes(user=user)[0]
    client.post(reverse("recovery-sign-in"), {"username": "mira", "code": code})
    client.logout()
    user.refresh_from_db()
    forgive_wrong_codes(user)

    response = client.post(reverse("recovery-sign-in"), {"username": "mira", "code": code})

    assert response.status_code == 200
    assert twofactor.WRONG_RECOVERY in response.context["form"].errors["code"]
    assert signed_in_id(client) is None


def test_an_unknown_username_is_refused_like_a_wrong_code(client):
    response = client.post(reverse("recovery-sign-in"), {"username": "nobody", "code": "abcde-12345"})

    assert response.context["form"].errors["code"] == [twofactor.WRONG_RECOVERY]


def test_the_login_and_password_reset_pages_link_to_the_recovery_sign_in(client):
    for name in ("login", "password_reset"):
        page = client.get(reverse(name)).content.decode()
        assert f'href="{reverse("recovery-sign-in")}"' in page, name


def test_a_recovery_code_on_a_two_factor_account_still_asks_for_the_second_factor(client):
    user = factories.UserFactory(username="mira")
    device, codes = turn_on_two_factor(user)

    first = client.post(reverse("recovery-sign-in"), {"username": "mira", "code": codes[0]})

    assert first["Location"] == reverse("login-code")
    assert signed_in_id(client) is None
    second = client.post(reverse("login-code"), {"code": current_code(device)})
    assert second["Location"] == reverse("recovered-password")
    assert signed_in_id(client) == str(user.pk)


# Two steps at the login.


def test_a_two_factor_login_signs_in_only_after_the_code_and_keeps_next(client):
    user = factories.UserFactory(username="mira")
    device, _ = turn_on_two_factor(user)

    first = client.post(reverse("login"), {"username": "mira", "password": PASSWORD, "next": "/me/profile/"})

    assert first.status_code == 302 and first["Location"] == reverse("login-code")
    assert signed_in_id(client) is None
    wrong = client.post(reverse("login-code"), {"code": wrong_code(device)})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"] == [twofactor.WRONG_CODE]
    forgive_wrong_codes(user)
    right = client.post(reverse("login-code"), {"code": current_code(device)})
    assert right.status_code == 302 and right["Location"] == "/me/profile/"
    assert signed_in_id(client) == str(user.pk)
    assert client.session["otp_device_id"] == device.persistent_id


def test_a_login_without_two_factor_is_one_step(client):
    user = factories.UserFactory(username="mira")

    response = client.post(reverse("login"), {"username": "mira", "password": PASSWORD})

    assert response["Location"] == reverse("home")
    assert signed_in_id(client) == str(user.pk)


def test_the_second_step_runs_out(client, settings):
    user = factories.UserFactory(username="mira")
    device, _ = turn_on_two_factor(user)
    client.post(reverse("login"), {"username": "mira", "password": PASSWORD})
    settings.TWO_FACTOR_PENDING_SECONDS = -1

    response = client.post(reverse("login-code"), {"code": current_code(device)})

    assert response["Location"] == reverse("login")
    assert signed_in_id(client) is None


def test_the_second_step_without_a_password_first_sends_to_the_login(client):
    assert client.get(reverse("login-code"))["Location"] == reverse("login")


# The Sign-in and security pages.

PAGES = ["security", "two-factor-on"]
POSTS = ["security-email", "security-recovery-codes", "two-factor-off"]


@pytest.mark.parametrize("name", PAGES + POSTS)
def test_security_pages_need_a_login(client, name):
    response = client.get(reverse(name)) if name in PAGES else client.post(reverse(name), {})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_account_without_an_artist_profile_has_the_security_page(client):
    advocate = factories.UserFactory(username="ada", email="ada@example.org")
    client.force_login(advocate)

    page = client.get(reverse("security")).content.decode()

    assert "ada@example.org" in page and "Two-factor sign-in is <strong>off</strong>" in page


def test_the_security_page_shows_only_the_own_account(client):
    factories.UserFactory(username="other", email="other@example.org")
    turn_on_two_factor(User.objects.get(username="other"))
    client.force_login(factories.ArtistFactory(user__email="mira@example.org").user)

    page = client.get(reverse("security")).content.decode()

    assert "other@example.org" not in page
    assert "Two-factor sign-in is <strong>off</strong>" in page
    assert "<strong>0</strong> unused recovery codes" in page


def test_the_profile_page_and_the_nav_link_to_the_security_page(client):
    client.force_login(factories.ArtistFactory().user)

    page = client.get(reverse("profile")).content.decode()

    assert page.count(f'href="{reverse("security")}"') == 2


def test_removing_and_adding_the_email_needs_the_password(client):
    user = factories.UserFactory(username="mira", email="mira@example.org")
    client.force_login(user)

    refused = client.post(reverse("security-email"), {"email": "", "password": "wrong"})
    removed = client.post(reverse("security-email"), {"email": "", "password": PASSWORD}, follow=True)

    assert refused.status_code == 400 and refused.context["email_form"].errors["password"]
    assert "only way back in" in removed.content.decode()
    user.refresh_from_db()
    assert user.email == ""
    client.post(reverse("security-email"), {"email": "new@example.org", "password": PASSWORD})
    user.refresh_from_db()
    assert user.email == "new@example.org"


def test_removing_the_email_turns_weekly_reminders_off(client):
    artist = factories.ArtistFactory(user__email="mira@example.org", reminders="weekly")
    client.force_login(artist.user)

    client.post(reverse("security-email"), {"email": "new@example.org", "password": PASSWORD})
    artist.refresh_from_db()
    assert artist.reminders == "weekly"

    client.post(reverse("security-email"), {"email": "", "password": PASSWORD})
    artist.refresh_from_db()
    assert artist.reminders == "none"
    assert (
        "Reminders are sent by email, and your account has no email address."
        in client.get(reverse("profile")).content.decode()
    )


def test_new_recovery_codes_need_the_password_and_replace_the_old_ones(client):
    user = factories.UserFactory(username="mira")
    old = twofactor.new_recovery_codes(user=user)
    client.force_login(user)

    refused = client.post(reverse("security-recovery-codes"), {"password": "wrong"})
    made = client.post(reverse("security-recovery-codes"), {"password": PASSWORD})

    assert refused.status_code == 400 and refused.context["codes_form"].errors["password"]
    assert made.status_code == 200 and "no-store" in made["Cache-Control"]
    new = codes_on(made.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    client.logout()
    again = client.post(reverse("recovery-sign-in"), {"username": "mira", "code": old[0]})
    assert again.status_code == 200 and signed_in_id(client) is None


def test_turning_on_two_factor_shows_the_qr_code_then_asks_for_a_code(client):
    user = factories.UserFactory(username="mira")
    Token.objects.create(user=user)
    client.force_login(user)

    setup = client.get(reverse("two-factor-on"))
    page = setup.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert "<svg" in page and "no-store" in setup["Cache-Control"]
    assert 'id="totp-secret"' in page
    wrong = client.post(reverse("two-factor-on"), {"code": wrong_code(device)})
    assert wrong.status_code == 400 and not twofactor.has_two_factor(user)
    forgive_wrong_codes(user)
    on = client.post(reverse("two-factor-on"), {"code": current_code(device)})

    assert on.status_code == 200
    assert twofactor.has_two_factor(user)
    assert len(codes_on(on.content.decode())) == 10
    assert "Your API token was deleted" in on.content.decode()
    assert not Token.objects.filter(user=user).exists()


def test_turning_off_two_factor_needs_the_password_and_a_code(client):
    user = factories.UserFactory(username="mira")
    device, codes = turn_on_two_factor(user)
    client.force_login(user)

    no_password = client.post(reverse("two-factor-off"), {"password": "wrong", "code": current_code(device)})
    no_code = client.post(reverse("two-factor-off"), {"password": PASSWORD, "code": "abcde-fghjk"})
    assert no_password.status_code == 400 and no_password.context["off_form"].errors["password"]
    assert no_code.status_code == 400 and no_code.context["off_form"].errors["code"]
    assert twofactor.has_two_factor(user)
    forgive_wrong_codes(user)
    off = client.post(reverse("two-factor-off"), {"password": PASSWORD, "code": codes[1]})

    assert off.status_code == 302
    assert not twofactor.has_two_factor(user)


def test_the_new_password_page_needs_a_recovery_sign_in_just_before(client):
    anonymous = client.get(reverse("recovered-password"))
    client.force_login(factories.ArtistFactory().user)
    signed_in = client.get(reverse("recovered-password"))
    refused = client.post(reverse("recovered-password"), NEW_PASSWORD)

    assert anonymous["Location"].startswith(reverse("login"))
    assert signed_in["Location"] == reverse("password_change")
    assert refused["Location"] == reverse("password_change")


def test_an_account_without_an_artist_profile_can_turn_on_two_factor(client):
    advocate = factories.UserFactory(username="ada")
    client.force_login(advocate)

    assert client.get(reverse("two-factor-on")).status_code == 200
    device = TOTPDevice.objects.get(user=advocate, confirmed=False)
    assert client.post(reverse("two-factor-on"), {"code": current_code(device)}).status_code == 200
    assert twofactor.has_two_factor(advocate)


def test_the_recovery_sign_in_page_is_open_to_anyone_and_never_cached(client):
    response = client.get(reverse("recovery-sign-in"))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
