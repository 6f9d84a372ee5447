"""Attacks through the headlines (docs/metrics.md, "Headlines"; docs/privacy.md). The
company knows its testers, what it asked each of them and when; it reads the program's page
and stats answer for every period of the grid.

- *A withheld figure in words.* The page withholds a figure; a sentence must not say it.
- *Two periods' headlines subtracted.* All time minus March would give April, which one
  tester alone logged: March's figures are withheld, and its headlines must not say them.

So: every number in a headline is a published figure of the same answer (or of the
program's public mass-revocation finding, public as it is), and a headline whose figure is
withheld is not written.
"""

import html
import re
from decimal import Decimal, InvalidOperation

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.api.stats_world import build_world
from tests.tracker.headline_world import SLUG, headline_studio
from tracker.headlines import MONTHS, number_text
from tracker.services import run_scan
from tracker.templatetags.metrics import money_text, share_text

pytestmark = pytest.mark.django_db

GRID = ["all", "2026", "2026-Q1", "2026-Q2", "2026-03", "2026-04", "2026-05", "2026-06"]
DATES = re.compile(rf"\b(?:\d{{1,2}} )?(?:{'|'.join(MONTHS)}) \d{{4}}\b|\bIn \d{{4}}\b| out of 10\b")
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?%?")
HEADLINES = re.compile(r'<p class="headlines">(.*?)</p>', re.S)


def numbers(text: str) -> set[str]:
    """The numbers a text states, its dates and "out of 10" aside."""
    return set(NUMBER.findall(DATES.sub("", text)))


def renderings(value) -> set[str]:
    """Every way the pages write a published value: a count, hours, money, a share."""
    if isinstance(value, bool) or value is None:
        return set()
    if isinstance(value, dict):
        return set().union(*(renderings(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(renderings(v) for v in value)) if value else set()
    if isinstance(value, float) and 0 <= value <= 1:
        return numbers(share_text(value)) | {number_text(value)}
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return set()
    return numbers(f"{number_text(amount)} {money_text(amount, '')} {amount:,}")


def answer(slug: str, period: str) -> dict:
    response = APIClient().get(f"/api/v1/stats/programs/{slug}/?period={period}")
    assert response.status_code == 200, response.content
    return response.json()


def published_numbers(data: dict, slug: str) -> set[str]:
    """The numbers the same answer publishes, and those of the program's public findings."""
    figures = {k: v for k, v in data.items() if k not in {"headlines", "period", "methodology_version", "withheld"}}
    findings = APIClient().get("/api/v1/flags/", {"program": slug, "kind": "mass_revocation"}).json()["results"]
    return renderings(figures) | renderings([f["details"] for f in findings if not f["withheld"]])


def page_headlines(slug: str, period: str) -> str:
    page = Client().get(f"/programs/{slug}/?period={period}").content.decode()
    found = HEADLINES.search(page)
    return "" if found is None else html.unescape(found.group(1))


def assert_headlines_state_only_published_figures(slug: str) -> dict[str, list[str]]:
    said = {}
    for period in GRID:
        data = answer(slug, period)
        published = published_numbers(data, slug)
        for sentence in data["headlines"]:
            assert numbers(sentence) <= published, (period, sentence, numbers(sentence) - published)
        assert page_headlines(slug, period) == " ".join(data["headlines"]), period
        said[period] = data["headlines"]
    return said


def test_open_canvas_headlines_say_no_withheld_figure_in_any_period(settings):
    """Open Canvas at the floor of 5: its hours are shown for all time, its pay, owed and score
    are withheld (tests/api/stats_world.py), and March's hours (11.00 of 12.50; April's 1.50
    are artist A's alone) are withheld."""
    settings.MIN_GROUP_SIZE = 5
    build_world()
    run_scan(trigger="command")

    said = assert_headlines_state_only_published_figures("open-canvas")

    assert said["all"] == ["5 verified testers have logged 12.5 hours."]
    everything = " ".join(sentence for sentences in said.values() for sentence in sentences)
    # Withheld: the share paid (60%), owed (100.00 for 5.00 h), the score (2), March's 11 hours
    # and so April's 1.5 (12.5 − 11), however the periods are combined.
    for withheld in ["owed", "scores", "cash"]:
        assert withheld not in everything, withheld
    assert not numbers(everything) & {"60%", "100.00", "100", "2", "11", "1.5", "4", "1"}
    assert said["2026-03"] == said["2026-04"] == said["2026-Q2"] == []


def test_above_the_testers_the_floor_leaves_no_headline(settings):
    settings.MIN_GROUP_SIZE = 13  # Headline Studio has twelve
    headline_studio()
    run_scan(trigger="command")

    for period in GRID:
        assert answer(SLUG, period)["headlines"] == [], period
        assert page_headlines(SLUG, period) == "", period


def test_a_floor_between_the_paid_and_all_testers_leaves_the_pay_owed_and_score_sentences_out(settings):
    """Six testers paid, six owed: at a floor of 7, the pay and owed figures (and so the score)
    are withheld; the hours of all twelve and the public mass revocation are not."""
    settings.MIN_GROUP_SIZE = 7
    headline_studio()
    run_scan(trigger="command")

    said = assert_headlines_state_only_published_figures(SLUG)

    assert said["all"] == [
        "12 verified testers have logged 36 hours.",
        "On 10 May 2026, 10 testers lost access within a day, with no reason given.",
    ]
    everything = " ".join(sentence for sentences in said.values() for sentence in sentences)
    for withheld in ["owed", "scores", "cash"]:
        assert withheld not in everything, withheld
    # 50% paid, 720.00 owed for 18 hours, six testers paid and six owed, a score of 3.
    assert not numbers(everything) & {"50%", "720.00", "720", "18", "6", "3"}
