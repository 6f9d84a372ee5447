"""Colour bands (tracker/bands.py, docs/metrics.md "Colour bands"): hand-worked thresholds,
a label and an icon beside every colour, and colours that pass WCAG AA contrast."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from tests.jobs.helpers import log_work, make_program, make_testers
from tracker.bands import rate_band, score_band

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "site.css"


@pytest.mark.parametrize(
    ("rate", "reference", "expected"),
    [
        ("40.00", "40.00", "good"),
        ("55.10", "40.00", "good"),
        ("39.99", "40.00", "mixed"),
        ("20.00", "40.00", "mixed"),
        ("19.99", "40.00", "poor"),
        ("0.00", "40.00", "poor"),
        (None, "40.00", None),
        ("10.00", None, None),
        ("10.00", "0.00", None),
    ],
)
def test_the_hourly_rate_band_against_the_programs_own_reference(rate, reference, expected):
    band = rate_band(None if rate is None else Decimal(rate), None if reference is None else Decimal(reference))
    assert (band.key if band else None) == expected


@pytest.mark.parametrize(
    ("score", "expected"),
    [(10, "good"), (7, "good"), (6, "mixed"), (4, "mixed"), (3, "poor"), (0, "poor"), (None, None)],
)
def test_the_score_band(score, expected):
    band = score_band(score)
    assert (band.key if band else None) == expected


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("key", ["good", "mixed", "poor"])
def test_each_band_passes_wcag_aa_contrast_on_its_own_background_and_the_page(key):
    rule = re.search(r"\.band-" + key + r" \{([^}]*)\}", CSS.read_text()).group(1)
    ink = re.search(r"(?<!-)color: (#[0-9a-f]{6})", rule).group(1)
    background = re.search(r"background: (#[0-9a-f]{6})", rule).group(1)

    assert contrast(ink, background) >= 4.5
    assert contrast(ink, "#ffffff") >= 4.5  # the border (currentColor) against the page


def test_contrast_is_computed_as_wcag_says():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54


@pytest.mark.django_db
def test_an_unpaid_program_shows_its_bands_with_words_and_the_legend(client, settings):
    settings.MIN_GROUP_SIZE = 3
    program = make_program(name="Banded Beta", slug="banded-beta", reference_hourly_rate=Decimal("40.00"))
    for tester in make_testers(program, 3):
        log_work(tester, dt.date(2026, 3, 2), hours="2.00")

    page = client.get("/programs/banded-beta/").content.decode()
    table = client.get("/").content.decode()

    for html in (page, table):
        # Nothing paid for due work: a rate of 0.00 USD/h, under half the reference rate.
        assert 'class="band band-poor" title="Hourly rate:' in html
        assert "Under half</span>" in html
        assert 'class="bands-legend"' in html
