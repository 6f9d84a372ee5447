from django.shortcuts import render

from tracker.selectors import platform_summary, program_rows


def home(request):
    return render(request, "tracker/home.html", {"summary": platform_summary(), "rows": program_rows()})
