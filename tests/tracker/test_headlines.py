"""Headlines (docs/metrics.md, "Headlines"): the sentences a program's page opens with and its
stats answer carries, hand-worked for Headline Studio (tests/tracker/headline_world.py)."""

import datetime as dt
import html
import re
from dataclasses import replace
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.tracker.headline_world import SLUG, STUDIO_ALL_TIME, headline_studio
from tracker.headlines import headlines
from tracker.metrics import Metrics
from tracker.models import Flag
from tracker.periods import ALL, Period
from tracker.services import run_scan

HEADLINES = re.compile(r'<p class="headlines">(.*?)</p>', re.S)


@pytest.fixture
def studio(settings):
    settings.MIN_GROUP_SIZE = 5
    program, testers = headline_studio()
    run_scan(trigger="command")
    return program


def page_headlines(path: str) -> str | None:
    response = Client().get(path)
    assert response.status_code == 200
    found = HEADLINES.search(response.content.decode())
    return None if found is None else html.unescape(found.group(1))


def api_headlines(query: str = "") -> list[str]:
    response = APIClient().get(f"/api/v1/stats/programs/{SLUG}/{query}")
    assert response.status_code == 200, response.content
    return response.json()["headlines"]


# -- from the records, through the page and the API ----------------------------------


@pytest.mark.django_db
def test_the_hand_worked_program_gives_exactly_the_expected_sentences(studio):
    assert api_headlines() == STUDIO_ALL_TIME
    assert page_headlines(f"/programs/{SLUG}/") == " ".join(STUDIO_ALL_TIME)


@pytest.mark.django_db
def test_a_month_names_its_span_and_leaves_out_a_revocation_outside_it(studio):
    march = [
        "In March 2026, 12 verified testers logged 36 hours, and cash was paid for 50% of them.",
        STUDIO_ALL_TIME[1],
        STUDIO_ALL_TIME[3],
    ]
    assert api_headlines("?period=2026-03") == march
    assert page_headlines(f"/programs/{SLUG}/?period=2026-03") == " ".join(march)
    # A quarter in words; all of it happened in March.
    assert api_headlines("?period=2026-Q1")[0].startswith("Between January and March 2026, 12 verified testers")


@pytest.mark.django_db
@pytest.mark.parametrize("period", ["", "?period=2026", "?period=2026-Q1", "?period=2026-03", "?period=2026-05"])
def test_the_api_field_is_the_page_text(studio, period):
    page = page_headlines(f"/programs/{SLUG}/{period}")
    api = api_headlines(period)
    assert (page or "") == " ".join(api)


@pytest.mark.django_db
def test_a_mass_revocation_produces_its_sentence_from_the_finding(studio):
    finding = Flag.objects.get(program=studio, kind=Flag.Kind.MASS_REVOCATION, resolved_at__isnull=True)
    assert (finding.occurred_on, finding.details["revoked"], finding.details["without_reason"]) == (
        dt.date(2026, 5, 10),
        10,
        10,
    )
    assert STUDIO_ALL_TIME[2] in api_headlines()
    # Resolved, it is no longer told.
    Flag.objects.filter(pk=finding.pk).update(resolved_at=finding.raised_at + dt.timedelta(days=1))
    assert not any(s.startswith("On ") for s in api_headlines("?period=2026"))


@pytest.mark.django_db
def test_a_program_below_the_floor_has_no_headlines(settings):
    settings.MIN_GROUP_SIZE = 13  # one more than Headline Studio's testers
    headline_studio()
    run_scan(trigger="command")
    assert api_headlines() == []
    assert page_headlines(f"/programs/{SLUG}/") is None


# -- the pure function -----------------------------------------------------------------


def program_metrics(**figures) -> Metrics:
    base = Metrics(
        key="p",
        name="P",
        artists=20,
        currency="EUR",
        hours=Decimal("17797.00"),
        compensated_hours_share=0.0011,
        owed=Decimal("12345.50"),
        owed_hours=Decimal("300.25"),
        fairness_score=4,
        figure_artists={"hours": 279},
    )
    return replace(base, **figures)


PROGRAM = SimpleNamespace(pk=7)


def wave(day: str, revoked: int, without_reason: int, pk: int = 1, program_id: int = 7):
    return SimpleNamespace(
        pk=pk,
        program_id=program_id,
        kind=Flag.Kind.MASS_REVOCATION,
        occurred_on=dt.date.fromisoformat(day),
        details={"revoked": revoked, "without_reason": without_reason, "active_before": 400},
    )


def test_numbers_are_written_as_the_page_writes_them():
    assert headlines(PROGRAM, program_metrics(), Period.parse("2026"), [wave("2026-11-06", 255, 255)]) == [
        "In 2026, 279 verified testers logged 17,797 hours, and cash was paid for under 1% of them.",
        "12,345.50 EUR is owed for 300.25 hours of work past the program's own payment terms.",
        "On 6 November 2026, 255 testers lost access within a day, with no reason given.",
        "It scores 4 out of 10.",
    ]


def test_a_withheld_figure_leaves_its_sentence_or_clause_out():
    m = program_metrics(compensated_hours_share=None, owed=None, fairness_score=None)
    assert headlines(PROGRAM, m, ALL, []) == ["279 verified testers have logged 17,797 hours."]
    m = program_metrics(hours=None, figure_artists={"hours": None}, owed_hours=None)
    assert headlines(PROGRAM, m, ALL, []) == ["It scores 4 out of 10."]


def test_a_sentence_with_nothing_to_say_is_not_written():
    m = program_metrics(hours=Decimal("0"), compensated_hours_share=None, owed=Decimal("0.00"), owed_hours=Decimal(0))
    assert headlines(PROGRAM, m, ALL, []) == ["It scores 4 out of 10."]
    m = program_metrics(compensated_hours_share=0.0)
    assert (
        headlines(PROGRAM, m, ALL, [])[0]
        == "279 verified testers have logged 17,797 hours, and no cash was paid for any of them."
    )


def test_suppressed_figures_give_no_headlines():
    m = program_metrics(suppressed=True)
    assert headlines(PROGRAM, m, ALL, [wave("2026-11-06", 255, 255)]) == []


def test_a_wave_with_some_reasons_says_how_many_had_none_and_other_programs_waves_are_ignored():
    waves = [wave("2026-11-06", 40, 12), wave("2026-11-07", 99, 99, pk=2, program_id=8)]
    m = program_metrics(hours=None, owed=None, fairness_score=None)
    assert headlines(PROGRAM, m, ALL, waves) == [
        "On 6 November 2026, 40 testers lost access within a day, 12 of them with no reason given."
    ]


def test_at_most_four_sentences_the_latest_waves_told_in_order():
    waves = [wave(f"2026-0{month}-01", 10 + month, 0, pk=month) for month in (5, 3, 4)]
    result = headlines(PROGRAM, program_metrics(owed=None), ALL, waves)
    assert result == [
        "279 verified testers have logged 17,797 hours, and cash was paid for under 1% of them.",
        "On 1 April 2026, 14 testers lost access within a day.",
        "On 1 May 2026, 15 testers lost access within a day.",
        "It scores 4 out of 10.",
    ]
