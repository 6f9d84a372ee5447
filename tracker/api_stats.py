"""The stats API: aggregate fairness figures for clients (read-only, anonymous allowed).

Every figure comes from tracker.metrics, so the privacy floor holds here as on the pages.
Responses carry an ETag (a digest of the response) and a Last-Modified (when the data
version was first seen), are cached per data version (tracker.cache), answer 304 to a
matching If-None-Match, and every list can be had as CSV with ?format=csv.
"""

import datetime as dt
import json
from decimal import Decimal

from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import parse_etags
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.renderers import PAGE_FIELDS
from programs.models import Organization, Program
from tracker import cache
from tracker.metrics import (
    INTERVALS,
    SORTABLE_FIGURES,
    Metrics,
    Period,
    organization_metrics,
    platform_metrics,
    program_metrics,
    suppressed_reason,
)
from tracker.metrics import time_series as build_time_series
from tracker.selectors import program_table

# -- serializers: the contract (field names and types are pinned by tests) ------------------


def share_field(help_text: str):
    return serializers.FloatField(allow_null=True, min_value=0, max_value=1, help_text=help_text)


def money_field(help_text: str):
    return serializers.DecimalField(
        max_digits=18, decimal_places=2, allow_null=True, coerce_to_string=True, help_text=help_text
    )


def count_field(help_text: str):
    return serializers.IntegerField(allow_null=True, min_value=0, help_text=help_text)


class ScorePointSerializer(serializers.Serializer):
    principle = serializers.CharField(help_text="fair pay, timely pay, fair approval, fair access or clear terms.")
    point = serializers.IntegerField(min_value=1, max_value=2, help_text="1 (the floor) or 2 (the better practice).")
    rule = serializers.CharField(help_text="The published rule for this point (docs/metrics.md).")
    earned = serializers.BooleanField(help_text="Whether the program earned the point.")
    figure = serializers.JSONField(allow_null=True, help_text="The figure that earned or lost it; null: no data.")
    explanation = serializers.CharField(help_text="The figure in words, or why the point is not available.")


class MetricsSerializer(serializers.Serializer):
    """A program's (organization's, the platform's) fairness figures. docs/metrics.md
    defines each; every figure is null when the figures are suppressed."""

    suppressed = serializers.BooleanField(
        help_text="True when fewer than MIN_GROUP_SIZE artists are behind the figures: all of them are then null."
    )
    suppressed_reason = serializers.CharField(allow_blank=True, help_text="Why the figures are hidden, or empty.")
    currency = serializers.CharField(
        allow_null=True, help_text="ISO 4217 currency of the money figures; null when programs use several."
    )
    testers_active = count_field("Enrollments whose current access is active.")
    testers_revoked = count_field("Enrollments whose current access is revoked.")
    revocation_rate = share_field("testers_revoked / enrollments ever granted; null if none were granted.")
    contributions = count_field("Contributions logged (in the date range, by occurred_on).")
    hours = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, help_text="Sum of hours_spent of those contributions."
    )
    contributions_by_kind = serializers.DictField(
        child=serializers.IntegerField(min_value=0), allow_null=True, help_text="Contributions by kind."
    )
    compensated_share = share_field("Compensated contributions / contributions (cash or stipend allocated > 0).")
    compensated_hours_share = share_field("Hours of compensated contributions / hours.")
    cash_paid = money_field("Sum of cash and stipend compensation paid (in the range, by paid_on), as a string.")
    cash_paid_by_currency = serializers.DictField(
        child=serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=True),
        allow_null=True,
        help_text="cash_paid per currency code (useful where programs use several).",
    )
    other_value = money_field("Credits, free access, gifts and other non-cash value: counted, not pay.")
    effective_hourly_rate = money_field("cash_paid / hours; null when no hours.")
    reference_hourly_rate = money_field("The program's reference hourly rate, or the platform default.")
    fair_value = money_field("hours × the program's reference hourly rate.")
    pay_gap = money_field("max(0, fair_value − cash_paid).")
    median_days_to_payment = serializers.FloatField(
        allow_null=True, min_value=0, help_text="Median of (first cash payment − occurred_on) in days."
    )
    paid_within_terms_share = share_field(
        "Contributions older than the payment terms that were paid within them / contributions older than the terms."
    )
    works_submitted = count_field("Works submitted (in the range, by submitted_at).")
    approval_rate = share_field("Works whose first decision is approved or showcased / works with a decision.")
    rejection_rate = share_field("Works whose first decision is rejected / works with a decision.")
    showcase_rate = share_field("Works ever showcased / works submitted.")
    decisions_with_reason_share = share_field("Decisions with a non-blank reason / decisions.")
    approval_latency_median_hours = serializers.FloatField(
        allow_null=True, min_value=0, help_text="Median hours from submission to first decision, over decided works."
    )
    approval_latency_p90_hours = serializers.FloatField(
        allow_null=True, min_value=0, help_text="90th percentile of the same."
    )
    overdue_works = count_field("Works still pending longer than the approval SLA.")
    decided_within_sla_share = share_field("Works decided within the SLA / works decided or overdue.")
    revocations = count_field("Revocations of testers' access (the date range does not apply).")
    revocations_without_reason = count_field("Revocations that stated no reason.")
    open_flags = serializers.DictField(
        child=serializers.IntegerField(min_value=0), allow_null=True, help_text="Open flags by kind."
    )
    fairness_score = serializers.IntegerField(
        allow_null=True, min_value=0, max_value=10, help_text="0–10: the points earned (score_breakdown)."
    )
    score_breakdown = ScorePointSerializer(
        many=True, allow_null=True, help_text="The ten points, each with its rule, figure and explanation."
    )


