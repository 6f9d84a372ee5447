"""Every API answer a throttle counted says where the client stands (RateLimit-Limit,
RateLimit-Remaining, RateLimit-Reset), and every page of a list links to the next and
previous pages in a Link header (config/throttling.py, config/renderers.py)."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from config.throttling import AnonRateThrottle, UserRateThrottle
from tests.jobs.helpers import make_program

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def counted_afresh(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "5/minute", raising=False)
    monkeypatch.setattr(UserRateThrottle, "rate", "600/minute", raising=False)
    cache.clear()
    yield
    cache.clear()


def limits(response) -> tuple[int, int, int]:
    return (
        int(response["RateLimit-Limit"]),
        int(response["RateLimit-Remaining"]),
        int(response["RateLimit-Reset"]),
    )


def test_each_answer_counts_down_and_a_refusal_says_when_to_come_back():
    client = APIClient()
    seen = [limits(client.get("/api/v1/stats/summary/")) for _ in range(5)]

    assert [remaining for _, remaining, _ in seen] == [4, 3, 2, 1, 0]
    assert all(limit == 5 and 0 < reset <= 60 for limit, _, reset in seen)
    refused = client.get("/api/v1/stats/summary/")
    assert refused.status_code == 429
    assert limits(refused)[:2] == (5, 0)
    assert 0 < limits(refused)[2] <= int(refused["Retry-After"]) + 1


def test_a_signed_in_client_sees_its_own_allowance(django_user_model):
    user = django_user_model.objects.create_user("reader", password="a long enough password 1")
    client = APIClient()
    client.force_authenticate(user)

    response = client.get("/api/v1/programs/")

    assert limits(response)[:2] == (600, 599)


def test_a_page_of_the_site_carries_no_rate_limit_headers(client):
    assert "RateLimit-Limit" not in client.get("/")


def test_a_list_links_to_its_next_and_previous_pages():
    for n in range(5):
        make_program(name=f"Listed {n}", slug=f"listed-{n}")
    client = APIClient()

    first = client.get("/api/v1/programs/?page_size=2")
    middle = client.get("/api/v1/programs/?page_size=2&page=2")
    last = client.get("/api/v1/programs/?page_size=2&page=3")

    assert first["Link"] == f'<{first.json()["next"]}>; rel="next"'
    assert middle["Link"] == f'<{middle.json()["next"]}>; rel="next", <{middle.json()["previous"]}>; rel="prev"'
    assert last["Link"] == f'<{last.json()["previous"]}>; rel="prev"'
    assert "page=3" in middle["Link"]
