"""Charts that travel: each chart as an SVG or PNG file, an embeddable page per chart (the
only pages that may be framed), and the landing page's chart of what is owed.

A file holds only what the page shows: a program whose figures are withheld has no charts
(404), a chart with nothing drawn has no file, and a withheld month is a gap in the file as
on the page (tracker.charts). The charts are cached with the figures (tracker.cache.
page_figures), with when they were computed: that is the as-of time inside each file.
"""

from csp.decorators import csp_replace
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt

from config.routers import reads_from_replica
from programs.selectors import listed_programs
from tracker import chart_files
from tracker.cache import page_figures
from tracker.charts import Panel, owed_panel, program_charts
from tracker.forms import PeriodForm
from tracker.periods import ALL
from tracker.program_figures import program_figure, program_figures
from tracker.series import latency_distribution, time_series

CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
# An embed page may be framed by any site: the one page where frame-ancestors is not 'none'.
EMBEDDABLE = {"frame-ancestors": ["*"]}


def program_panels(request, program, period):
    """The program's charts and when they were computed, or None when its figures are withheld."""

    def build():
        metrics = program_figure(program, period=period)
        if metrics.suppressed:
            return None
        panels = program_charts(
            metrics, time_series(program, period=period), latency_distribution(program, period=period)
        )
        return panels, timezone.now()

    return page_figures("program-charts", build, program.pk, period, request=request, program=program.pk)


def landing_panel(request) -> tuple[Panel, object]:
    """The landing page's chart of what is owed, by program, and when it was computed."""

    def build():
        programs = list(listed_programs().order_by("name"))
        figures = program_figures(programs, period=ALL)
        return owed_panel([(p.name, m) for p, m in zip(programs, figures, strict=True)]), timezone.now()

    return page_figures("landing-owed-chart", build, request=request)


def _site(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _program_chart(request, slug: str, name: str):
    """(program, period, panel, computed_at), or an HttpResponse refusing the request."""
    program = get_object_or_404(listed_programs(), slug=slug)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        errors = " ".join(message for messages in form.errors.values() for message in messages)
        return HttpResponseBadRequest(f"This period cannot be used: {errors}", content_type="text/plain")
    found = program_panels(request, program, form.cell)
    if found is None:
        raise Http404("This program's figures are withheld.")
    panels, computed_at = found
    panel = next((panel for panel in panels if panel.slug == name and panel.svg), None)
    if panel is None:
        raise Http404("No such chart.")
    return program, form.cell, panel, computed_at


def _file(svg: str, filename: str, extension: str, png_key: tuple) -> HttpResponse:
    if extension == "png":
        # Drawing a PNG takes a few hundred milliseconds: once per computation of the figures.
        content = page_figures("chart-png", lambda: chart_files.png(svg), *png_key)
    else:
        content = svg.encode("utf-8")
    response = HttpResponse(content, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response


@reads_from_replica
def program_chart_file(request, slug, name, extension):
    found = _program_chart(request, slug, name)
    if isinstance(found, HttpResponse):
        return found
    program, period, panel, computed_at = found
    path = reverse("program", args=[program.slug])
    lines = [
        chart_files.source_line(_site(request), path),
        chart_files.as_of_line(computed_at, period.label if period.bounded else ""),
    ]
    svg = chart_files.stamped_svg(panel.svg, lines)
    # The PNG's key: the very SVG it is drawn from (its figures, its as-of time and the host).
    key = (program.pk, period, name, computed_at.timestamp(), _site(request))
    return _file(svg, f"{program.slug}-{name}", extension, key)


@reads_from_replica
@xframe_options_exempt
@csp_replace(EMBEDDABLE)
def program_chart_embed(request, slug, name):
    found = _program_chart(request, slug, name)
    if isinstance(found, HttpResponse):
        return found
    program, period, panel, computed_at = found
    query = f"?period={period.label}" if period.bounded else ""
    context = {
        "program": program,
        "panel": panel,
        "period": period,
        "computed_at": computed_at,
        "source_url": _site(request) + reverse("program", args=[program.slug]) + query,
    }
    return render(request, "tracker/chart_embed.html", context)


@reads_from_replica
def landing_chart_file(request, extension):
    panel, computed_at = landing_panel(request)
    if not panel.svg:
        raise Http404("No chart: no program's figures are published.")
    lines = [chart_files.source_line(_site(request), reverse("home")), chart_files.as_of_line(computed_at)]
    svg = chart_files.stamped_svg(panel.svg, lines)
    return _file(svg, "programs-owed", extension, ("landing", computed_at.timestamp(), _site(request)))
