from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from programs.selectors import listed_programs
from tracker.filters import FlagFilter
from tracker.models import Follow
from tracker.selectors import (
    last_scan,
    newest_first,
    open_flag_counts,
    platform_summary,
    program_rows,
    public_flags,
)

FLAGS_PER_PAGE = 50


def home(request):
    return render(request, "tracker/home.html", {"summary": platform_summary(), "rows": program_rows()})


def flag_feed(request):
    flags = public_flags()
    flag_filter = FlagFilter(request.GET or None, queryset=flags)
    if flag_filter.is_bound and not flag_filter.is_valid():
        page, counts, status = None, [], 400
    else:
        filtered = flag_filter.qs if flag_filter.is_bound else flags
        page = Paginator(newest_first(filtered), FLAGS_PER_PAGE).get_page(request.GET.get("page"))
        counts, status = open_flag_counts(filtered), 200
    program = flag_filter.form.cleaned_data.get("program") if flag_filter.is_bound and page else None
    following = (
        program is not None
        and request.user.is_authenticated
        and Follow.objects.filter(user=request.user, program=program).exists()
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": flag_filter,
        "page": page,
        "open_counts": counts,
        "last_scan": last_scan(),
        "program": program,
        "following": following,
        "query": query.urlencode(),
    }
    return render(request, "tracker/flags.html", context, status=status)


@login_required
@require_POST
def follow_program(request, slug):
    program = get_object_or_404(listed_programs(), slug=slug)
    if request.POST.get("action") == "unfollow":
        Follow.objects.filter(user=request.user, program=program).delete()
        messages.success(request, f"You no longer follow {program.name}.")
    else:
        _, created = Follow.objects.get_or_create(user=request.user, program=program)
        if created:
            messages.success(request, f"You follow {program.name}: new flags come in a daily email digest.")
        else:
            messages.info(request, f"You already follow {program.name}.")
        if not request.user.email:
            messages.warning(request, "Add an email address to your account to receive the digest.")
    return redirect(f"/flags/?program={program.slug}")
