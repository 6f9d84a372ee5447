import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests import factories


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Throttle counts live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def artist(db):
    return factories.ArtistFactory()


@pytest.fixture
def artist_api(artist):
    client = APIClient()
    client.force_authenticate(artist.user)
    return client


@pytest.fixture
def my_enrollment(artist, program):
    return factories.EnrollmentFactory(artist=artist, program=program)


@pytest.fixture
def other_enrollment(program):
    """Another artist's enrollment in the same program."""
    return factories.EnrollmentFactory(program=program)
