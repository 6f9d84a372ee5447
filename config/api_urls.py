"""The REST API under /api/v1/."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from artists.api import ExportView, LedgerEnrollmentViewSet, SignUpView, TokenView, WorkViewSet
from artists.api_import import ExportZipView, ImportExportView
from config import csp
from config.api import NotFoundView
from feedback.api import CompensationViewSet, ContributionViewSet
from programs.api import (
    EvidenceFileView,
    OrganizationViewSet,
    ProgramProposalView,
    ProgramViewSet,
    ReviewViewSet,
)
from tracker.api import (
    FlagViewSet,
    MyFlagViewSet,
    OrganizationStatsView,
    ProgramStatsListView,
    ProgramStatsView,
    ProgramTimeSeriesView,
    SummaryView,
    WebhookSubscriptionViewSet,
)
from tracker.api_replies import ReplyViewSet
from tracker.api_snapshots import SnapshotDetailView, SnapshotListView

router = DefaultRouter()
router.register("programs", ProgramViewSet, basename="program")
router.register("organizations", OrganizationViewSet, basename="organization")
# programs' enrollments with what each program owes (feedback.owed), added by artists.
router.register("me/enrollments", LedgerEnrollmentViewSet, basename="my-enrollment")
router.register("enrollments", ReviewViewSet, basename="review-enrollment")
router.register("me/contributions", ContributionViewSet, basename="my-contribution")
router.register("me/works", WorkViewSet, basename="my-work")
router.register("me/compensations", CompensationViewSet, basename="my-compensation")
router.register("flags", FlagViewSet, basename="flag")
router.register("me/flags", MyFlagViewSet, basename="my-flag")
router.register("webhooks", WebhookSubscriptionViewSet, basename="webhook")

urlpatterns = [
    path("stats/summary/", SummaryView.as_view(), name="api-stats-summary"),
    path("stats/programs/", ProgramStatsListView.as_view(), name="api-stats-programs"),
    path("stats/programs/<slug:slug>/", ProgramStatsView.as_view(), name="api-stats-program"),
    path(
        "stats/programs/<slug:slug>/timeseries/",
        ProgramTimeSeriesView.as_view(),
        name="api-stats-program-timeseries",
    ),
    path("stats/programs/<slug:slug>/snapshots/", SnapshotListView.as_view(), name="api-stats-program-snapshots"),
    path(
        "stats/programs/<slug:slug>/snapshots/<slug:id>/",
        SnapshotDetailView.as_view(),
        name="api-stats-program-snapshot",
    ),
    path("stats/organizations/<slug:slug>/", OrganizationStatsView.as_view(), name="api-stats-organization"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The docs pages, with the policy widened only as far as each needs (config/csp.py).
    path("docs/", csp.swagger_ui("api-schema"), name="api-docs"),
    path("redoc/", csp.redoc("api-schema"), name="api-redoc"),
    path("auth/signup/", SignUpView.as_view(), name="api-signup"),
    path("auth/token/", TokenView.as_view(), name="api-auth-token"),
    path("me/export/", ExportView.as_view(), name="api-my-export"),
    path("me/export/zip/", ExportZipView.as_view(), name="api-my-export-zip"),
    path("me/import/", ImportExportView.as_view(), name="api-my-import"),
    path("me/programs/propose/", ProgramProposalView.as_view(), name="api-propose-program"),
    path("evidence/<int:id>/file/", EvidenceFileView.as_view(), name="api-evidence-file"),
    # The organizations' right of reply (tracker.api_replies), beside the program catalogue.
    path(
        "programs/<slug:slug>/replies/",
        ReplyViewSet.as_view({"get": "list", "post": "create"}),
        name="api-program-replies",
    ),
    path(
        "programs/<slug:slug>/replies/<int:id>/",
        ReplyViewSet.as_view({"patch": "partial_update"}),
        name="api-program-reply",
    ),
    *router.urls,
    # Last: what nothing above matches. Only paths ending in a slash, so that a missing slash
    # is still redirected to the endpoint it belongs to.
    re_path(r"^[\s\S]*/$", NotFoundView.as_view(), name="api-not-found"),
]