class ProgramStatsSerializer(MetricsSerializer):
    program = serializers.CharField(help_text="Program slug.")
    name = serializers.CharField(help_text="Program name.")
    organization = serializers.CharField(help_text="Organization slug.")
    status = serializers.CharField(help_text="announced, active, suspended or closed.")


class OrganizationStatsSerializer(MetricsSerializer):
    organization = serializers.CharField(help_text="Organization slug.")
    name = serializers.CharField(help_text="Organization name.")
    programs = serializers.IntegerField(min_value=0, help_text="Listed programs of the organization.")


class SummarySerializer(MetricsSerializer):
    programs = serializers.IntegerField(min_value=0, help_text="Listed programs.")
    organizations = serializers.IntegerField(min_value=0, help_text="Organizations with listed programs.")


class SeriesPointSerializer(serializers.Serializer):
    period_start = serializers.DateField(help_text="First day of the week (Monday) or month.")
    contributions = count_field("Contributions that occurred in the period; null if fewer than 5 artists.")
    hours = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, help_text="Their hours.")
    compensated_hours = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, help_text="Hours of those that are compensated."
    )
    revocations = count_field("Revocations in the period; null if fewer than 5 artists.")


class TimeSeriesSerializer(serializers.Serializer):
    program = serializers.CharField(help_text="Program slug.")
    interval = serializers.ChoiceField(choices=list(INTERVALS), help_text="week or month.")
    suppressed = serializers.BooleanField(help_text="True when the program is below the privacy floor.")
    suppressed_reason = serializers.CharField(allow_blank=True, help_text="Why the points are hidden, or empty.")
    points = SeriesPointSerializer(many=True, help_text="One entry per period with data, oldest first.")


def plain(data):
    """Serializer output as plain JSON types (cacheable, picklable)."""
    return json.loads(JSONRenderer().render(data))


def _point_data(point) -> dict:
    # A money figure (the effective hourly rate) is a decimal string here too, never a float.
    figure = str(point.figure) if isinstance(point.figure, Decimal) else point.figure
    return {**point.__dict__, "figure": figure}


