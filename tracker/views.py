from dataclasses import dataclass

import markdown
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from config.pages import paginate
from config.routers import reads_from_replica
from programs.selectors import awaiting_verification, listed_organizations, listed_programs
from tracker.cache import page_figures
from tracker.charts import program_charts
from tracker.exports import compare_csv, program_csv, programs_csv
from tracker.feed import feed_rows, finding, unpaid_cell
from tracker.filters import FindingFilter
from tracker.forms import CompareForm, PeriodForm, ProgramTableForm
from tracker.headlines import program_headlines
from tracker.metrics import (
    organization_metrics,
    platform_metrics,
)
from tracker.models import Flag, Follow
from tracker.periods import ALL
from tracker.program_figures import program_figure, program_figures
from tracker.selectors import (
    FIGURE_SORT_FIELDS,
    ProgramRow,
    feed_order,
    finding_flags,
    last_scan,
    money_sort_note,
    program_table,
    public_flags,
)
from tracker.series import latency_distribution, time_series
from tracker.templatetags.fragments import PAGE_PARAMS
from tracker.unpaid_work import COUNTED_ONCE, unpaid_work
from tracker.views_charts import landing_panel
from tracker.views_replies import reply_context

FLAGS_PER_PAGE = 50
NEWEST_FLAGS_SHOWN = 5
# Months of a program's open unpaid work (counted once) on its page; the feed has the rest.
UNPAID_MONTHS_SHOWN = 6
FORMATS = ("html", "csv")

# The programs table: (field it sorts by, header). Every header is a sort link.
PROGRAM_COLUMNS = [
    ("name", "Program"),
    ("organization", "Organization"),
    ("status", "Status"),
    ("fairness_score", "Score"),
    ("owed", "Owed"),
    ("testers_active", "Active testers"),
    ("revocation_rate", "Revoked"),
    ("contributions", "Contributions"),
    ("hours", "Hours"),
    ("compensated_hours_share", "Hours paid for"),
    ("cash_paid", "Cash paid"),
    ("effective_hourly_rate", "Per hour"),
    ("pay_gap", "Pay gap"),
]

# The comparison: (section, [(Metrics field, label)]).
COMPARE_SECTIONS = [
    (
        "Access",
        [
            ("testers_active", "Active testers"),
            ("testers_revoked", "Revoked testers"),
            ("revocation_rate", "Revocation rate"),
            ("revocations_without_reason", "Revoked without a reason"),
        ],
    ),
    (
        "Work and pay",
        [
            ("contributions", "Contributions"),
            ("hours", "Hours given"),
            ("compensated_share", "Contributions paid for"),
            ("compensated_hours_share", "Hours paid for"),
            ("owed", "Owed to testers"),
            ("cash_paid", "Cash paid in the period"),
            ("hours_due", "Hours of due work"),
            ("hours_not_yet_due", "Hours not yet due"),
            ("compensated_due_hours_share", "Due hours paid for"),
            ("effective_hourly_rate", "Effective hourly rate (due work)"),
            ("reference_hourly_rate", "Reference rate"),
            ("fair_value", "Fair value (due work)"),
            ("pay_gap", "Pay gap (due work)"),
            ("median_days_to_payment", "Median days to payment"),
            ("paid_within_terms_share", "Paid within the terms"),
        ],
    ),
    (
        "Works and approval",
        [
            ("works_submitted", "Works submitted"),
            ("approval_rate", "Approval rate"),
            ("rejection_rate", "Rejection rate"),
            ("showcase_rate", "Showcase rate"),
            ("showcased_artists", "Artists ever showcased"),
            ("showcase_top_tenth_share", "Showcased works held by the top tenth"),
            ("decisions_with_reason_share", "Decisions with a reason"),
            ("approval_latency_median_hours", "Median wait for a decision"),
            ("approval_latency_p90_hours", "90th percentile wait"),
            ("decided_within_sla_share", "Decided within the promise"),
            ("overdue_works", "Overdue works"),
        ],
    ),
    ("Score", [("fairness_score", "Fairness score")]),
]


