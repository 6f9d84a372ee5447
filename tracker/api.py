"""The tracker's REST endpoints: flags and webhook subscriptions (issue: flags), and the
stats API, aggregate fairness figures for clients (read-only, anonymous allowed).

Every figure comes from tracker.metrics, so the privacy floor holds here as on the pages.
Stats responses carry an ETag (a digest of the response) and a Last-Modified (when the data
version was first seen), are cached per data version (tracker.cache), answer 304 to a
matching If-None-Match, and every list can be had as CSV with ?format=csv. Their queries are
checked by the pages' forms (tracker.forms), so a parameter means the same, and is refused
with the same message, on a page and here; lists are paged by config.renderers.
"""

import secrets

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import parse_etags
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ArtistRecordsViewSet, api_validation_error
from config.renderers import PAGE_FIELDS, StrictPagination
from config.routers import reads_from_replica
from programs.models import Program
from programs.selectors import listed_organizations, listed_programs
from tracker import cache
from tracker.filters import FindingFilter, FlagFilter, UnpaidWorkFilter
from tracker.flag_serializers import (
    CreatedWebhookSubscriptionSerializer,
    FindingSerializer,
    FlagSerializer,
    UnpaidWorkSerializer,
    WebhookDeliverySerializer,
    WebhookSubscriptionSerializer,
)
from tracker.forms import PeriodForm, ProgramTableForm
from tracker.headlines import program_headlines
from tracker.metrics import (
    SORTABLE_FIGURES,
    Period,
    organization_metrics,
    platform_metrics,
    suppressed_reason,
)
from tracker.models import WebhookSubscription
from tracker.program_figures import program_figure
from tracker.selectors import (
    DEFAULT_SORT,
    feed_order,
    finding_flags,
    flags_of_artist,
    program_findings,
    program_table,
    public_findings,
)
from tracker.serializers import (
    OrganizationStatsSerializer,
    ProgramDetailStatsSerializer,
    ProgramStatsSerializer,
    SummarySerializer,
    TimeSeriesSerializer,
    metrics_data,
    plain,
    program_detail_data,
    program_stats_data,
)
from tracker.series import INTERVALS
from tracker.series import time_series as build_time_series
from tracker.unpaid_work import unpaid_work
from tracker.webhooks import sendable

# -- flags and webhooks --------------------------------------------------------------------


FINDING_PARAMS = {"program", "kind", "month", "state", "page", "page_size"}
UNPAID_WORK_PARAMS = FINDING_PARAMS - {"kind"}


