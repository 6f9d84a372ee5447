from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories


def test_the_api_token_page_needs_a_login(client, db):
    response = client.get("/accounts/api-token/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_advocate_creates_a_token_sees_it_once_and_it_works(client, db):
    advocate = factories.UserFactory(username="reporter")
    client.force_login(advocate)

    page = client.post("/accounts/api-token/", {"action": "create"}).content.decode()

    token = Token.objects.get(user=advocate)
    assert token.key in page and "not shown again" in page
    assert token.key not in client.get("/accounts/api-token/").content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/webhooks/").status_code == 200


def test_replacing_a_token_stops_the_old_one_and_revoking_stops_all(client, db):
    artist = factories.ArtistFactory()
    client.force_login(artist.user)
    client.post("/accounts/api-token/", {"action": "create"})
    old = Token.objects.get(user=artist.user).key
    client.post("/accounts/api-token/", {"action": "create"})
    new = Token.objects.get(user=artist.user).key
    api = APIClient()

    api.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert old != new and api.get("/api/v1/me/contributions/").status_code == 401

    response = client.post("/accounts/api-token/", {"action": "revoke"})
    # Back to the page, not to the API endpoint of a similar name.
    assert response.status_code == 302 and response["Location"] == "/accounts/api-token/"
    assert not Token.objects.filter(user=artist.user).exists()
    api.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert api.get("/api/v1/me/contributions/").status_code == 401


def test_staff_create_and_revoke_tokens_in_the_admin(staff_client, db):
    user = factories.UserFactory(username="client-bot")

    staff_client.post("/admin/authtoken/tokenproxy/add/", {"user": user.pk})
    assert Token.objects.filter(user=user).exists()
    token = Token.objects.get(user=user)
    # The admin knows a token by its user (DRF's TokenProxy).
    assert token.user_id == user.pk
    staff_client.post(f"/admin/authtoken/tokenproxy/{user.pk}/delete/", {"post": "yes"})
    assert not Token.objects.filter(user=user).exists()