@dataclass(frozen=True)
class Header:
    label: str
    url: str
    numeric: bool
    aria_sort: str  # "ascending", "descending" or "" when the table is not sorted by it


def sort_headers(request, sort: str, columns) -> list[Header]:
    """A sort link per column: a click sorts by it (figures largest first, words A to Z),
    a second click reverses."""
    current = sort.removeprefix("-")
    headers = []
    for field, label in columns:
        numeric = field in FIGURE_SORT_FIELDS
        if field == current:
            target = field if sort.startswith("-") else f"-{field}"
            aria_sort = "descending" if sort.startswith("-") else "ascending"
        else:
            target, aria_sort = (f"-{field}" if numeric else field), ""
        query = request.GET.copy()
        query.pop("format", None)
        query["sort"] = target
        headers.append(Header(label, f"?{query.urlencode()}", numeric, aria_sort))
    return headers


def figures_query(request, *, without: tuple[str, ...] = ()) -> str:
    """The query string as a cache key for a page's figures: every filter, not the format
    (the page and its CSV share their figures) nor a parameter no page reads."""
    # Only the parameters the pages read: any other would make a cache entry of its own.
    dropped = {"format", *without}
    query = {key: value for key, value in request.GET.lists() if key in PAGE_PARAMS and key not in dropped}
    return "&".join(f"{key}={value}" for key, value in sorted(query.items()))


def csv_query(request) -> str:
    query = request.GET.copy()
    query["format"] = "csv"
    return f"?{query.urlencode()}"


def _format(request) -> str | None:
    """html or csv from ?format=, or None when it is neither."""
    value = request.GET.get("format") or "html"
    return value if value in FORMATS else None


def bad_format():
    return HttpResponseBadRequest("Unknown format: use ?format=csv for a CSV download, or leave it out for the page.")


@reads_from_replica
def home(request):
    output = _format(request)
    if output is None:
        return bad_format()
    form = ProgramTableForm(request.GET)
    rows = None
    if form.is_valid():
        programs_shown = form.programs(listed_programs())
        # Each program's figures are cached by its own version: after a write, only the
        # programs written to are computed again (tracker.program_figures), and until they
        # are the table is served as it was (tracker.cache.page_figures).
        rows = page_figures(
            "programs-table",
            lambda: program_table(programs_shown, sort=form.cleaned_data["sort"], period=form.cell),
            figures_query(request),
            request=request,
        )
    if rows is not None and output == "csv":
        return programs_csv(rows, "programs.csv")
    programs = list(listed_programs())
    period = form.cell if rows is not None else ALL
    context = {
        "form": form,
        "rows": rows,
        "period": period,
        "platform": page_figures("platform", lambda: platform_metrics(period=period), period, request=request),
        "program_count": len(programs),
        "organization_count": len({program.organization_id for program in programs}),
        "last_scan": last_scan(),
        "landing_chart": landing_panel(request)[0],
    }
    if rows is None:
        return render(request, "tracker/home.html", context, status=400)
    context.update(
        headers=sort_headers(request, form.cleaned_data["sort"], PROGRAM_COLUMNS),
        csv_url=csv_query(request),
        sort_note=money_sort_note(form.cleaned_data["sort"]),
    )
    return render(request, "tracker/home.html", context)


@reads_from_replica
def organization_dashboard(request, slug):
    organization = get_object_or_404(listed_organizations(), slug=slug)
    output = _format(request)
    if output is None:
        return bad_format()
    form = ProgramTableForm(request.GET, with_organization=False)
    period = form.cell if form.is_valid() else ALL
    metrics = page_figures(
        "organization",
        lambda: organization_metrics(organization, period=period),
        organization.pk,
        period,
        request=request,
    )
    context = {"organization": organization, "form": form, "metrics": metrics, "rows": None, "period": period}
    if not form.is_valid():
        return render(request, "tracker/organization.html", context, status=400)
    sort = form.cleaned_data["sort"]
    programs = form.programs(listed_programs().filter(organization=organization))
    rows = page_figures(
        "organization-table",
        lambda: program_table(programs, sort=sort, period=period),
        organization.pk,
        figures_query(request),
        request=request,
    )
    if output == "csv":
        return programs_csv(rows, f"organization-{organization.slug}-programs.csv")
    columns = [column for column in PROGRAM_COLUMNS if column[0] != "organization"]
    context.update(
        rows=rows,
        headers=sort_headers(request, sort, columns),
        sort_note=money_sort_note(sort),
        filtered=bool(form.cleaned_data.get("status")),
        csv_url=csv_query(request),
    )
    return render(request, "tracker/organization.html", context)


