"""Sign-up without an email and two-factor sign-in through the API's auth doors."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from artists import twofactor
from artists.models import RecoveryCodes
from tests import factories
from tests.two_factor_world import PASSWORD, current_code, turn_on_two_factor, wrong_code

pytestmark = pytest.mark.django_db

SIGNUP = "/api/v1/auth/signup/"
TOKEN = "/api/v1/auth/token/"
NEEDS = twofactor.NEEDS_SECOND_FACTOR


def ask_token(api, username="mira", password=PASSWORD, **extra):
    return api.post(TOKEN, {"username": username, "password": password, **extra}, format="json")


def test_signup_without_an_email_answers_ten_recovery_codes_and_a_working_token(api):
    response = api.post(
        SIGNUP, {"username": "mira", "password": "a-long-unusual-passphrase", "handle": "mira_draws"}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    codes = body["recovery_codes"]
    assert len(codes) == len(set(codes)) == 10
    assert all(len(code) == 11 and code[5] == "-" for code in codes)
    assert response["Cache-Control"] == "no-store"
    assert get_user_model().objects.get(username="mira").email == ""
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert me.get("/api/v1/me/contributions/").status_code == 200
    # Stored as digests only: no code appears in the database row.
    stored = RecoveryCodes.objects.get(user__username="mira")
    assert not {code.replace("-", "") for code in codes} & set(stored.digests)
    assert not any(code in " ".join(stored.digests) for code in codes)


def test_signup_with_an_email_answers_no_recovery_codes(api):
    body = {"username": "mira", "email": "mira@example.org", "password": "a-long-unusual-passphrase"}
    response = api.post(SIGNUP, {**body, "handle": "mira_draws"}, format="json")

    assert response.status_code == 201
    assert "recovery_codes" not in response.json()


def test_a_two_factor_account_gets_no_token_for_the_password_alone(api):
    user = factories.UserFactory(username="mira")
    turn_on_two_factor(user)

    response = ask_token(api)

    assert response.status_code == 400
    assert response.json() == {"otp": [NEEDS]}
    assert not Token.objects.filter(user=user).exists()


def test_a_two_factor_account_gets_its_token_with_the_authenticator_code(api):
    user = factories.UserFactory(username="mira")
    device, _ = turn_on_two_factor(user)

    response = ask_token(api, otp=current_code(device))

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=user).key}


def test_a_wrong_otp_is_refused_under_otp_and_then_throttled(api):
    user = factories.UserFactory(username="mira")
    device, _ = turn_on_two_factor(user)

    wrong = ask_token(api, otp=wrong_code(device))
    right_too_soon = ask_token(api, otp=current_code(device))

    assert wrong.status_code == 400
    assert wrong.json()["otp"] == [twofactor.WRONG_CODE, NEEDS]
    # One wrong code and the account waits a second before any code is even checked.
    assert right_too_soon.status_code == 400
    assert right_too_soon.json()["otp"][0].startswith("Too many wrong codes for this account: wait")
    assert not Token.objects.filter(user=user).exists()


def test_a_recovery_code_gets_the_token_once_only(api):
    user = factories.UserFactory(username="mira")
    _, codes = turn_on_two_factor(user)

    first = ask_token(api, otp=codes[0].upper().replace("-", " "))
    Token.objects.filter(user=user).delete()
    again = ask_token(api, otp=codes[0])

    assert first.status_code == 200
    assert again.status_code == 400
    assert again.json()["otp"] == [twofactor.WRONG_CODE, NEEDS]
    assert twofactor.recovery_codes_left(user) == 9


def test_an_account_without_two_factor_is_unchanged(api):
    factories.UserFactory(username="mira")

    assert ask_token(api).status_code == 200
    assert ask_token(api, otp="123456").status_code == 200


def test_the_schema_documents_otp_and_the_optional_email(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    parts = schema["components"]["schemas"]

    assert "otp" in parts["TokenRequestRequest"]["properties"]
    assert "otp" not in parts["TokenRequestRequest"].get("required", [])
    assert "email" not in parts["SignUpRequest"].get("required", [])
    assert "recovery_codes" in parts["SignedUp"]["properties"]
    assert "recovery_codes" not in parts["SignedUp"].get("required", [])
