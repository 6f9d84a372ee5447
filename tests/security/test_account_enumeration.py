"""The company knows its testers' email addresses and can try each at sign-up: the answer
must not say whether an address already has an account here. Several accounts may share
an address, so an address on file is accepted exactly like a fresh one, on the page and
in the API (Django's password reset already mails every account with the address)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories

pytestmark = pytest.mark.django_db
User = get_user_model()
TESTER = "tester@example.org"


def page_sign_up(username: str, email: str):
    body = {"username": username, "handle": f"{username}_h", "email": email}
    body |= {"password1": "a-long-enough-passphrase", "password2": "a-long-enough-passphrase"}
    response = Client().post(reverse("signup"), body)
    return response.status_code, response.get("Location"), sorted(response.context.keys()) if response.context else []


def api_sign_up(username: str, email: str):
    body = {"username": username, "handle": f"{username}_h", "email": email, "password": "a-long-unusual-passphrase"}
    response = APIClient().post("/api/v1/auth/signup/", body, format="json")
    return response.status_code, sorted(response.json())


@pytest.fixture
def tester_has_an_account():
    factories.ArtistFactory(user__username="the_tester", user__email=TESTER)


def test_the_sign_up_page_answers_an_address_on_file_as_a_fresh_one(tester_has_an_account):
    on_file = page_sign_up("probe_one", TESTER.upper())
    fresh = page_sign_up("probe_two", "nobody-here@example.org")

    assert on_file == fresh == (302, reverse("ledger"), [])
    assert User.objects.filter(email__iexact=TESTER).count() == 2


def test_the_api_sign_up_answers_an_address_on_file_as_a_fresh_one(tester_has_an_account):
    on_file = api_sign_up("probe_one", TESTER)
    fresh = api_sign_up("probe_two", "nobody-here@example.org")

    assert on_file == fresh == (201, ["handle", "token", "username"])


def test_the_security_page_accepts_an_address_on_file_as_a_fresh_one(client, tester_has_an_account):
    client.force_login(factories.UserFactory(username="probe"))

    on_file = client.post(reverse("security-email"), {"email": TESTER, "password": "correct-horse-battery"})
    fresh = client.post(reverse("security-email"), {"email": "x@example.org", "password": "correct-horse-battery"})

    assert (
        (on_file.status_code, on_file["Location"])
        == (fresh.status_code, fresh["Location"])
        == (302, reverse("security"))
    )
