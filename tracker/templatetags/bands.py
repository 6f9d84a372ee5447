"""`{% rate_band m %}` and `{% score_band m %}`: a program's colour band as a small badge
(icon, label and colour; the meaning in its title), or nothing when the figure behind it is
withheld (tracker.bands)."""

from django import template
from django.utils.html import format_html

from tracker import bands

register = template.Library()


def _badge(band: bands.Band | None, kind: str):
    if band is None:
        return ""
    return format_html(
        '<span class="band band-{}" title="{}: {}"><span aria-hidden="true">{}</span> {}</span>',
        band.key,
        kind,
        band.meaning,
        band.icon,
        band.label,
    )


@register.simple_tag
def rate_band(metrics):
    return _badge(bands.rate_band(metrics.effective_hourly_rate, metrics.reference_hourly_rate), "Hourly rate")


@register.simple_tag
def score_band(metrics):
    return _badge(bands.score_band(metrics.fairness_score), "Score")


@register.inclusion_tag("tracker/_bands_legend.html")
def bands_legend():
    return {"rate_bands": bands.RATE_BANDS.values(), "score_bands": bands.SCORE_BANDS.values()}
