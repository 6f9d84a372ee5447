"""The artist's ledger pages under /me/: thin doors onto the ledger selectors and the
write services. Every lookup goes through a queryset filtered by the signed-in artist, so
another artist's record answers 404. `artist_required` (shared with the account pages)
sends visitors to log in and shows users without an artist profile what the ledger is."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from artists import selectors
from artists.forms_ledger import (
    AccessChangeForm,
    ChooseProgramForm,
    CompensationForm,
    ContributionFilterForm,
    ContributionForm,
    DecisionForm,
    JoinProgramForm,
    WorkForm,
)
from artists.services import delete_work, record_decision, submit_work, update_work
from artists.views_privacy import artist_required
from config.forms import add_service_errors
from feedback.models import Compensation, Contribution
from feedback.services import (
    delete_compensation,
    delete_contribution,
    log_contribution,
    record_compensation,
    update_compensation,
    update_contribution,
)
from programs.models import AccessEvent, Enrollment
from programs.selectors import enrollments_of
from programs.services import ALLOWED_EVENTS, delete_enrollment, enrol_artist, record_access_event
from tracker.selectors import flags_of_artist, last_scan, newest_first, open_flag_counts

PER_PAGE = 25
# Open findings listed on the ledger overview; the flag feed has the rest.
LEDGER_FLAGS_SHOWN = 10


@dataclass(frozen=True)
class PageLink:
    number: int | None
    url: str
    current: bool = False


@dataclass(frozen=True)
class Pager:
    """One page of a list and the links to the others, keeping the other query parameters."""

    page: Page
    links: list[PageLink]
    previous_url: str
    next_url: str


def paginate(request, items, *, param: str = "page") -> Pager:
    paginator = Paginator(items, PER_PAGE)
    page = paginator.get_page(request.GET.get(param))

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}"

    links = [
        PageLink(None, "") if number == Paginator.ELLIPSIS else PageLink(number, url(number), number == page.number)
        for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    return Pager(
        page=page,
        links=links if paginator.num_pages > 1 else [],
        previous_url=url(page.previous_page_number()) if page.has_previous() else "",
        next_url=url(page.next_page_number()) if page.has_next() else "",
    )


SECTIONS = {"contribution": "contributions", "work": "works", "decision": "works", "compensation": "compensations"}


def _render(request, template: str, context: dict, status: int = 200):
    """Render a ledger page, telling the ledger menu which section it belongs to."""
    name = template.removeprefix("ledger/").removesuffix(".html")
    section = next((section for prefix, section in SECTIONS.items() if name.startswith(prefix)), "overview")
    return render(request, template, {"section": "join" if name == "join" else section, **context}, status=status)


def _enrollment(artist, pk) -> Enrollment:
    return get_object_or_404(enrollments_of(artist), pk=pk)


def _initial_enrollment(request, artist) -> dict:
    """`?enrollment=<id>` preselects one of the artist's programs."""
    pk = request.GET.get("enrollment", "")
    if pk.isdigit() and enrollments_of(artist).filter(pk=pk).exists():
        return {"enrollment": int(pk)}
    return {}


# Overview and programs


@artist_required
def ledger(request, artist):
    own_flags = flags_of_artist(artist).filter(resolved_at__isnull=True)
    context = {
        "artist": artist,
        "summary": selectors.ledger_summary(artist),
        "flag_counts": open_flag_counts(own_flags),
        "flags": newest_first(own_flags)[:LEDGER_FLAGS_SHOWN],
        "last_scan": last_scan(),
    }
    return _render(request, "ledger/ledger.html", context)


