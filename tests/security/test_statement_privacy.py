"""Attacks on the statement of unpaid work (/me/statement/<program-slug>/ and its PDF).

The company knows its testers and its own program's slug, and can open artist accounts.
- *Is she a tester?* From its own artist account it asks for the statement of a program a
  tester is in. The answer must be the same "not found" as for a program nobody is in, or
  a slug that does not exist: nothing confirms an enrollment.
- *Her legal name.* An artist may print a legal name on a statement. It must never be
  stored, nor land in an address (browser history, server and proxy logs): it travels in a
  POST body only.
- *A shared cache.* The statement is one artist's record: no response may be cached.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

PAGES = ["ledger-statement", "ledger-statement-pdf"]


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def tester():
    """A tester of Clay Studio with 3 h of unpaid, due work."""
    program = factories.ProgramFactory(slug="clay-studio", opened_on=days_ago(200))
    enrollment = factories.EnrollmentFactory(program=program, artist__handle="tester", granted_on=days_ago(100))
    factories.ContributionFactory(enrollment=enrollment, hours_spent=Decimal("3"), occurred_on=days_ago(60))
    return enrollment


@pytest.fixture
def company(client):
    """The company's own artist account, enrolled in nothing."""
    client.force_login(factories.ArtistFactory(handle="company_probe").user)
    return client


@pytest.mark.parametrize("name", PAGES)
def test_the_company_cannot_tell_a_testers_program_from_one_nobody_is_in(company, tester, name):
    factories.ProgramFactory(slug="empty-program")

    answers = [company.get(reverse(name, args=[slug])) for slug in ("clay-studio", "empty-program", "no-such-program")]

    assert {answer.status_code for answer in answers} == {404}
    assert len({answer.content for answer in answers}) == 1
    assert b"tester" not in answers[0].content


@pytest.mark.parametrize("name", PAGES)
def test_the_company_cannot_read_a_testers_statement_by_posting(company, tester, name):
    response = company.post(reverse(name, args=["clay-studio"]), {"name": "anything"})

    assert response.status_code == 404


def test_the_name_to_print_travels_in_a_post_body_and_is_never_stored(client, tester):
    client.force_login(tester.artist.user)
    page = client.get(reverse("ledger-statement", args=["clay-studio"])).content.decode()
    assert '<form method="post"' in page
    assert 'formaction="/me/statement/clay-studio/pdf"' in page

    rows_before = {model: model.objects.count() for model in apps.get_models() if model._meta.managed}
    for name in PAGES:
        response = client.post(reverse(name, args=["clay-studio"]), {"name": "Ada Lovelace-Byron"})
        assert response.status_code == 200
    rows_after = {model: model.objects.count() for model in apps.get_models() if model._meta.managed}

    assert rows_after == rows_before
    for model in (m for m in apps.get_models() if m._meta.managed):
        text_fields = [
            f.name for f in model._meta.concrete_fields if f.get_internal_type() in ("CharField", "TextField")
        ]
        for field in text_fields:
            assert not model.objects.filter(**{f"{field}__contains": "Lovelace-Byron"}).exists(), (model, field)


@pytest.mark.parametrize("name", PAGES)
def test_no_statement_response_may_be_cached(client, tester, name):
    client.force_login(tester.artist.user)

    response = client.get(reverse(name, args=["clay-studio"]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
