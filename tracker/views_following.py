"""The advocate's pages: the programs they follow (/following/) and a program's evidence
pack (/programs/<slug>/evidence-pack.zip)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import slugify

from config.pages import paginate
from config.routers import reads_from_replica
from programs.selectors import listed_programs
from tracker.evidence import evidence_pack
from tracker.following import HEADLINES, followed_programs, record_visit
from tracker.forms import PeriodForm
from tracker.models import Follow
from tracker.views import program_page_figures

FOLLOWS_PER_PAGE = 50


@login_required
def following(request):
    """The programs the visitor follows, each with its headline figures and what changed
    since their last visit; opening the page records the visit (for the programs shown)."""
    follows = (
        Follow.objects.filter(user=request.user, program__in=listed_programs())
        .select_related("program", "program__organization")
        .order_by("program__name", "pk")
    )
    pager = paginate(request, follows, per_page=FOLLOWS_PER_PAGE)
    now = timezone.now()
    rows = followed_programs(list(pager.page.object_list), now=now)
    response = render(
        request,
        "tracker/following.html",
        {
            "rows": rows,
            "pager": pager,
            "headlines": HEADLINES,
            "min_group_size": settings.MIN_GROUP_SIZE,
        },
    )
    # After the page is made: the next visit compares with what this one showed.
    record_visit(rows, now=now)
    return response


@reads_from_replica
def evidence_pack_download(request, slug):
    """A zip of what the program page publishes, for the period asked (tracker.evidence)."""
    program = get_object_or_404(listed_programs().select_related("organization"), slug=slug)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        errors = " ".join(message for messages in form.errors.values() for message in messages)
        return HttpResponseBadRequest(f"This period cannot be used: {errors}", content_type="text/plain")
    period = form.cell

    # The program page's own figures, charts and headlines, from the same cache entry.
    metrics, charts, _, _, headlines = program_page_figures(program, period, request)
    computed_at = getattr(request, "figures_as_of", None)
    content = evidence_pack(
        program, period, metrics, charts or [], now=timezone.now(), computed_at=computed_at, headlines=headlines
    )
    name = f"evidence-pack-{program.slug}" + (f"-{slugify(period.label)}" if period.bounded else "")
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}.zip"'
    return response
