"""docs/api.md's pandas example (the block after the `pandas-example` marker) runs as it is
against a live server: every program's figures and monthly series land in two DataFrames,
and a second run is answered 304 for every unchanged answer."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from tests.jobs.helpers import log_work, make_program, make_testers

# The live server reads the public figures through the replica alias (config/routers.py).
pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def example() -> str:
    text = DOC.read_text()
    marker = text.index("<!-- pandas-example:")
    return re.search(r"```python\n(.*?)```", text[marker:], re.S).group(1)


@pytest.fixture
def programs(settings):
    settings.MIN_GROUP_SIZE = 2
    made = []
    for n in range(3):
        program = make_program(name=f"Frame Beta {n}", slug=f"frame-beta-{n}", reference_hourly_rate=Decimal("40.00"))
        for tester in make_testers(program, 3):
            log_work(tester, dt.date(2026, 3, 2), hours="2.00")
            log_work(tester, dt.date(2026, 4, 6), hours="1.00")
        made.append(program)
    return made


def test_the_documented_example_reads_every_program_and_series_with_etags(live_server, programs, request):
    code = example().replace('"http://127.0.0.1:8000/api/v1"', repr(f"{live_server.url}/api/v1"))
    assert f"{live_server.url}/api/v1" in code
    scope: dict = {}

    exec(compile(code, str(DOC), "exec"), scope)  # noqa: S102 - the documentation's own example
    request.addfinalizer(scope["session"].close)  # its keep-alive connections hold the server's

    frame, series = scope["programs"], scope["series"]
    assert sorted(frame.index) == ["frame-beta-0", "frame-beta-1", "frame-beta-2"]
    assert frame.loc["frame-beta-1", "hours"] == "9.00"
    assert frame.loc["frame-beta-1", "contributions"] == 6
    assert len(series) == 3 * 2  # three programs, March and April
    march = series[(series.program == "frame-beta-0") & (series.period_start == "2026-03-01")]
    assert march["hours"].tolist() == ["6.00"]

    statuses = []
    scope["session"].hooks["response"].append(lambda response, *args, **kwargs: statuses.append(response.status_code))
    exec(compile(code.split("session, seen =")[1].split("\n", 1)[1], str(DOC), "exec"), scope)  # noqa: S102
    assert statuses and set(statuses) == {304}
