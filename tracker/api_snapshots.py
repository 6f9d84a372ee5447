"""Snapshots in the stats API: a program's frozen figures for citing (tracker.snapshots).

    GET  /api/v1/stats/programs/{slug}/snapshots/       the program's snapshots, newest first
    POST /api/v1/stats/programs/{slug}/snapshots/       take one: 201 new, 200 the same figures
                                                        already frozen, 409 when they are hidden
    GET  /api/v1/stats/programs/{slug}/snapshots/{id}/  one snapshot

Anyone may take a snapshot (the default throttles per client apply); nobody may change one:
PUT, PATCH and DELETE answer 405 (staff delete in the admin).
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.renderers import PAGE_FIELDS, StrictPagination
from programs.selectors import listed_programs
from tracker.api import PROGRAM_SLUG, check_known_params, check_query
from tracker.forms import PeriodForm
from tracker.models import Snapshot
from tracker.serializers import ProgramDetailStatsSerializer
from tracker.snapshots import FiguresHidden, citation, permalink, take_snapshot

SNAPSHOT_ID = OpenApiParameter(
    "id", str, OpenApiParameter.PATH, pattern=r"^[a-z0-9]+$", description="The snapshot's public id."
)


class SnapshotSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id", help_text="The snapshot's public id (random, not a sequence).")
    program = serializers.CharField(source="program.slug", help_text="Program slug.")
    period = serializers.CharField(help_text="The period of the figures: all, a year, a quarter or a month.")
    created_at = serializers.DateTimeField(help_text="When the snapshot was taken.")
    data_as_of = serializers.DateTimeField(help_text="When the figures were computed from the records.")
    methodology_version = serializers.CharField(help_text="The methodology version the figures follow.")
    citation = serializers.SerializerMethodField(help_text="Citation text, ready to paste.")
    permalink = serializers.SerializerMethodField(help_text="The snapshot's page.")

    def get_citation(self, snapshot) -> str:
        return citation(snapshot, self.context["request"])

    def get_permalink(self, snapshot) -> str:
        return permalink(snapshot, self.context["request"])


class SnapshotDetailSerializer(SnapshotSerializer):
    figures = ProgramDetailStatsSerializer(
        help_text="The program's stats answer for the period, headlines included, exactly as it was served."
    )
    charts = serializers.ListField(
        child=serializers.DictField(), help_text="The charts shown: each panel's slug, title, svg, summary and table."
    )


class SnapshotRequestSerializer(serializers.Serializer):
    period = serializers.CharField(
        required=False, allow_blank=True, help_text="all (the default), a year, a quarter or a month."
    )


PAGINATED = inline_serializer(
    "PaginatedSnapshotList",
    {
        "count": serializers.IntegerField(help_text=PAGE_FIELDS["count"]),
        "next": serializers.URLField(allow_null=True, help_text=PAGE_FIELDS["next"]),
        "previous": serializers.URLField(allow_null=True, help_text=PAGE_FIELDS["previous"]),
        "results": SnapshotSerializer(many=True, help_text=PAGE_FIELDS["results"]),
    },
)


def _snapshots(slug):
    program = get_object_or_404(listed_programs(), slug=slug)
    return program, Snapshot.objects.filter(program=program).select_related("program")


class SnapshotListView(APIView):
    """A program's snapshots, newest first, and "Cite this"."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="stats_programs_snapshots_list",
        parameters=[
            PROGRAM_SLUG,
            OpenApiParameter("page", int, description="Page number."),
            OpenApiParameter(
                "page_size", int, description=f"Rows per page (at most {StrictPagination.max_page_size})."
            ),
        ],
        responses={200: PAGINATED},
    )
    def get(self, request, slug):
        check_known_params(request.query_params, {"page", "page_size"})
        _program, snapshots = _snapshots(slug)
        paginator = StrictPagination()
        paginator.check_params(request)
        page = paginator.paginate_queryset(snapshots, request, view=self)
        data = SnapshotSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="stats_programs_snapshots_create",
        description="Take a snapshot of the program's published figures for a period. The same figures already "
        "frozen answer 200 with that snapshot; hidden figures (below the privacy floor) answer 409.",
        parameters=[PROGRAM_SLUG],
        request=SnapshotRequestSerializer,
        responses={
            201: SnapshotDetailSerializer,
            200: SnapshotDetailSerializer,
            409: OpenApiResponse(description="The figures are hidden: there is nothing to cite."),
        },
    )
    def post(self, request, slug):
        check_known_params(request.query_params, set())
        program = get_object_or_404(listed_programs(), slug=slug)
        body = SnapshotRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        form = PeriodForm({"period": body.validated_data.get("period", "")})
        check_query(form)
        try:
            snapshot, created = take_snapshot(program, form.cell, request._request)
        except FiguresHidden as hidden:
            return Response({"detail": f"The figures are hidden: {hidden}"}, status=status.HTTP_409_CONFLICT)
        data = SnapshotDetailSerializer(snapshot, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class SnapshotDetailView(APIView):
    """One snapshot: the stored figures, when they were computed, the methodology version and
    the citation. It never changes."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="stats_programs_snapshots_retrieve",
        parameters=[PROGRAM_SLUG, SNAPSHOT_ID],
        responses={200: SnapshotDetailSerializer},
    )
    def get(self, request, slug, id):  # noqa: A002 (the path's name)
        check_known_params(request.query_params, set())
        _program, snapshots = _snapshots(slug)
        snapshot = get_object_or_404(snapshots, public_id=id)
        return Response(SnapshotDetailSerializer(snapshot, context={"request": request}).data)
