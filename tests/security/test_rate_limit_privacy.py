"""The RateLimit-* headers (config/throttling.py) count the asking client's own requests
only: a company watching its own headers must not see them move when an artist (another
account, another address) uses the API, or it could tell when one of its testers logged."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from config.throttling import AnonRateThrottle, UserRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def counted_afresh(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "50/minute", raising=False)
    monkeypatch.setattr(UserRateThrottle, "rate", "50/minute", raising=False)
    cache.clear()
    yield
    cache.clear()


def remaining(response) -> int:
    return int(response["RateLimit-Remaining"])


def test_another_accounts_requests_do_not_move_the_companys_count(django_user_model):
    company = APIClient()
    company.force_authenticate(django_user_model.objects.create_user("company-watcher", password="x" * 20))
    artist = APIClient()
    artist.force_authenticate(django_user_model.objects.create_user("tester-artist", password="x" * 20))

    before = remaining(company.get("/api/v1/programs/"))
    for _ in range(5):
        assert "RateLimit-Remaining" in artist.get("/api/v1/programs/")
    after = remaining(company.get("/api/v1/programs/"))

    assert before - after == 1  # its own second request, nothing of the artist's five


def test_another_addresss_requests_do_not_move_an_anonymous_count():
    company, artist = APIClient(REMOTE_ADDR="203.0.113.7"), APIClient(REMOTE_ADDR="198.51.100.9")

    before = remaining(company.get("/api/v1/stats/summary/"))
    for _ in range(5):
        artist.get("/api/v1/stats/summary/")
    after = remaining(company.get("/api/v1/stats/summary/"))

    assert before - after == 1
