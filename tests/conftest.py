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
