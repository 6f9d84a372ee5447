"""'Cite this': a program's published figures for a period, frozen as a snapshot.

A snapshot is taken from exactly what the program's page shows for the period (the cached
figures, charts and headlines of tracker.views.program_page_figures, computed together from
the published figures), and stores the program's stats answer for that period as the API
serves it (tracker.serializers.program_detail_data, headlines included) with the charts'
SVG and tables. Hidden figures (a program below the privacy floor) are never frozen: taking
one is refused. A snapshot never changes (tracker.models.Snapshot; a database trigger
refuses any UPDATE). Taking "Cite this" again while the figures are unchanged returns the
snapshot already taken (a digest of its content), so the button cannot fill the database.
"""

import dataclasses
import datetime as dt
import hashlib
import json
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from config.lockout import client_ip
from programs.models import Program
from tracker.models import Snapshot
from tracker.periods import Period
from tracker.privacy import METHODOLOGY_VERSION
from tracker.serializers import program_detail_data
from tracker.templatetags.metrics import FORMATS, MONEY, days, hours, latency
from tracker.views import program_page_figures

SITE_NAME = "Early-Access Tracker"


class FiguresHidden(Exception):
    """The program's figures for the period are hidden by the privacy rules: nothing to cite."""


def period_text(period_label: str) -> str:
    return "all time" if period_label == "all" else period_label


def _plain(value):
    return json.loads(json.dumps(value, default=str))


def content_hash(program: Program, period: str, figures: dict, charts: list) -> str:
    content = {
        "program": program.pk,
        "period": period,
        "methodology_version": METHODOLOGY_VERSION,
        "figures": figures,
        "charts": charts,
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def take_snapshot(program: Program, period: Period, request) -> tuple[Snapshot, bool]:
    """The snapshot of what the program's page shows for `period` now: (snapshot, created).
    An identical one already taken is returned instead of a new one. FiguresHidden when the
    figures are hidden."""
    metrics, charts, _newest, _unpaid, headlines = program_page_figures(program, period, request)
    if metrics.suppressed:
        raise FiguresHidden(metrics.suppressed_reason)
    figures = program_detail_data(program, metrics, headlines)
    panels = _plain([dataclasses.asdict(panel) for panel in charts or []])
    digest = content_hash(program, period.label, figures, panels)
    found = Snapshot.objects.filter(program=program, period=period.label, content_hash=digest).first()
    if found is not None:
        return found, False
    # Figures served while newer ones are computed say when they were computed
    # (tracker.cache.page_figures); otherwise they are those of the records as they are now.
    as_of = getattr(request, "figures_as_of", None) or timezone.now()
    try:
        with transaction.atomic():
            snapshot = Snapshot.objects.create(
                program=program,
                period=period.label,
                period_label=period_text(period.label),
                data_as_of=as_of,
                methodology_version=METHODOLOGY_VERSION,
                figures=figures,
                charts=panels,
                content_hash=digest,
            )
    except IntegrityError:  # the same figures, taken at the same moment by another request
        return Snapshot.objects.get(program=program, period=period.label, content_hash=digest), False
    return snapshot, True


def permalink(snapshot: Snapshot, request) -> str:
    return request.build_absolute_uri(reverse("snapshot", args=[snapshot.program.slug, snapshot.public_id]))


def as_of_text(snapshot: Snapshot) -> str:
    return snapshot.data_as_of.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")


def citation(snapshot: Snapshot, request) -> str:
    """The text a journalist pastes."""
    return (
        f'{SITE_NAME}, "{snapshot.program.name}: fairness figures, {snapshot.period_label}", '
        f"snapshot {snapshot.public_id}, data as of {as_of_text(snapshot)} UTC, "
        f"methodology version {snapshot.methodology_version}. {permalink(snapshot, request)}"
    )


# Stored figures back to the types the page's formatting expects (money and hours are
# decimal strings in the API's answer).
_DECIMAL_FORMATS = {*MONEY, hours, days, latency}


def stored_metrics(figures: dict) -> SimpleNamespace:
    """The stored answer as an object the page's {% metric %} tag reads."""
    values = {}
    for name, formatter in FORMATS.items():
        value = figures.get(name)
        if isinstance(value, str) and formatter in _DECIMAL_FORMATS:
            value = Decimal(value)
        values[name] = value
    return SimpleNamespace(**values, currency=figures.get("currency"), withheld=figures.get("withheld") or {})


# -- the per-address limit of the page's "Cite this" ------------------------------------------


def page_limit_reached(request) -> bool:
    """At most SNAPSHOTS_PER_ADDRESS snapshots taken through the page per address each
    SNAPSHOTS_WINDOW_SECONDS (the API has its own throttles). Counted in the shared cache;
    with the cache down, not counted."""
    limit = getattr(settings, "SNAPSHOTS_PER_ADDRESS", 20)
    window = getattr(settings, "SNAPSHOTS_WINDOW_SECONDS", 600)
    key = f"snapshots:page:{client_ip(request)}"
    try:
        cache.add(key, 0, timeout=window)
        return cache.incr(key) > limit
    except Exception:  # noqa: BLE001 (a cache outage must not stop citing)
        return False