def metrics_data(m: Metrics) -> dict:
    data = {name: getattr(m, name) for name in MetricsSerializer().fields if hasattr(m, name)}
    data["score_breakdown"] = None if m.score_breakdown is None else [_point_data(p) for p in m.score_breakdown]
    return data


# -- parameters ----------------------------------------------------------------------------

ORDERING_FIELDS = ["name", *SORTABLE_FIGURES]

SINCE = OpenApiParameter("since", OpenApiTypes.DATE, description="Only records on or after this day (YYYY-MM-DD).")
UNTIL = OpenApiParameter("until", OpenApiTypes.DATE, description="Only records on or before this day (YYYY-MM-DD).")
FORMAT = OpenApiParameter("format", str, enum=["json", "csv"], description="csv for a spreadsheet.")
PROGRAM_SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The program's slug.")
ORGANIZATION_SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The organization's slug.")
# Conditional requests: every answer carries an ETag; sent back in If-None-Match, it gets a
# 304 without a body for as long as the data behind it is unchanged.
CONDITIONAL = [
    OpenApiParameter(
        "If-None-Match", str, OpenApiParameter.HEADER, description="The ETag of an earlier answer to this request."
    ),
    OpenApiParameter(
        "ETag", str, OpenApiParameter.HEADER, response=[200, 304], description="Send it back in If-None-Match."
    ),
    OpenApiParameter(
        "Last-Modified",
        str,
        OpenApiParameter.HEADER,
        response=[200, 304],
        description="When this server first saw the data behind the answer.",
    ),
]


def conditional(response) -> dict:
    return {200: response, 304: OpenApiResponse(description="Not modified: the data behind the ETag is unchanged.")}


def parse_period(params) -> Period:
    errors, days = {}, {}
    for name in ("since", "until"):
        value = params.get(name)
        if value in (None, ""):
            continue
        try:
            days[name] = dt.date.fromisoformat(value)
        except ValueError:
            errors[name] = [f"'{value}' is not a date: use YYYY-MM-DD."]
    if errors:
        raise ValidationError(errors)
    if days.get("since") and days.get("until") and days["since"] > days["until"]:
        raise ValidationError({"until": ["This date is before 'since'."]})
    return Period(**days)


def check_known_params(params, allowed: set[str]) -> None:
    unknown = sorted(set(params) - allowed - {"format"})
    if unknown:
        raise ValidationError({name: ["Unknown query parameter."] for name in unknown})


# -- views ---------------------------------------------------------------------------------


