"""A Python client generated from the published OpenAPI schema with openapi-python-client
works as it is: it signs in, logs a contribution and reads the stats over HTTP, without a
field invented to satisfy it (request bodies have their own components, without the
read-only fields: COMPONENT_SPLIT_REQUEST in config/settings.py)."""

import datetime as dt
import importlib
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from feedback.models import Contribution
from tests.jobs.helpers import make_program, make_tester

# The live server reads the public figures through the replica alias (config/routers.py).
pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

BIN = Path(sys.executable).parent
PASSWORD = "a-long-unusual-passphrase"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The client package, generated once from `manage.py spectacular`'s schema."""
    where = tmp_path_factory.mktemp("client")
    schema = where / "schema.yaml"
    call_command("spectacular", "--file", str(schema), "--validate", "--fail-on-warn")
    result = subprocess.run(
        [str(BIN / "openapi-python-client"), "generate", "--path", str(schema)]
        + ["--output-path", str(where / "tracker_client"), "--meta", "none"],
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Every operation and model generated: no warning about a piece it had to leave out.
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module("tracker_client")
    finally:
        sys.path.remove(str(where))
        for name in [module for module in sys.modules if module.split(".")[0] == "tracker_client"]:
            del sys.modules[name]


def test_the_generated_client_signs_in_logs_a_contribution_and_reads_the_stats(generated, live_server):
    from django.contrib.auth import get_user_model

    program = make_program(name="Client Beta", slug="client-beta", reference_hourly_rate=Decimal("40.00"))
    enrollment = make_tester(program, handle="client_artist")
    user = enrollment.artist.user
    user.set_password(PASSWORD)
    user.save()
    assert get_user_model().objects.filter(pk=user.pk).exists()

    api = importlib.import_module("tracker_client.api.auth.auth_token_create")
    contributions = importlib.import_module("tracker_client.api.me.me_contributions_create")
    summary = importlib.import_module("tracker_client.api.stats.stats_summary_retrieve")
    models = importlib.import_module("tracker_client.models")

    with generated.Client(base_url=live_server.url) as anonymous:
        credentials = models.TokenRequestRequest(username=user.username, password=PASSWORD)
        token = api.sync(client=anonymous, body=credentials)
        assert isinstance(token, models.Token), token
        figures = summary.sync(client=anonymous)
        assert isinstance(figures, models.Summary), figures
        assert figures.programs == 1

    with generated.AuthenticatedClient(base_url=live_server.url, token=token.token, prefix="Token") as signed_in:
        yesterday = dt.date.today() - dt.timedelta(days=1)
        created = contributions.sync(
            client=signed_in,
            body=models.ContributionRequest(
                program="client-beta",
                kind=models.ContributionKindEnum.BUG_REPORT,
                title="Found with the generated client",
                hours_spent="1.50",
                occurred_on=yesterday,
            ),
        )
        assert isinstance(created, models.Contribution), created
        assert created.occurred_on == yesterday and created.hours_spent == "1.50"
        assert Contribution.objects.get(pk=created.id).title == "Found with the generated client"
