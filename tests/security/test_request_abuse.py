"""Attacks with the request body itself. The adversary needs no account: it sends bodies built
to crash a parser or exhaust memory, to every door that reads one, or signs in and sends the
fields only the server sets. Every answer is a refusal in JSON (400 or 413), never a 500 or
Django's HTML page, nothing is written, and the server keeps answering afterwards."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from artists.models import Artist
from feedback.models import Contribution
from programs.models import Enrollment
from tests import factories
from tracker.models import WebhookSubscription

pytestmark = pytest.mark.django_db

# Every door under /api/v1/ that reads a body, anonymous ones first.
ANONYMOUS_DOORS = ["/api/v1/auth/signup/", "/api/v1/auth/token/"]
ARTIST_DOORS = [
    "/api/v1/me/contributions/",
    "/api/v1/me/compensations/",
    "/api/v1/me/works/",
    "/api/v1/me/enrollments/",
    "/api/v1/me/programs/propose/",
    "/api/v1/webhooks/",
]

DEEP_ARRAYS = b"[" * 100_000
DEEP_OBJECTS = b'{"a":' * 100_000
DEEP_MIXED = b'[{"a":' * 50_000
HUGE = b'{"title": "' + b"a" * 10_000_000 + b'"}'


@pytest.fixture(autouse=True)
def fresh_throttles():
    """The sign-up and token doors allow 10 requests a minute per address; start each test with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def artist_api(db):
    artist = factories.ArtistFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=artist.user).key}")
    return client


def records() -> tuple[int, ...]:
    return (
        Artist.objects.count(),
        Enrollment.objects.count(),
        Contribution.objects.count(),
        WebhookSubscription.objects.count(),
    )


def send(client, url, raw, content_type="application/json"):
    return client.generic("POST", url, raw, content_type=content_type)


@pytest.mark.parametrize("raw", [DEEP_ARRAYS, DEEP_OBJECTS, DEEP_MIXED], ids=["arrays", "objects", "mixed"])
def test_deeply_nested_json_is_refused_everywhere_without_a_server_error(artist_api, raw):
    before = records()

    for client, url in [(APIClient(), url) for url in ANONYMOUS_DOORS] + [(artist_api, url) for url in ARTIST_DOORS]:
        response = send(client, url, raw)
        assert response.status_code == 400, (url, response.status_code)
        assert response.json()["detail"].startswith("JSON parse error - "), url

    assert records() == before
    assert artist_api.get("/api/v1/me/contributions/").status_code == 200


def test_a_huge_body_answers_413_in_json_even_anonymously(artist_api, settings):
    before = records()
    expected = {"detail": f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."}

    for client, url in [(APIClient(), url) for url in ANONYMOUS_DOORS] + [(artist_api, url) for url in ARTIST_DOORS]:
        for content_type in ("application/json", "application/x-www-form-urlencoded"):
            response = send(client, url, HUGE, content_type)
            assert response.status_code == 413, (url, content_type, response.status_code)
            assert response["Content-Type"] == "application/json"
            assert response.json() == expected

    assert records() == before


def test_a_huge_body_is_refused_before_a_token_is_guessed(settings):
    """413 on the token door answers without reading credentials from the body."""
    user = factories.UserFactory(username="victim")
    user.set_password("a-real-password-123")
    user.save()
    raw = b'{"username": "victim", "password": "a-real-password-123", "pad": "' + b"a" * 3_000_000 + b'"}'

    response = send(APIClient(), "/api/v1/auth/token/", raw)

    assert response.status_code == 413
    assert "token" not in response.json()
    assert not Token.objects.filter(user=user).exists()


def test_an_artist_cannot_set_the_fields_only_the_server_sets(artist_api):
    program = factories.ProgramFactory(slug="halcyon-preview")

    response = artist_api.post(
        "/api/v1/me/enrollments/",
        {"program": program.slug, "granted_on": "2026-01-05", "verification": "verified", "status": "active", "id": 1},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"verification", "status", "id"}
    assert not Enrollment.objects.exists()
