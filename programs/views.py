"""The artist's program pages under /me/: add a program to the ledger, record an access
change, remove a program, propose a missing one, attach evidence for verification; and the
evidence file download. Thin doors onto programs.services; every lookup goes through the
artist's own enrollments, so another artist's answers 404."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from config.auth import artist_required, current_artist
from config.forms import submit_form
from programs import selectors, services
from programs.evidence import file_response
from programs.forms import AccessChangeForm, EvidenceForm, JoinProgramForm, ProposeProgramForm
from programs.models import AccessEvent, Enrollment


def _enrollment(artist, pk) -> Enrollment:
    return get_object_or_404(selectors.enrollments_of(artist), pk=pk)


def _enrollment_page(enrollment: Enrollment) -> str:
    return reverse("ledger-enrollment", args=[enrollment.pk])


@artist_required
@require_http_methods(["GET", "POST"])
def join_program(request, artist):
    form = JoinProgramForm(request.POST or None, artist=artist)
    done = submit_form(
        request,
        form,
        partial(services.enrol_artist, artist=artist, recorded_by=request.user),
        success=lambda enrollment: (
            f"{enrollment.program.name} is in your ledger. Log what you gave it and what you got."
        ),
        then=_enrollment_page,
    )
    return done or render(request, "ledger/join.html", {"form": form, "section": "join"})


@artist_required
@require_http_methods(["GET", "POST"])
def enrollment_delete(request, artist, pk):
    enrollment = _enrollment(artist, pk)
    if request.method == "POST":
        name = enrollment.program.name
        services.delete_enrollment(enrollment=enrollment)
        messages.success(request, f"{name} and everything you logged under it were removed from your ledger.")
        return redirect("ledger")
    return render(
        request,
        "ledger/enrollment_delete.html",
        {"enrollment": enrollment, "contents": selectors.enrollment_contents(enrollment), "section": "overview"},
    )


@artist_required
@require_http_methods(["GET", "POST"])
def access_change(request, artist, pk):
    enrollment = _enrollment(artist, pk)
    form = AccessChangeForm(request.POST or None)
    done = submit_form(
        request,
        form,
        partial(
            services.record_access_event,
            enrollment=enrollment,
            actor=AccessEvent.Actor.PROGRAM,
            recorded_by=request.user,
        ),
        success=lambda event: f"Recorded: access {event.get_kind_display().lower()} on {event.occurred_at:%Y-%m-%d}.",
        then=lambda event: _enrollment_page(enrollment),
    )
    if done:
        return done
    allowed = services.ALLOWED_EVENTS[enrollment.status]
    possible = [kind.label.lower() for kind in AccessEvent.Kind if kind in allowed and kind != AccessEvent.Kind.GRANTED]
    return render(
        request,
        "ledger/access.html",
        {
            "form": form,
            "enrollment": enrollment,
            "events": selectors.access_history(enrollment),
            "possible": possible,
            "section": "overview",
        },
    )


@artist_required
def propose(request, artist):
    form = ProposeProgramForm(request.POST or None)
    done = submit_form(
        request,
        form,
        partial(services.propose_program, artist=artist),
        success=lambda program: (
            f"{program.name} is added for you to log against. Staff will check it before it is listed publicly."
        ),
        then=lambda program: f"{reverse('ledger-join')}?program={program.pk}",
    )
    return done or render(request, "accounts/propose_program.html", {"form": form})


@artist_required
@require_http_methods(["GET", "POST"])
def evidence_new(request, artist, pk):
    enrollment = _enrollment(artist, pk)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    done = submit_form(
        request,
        form,
        partial(services.attach_evidence, enrollment=enrollment, uploaded_by=request.user),
        success=lambda evidence: (
            "Thank you: a reviewer will look at your evidence."
            if enrollment.verification == Enrollment.Verification.PENDING
            else "Your evidence is added."
        ),
        then=lambda evidence: _enrollment_page(enrollment),
    )
    return done or render(
        request,
        "ledger/evidence.html",
        {"form": form, "enrollment": enrollment, "evidence": selectors.evidence_of(enrollment), "section": "overview"},
    )


@login_required
@never_cache
@require_GET
def evidence_file(request, pk):
    """An evidence file, for the artist who gave it or a reviewer; for anyone else there is
    no such file (404), the program's own accounts included."""
    readable = selectors.readable_evidence(user=request.user, artist=current_artist(request))
    return file_response(get_object_or_404(readable, pk=pk))
