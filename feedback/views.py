"""The artist's contribution and payment pages under /me/: thin doors onto
feedback.selectors and feedback.services. Every lookup goes through a queryset filtered by
the signed-in artist, so another artist's record answers 404."""

from functools import partial

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from config.auth import artist_required
from config.forms import submit_form
from config.pages import paginate
from feedback import selectors, services
from feedback.forms import ChooseProgramForm, CompensationForm, ContributionFilterForm, ContributionForm
from feedback.models import Compensation, Contribution
from programs.forms import initial_enrollment
from programs.models import Enrollment
from programs.selectors import enrollments_of


def _enrollment_page(enrollment_id: int) -> str:
    return reverse("ledger-enrollment", args=[enrollment_id])


# Contributions


def _contributions_page(request, template: str, context: dict):
    return render(request, template, {"section": "contributions", **context})


@artist_required
def contribution_list(request, artist):
    filters = ContributionFilterForm(request.GET or None, artist=artist)
    criteria = {}
    if filters.is_valid():
        criteria = {
            "enrollment": filters.cleaned_data["enrollment"],
            "occurred_from": filters.cleaned_data["occurred_from"],
            "occurred_until": filters.cleaned_data["occurred_until"],
        }
    contributions = selectors.contributions_of(artist, **criteria)
    return _contributions_page(
        request,
        "ledger/contributions.html",
        {
            "filters": filters,
            "filtered": any(criteria.values()),
            "pager": paginate(request, contributions),
            "totals": selectors.contribution_totals(contributions),
        },
    )


def _contribution(artist, pk) -> Contribution:
    return get_object_or_404(
        Contribution.objects.filter(enrollment__artist=artist).select_related("enrollment__program"), pk=pk
    )


def _logged(contribution: Contribution) -> str:
    hours = f"{contribution.hours_spent.normalize():f}"
    return f"Logged “{contribution.title}”: {hours} hour{'s' if hours != '1' else ''}."


@artist_required
@require_http_methods(["GET", "POST"])
def contribution_new(request, artist):
    form = ContributionForm(
        request.POST or None, artist=artist, with_program=True, initial=initial_enrollment(request, artist)
    )
    done = submit_form(
        request,
        form,
        services.log_contribution,
        success=_logged,
        then=lambda contribution: _enrollment_page(contribution.enrollment_id),
    )
    return done or _contributions_page(request, "ledger/contribution_form.html", {"form": form})


@artist_required
@require_http_methods(["GET", "POST"])
def contribution_edit(request, artist, pk):
    contribution = _contribution(artist, pk)
    initial = {name: getattr(contribution, name) for name in ContributionForm.base_fields}
    form = ContributionForm(request.POST or None, artist=artist, with_program=False, initial=initial)
    done = submit_form(
        request,
        form,
        partial(services.update_contribution, contribution=contribution),
        success=lambda saved: f"Saved your changes to “{saved.title}”.",
        then=lambda saved: _enrollment_page(saved.enrollment_id),
    )
    return done or _contributions_page(
        request, "ledger/contribution_form.html", {"form": form, "contribution": contribution}
    )


@artist_required
@require_http_methods(["GET", "POST"])
def contribution_delete(request, artist, pk):
    contribution = _contribution(artist, pk)
    if request.method == "POST":
        services.delete_contribution(contribution=contribution)
        messages.success(request, f"Deleted “{contribution.title}”.")
        return redirect("ledger-enrollment", contribution.enrollment_id)
    return _contributions_page(
        request,
        "ledger/contribution_delete.html",
        {"contribution": contribution, "payments": selectors.payments_covering(contribution)},
    )


# Compensations


def _payments_page(request, template: str, context: dict):
    return render(request, template, {"section": "compensations", **context})


@artist_required
def compensation_list(request, artist):
    return _payments_page(
        request, "ledger/compensations.html", {"pager": paginate(request, selectors.compensations_of(artist))}
    )


def _compensation(artist, pk) -> Compensation:
    return get_object_or_404(selectors.compensations_of(artist), pk=pk)


def _payment_summary(compensation: Compensation, enrollment: Enrollment) -> str:
    paid_for = compensation.allocations.count()
    what = f"{compensation.get_kind_display().lower()} of {compensation.amount} {enrollment.program.currency}"
    if paid_for:
        return f"{what}, split across {paid_for} contribution{'s' if paid_for != 1 else ''} by hours"
    return what


@artist_required
@require_http_methods(["GET", "POST"])
def compensation_new(request, artist):
    # Two steps without JavaScript: choose the program (a GET form), then fill in the
    # payment with that program's contributions as checkboxes.
    if "enrollment" not in request.GET:
        only = list(enrollments_of(artist).values_list("pk", flat=True)[:2])
        if len(only) == 1:
            return redirect(f"{reverse('ledger-compensation-new')}?enrollment={only[0]}")
    chooser = ChooseProgramForm(request.GET if "enrollment" in request.GET else None, artist=artist)
    if not chooser.is_valid():
        return _payments_page(request, "ledger/compensation_choose.html", {"chooser": chooser})
    enrollment = chooser.cleaned_data["enrollment"]
    form = CompensationForm(request.POST or None, artist=artist, enrollment=enrollment)
    done = submit_form(
        request,
        form,
        partial(services.record_compensation, enrollment=enrollment),
        success=lambda compensation: f"Recorded {_payment_summary(compensation, enrollment)}.",
        then=lambda compensation: _enrollment_page(enrollment.pk),
        field_map={"allocations": "contributions"},
    )
    return done or _payments_page(request, "ledger/compensation_form.html", {"form": form, "enrollment": enrollment})


@artist_required
@require_http_methods(["GET", "POST"])
def compensation_edit(request, artist, pk):
    compensation = _compensation(artist, pk)
    enrollment = compensation.enrollment
    initial = {
        "kind": compensation.kind,
        "amount": compensation.amount,
        "paid_on": compensation.paid_on,
        "note": compensation.note,
        "contributions": [allocation.contribution_id for allocation in compensation.allocations.all()],
    }
    form = CompensationForm(request.POST or None, artist=artist, enrollment=enrollment, initial=initial)
    done = submit_form(
        request,
        form,
        partial(services.update_compensation, compensation=compensation),
        success=lambda saved: f"Saved {_payment_summary(saved, enrollment)}.",
        then=lambda saved: _enrollment_page(enrollment.pk),
        field_map={"allocations": "contributions"},
    )
    return done or _payments_page(
        request,
        "ledger/compensation_form.html",
        {"form": form, "enrollment": enrollment, "compensation": compensation},
    )


@artist_required
@require_http_methods(["GET", "POST"])
def compensation_delete(request, artist, pk):
    compensation = _compensation(artist, pk)
    if request.method == "POST":
        services.delete_compensation(compensation=compensation)
        messages.success(
            request,
            f"Deleted the {compensation.get_kind_display().lower()} of {compensation.amount} "
            f"{compensation.enrollment.program.currency}.",
        )
        return redirect("ledger-enrollment", compensation.enrollment_id)
    return _payments_page(request, "ledger/compensation_delete.html", {"compensation": compensation})
