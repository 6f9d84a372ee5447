"""The dashboards' charts: SVG rendered on the server with pygal, inlined in the page.

Each chart function takes figures from tracker.metrics (already through the privacy floor)
and returns an SVG string. The SVG carries no script (pygal's config script is dropped and
no JS is fetched), so the charts are the same with JavaScript off. A figure hidden by the
privacy floor (None) is a gap in its chart, never a zero.

`program_charts()` puts each chart with a title, a one-line summary, a note about gaps and
a table of the same figures for screen readers and for reading exact values.
"""

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from decimal import Decimal

import pygal
from django.conf import settings
from pygal.style import Style

from feedback.models import Contribution
from tracker.metrics import Metrics
from tracker.series import LatencyBucket, SeriesPoint

# Colours with at least 3:1 contrast on white (WCAG 1.4.11, graphics), told apart by hue for
# colour-blind readers (blue and vermilion, from the Okabe–Ito palette) and by lightness.
BLUE, VERMILION, GREEN, GREY = "#0a4a8f", "#d55e00", "#17612a", "#4a5560"
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1b1f24",
    foreground_strong="#1b1f24",
    foreground_subtle="#4a5560",
    guide_stroke_color="#c5ccd3",
    major_guide_stroke_color="#aab4be",
    guide_stroke_dasharray="none",
    major_guide_stroke_dasharray="none",
    opacity="1",
    opacity_hover=".85",
    transition="0ms",
    colors=(BLUE, VERMILION, GREEN, GREY),
    font_family='system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    title_font_size=21,
    label_font_size=16,
    major_label_font_size=16,
    legend_font_size=17,
    value_font_size=15,
    tooltip_font_size=15,
)