@extend_schema_view(
    retrieve=extend_schema(
        description="One program-level finding. A monthly aggregate's records have no public id: 404.",
        responses={200: FindingSerializer, 404: OpenApiResponse(description="No such program-level finding.")},
    ),
)
@reads_from_replica
class FlagViewSet(viewsets.ReadOnlyModelViewSet):
    """Findings about a program as a whole (mass revocation, undefined terms) one by one, and
    findings about one artist's record only as monthly aggregates per program, kind and state,
    withheld below MIN_GROUP_SIZE verified artists (tracker.selectors). Anonymous reads allowed.
    Only a program-level finding has a public id: a record's id, date or hours never leave.
    Public and read-only, so read from the replica when there is one (config/routers.py)."""

    serializer_class = FindingSerializer
    permission_classes = [AllowAny]
    filter_backends = [DjangoFilterBackend]
    filterset_class = FindingFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return finding_flags()

    def list(self, request, *args, **kwargs):
        check_known_params(request.query_params, FINDING_PARAMS)
        findings = public_findings(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(findings)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_object(self):
        finding = program_findings(finding_flags()).filter(flag_id=self.kwargs["pk"]).first()
        if finding is None:
            raise Http404
        return finding

    @extend_schema(
        description="Unpaid work per program, month (when the pay came due) and state, each contribution counted "
        "once: a requested promotion left unpaid raises both an unpaid_feedback and an uncompensated_promotion "
        "finding, and is counted once here. Withheld below MIN_GROUP_SIZE verified artists, as the aggregates.",
        responses=UnpaidWorkSerializer(many=True),
    )
    @action(detail=False, methods=["get"], url_path="unpaid-work", filterset_class=UnpaidWorkFilter)
    def unpaid_work(self, request):
        check_known_params(request.query_params, UNPAID_WORK_PARAMS)
        cells = unpaid_work(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(cells)
        return self.get_paginated_response(UnpaidWorkSerializer(page, many=True).data)


class MyFlagViewSet(mixins.ListModelMixin, ArtistRecordsViewSet):
    """Flags about the requesting artist's own records (for them only)."""

    serializer_class = FlagSerializer
    filterset_class = FlagFilter
    ordering_fields = ["raised_at", "occurred_on", "due_on", "severity", "kind"]

    def get_queryset(self):
        return feed_order(flags_of_artist(self.artist).select_related("artist"))


class WebhookSubscriptionViewSet(viewsets.ModelViewSet):
    """The requesting user's webhook subscriptions. Another user's answers 404."""

    serializer_class = WebhookSubscriptionSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return WebhookSubscription.objects.none()
        return WebhookSubscription.objects.filter(owner=self.request.user).select_related("program")

    def perform_create(self, serializer):
        secret = serializer.validated_data.pop("secret", None) or secrets.token_urlsafe(32)
        serializer.save(owner=self.request.user, secret=secret)
        self.created_secret = secret

    @extend_schema(responses={201: CreatedWebhookSubscriptionSerializer})
    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        # The secret is shown once, on creation, so the client can verify signatures.
        response.data["secret"] = self.created_secret
        return response

    @extend_schema(responses=WebhookDeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        """The latest deliveries of this subscription, newest first."""
        subscription = self.get_object()
        # Only what may be sent: a waiting delivery would tell that a withheld finding exists.
        deliveries = sendable(subscription.deliveries.all()).select_related("flag__program")
        page = self.paginate_queryset(deliveries.order_by("-created_at", "-id"))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)


# -- stats: parameters ----------------------------------------------------------------------

# The API sorts by name and the figures (the pages' tables also by organization and status).
ORDERING_FIELDS = ["name", *SORTABLE_FIGURES]

PERIOD = OpenApiParameter(
    "period",
    str,
    pattern=r"^(all|\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?)$",
    description="The period of the figures, on a fixed grid: all (the default), a year (2026), a quarter "
    "(2026-Q1) or a month (2026-03). Free date ranges (since, until) are refused with a 400: a range "
    "narrowed around one entry could point at the artist who logged it.",
)
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


def check_query(*forms, field_map: dict[str, str] | None = None) -> None:
    """Validate the forms that check a query: their errors answer one 400, on the API's names
    for the forms' fields (`field_map`)."""
    errors = {}
    for form in forms:
        if not form.is_valid():
            errors.update(form.errors.as_data())
    if errors:
        raise api_validation_error(DjangoValidationError(errors), field_map)


def period_of(params) -> Period:
    form = PeriodForm(params)
    check_query(form)
    return form.cell


def check_known_params(params, allowed: set[str]) -> None:
    unknown = sorted(set(params) - allowed - {"format"})
    if unknown:
        raise ValidationError({name: ["Unknown query parameter."] for name in unknown})


# -- stats: views ----------------------------------------------------------------------------


def _not_modified(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match may list several ETags and compares weakly: W/"x" matches "x"."""
    tags = parse_etags(if_none_match or "")
    return "*" in tags or etag in {tag.removeprefix("W/") for tag in tags}


@reads_from_replica
class StatsView(APIView):
    """Base: anonymous read, conditional responses and the per-version cache. Every stats view
    reads from the replica when there is one (config/routers.py); the data version, which
    keys the cache, is read on the primary (tracker.cache.data_version)."""

    permission_classes = [AllowAny]
    allowed_params: set[str] = set()

    def respond(self, request, build, csv_filename: str = "stats", program: Program | None = None):
        """The answer `build` makes, cached per data version: that of `program` for an
        answer about one program only, so writes elsewhere leave it cached."""
        check_known_params(request.query_params, self.allowed_params)
        self.csv_filename = csv_filename
        request_key = f"{request.accepted_renderer.format}:{request.get_full_path()}"
        entry = cache.cached(request_key, build, program=program.pk if program else None)
        data, etag = entry.value, entry.etag
        last_modified = cache.http_date(cache.first_seen(etag))
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


@extend_schema(parameters=[PERIOD, FORMAT, *CONDITIONAL], responses=conditional(SummarySerializer))
class SummaryView(StatsView):
    """Platform-wide figures over every listed program."""

    allowed_params = {"period", "since", "until"}

    def get(self, request):
        period = period_of(request.query_params)

        def build():
            m = platform_metrics(period=period)
            listed = listed_programs()
            data = {
                **metrics_data(m),
                "programs": listed.count(),
                "organizations": listed.values("organization").distinct().count(),
            }
            return plain(SummarySerializer(data).data)

        return self.respond(request, build, "summary")


class ProgramStatsListView(StatsView):
    """One row of metrics per listed program (fairness score first by default)."""

    allowed_params = {"organization", "status", "period", "since", "until", "ordering", "page", "page_size"}

    @extend_schema(
        parameters=[
            OpenApiParameter("organization", str, description="Organization slug."),
            OpenApiParameter("status", str, enum=[s for s, _ in Program.Status.choices], description="Program status."),
            PERIOD,
            OpenApiParameter(
                "ordering",
                str,
                description=f"Sort by a metric; prefix - for descending. One of: {', '.join(ORDERING_FIELDS)}.",
            ),
            OpenApiParameter("page", int, description="Page number."),
            OpenApiParameter(
                "page_size", int, description=f"Rows per page (at most {StrictPagination.max_page_size})."
            ),
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
        # The pages' query forms, with the API's name for the sort; absent, it is the default.
        table_query = ProgramTableForm(
            {**params.dict(), "sort": params.get("ordering", DEFAULT_SORT)},
            sort_fields=ORDERING_FIELDS,
            sort_required=True,
        )
        period_query = PeriodForm(params)
        check_query(table_query, period_query, field_map={"sort": "ordering"})
        programs = table_query.programs(listed_programs())
        paginator = StrictPagination()
        paginator.check_params(request)

        def build():
            # The same sort as the pages' tables: nulls last whatever the direction, ties by
            # name, and by value: the figures are sorted before they are serialized as decimal
            # strings, so "9.00" comes before "10.00".
            table = program_table(programs, sort=table_query.cleaned_data["sort"], period=period_query.cell)
            rows = [program_stats_data(row.program, row.metrics) for row in table]
            if request.accepted_renderer.format == "csv":
                return rows  # every row, whatever the page
            page = paginator.paginate_queryset(rows, request, view=self)
            return paginator.get_paginated_response(page).data

        return self.respond(request, build, "program-stats")


def _listed_program(slug: str) -> Program:
    return get_object_or_404(listed_programs(), slug=slug)


@extend_schema(
    parameters=[PROGRAM_SLUG, PERIOD, FORMAT, *CONDITIONAL], responses=conditional(ProgramDetailStatsSerializer)
)
class ProgramStatsView(StatsView):
    """One program's metrics, score and breakdown."""

    allowed_params = {"period", "since", "until"}

    def get(self, request, slug):
        program = _listed_program(slug)
        period = period_of(request.query_params)

        def build():
            metrics = program_figure(program, period=period)
            return program_detail_data(program, metrics, program_headlines(program, metrics, period))

        return self.respond(request, build, program.slug, program=program)


@extend_schema(
    parameters=[
        PROGRAM_SLUG,
        OpenApiParameter("interval", str, enum=list(INTERVALS), description="week or month (default month)."),
        PERIOD,
        FORMAT,
        *CONDITIONAL,
    ],
    responses=conditional(TimeSeriesSerializer),
)
class ProgramTimeSeriesView(StatsView):
    """Contributions, hours, compensated hours and revocations per week or month."""

    allowed_params = {"interval", "period", "since", "until"}

    def get(self, request, slug):
        program = _listed_program(slug)
        period = period_of(request.query_params)
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

        return self.respond(request, build, f"{program.slug}-{interval}", program=program)


@extend_schema(
    parameters=[ORGANIZATION_SLUG, PERIOD, FORMAT, *CONDITIONAL],
    responses=conditional(OrganizationStatsSerializer),
)
class OrganizationStatsView(StatsView):
    """An organization's figures, pooled over its listed programs."""

    allowed_params = {"period", "since", "until"}

    def get(self, request, slug):
        organization = get_object_or_404(listed_organizations(), slug=slug)
        period = period_of(request.query_params)

        def build():
            m = organization_metrics(organization, period=period)
            data = plain(
                OrganizationStatsSerializer(
                    {
                        **metrics_data(m),
                        "organization": organization.slug,
                        "name": organization.name,
                        "programs": listed_programs().filter(organization=organization).count(),
                    }
                ).data
            )
            return data

        return self.respond(request, build, organization.slug)
