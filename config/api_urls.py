"""The REST API under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from artists.api import ExportView, SignUpView, TokenView, WorkViewSet
from feedback.api import CompensationViewSet, ContributionViewSet
from programs.api import EnrollmentViewSet, OrganizationViewSet, ProgramProposalView, ProgramViewSet
from tracker.views_api import FlagViewSet, MyFlagViewSet, WebhookSubscriptionViewSet

router = DefaultRouter()
router.register("programs", ProgramViewSet, basename="program")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("me/enrollments", EnrollmentViewSet, basename="my-enrollment")
router.register("me/contributions", ContributionViewSet, basename="my-contribution")
router.register("me/works", WorkViewSet, basename="my-work")
router.register("me/compensations", CompensationViewSet, basename="my-compensation")
router.register("flags", FlagViewSet, basename="flag")
router.register("me/flags", MyFlagViewSet, basename="my-flag")
router.register("webhooks", WebhookSubscriptionViewSet, basename="webhook")

urlpatterns = [
    path("auth/signup/", SignUpView.as_view(), name="api-signup"),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/export/", ExportView.as_view(), name="api-my-export"),
    path("me/programs/propose/", ProgramProposalView.as_view(), name="api-propose-program"),
    *router.urls,
]
