"""'Cite this' on a program's page: take a snapshot of its figures (tracker.snapshots), show
it at its permalink, and list a program's snapshots."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.pages import paginate
from programs.selectors import listed_programs
from tracker.forms import PeriodForm
from tracker.models import Snapshot
from tracker.snapshots import (
    FiguresHidden,
    as_of_text,
    citation,
    page_limit_reached,
    permalink,
    stored_metrics,
    take_snapshot,
)

SNAPSHOTS_PER_PAGE = 50


# No CSRF token: taking a snapshot acts for nobody (anyone may take one, through the API too,
# without signing in), and the program page gives anonymous visitors no token. The limit
# per address bounds what a page that made browsers post here could do.
@csrf_exempt
@require_POST
def take(request, slug):
    program = get_object_or_404(listed_programs(), slug=slug)
    form = PeriodForm(request.POST)
    if not form.is_valid():
        return HttpResponse("This period cannot be used.", status=400, content_type="text/plain; charset=utf-8")
    if page_limit_reached(request):
        return HttpResponse(
            "Too many snapshots from your address: try again in a few minutes.",
            status=429,
            content_type="text/plain; charset=utf-8",
        )
    back = reverse("program", args=[program.slug])
    if form.cell.bounded:
        back += f"?period={form.cell.label}"
    try:
        snapshot, _created = take_snapshot(program, form.cell, request)
    except FiguresHidden as hidden:
        messages.error(request, f"These figures are hidden, so there is nothing to cite: {hidden}")
        return redirect(back)
    return redirect("snapshot", program.slug, snapshot.public_id)


def _program_snapshots(slug):
    program = get_object_or_404(listed_programs(), slug=slug)
    return program, Snapshot.objects.filter(program=program)


def detail(request, slug, public_id):
    program, snapshots = _program_snapshots(slug)
    snapshot = get_object_or_404(snapshots, public_id=public_id)
    current = reverse("program", args=[program.slug])
    if snapshot.period != "all":
        current += f"?period={snapshot.period}"
    context = {
        "program": program,
        "snapshot": snapshot,
        "m": stored_metrics(snapshot.figures),
        "figures": snapshot.figures,
        "charts": snapshot.charts,
        "as_of": as_of_text(snapshot),
        "citation": citation(snapshot, request),
        "permalink": permalink(snapshot, request),
        "current_url": current,
    }
    return render(request, "tracker/snapshot.html", context)


def snapshot_list(request, slug):
    program, snapshots = _program_snapshots(slug)
    pager = paginate(request, snapshots, per_page=SNAPSHOTS_PER_PAGE)
    return render(request, "tracker/snapshots.html", {"program": program, "pager": pager})
