"""Charts that travel: a chart as a file (SVG or PNG) to download, with what a reader of the
file alone needs drawn inside the image: its title (pygal's), a source line naming the
tracker and the page, when the figures were computed and the methodology version.

The page's charts carry no styles (the Content-Security-Policy forbids inline ones, so they
come from static/css/charts.css); a file has no page around it, so it gets the same rules
as a `<style>` element. Nothing else changes: a figure withheld by the privacy rules is a
gap in the file as on the page. PNGs are drawn from that SVG by cairosvg (the system's
cairo library).
"""

import datetime as dt
import functools
import xml.etree.ElementTree as ET

from tracker.charts import stylesheet
from tracker.privacy import METHODOLOGY_VERSION

SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")

FOOTER_FONT_SIZE = 14
FOOTER_LINE = 20
FOOTER_PADDING = 12
# A PNG twice the SVG's own size: sharp on high-density screens and in print.
PNG_SCALE = 2


@functools.cache
def _rules() -> str:
    return stylesheet()


def source_line(site: str, path: str) -> str:
    return f"Source: Early-Access Tracker, {site.rstrip('/')}{path}"


def as_of_line(computed_at: dt.datetime, period_label: str = "") -> str:
    stamp = computed_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    period = f"Period: {period_label} · " if period_label else ""
    return f"{period}Figures as of {stamp} · methodology version {METHODOLOGY_VERSION}"


def stamped_svg(svg: str, lines: list[str]) -> str:
    """The chart as a standalone SVG file: its styles inside it and `lines` (the source line,
    the as-of line) drawn below the chart."""
    root = ET.fromstring(svg)
    x, y, width, height = (float(n) for n in root.get("viewBox").split())
    footer = FOOTER_PADDING + FOOTER_LINE * len(lines)
    total = height + footer
    root.set("viewBox", f"{x:g} {y:g} {width:g} {total:g}")
    root.set("width", f"{width:g}")
    root.set("height", f"{total:g}")
    style = ET.Element(f"{{{SVG_NS}}}style", {"type": "text/css"})
    style.text = _rules()
    root.insert(0, style)
    group = ET.SubElement(root, f"{{{SVG_NS}}}g", {"class": "source"})
    ET.SubElement(
        group,
        f"{{{SVG_NS}}}rect",
        {"x": f"{x:g}", "y": f"{y + height:g}", "width": f"{width:g}", "height": f"{footer:g}", "fill": "#ffffff"},
    )
    for index, line in enumerate(lines):
        text = ET.SubElement(
            group,
            f"{{{SVG_NS}}}text",
            {
                "x": f"{x + 16:g}",
                "y": f"{y + height + FOOTER_PADDING / 2 + FOOTER_LINE * (index + 1) - 4:g}",
                "font-size": str(FOOTER_FONT_SIZE),
                "font-family": "DejaVu Sans, Arial, sans-serif",
                "fill": "#1b1f24" if index == 0 else "#4a5560",
            },
        )
        text.text = line
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")


def png(svg: str) -> bytes:
    import cairosvg  # the system cairo library is loaded on first use, not at start-up

    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=PNG_SCALE)