@artist_required
@require_http_methods(["GET", "POST"])
def join_program(request, artist):
    form = JoinProgramForm(request.POST or None, artist=artist)
    if request.method == "POST" and form.is_valid():
        program = form.cleaned_data["program"]
        try:
            enrollment = enrol_artist(
                program=program, artist=artist, granted_on=form.cleaned_data["granted_on"], recorded_by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{program.name} is in your ledger. Log what you gave it and what you got.")
            return redirect("ledger-enrollment", enrollment.pk)
    return _render(request, "ledger/join.html", {"form": form})


@artist_required
def enrollment_detail(request, artist, pk):
    totals = selectors.program_totals(artist, Enrollment.objects.filter(pk=pk))
    if not totals:
        raise Http404("No such program in your ledger.")
    enrollment = totals[0].enrollment
    return _render(
        request,
        "ledger/enrollment.html",
        {
            "totals": totals[0],
            "enrollment": enrollment,
            "program": enrollment.program,
            "events": selectors.access_history(enrollment),
            "contributions": paginate(request, selectors.contributions_of(artist, enrollment=enrollment)),
            "works": paginate(request, selectors.works_of(artist, enrollment=enrollment), param="works_page"),
            "compensations": paginate(
                request, selectors.compensations_of(artist, enrollment=enrollment), param="payments_page"
            ),
        },
    )


@artist_required
@require_http_methods(["GET", "POST"])
def enrollment_delete(request, artist, pk):
    enrollment = _enrollment(artist, pk)
    if request.method == "POST":
        name = enrollment.program.name
        delete_enrollment(enrollment=enrollment)
        messages.success(request, f"{name} and everything you logged under it were removed from your ledger.")
        return redirect("ledger")
    return _render(
        request,
        "ledger/enrollment_delete.html",
        {"enrollment": enrollment, "contents": selectors.enrollment_contents(enrollment)},
    )


@artist_required
@require_http_methods(["GET", "POST"])
def access_change(request, artist, pk):
    enrollment = _enrollment(artist, pk)
    form = AccessChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = record_access_event(
                enrollment=enrollment,
                kind=data["kind"],
                occurred_at=data["occurred_at"],
                reason=data["reason"],
                notice_days=data["notice_days"],
                actor=AccessEvent.Actor.PROGRAM,
                recorded_by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Recorded: access {event.get_kind_display().lower()} on {event.occurred_at:%Y-%m-%d}."
            )
            return redirect("ledger-enrollment", enrollment.pk)
    allowed = ALLOWED_EVENTS[enrollment.status]
    possible = [kind.label.lower() for kind in AccessEvent.Kind if kind in allowed and kind != AccessEvent.Kind.GRANTED]
    return _render(
        request,
        "ledger/access.html",
        {
            "form": form,
            "enrollment": enrollment,
            "events": selectors.access_history(enrollment),
            "possible": possible,
        },
    )


# Contributions


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
    return _render(
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


@artist_required
@require_http_methods(["GET", "POST"])
def contribution_new(request, artist):
    form = ContributionForm(
        request.POST or None, artist=artist, with_program=True, initial=_initial_enrollment(request, artist)
    )
    if request.method == "POST" and form.is_valid():
        try:
            contribution = log_contribution(**form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            hours = f"{contribution.hours_spent.normalize():f}"
            messages.success(request, f"Logged “{contribution.title}”: {hours} hour{'s' if hours != '1' else ''}.")
            return redirect("ledger-enrollment", contribution.enrollment_id)
    return _render(request, "ledger/contribution_form.html", {"form": form})


@artist_required
@require_http_methods(["GET", "POST"])
def contribution_edit(request, artist, pk):
    contribution = _contribution(artist, pk)
    initial = {name: getattr(contribution, name) for name in ContributionForm.base_fields}
    form = ContributionForm(request.POST or None, artist=artist, with_program=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_contribution(contribution=contribution, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved your changes to “{form.cleaned_data['title']}”.")
            return redirect("ledger-enrollment", contribution.enrollment_id)
    return _render(request, "ledger/contribution_form.html", {"form": form, "contribution": contribution})


@artist_required
@require_http_methods(["GET", "POST"])
def contribution_delete(request, artist, pk):
    contribution = _contribution(artist, pk)
    if request.method == "POST":
        delete_contribution(contribution=contribution)
        messages.success(request, f"Deleted “{contribution.title}”.")
        return redirect("ledger-enrollment", contribution.enrollment_id)
    return _render(
        request,
        "ledger/contribution_delete.html",
        {"contribution": contribution, "payments": selectors.payments_covering(contribution)},
    )


# Works and decisions


@artist_required
def work_list(request, artist):
    return _render(request, "ledger/works.html", {"pager": paginate(request, selectors.works_of(artist))})


def _work(artist, pk):
    return get_object_or_404(selectors.works_of(artist), pk=pk)


@artist_required
@require_http_methods(["GET", "POST"])
def work_new(request, artist):
    form = WorkForm(
        request.POST or None, artist=artist, with_program=True, initial=_initial_enrollment(request, artist)
    )
    if request.method == "POST" and form.is_valid():
        try:
            work = submit_work(**form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Recorded “{work.title}”; it is pending until the program decides.")
            return redirect("ledger-enrollment", work.enrollment_id)
    return _render(request, "ledger/work_form.html", {"form": form})


@artist_required
@require_http_methods(["GET", "POST"])
def work_edit(request, artist, pk):
    work = _work(artist, pk)
    initial = {name: getattr(work, name) for name in WorkForm.base_fields}
    form = WorkForm(request.POST or None, artist=artist, with_program=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_work(work=work, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved your changes to “{form.cleaned_data['title']}”.")
            return redirect("ledger-enrollment", work.enrollment_id)
    return _render(request, "ledger/work_form.html", {"form": form, "work": work})


@artist_required
@require_http_methods(["GET", "POST"])
def work_delete(request, artist, pk):
    work = _work(artist, pk)
    if request.method == "POST":
        delete_work(work=work)
        messages.success(request, f"Deleted “{work.title}” and the decisions recorded on it.")
        return redirect("ledger-enrollment", work.enrollment_id)
    return _render(request, "ledger/work_delete.html", {"work": work})


@artist_required
@require_http_methods(["GET", "POST"])
def decision_new(request, artist, pk):
    work = _work(artist, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = record_decision(work=work, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Recorded the decision on “{work.title}”: {decision.get_outcome_display()}.")
            return redirect("ledger-enrollment", work.enrollment_id)
    return _render(request, "ledger/decision_form.html", {"form": form, "work": work})


# Compensations


@artist_required
def compensation_list(request, artist):
    return _render(
        request, "ledger/compensations.html", {"pager": paginate(request, selectors.compensations_of(artist))}
    )


def _compensation(artist, pk) -> Compensation:
    return get_object_or_404(selectors.compensations_of(artist), pk=pk)


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
        return _render(request, "ledger/compensation_choose.html", {"chooser": chooser})
    enrollment = chooser.cleaned_data["enrollment"]
    form = CompensationForm(request.POST or None, artist=artist, enrollment=enrollment)
    if request.method == "POST" and form.is_valid():
        try:
            compensation = record_compensation(enrollment=enrollment, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, {"allocations": "contributions"})
        else:
            messages.success(request, f"Recorded {_payment_summary(compensation, enrollment)}.")
            return redirect("ledger-enrollment", enrollment.pk)
    return _render(request, "ledger/compensation_form.html", {"form": form, "enrollment": enrollment})


def _payment_summary(compensation: Compensation, enrollment: Enrollment) -> str:
    paid_for = compensation.allocations.count()
    what = f"{compensation.get_kind_display().lower()} of {compensation.amount} {enrollment.program.currency}"
    if paid_for:
        return f"{what}, split across {paid_for} contribution{'s' if paid_for != 1 else ''} by hours"
    return what


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
    if request.method == "POST" and form.is_valid():
        try:
            compensation = update_compensation(compensation=compensation, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, {"allocations": "contributions"})
        else:
            messages.success(request, f"Saved {_payment_summary(compensation, enrollment)}.")
            return redirect("ledger-enrollment", enrollment.pk)
    return _render(
        request,
        "ledger/compensation_form.html",
        {"form": form, "enrollment": enrollment, "compensation": compensation},
    )


@artist_required
@require_http_methods(["GET", "POST"])
def compensation_delete(request, artist, pk):
    compensation = _compensation(artist, pk)
    if request.method == "POST":
        delete_compensation(compensation=compensation)
        messages.success(
            request,
            f"Deleted the {compensation.get_kind_display().lower()} of {compensation.amount} "
            f"{compensation.enrollment.program.currency}.",
        )
        return redirect("ledger-enrollment", compensation.enrollment_id)
    return _render(request, "ledger/compensation_delete.html", {"compensation": compensation})