def _local_name(element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _without_scripts(root):
    """Drop pygal's inline config script (the charts need no JS and the page runs none) and
    its inline styles: the Content-Security-Policy allows neither, so the same rules are
    served as static/css/charts.css (`stylesheet()`)."""
    for parent in root.iter():
        for child in list(parent):
            if _local_name(child) in {"script", "style"}:
                parent.remove(child)
        parent.attrib.pop("style", None)
    root.set("role", "img")
    return root


# The stylesheet every chart shares: pygal's own rules for STYLE, scoped to `svg.pygal-chart`
# rather than one chart's id, and the one inline style pygal sets (the tooltip, never shown
# without JS). A test keeps static/css/charts.css equal to it; after changing STYLE, run
#   python -c "import django; django.setup(); from tracker.charts import stylesheet; print(stylesheet(), end='')" \
#     > static/css/charts.css   (with DJANGO_SETTINGS_MODULE and DEBUG=1 set)
STYLESHEET_HEADER = "/* Generated from tracker/charts.py (stylesheet()); do not edit by hand. */\n"


def stylesheet() -> str:
    chart = pygal.Bar(style=STYLE, js=[], disable_xml_declaration=True)
    for index in range(len(STYLE.colors)):
        chart.add(f"series {index}", [1])
    svg = chart.render(is_unicode=True)
    chart_id = re.search(r'id="(chart-[^"]+)"', svg).group(1)
    # The rules as the SVG holds them are XML text: `>` (a child selector) is written `&gt;`.
    rules = html.unescape("".join(re.findall(r"<style[^>]*>(.*?)</style>", svg, re.S)))
    rules = rules.replace(f"#{chart_id}", "svg.pygal-chart")
    rules = "\n".join(line.strip() for line in rules.replace("}", "}\n").splitlines() if line.strip())
    return f"{STYLESHEET_HEADER}{rules}\nsvg.pygal-chart .tooltip{{opacity:0}}\n"


def _chart(kind, *, title: str, x_title: str, y_title: str, **options):
    chart = kind(
        style=STYLE,
        js=[],
        disable_xml_declaration=True,
        title=title,
        x_title=x_title,
        y_title=y_title,
        width=640,
        height=400,
        legend_at_bottom=True,
        truncate_label=-1,
        truncate_legend=-1,
        print_values=False,
        include_x_axis=True,
        min_scale=4,
        max_scale=8,
        margin=16,
        **options,
    )
    return chart.add_xml_filter(_without_scripts)


def _float(value) -> float | None:
    return None if value is None else float(value)


def month_label(day: dt.date) -> str:
    return day.strftime("%b %Y")


def hours_chart(points: list[SeriesPoint]) -> str:
    """Hours given and hours paid for, side by side per month."""
    chart = _chart(
        pygal.Bar,
        title="Hours given and hours paid for, by month",
        x_title="Month",
        y_title="Hours",
        x_label_rotation=-30,
        show_minor_x_labels=False,
        x_labels_major_every=max(1, len(points) // 8),
    )
    chart.x_labels = [month_label(point.period_start) for point in points]
    chart.add("Hours given", [_float(point.hours) for point in points])
    chart.add("Hours paid for (cash)", [_float(point.compensated_hours) for point in points])
    return chart.render(is_unicode=True)


def kinds_chart(by_kind: dict[str, int]) -> str:
    """Contributions by kind, one bar each."""
    chart = _chart(
        pygal.HorizontalBar,
        title="Contributions by kind",
        x_title="Contributions",
        y_title="",
        show_legend=False,
    )
    chart.x_labels = [Contribution.Kind(kind).label for kind in by_kind]
    chart.add("Contributions", list(by_kind.values()))
    return chart.render(is_unicode=True)


def latency_chart(buckets: list[LatencyBucket]) -> str:
    """Works by how long they waited for a first decision, or have waited so far."""
    chart = _chart(
        pygal.StackedBar,
        title="How long works waited for a first decision",
        x_title="Time to first decision (or waiting so far)",
        y_title="Works",
        x_label_rotation=-30,
    )
    chart.x_labels = [bucket.label for bucket in buckets]
    chart.add("Decided", [bucket.decided for bucket in buckets])
    chart.add("Still waiting", [bucket.pending for bucket in buckets])
    return chart.render(is_unicode=True)


def revocations_chart(points: list[SeriesPoint]) -> str:
    """Testers whose access was revoked, per month: a mass revocation is a spike."""
    chart = _chart(
        pygal.Bar,
        title="Testers who lost access, by month",
        x_title="Month",
        y_title="Revocations",
        show_legend=False,
        x_label_rotation=-30,
        show_minor_x_labels=False,
        x_labels_major_every=max(1, len(points) // 6),
    )
    chart.x_labels = [month_label(point.period_start) for point in points]
    chart.add("Revocations", [point.revocations for point in points])
    return chart.render(is_unicode=True)


def contiguous(points: list[SeriesPoint]) -> list[SeriesPoint]:
    """The series with its empty months filled in: a month with nothing recorded has zero of
    everything (time_series leaves it out), so the time axis has no jumps."""
    if not points:
        return []
    by_start = {point.period_start: point for point in points}
    filled, start = [], points[0].period_start
    while start <= points[-1].period_start:
        filled.append(by_start.get(start) or SeriesPoint(start, 0, Decimal("0"), Decimal("0"), 0, False, False))
        start = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return filled


# -- panels: a chart with its words ---------------------------------------------------


@dataclass(frozen=True)
class Panel:
    """One chart on a page: the SVG (or "" with `empty` saying why), a one-line summary,
    a note about gaps, and the same figures as a table."""

    slug: str
    title: str
    svg: str = ""
    empty: str = ""
    summary: str = ""
    note: str = ""
    columns: tuple[str, ...] = ()
    rows: list[tuple] = field(default_factory=list)


def _number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        # 10.00 → 10 and 2.50 → 2.5, never 1E+1.
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:,}"


def _gap_note(what: str) -> str:
    return (
        f"Blank {what} are hidden, not zero: fewer than {settings.MIN_GROUP_SIZE} verified artists are behind "
        "them, or a total shown beside them would let a reader work out one that is."
    )


def hours_panel(points: list[SeriesPoint], metrics: Metrics) -> Panel:
    title = "Hours given and hours paid for, by month"
    if not points or not metrics.contributions:
        return Panel("hours", title, empty="No contributions recorded yet.")
    gaps = any(point.work_suppressed for point in points)
    return Panel(
        "hours",
        title,
        svg=hours_chart(points),
        summary=(
            f"{_number(metrics.hours)} hours given in {_number(metrics.contributions)} contributions; "
            f"cash was paid for {_number(metrics.compensated_hours)} of those hours."
        ),
        note=_gap_note("months") if gaps else "",
        columns=("Month", "Contributions", "Hours given", "Hours paid for"),
        rows=[
            (month_label(p.period_start), _number(p.contributions), _number(p.hours), _number(p.compensated_hours))
            for p in points
        ],
    )


def kinds_panel(metrics: Metrics) -> Panel:
    title = "Contributions by kind"
    if not metrics.contributions:
        return Panel("kinds", title, empty="No contributions recorded yet.")
    by_kind = metrics.contributions_by_kind
    shown = {kind: n for kind, n in by_kind.items() if n is not None}
    gaps = len(shown) < len(by_kind)
    if shown and max(shown.values()):
        top = max(shown, key=shown.get)
        summary = f"The most common kind shown is {Contribution.Kind(top).label.lower()} ({_number(shown[top])})."
    else:
        summary = "Every kind is withheld by the privacy rules."
    return Panel(
        "kinds",
        title,
        svg=kinds_chart(by_kind),
        summary=summary if gaps else summary.replace(" shown is", " is"),
        note=_gap_note("kinds") if gaps else "",
        columns=("Kind", "Contributions"),
        rows=[(Contribution.Kind(kind).label, _number(n)) for kind, n in by_kind.items()],
    )


def latency_panel(buckets: list[LatencyBucket] | None, metrics: Metrics) -> Panel:
    title = "How long works waited for a first decision"
    if not buckets or not metrics.works_submitted:
        return Panel("latency", title, empty="No works recorded yet.")
    decided = sum(bucket.decided or 0 for bucket in buckets)
    pending = sum(bucket.pending or 0 for bucket in buckets)
    hidden = any(bucket.suppressed for bucket in buckets)
    return Panel(
        "latency",
        title,
        svg=latency_chart(buckets),
        summary=f"{_number(decided)} works have had a first decision; {_number(pending)} are still waiting"
        + (" (not counting hidden waits)." if hidden else "."),
        note=_gap_note("bars") if hidden else "",
        columns=("Waited", "Decided", "Still waiting"),
        rows=[(bucket.label, _number(bucket.decided), _number(bucket.pending)) for bucket in buckets],
    )


def revocations_panel(points: list[SeriesPoint]) -> Panel:
    title = "Testers who lost access, by month"
    shown = [point for point in points if point.revocations]
    if not shown and not any(point.revocations_suppressed for point in points):
        return Panel("revocations", title, empty="No tester has lost access.")
    gaps = any(point.revocations_suppressed for point in points)
    if shown:
        worst = max(shown, key=lambda point: point.revocations)
        summary = f"The most in one month: {_number(worst.revocations)}, in {month_label(worst.period_start)}."
    else:
        summary = "Every month's revocations are withheld by the privacy rules."
    return Panel(
        "revocations",
        title,
        svg=revocations_chart(points),
        summary=summary,
        note=_gap_note("months") if gaps else "",
        columns=("Month", "Revocations"),
        rows=[(month_label(p.period_start), _number(p.revocations)) for p in points],
    )


def program_charts(
    metrics: Metrics,
    monthly: list[SeriesPoint] | None,
    latency: list[LatencyBucket] | None,
) -> list[Panel]:
    """The program dashboard's four charts; none when the program is below the privacy floor."""
    if metrics.suppressed or monthly is None:
        return []
    months = contiguous(monthly)
    return [
        hours_panel(months, metrics),
        kinds_panel(metrics),
        latency_panel(latency, metrics),
        revocations_panel(months),
    ]


# -- the landing page's chart ------------------------------------------------------------

OWED_TITLE = "Owed and hours unpaid, by program"
OWED_PROGRAMS_SHOWN = 15


def _owed_label(name: str, metrics: Metrics) -> str:
    if metrics.owed is None or metrics.currency is None:
        return f"{name} (owed: hidden)"
    return f"{name} (owed: {metrics.currency} {metrics.owed:,.2f})"


def owed_panel(figures: list[tuple[str, Metrics]]) -> Panel:
    """Hours of work past each program's payment terms with no cash paid for it, one bar per
    program, the amount owed in its label (in the program's own currency: amounts in
    different currencies share no axis). A program whose figures are withheld is left out
    altogether (the note says how many); a figure withheld within a published program is a gap."""
    published = [(name, m) for name, m in figures if not m.suppressed]
    left_out = len(figures) - len(published)
    if not published:
        empty = "No program's figures are published yet." if figures else "No programs are listed yet."
        return Panel("owed", OWED_TITLE, empty=empty, note=_left_out_note(left_out))
    published.sort(key=lambda item: (-(item[1].owed_hours or 0), item[0].casefold()))
    shown = published[:OWED_PROGRAMS_SHOWN]
    chart = _chart(
        pygal.HorizontalBar,
        title=OWED_TITLE,
        x_title="Hours unpaid (past the payment terms)",
        y_title="",
        show_legend=False,
    )
    # Wide: the labels (a program's name and what it owes) take half of it.
    chart.width, chart.height = 1000, max(400, 160 + 44 * len(shown))
    chart.x_labels = [_owed_label(name, m) for name, m in reversed(shown)]
    chart.add("Hours unpaid", [_float(m.owed_hours) for _, m in reversed(shown)])
    more = f" The {len(shown)} with the most hours unpaid are shown." if len(published) > len(shown) else ""
    return Panel(
        "owed",
        OWED_TITLE,
        svg=chart.render(is_unicode=True),
        summary=f"{len(published)} programs with published figures.{more}",
        note=_left_out_note(left_out),
        columns=("Program", "Owed", "Hours unpaid"),
        rows=[
            (name, "" if m.owed is None else f"{m.currency} {m.owed:,.2f}", _number(m.owed_hours)) for name, m in shown
        ],
    )


def _left_out_note(left_out: int) -> str:
    if not left_out:
        return ""
    programs = "program is" if left_out == 1 else "programs are"
    return (
        f"{left_out} {programs} left out: fewer than {settings.MIN_GROUP_SIZE} verified artists are behind "
        "their figures, so they are withheld."
    )