def _not_modified(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match may list several ETags and compares weakly: W/"x" matches "x"."""
    tags = parse_etags(if_none_match or "")
    return "*" in tags or etag in {tag.removeprefix("W/") for tag in tags}


class StatsView(APIView):
    """Base: anonymous read, conditional responses and the per-version cache."""

    permission_classes = [AllowAny]
    allowed_params: set[str] = set()

    def respond(self, request, build, csv_filename: str = "stats"):
        check_known_params(request.query_params, self.allowed_params)
        self.csv_filename = csv_filename
        version = cache.data_version()
        request_key = f"{request.accepted_renderer.format}:{request.get_full_path()}"
        data, etag = cache.cached(request_key, version, build)
        last_modified = cache.http_date(cache.first_seen(version))
        if _not_modified(request.headers.get("If-None-Match"), etag):
            response = HttpResponse(status=304)
            del response["Content-Type"]  # a 304 has no body to describe
        else:
            response = Response(data)
        response["ETag"] = etag
        response["Last-Modified"] = last_modified
        response["Cache-Control"] = "public, max-age=60"
        response["Vary"] = "Accept"
        return response


@extend_schema(parameters=[SINCE, UNTIL, FORMAT, *CONDITIONAL], responses=conditional(SummarySerializer))
class SummaryView(StatsView):
    """Platform-wide figures over every listed program."""

    allowed_params = {"since", "until"}

    def get(self, request):
        period = parse_period(request.query_params)

        def build():
            m = platform_metrics(period=period)
            listed = Program.objects.filter(is_listed=True)
            data = {
                **metrics_data(m),
                "programs": listed.count(),
                "organizations": listed.values("organization").distinct().count(),
            }
            return plain(SummarySerializer(data).data)

        return self.respond(request, build, "summary")


def _program_row(program: Program, m: Metrics) -> dict:
    return {
        **metrics_data(m),
        "program": program.slug,
        "name": program.name,
        "organization": program.organization.slug,
        "status": program.status,
    }


def identity_first(data: dict, *names: str) -> dict:
    """The row with its identifying fields first (they lead the CSV columns too)."""
    return {**{name: data[name] for name in names}, **data}


PROGRAM_IDENTITY = ("program", "name", "organization", "status")


# Figures serialized as decimal strings: sorted by their value, not as text ("9.00" < "10.00").
class ProgramStatsListView(StatsView):
    """One row of metrics per listed program (fairness score first by default)."""

    allowed_params = {"organization", "status", "since", "until", "ordering", "page", "page_size"}

    @extend_schema(
        parameters=[
            OpenApiParameter("organization", str, description="Organization slug."),
            OpenApiParameter("status", str, enum=[s for s, _ in Program.Status.choices], description="Program status."),
            SINCE,
            UNTIL,
            OpenApiParameter(
                "ordering",
                str,
                description=f"Sort by a metric; prefix - for descending. One of: {', '.join(ORDERING_FIELDS)}.",
            ),
            OpenApiParameter("page", int, description="Page number."),
            OpenApiParameter("page_size", int, description="Rows per page (at most 100)."),
            FORMAT,
            *CONDITIONAL,
        ],
        operation_id="stats_programs_list",
        responses=conditional(
            inline_serializer(
                "PaginatedProgramStatsList",
                {
                    "count": serializers.IntegerField(help_text=PAGE_FIELDS["count"]),
                    "next": serializers.URLField(allow_null=True, help_text=PAGE_FIELDS["next"]),
                    "previous": serializers.URLField(allow_null=True, help_text=PAGE_FIELDS["previous"]),
                    "results": ProgramStatsSerializer(many=True, help_text=PAGE_FIELDS["results"]),
                },
            )
        ),
    )
    def get(self, request):
        params = request.query_params
        period = parse_period(params)
        ordering = params.get("ordering", "-fairness_score")
        if ordering.removeprefix("-") not in ORDERING_FIELDS:
            raise ValidationError(
                {"ordering": [f"Unknown ordering '{ordering}'. Use one of: {', '.join(ORDERING_FIELDS)}."]}
            )
        programs = Program.objects.filter(is_listed=True).select_related("organization")
        if params.get("organization"):
            # A NUL character cannot be compared in PostgreSQL; no slug has one.
            if (
                "\x00" in params["organization"]
                or not Organization.objects.filter(slug=params["organization"], is_listed=True).exists()
            ):
                raise ValidationError({"organization": [f"No listed organization '{params['organization']}'."]})
            programs = programs.filter(organization__slug=params["organization"])
        if params.get("status"):
            if params["status"] not in Program.Status.values:
                raise ValidationError({"status": [f"Use one of: {', '.join(Program.Status.values)}."]})
            programs = programs.filter(status=params["status"])
        page, page_size = _page_params(params)

        def build():
            # The same sort as the pages' tables: nulls last whatever the direction, ties by name.
            table = program_table(programs, sort=ordering, period=period)
            rows = [
                identity_first(
                    plain(ProgramStatsSerializer(_program_row(row.program, row.metrics)).data), *PROGRAM_IDENTITY
                )
                for row in table
            ]
            if request.accepted_renderer.format == "csv":
                return rows
            return _paginate(request, rows, page, page_size)

        return self.respond(request, build, "program-stats")


def _page_params(params) -> tuple[int, int]:
    errors = {}
    values = {}
    for name, default, upper in (("page", 1, None), ("page_size", 50, 100)):
        raw = params.get(name)
        try:
            value = int(raw) if raw not in (None, "") else default
            if value < 1 or (upper and value > upper):
                raise ValueError
            values[name] = value
        except ValueError:
            errors[name] = [f"Use a whole number from 1{f' to {upper}' if upper else ''}."]
    if errors:
        raise ValidationError(errors)
    return values["page"], values["page_size"]


def _paginate(request, rows: list, page: int, page_size: int) -> dict:
    start = (page - 1) * page_size
    if rows and start >= len(rows):
        raise Http404("No such page.")

    def link(number):
        query = request.query_params.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": len(rows),
        "next": link(page + 1) if start + page_size < len(rows) else None,
        "previous": link(page - 1) if page > 1 else None,
        "results": rows[start : start + page_size],
    }


def _listed_program(slug: str) -> Program:
    return get_object_or_404(Program.objects.filter(is_listed=True).select_related("organization"), slug=slug)


@extend_schema(
    parameters=[PROGRAM_SLUG, SINCE, UNTIL, FORMAT, *CONDITIONAL], responses=conditional(ProgramStatsSerializer)
)
class ProgramStatsView(StatsView):
    """One program's metrics, score and breakdown."""

    allowed_params = {"since", "until"}

    def get(self, request, slug):
        program = _listed_program(slug)
        period = parse_period(request.query_params)

        def build():
            m = program_metrics(Program.objects.filter(pk=program.pk), period=period)[0]
            return identity_first(plain(ProgramStatsSerializer(_program_row(program, m)).data), *PROGRAM_IDENTITY)

        return self.respond(request, build, program.slug)


@extend_schema(
    parameters=[
        PROGRAM_SLUG,
        OpenApiParameter("interval", str, enum=list(INTERVALS), description="week or month (default month)."),
        SINCE,
        UNTIL,
        FORMAT,
        *CONDITIONAL,
    ],
    responses=conditional(TimeSeriesSerializer),
)
class ProgramTimeSeriesView(StatsView):
    """Contributions, hours, compensated hours and revocations per week or month."""

    allowed_params = {"interval", "since", "until"}

    def get(self, request, slug):
        program = _listed_program(slug)
        period = parse_period(request.query_params)
        interval = request.query_params.get("interval", "month")
        if interval not in INTERVALS:
            raise ValidationError({"interval": [f"Use one of: {', '.join(INTERVALS)}."]})

        def build():
            points = build_time_series(program, interval=interval, period=period)
            # time_series is None exactly when the program is below the floor.
            reason = suppressed_reason(0) if points is None else ""
            data = plain(
                TimeSeriesSerializer(
                    {
                        "program": program.slug,
                        "interval": interval,
                        "suppressed": points is None,
                        "suppressed_reason": reason,
                        "points": [p.__dict__ for p in points or []],
                    }
                ).data
            )
            return data["points"] if request.accepted_renderer.format == "csv" else data

        return self.respond(request, build, f"{program.slug}-{interval}")


@extend_schema(
    parameters=[ORGANIZATION_SLUG, SINCE, UNTIL, FORMAT, *CONDITIONAL],
    responses=conditional(OrganizationStatsSerializer),
)
class OrganizationStatsView(StatsView):
    """An organization's figures, pooled over its listed programs."""

    allowed_params = {"since", "until"}

    def get(self, request, slug):
        organization = get_object_or_404(Organization.objects.filter(is_listed=True), slug=slug)
        period = parse_period(request.query_params)

        def build():
            m = organization_metrics(organization, period=period)
            data = plain(
                OrganizationStatsSerializer(
                    {
                        **metrics_data(m),
                        "organization": organization.slug,
                        "name": organization.name,
                        "programs": Program.objects.filter(Q(organization=organization) & Q(is_listed=True)).count(),
                    }
                ).data
            )
            return data

        return self.respond(request, build, organization.slug)
