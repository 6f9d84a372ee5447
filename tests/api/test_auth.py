"""Sign-up and API tokens: anonymous clients get a login, an artist profile and a token,
then use the token on their ledger."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from artists.models import Artist
from tests import factories

pytestmark = pytest.mark.django_db

SIGNUP = "/api/v1/auth/signup/"
TOKEN = "/api/v1/auth/token/"
User = get_user_model()


def signup_body(**changes):
    return {
        "username": "mira",
        "email": "mira@example.org",
        "password": "a-long-unusual-passphrase",
        "handle": "mira_draws",
        **changes,
    }


def accounts() -> tuple[int, int, int]:
    return User.objects.count(), Artist.objects.count(), Token.objects.count()


def test_signup_creates_login_profile_and_token_that_opens_the_ledger(api):
    response = api.post(SIGNUP, signup_body(), format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["handle"] == "mira_draws"
    assert body["username"] == "mira"
    artist = Artist.objects.get(handle="mira_draws")
    assert artist.user.email == "mira@example.org"
    assert Token.objects.get(user=artist.user).key == body["token"]
    assert "password" not in body

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    ledger = client.get("/api/v1/me/contributions/")
    assert ledger.status_code == 200
    assert ledger.json()["count"] == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"handle": "no spaces allowed"}, "handle"),
        ({"password": "123"}, "password"),
        ({"email": "not-an-email"}, "email"),
        ({"username": ["mira"]}, "username"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_signup_with_bad_input_names_the_field_and_creates_nothing(api, changes, field):
    response = api.post(SIGNUP, signup_body(**changes), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert accounts() == (0, 0, 0)


def test_signup_with_a_taken_handle_is_refused_but_not_for_the_email(api):
    factories.ArtistFactory(handle="Mira_Draws", user__email="mira@example.org")
    before = accounts()

    response = api.post(SIGNUP, signup_body(), format="json")

    assert response.status_code == 400
    assert response.json() == {"handle": ["This handle is taken."]}
    assert accounts() == before


def test_token_for_good_credentials_is_the_accounts_token(api):
    response = api.post(SIGNUP, signup_body(), format="json")

    token = api.post(TOKEN, {"username": "mira", "password": "a-long-unusual-passphrase"}, format="json")

    assert token.status_code == 200
    assert token.json() == {"token": response.json()["token"]}


def test_token_is_made_for_an_existing_login(api, artist):
    response = api.post(TOKEN, {"username": artist.user.username, "password": "correct-horse-battery"}, format="json")

    assert response.status_code == 200
    assert Token.objects.get(user=artist.user).key == response.json()["token"]


@pytest.mark.parametrize(
    "body",
    [
        {"username": "mira", "password": "wrong"},
        {"username": "nobody", "password": "a-long-unusual-passphrase"},
        {"username": "mira"},
        {"username": "mira", "password": "a-long-unusual-passphrase", "remember": True},
    ],
)
def test_token_with_bad_credentials_answers_400_with_a_message(api, body):
    api.post(SIGNUP, signup_body(), format="json")
    Token.objects.all().delete()

    response = api.post(TOKEN, body, format="json")

    assert response.status_code == 400
    assert response.json()
    assert not Token.objects.exists()


def test_a_wrong_token_is_refused(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert api.get("/api/v1/me/contributions/").status_code in (401, 403)


def test_token_requests_are_throttled(api):
    # One guess at each of many accounts: the per-address throttle, not the per-account lockout.
    codes = [
        api.post(TOKEN, {"username": f"nobody{i}", "password": "guess"}, format="json").status_code for i in range(11)
    ]

    assert codes[:10] == [400] * 10
    assert codes[10] == 429