def program_page_figures(program, period, request):
    """What a program's page shows for a period: (metrics, charts, newest findings, unpaid
    work, headlines), from the cache (tracker.cache.page_figures). "Cite this" freezes
    exactly these (tracker.snapshots)."""

    def build():
        # The program's figures, charts and findings, computed together so that they always
        # agree; after a write to the program they are served as they were until the new
        # ones are computed (tracker.cache.page_figures), and the page says so.
        metrics = program_figure(program, period=period)
        if metrics.suppressed:
            return metrics, None, [], [], []
        # pygal takes tens of milliseconds per chart: drawn once per change of the records.
        charts = program_charts(
            metrics, time_series(program, period=period), latency_distribution(program, period=period)
        )
        open_flags = public_flags().filter(program=program, resolved_at__isnull=True)
        open_findings = finding_flags().filter(program=program, resolved_at__isnull=True)
        newest = list(feed_order(open_flags)[:NEWEST_FLAGS_SHOWN])
        unpaid = list(unpaid_work(open_findings)[:UNPAID_MONTHS_SHOWN])
        # The headlines are written from these very figures, so they always agree with them.
        return metrics, charts, newest, unpaid, program_headlines(program, metrics, period)

    # ("program-page-2": the entry holds the headlines too, a shape the earlier entries lack.)
    return page_figures("program-page-2", build, program.pk, period, request=request, program=program.pk)


@reads_from_replica
def program_dashboard(request, slug):
    program = get_object_or_404(listed_programs(), slug=slug)
    output = _format(request)
    if output is None:
        return bad_format()
    form = PeriodForm(request.GET)
    context = {"program": program, "form": form, "metrics": None}
    if not form.is_valid():
        return render(request, "tracker/program.html", context, status=400)
    period = form.cell
    metrics, charts, newest, unpaid, headlines = program_page_figures(program, period, request)
    if output == "csv":
        return program_csv(program, metrics, period)
    context.update(
        metrics=metrics,
        headlines=headlines,
        period=period,
        csv_url=csv_query(request),
        last_scan=last_scan(),
        awaiting=awaiting_verification(program),
    )
    if not metrics.suppressed:
        context["charts"] = charts
        context["flag_counts"] = [(kind, Flag.Kind(kind).label, n) for kind, n in metrics.open_flags.items()]
        context["newest_flags"], context["unpaid_work"] = newest, unpaid
        context["counted_once"] = COUNTED_ONCE
    # The organization's replies, in their own section after the figures (never inside them).
    context.update(reply_context(request, program))
    return render(request, "tracker/program.html", context)


@reads_from_replica
def compare(request):
    output = _format(request)
    if output is None:
        return bad_format()
    form = CompareForm(request.GET if "programs" in request.GET else None, programs=listed_programs())
    context = {"form": form, "rows": None, "sections": COMPARE_SECTIONS}
    if not form.is_bound:
        return render(request, "tracker/compare.html", context, status=400 if output == "csv" else 200)
    if not form.is_valid():
        return render(request, "tracker/compare.html", context, status=400)
    chosen = form.cleaned_data["programs"]
    period_form = PeriodForm(request.GET)
    if not period_form.is_valid():
        form.add_error(None, " ".join(message for errors in period_form.errors.values() for message in errors))
        return render(request, "tracker/compare.html", context, status=400)
    in_period = listed_programs().filter(pk__in=[p.pk for p in chosen])
    figures = page_figures(
        "compare", lambda: program_figures(in_period, period=period_form.cell), figures_query(request), request=request
    )
    by_slug = {m.key: m for m in figures}
    rows = [ProgramRow(program, by_slug[program.slug]) for program in chosen]
    if output == "csv":
        return compare_csv(rows)
    points = [row.metrics.score_breakdown or [] for row in rows]
    context.update(
        rows=rows,
        # Score points side by side: [(the first program's point, [each program's point or None])].
        score_rows=[
            (reference, [p[index] if p else None for p in points])
            for index, reference in enumerate(next((p for p in points if p), []))
        ],
        csv_url=csv_query(request),
    )
    return render(request, "tracker/compare.html", context)


