"""Colour bands, in the style TurkerView made familiar to crowd workers: each program's
effective hourly rate against its own reference rate, and its fairness score, put in one of
three bands (docs/metrics.md, "Colour bands").

A band is read from a published figure only: where the privacy rules withhold the rate or
the score, there is no band either, so a band never says more than the page does. Each band
has a label and an icon beside its colour, so it reads without colour.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Band:
    key: str  # the CSS class: band-good, band-mixed, band-poor
    icon: str
    label: str
    meaning: str


GOOD = "good"
MIXED = "mixed"
POOR = "poor"

RATE_BANDS = {
    GOOD: Band(GOOD, "✓", "At or above reference", "pays at least the program's own reference rate for due work"),
    MIXED: Band(MIXED, "▲", "Below reference", "pays at least half the reference rate, but less than all of it"),
    POOR: Band(POOR, "✗", "Under half", "pays less than half the reference rate, or nothing"),
}
SCORE_BANDS = {
    GOOD: Band(GOOD, "✓", "Fair", "a score of 7 to 10: most fairness points earned"),
    MIXED: Band(MIXED, "▲", "Mixed", "a score of 4 to 6"),
    POOR: Band(POOR, "✗", "Unfair", "a score of 0 to 3: most fairness points not earned"),
}


def rate_band(rate: Decimal | None, reference: Decimal | None) -> Band | None:
    """The band of an effective hourly rate against the program's reference rate; None when
    either is withheld or unknown (or the reference is not a positive rate)."""
    if rate is None or reference is None or reference <= 0:
        return None
    if rate >= reference:
        return RATE_BANDS[GOOD]
    if rate * 2 >= reference:
        return RATE_BANDS[MIXED]
    return RATE_BANDS[POOR]


def score_band(score: int | None) -> Band | None:
    """The band of a fairness score (0–10); None when it is withheld."""
    if score is None:
        return None
    if score >= 7:
        return SCORE_BANDS[GOOD]
    if score >= 4:
        return SCORE_BANDS[MIXED]
    return SCORE_BANDS[POOR]
