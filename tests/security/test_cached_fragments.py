"""Parts of the public pages are cached once per computation of their figures
(tracker.templatetags.fragments) and served to every visitor: nothing about one visitor may
reach another through them, and new figures show at once."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from feedback.services import log_contribution
from tests.jobs.helpers import log_work, make_program, make_testers
from tracker.models import Follow

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(settings):
    settings.MIN_GROUP_SIZE = 5
    program = make_program(name="Shared Beta", slug="shared-beta", reference_hourly_rate=Decimal("40.00"))
    for tester in make_testers(program, 5):
        log_work(tester, dt.date(2026, 3, 2), hours="2.00")
    return program


@pytest.mark.parametrize("path", ["/", "/programs/shared-beta/", "/flags/?program=shared-beta"])
def test_what_a_signed_in_visitor_sees_never_reaches_the_next_visitor(client, program, path):
    user = get_user_model().objects.create_user("advocate-ines", password="a long enough password 1")
    Follow.objects.create(user=user, program=program)
    client.force_login(user)
    mine = client.get(path).content.decode()
    assert "advocate-ines" in mine

    client.logout()
    theirs = client.get(path).content.decode()

    assert "advocate-ines" not in theirs
    assert "Stop following" not in theirs
    # The signed-in visitor's CSRF token is theirs alone.
    for token in re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', mine):
        assert token not in theirs
    # The cached part is the same for both.
    assert ("Shared Beta" in mine) and ("Shared Beta" in theirs)


@pytest.mark.parametrize("path", ["/", "/programs/shared-beta/"])
def test_a_write_shows_in_the_cached_parts_on_the_next_visit(client, program, path):
    before = client.get(path).content.decode()
    log_contribution(
        enrollment=program.enrollments.first(),
        kind="bug_report",
        title="Five more",
        hours_spent="5.00",
        occurred_on=dt.date(2026, 3, 3),
    )

    after = client.get(path).content.decode()

    assert after != before
    assert 'title="15.00 hours"' in after or ">15<" in after


@pytest.mark.parametrize("path", ["/", "/programs/shared-beta/", "/flags/"])
def test_a_parameter_no_page_reads_makes_no_cache_entry(client, program, path, monkeypatch):
    from django.core.cache import caches

    backend = caches["default"]
    client.get(path)  # the page's own entries
    written = []
    for name in ("set", "set_many", "add"):
        real = getattr(backend, name)
        monkeypatch.setattr(
            backend,
            name,
            lambda *args, _real=real, _name=name, **kwargs: (written.append(_name), _real(*args, **kwargs))[1],
        )

    for n in range(20):
        assert client.get(path, {f"junk{n}": n}).status_code == 200

    # The same figures and fragments as without the junk: a visitor cannot fill the cache
    # (a refresh lock or a first-seen time may be added; no figures, no fragment).
    assert [name for name in written if name != "add"] == []
