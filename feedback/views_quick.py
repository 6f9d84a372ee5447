"""The quick log (/me/log/): one phone-sized page that logs a contribution in a few taps,
through the same service as the full form. A plain form POST, then a redirect back to the
page (which preselects the program just used) with a message and links to edit or undo."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from config.auth import artist_required
from config.forms import submit_form
from feedback import selectors, services
from feedback.forms_quick import QuickLogForm, hours_label, kind_phrase
from feedback.models import Contribution
from programs.forms import initial_enrollment
from programs.selectors import enrollments_of


def _logged(contribution: Contribution) -> str:
    return (
        f"Logged {hours_label(contribution.hours_spent)} of {kind_phrase(contribution.kind)} "
        f"for {contribution.enrollment.program.name}, {contribution.occurred_on:%Y-%m-%d}."
    )


def _just_logged(request, artist) -> Contribution | None:
    """The contribution named by `?logged=<id>` after a redirect, if it is this artist's."""
    pk = request.GET.get("logged", "")
    if not pk.isdigit():
        return None
    return selectors.contributions_of(artist).filter(pk=pk).first()


@artist_required
@require_http_methods(["GET", "POST"])
def quick_log(request, artist):
    enrollments = list(enrollments_of(artist).order_by("program__name", "id"))
    context = {"section": "quick", "just_logged": _just_logged(request, artist)}
    if not enrollments:
        return render(request, "ledger/quick.html", context)
    # `?enrollment=<id>` (from one program's ledger) picks the program; else the last used.
    initial = initial_enrollment(request, artist) or {
        "enrollment": selectors.preselected_enrollment(artist, enrollments).pk
    }
    form = QuickLogForm(request.POST or None, artist=artist, initial=initial)
    done = submit_form(
        request,
        form,
        services.log_contribution,
        success=_logged,
        then=lambda contribution: f"{reverse('quick-log')}?logged={contribution.pk}",
        field_map={"hours_spent": "hours"},
    )
    return done or render(request, "ledger/quick.html", {**context, "form": form})
