"""The artist's ledger under /me/: the overview, one program's ledger, and the works and
decisions pages. Thin doors onto the ledger selectors and artists.services; every lookup
goes through a queryset filtered by the signed-in artist, so another artist's record
answers 404. The contribution and payment pages are feedback.views, the program and access
pages programs.views; other apps add sections to the overview through artists.panels."""

from functools import partial

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from artists import selectors, services
from artists.forms_ledger import DecisionForm, WorkForm
from artists.panels import overview_panels
from config.auth import artist_required
from config.forms import submit_form
from config.pages import paginate
from feedback.selectors import compensations_of, contributions_of
from programs.forms import initial_enrollment
from programs.models import Enrollment
from programs.selectors import access_history, evidence_of


def _enrollment_page(enrollment_id: int) -> str:
    return reverse("ledger-enrollment", args=[enrollment_id])


# Overview and one program's ledger


@artist_required
def ledger(request, artist):
    panels = overview_panels()
    context = {"artist": artist, "summary": selectors.ledger_summary(artist), "panels": panels, "section": "overview"}
    for panel in panels:
        context.update(panel.context(artist))
    return render(request, "ledger/ledger.html", context)


@artist_required
def enrollment_detail(request, artist, pk):
    totals = selectors.program_totals(artist, Enrollment.objects.filter(pk=pk))
    if not totals:
        raise Http404("No such program in your ledger.")
    enrollment = totals[0].enrollment
    return render(
        request,
        "ledger/enrollment.html",
        {
            "section": "overview",
            "totals": totals[0],
            "enrollment": enrollment,
            "program": enrollment.program,
            "events": access_history(enrollment),
            "evidence": evidence_of(enrollment),
            "contributions": paginate(request, contributions_of(artist, enrollment=enrollment)),
            "works": paginate(request, selectors.works_of(artist, enrollment=enrollment), param="works_page"),
            "compensations": paginate(request, compensations_of(artist, enrollment=enrollment), param="payments_page"),
        },
    )


# Works and decisions


def _works_page(request, template: str, context: dict):
    return render(request, template, {"section": "works", **context})


@artist_required
def work_list(request, artist):
    return _works_page(request, "ledger/works.html", {"pager": paginate(request, selectors.works_of(artist))})


def _work(artist, pk):
    return get_object_or_404(selectors.works_of(artist), pk=pk)


@artist_required
@require_http_methods(["GET", "POST"])
def work_new(request, artist):
    form = WorkForm(request.POST or None, artist=artist, with_program=True, initial=initial_enrollment(request, artist))
    done = submit_form(
        request,
        form,
        services.submit_work,
        success=lambda work: f"Recorded “{work.title}”; it is pending until the program decides.",
        then=lambda work: _enrollment_page(work.enrollment_id),
    )
    return done or _works_page(request, "ledger/work_form.html", {"form": form})


@artist_required
@require_http_methods(["GET", "POST"])
def work_edit(request, artist, pk):
    work = _work(artist, pk)
    initial = {name: getattr(work, name) for name in WorkForm.base_fields}
    form = WorkForm(request.POST or None, artist=artist, with_program=False, initial=initial)
    done = submit_form(
        request,
        form,
        partial(services.update_work, work=work),
        success=lambda saved: f"Saved your changes to “{saved.title}”.",
        then=lambda saved: _enrollment_page(work.enrollment_id),
    )
    return done or _works_page(request, "ledger/work_form.html", {"form": form, "work": work})


@artist_required
@require_http_methods(["GET", "POST"])
def work_delete(request, artist, pk):
    work = _work(artist, pk)
    if request.method == "POST":
        services.delete_work(work=work)
        messages.success(request, f"Deleted “{work.title}” and the decisions recorded on it.")
        return redirect("ledger-enrollment", work.enrollment_id)
    return _works_page(request, "ledger/work_delete.html", {"work": work})


@artist_required
@require_http_methods(["GET", "POST"])
def decision_new(request, artist, pk):
    work = _work(artist, pk)
    form = DecisionForm(request.POST or None)
    done = submit_form(
        request,
        form,
        partial(services.record_decision, work=work),
        success=lambda decision: f"Recorded the decision on “{work.title}”: {decision.get_outcome_display()}.",
        then=lambda decision: _enrollment_page(work.enrollment_id),
    )
    return done or _works_page(request, "ledger/decision_form.html", {"form": form, "work": work})
