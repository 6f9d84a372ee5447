from decimal import Decimal

import pytest

from tests import factories


@pytest.fixture
def program(db):
    return factories.ProgramFactory()


@pytest.fixture
def enrollment(db, program):
    return factories.EnrollmentFactory(program=program)


@pytest.fixture
def staff_client(client, db):
    user = factories.UserFactory(username="staffer", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture
def arithmetic_only(settings):
    """The privacy rules off (a floor of 1, no dominance rule), for tests of the arithmetic
    of a figure or a score point in a world too small to publish; tests/security and the
    privacy tests check what is withheld."""
    settings.MIN_GROUP_SIZE = 1
    settings.DOMINANCE_SHARE = Decimal("1")