@reads_from_replica
def flag_feed(request):
    """What the checks found, as the public may see it: findings about a program one by one,
    findings about one artist's record only as monthly aggregates (tracker.selectors)."""
    finding_filter = FindingFilter(request.GET, queryset=finding_flags())
    if finding_filter.is_valid():
        program = finding_filter.form.cleaned_data.get("program")

        def build():
            # The public rows are aggregates (a few per program, kind and month), so the whole
            # feed for these filters is cached and paged from memory, as tuples (a page's
            # rows are made findings below); it is put together from each program's part,
            # cached under that program's version (tracker.feed). One count per contribution
            # across the two kinds about unpaid work, on the same grid: a page's worth of it.
            kind = finding_filter.form.cleaned_data.get("kind")
            rows, cells = feed_rows(finding_filter, with_unpaid=not kind)
            return rows, [unpaid_cell(cell) for cell in cells[: FLAGS_PER_PAGE + 1]]

        # A feed of one program is cached by that program's version; every page of it at once.
        scope = program.pk if program is not None else None
        key = figures_query(request, without=("page",))
        rows, unpaid = page_figures("flag-feed", build, key, request=request, program=scope)
        pager, status = paginate(request, rows, per_page=FLAGS_PER_PAGE), 200
        findings = [finding(row) for row in pager.page.object_list]
    else:
        pager, status, findings, program, unpaid = None, 400, [], None, []
    following = (
        program is not None
        and request.user.is_authenticated
        # The visitor's own choice, just made by follow_program: read on the primary.
        and Follow.objects.using(DEFAULT_DB_ALIAS).filter(user=request.user, program=program).exists()
    )
    context = {
        "filter": finding_filter,
        "pager": pager,
        "findings": findings,
        "filtered": any(request.GET.get(name) for name in finding_filter.filters),
        "min_group_size": settings.MIN_GROUP_SIZE,
        "last_scan": last_scan(),
        "program": program,
        "following": following,
        "unpaid_work": unpaid[:FLAGS_PER_PAGE],
        "unpaid_work_more": len(unpaid) > FLAGS_PER_PAGE,
        "counted_once": COUNTED_ONCE,
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
    # Back to the page the button was on: the feed, the program page or the Following page.
    back = {"program": reverse("program", args=[program.slug]), "following": reverse("following")}
    return redirect(back.get(request.POST.get("next"), f"/flags/?program={program.slug}"))


# The project's own methodology pages: docs/privacy.md and docs/metrics.md, as HTML.
DOC_PAGES = {"privacy": "privacy.md", "methodology": "metrics.md"}
DOC_LINKS = {"privacy.md": "/privacy/", "metrics.md": "/methodology/", "api.md": "/api/v1/docs/"}


def doc_page(request, name: str):
    """A document of docs/ as a page (read at each request; they are small), its links to
    the other documents pointing at their pages."""
    source = (settings.BASE_DIR / "docs" / DOC_PAGES[name]).read_text(encoding="utf-8")
    html = markdown.markdown(source, extensions=["tables", "fenced_code"])
    for document, url in DOC_LINKS.items():
        html = html.replace(f'href="{document}"', f'href="{url}"')
    title = source.splitlines()[0].lstrip("# ").strip()
    return render(request, "tracker/doc.html", {"title": title, "body": mark_safe(html)})  # noqa: S308 (our own file)
