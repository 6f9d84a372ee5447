from decimal import Decimal

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from config.routers import REPLICA_DB_ALIAS
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


@pytest.fixture(autouse=True)
def replica_is_default_connection(request):
    """In each test the "replica" alias (a test mirror, config/settings_test.py) is the
    default connection itself, so reads the router sends there see the rows the test wrote in
    its transaction, and count as the default's queries. A test that asks for
    `separate_replica` keeps the replica a connection of its own, to see the routing."""
    if "separate_replica" in request.fixturenames:
        yield
        return
    if "_django_db_helper" in request.fixturenames or request.node.get_closest_marker("django_db"):
        # After the test's databases are set up, so that pytest-django's guard against
        # queries to databases a test did not ask for is put on the replica's own connection.
        request.getfixturevalue("_django_db_helper")
    replica = connections[REPLICA_DB_ALIAS]
    connections[REPLICA_DB_ALIAS] = connections[DEFAULT_DB_ALIAS]
    yield
    connections[REPLICA_DB_ALIAS] = replica


@pytest.fixture
def separate_replica():
    """The replica as its own connection to the test database: what a test commits is there,
    as on a replica once it has caught up, and what a request reads on it is seen apart from
    the default's queries. For tests marked django_db(transaction=True, databases="__all__"):
    the replica sees committed rows only, and a test may query only the aliases it names."""
    return connections[REPLICA_DB_ALIAS]
