"""REST API for programs and access: the public catalogue of listed programs and
organizations (staff write), program proposals, the artist's own enrollments and the
evidence they give for verification, and the reviewers' endpoints (enrollments under
review, decisions, evidence files). Serializers are in programs/serializers.py."""

from django.db.models import ProtectedError
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound
from rest_framework.filters import OrderingFilter
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ArtistRecordsViewSet, IsArtist, service_errors
from config.auth import current_artist
from config.csp import BrowsableAPIRenderer
from config.parsers import JSONParser
from config.renderers import StrictPagination
from config.schema import ErrorSerializer
from programs import services
from programs.evidence import KINDS, file_response, is_reviewer
from programs.models import AccessEvent, Enrollment, Program
from programs.selectors import enrollments_of, listed_organizations, listed_programs, readable_evidence, review_queue
from programs.serializers import (
    AccessEventSerializer,
    EnrollmentSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    OrganizationSerializer,
    ProgramProposalSerializer,
    ProgramSerializer,
    ReviewEnrollmentSerializer,
    VerificationDecisionSerializer,
)

# feedback.api and artists.api name a record's program with it.
from programs.serializers import EnrollmentProgramField as EnrollmentProgramField

# The public catalogue.


class IsStaffOrReadOnly(BasePermission):
    """Anyone reads the catalogue; only staff change it."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or bool(request.user and request.user.is_staff)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This record is still in use."
    default_code = "conflict"


class ProgramFilter(filters.FilterSet):
    organization = filters.CharFilter(field_name="organization__slug", help_text="An organization's slug.")
    status = filters.ChoiceFilter(choices=Program.Status.choices)

    class Meta:
        model = Program
        fields = ["organization", "status"]


@extend_schema_view(
    destroy=extend_schema(
        responses={204: None, 409: OpenApiResponse(ErrorSerializer, description="Still in use: nothing was deleted.")}
    )
)
class CatalogueViewSet(viewsets.ModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    permission_classes = [IsStaffOrReadOnly]
    filter_backends = [filters.DjangoFilterBackend, OrderingFilter]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    in_use_message = ""

    def perform_destroy(self, instance):
        try:
            instance.delete()
        except ProtectedError:
            raise Conflict(self.in_use_message.format(instance=instance)) from None


class ProgramViewSet(CatalogueViewSet):
    """Listed programs and their published terms. Proposals wait for staff before they are listed."""

    queryset = listed_programs()
    serializer_class = ProgramSerializer
    filterset_class = ProgramFilter
    ordering_fields = ["name", "slug", "status", "opened_on", "closed_on"]
    in_use_message = "{instance} has enrollments, so it cannot be deleted; set its status to closed instead."


class OrganizationViewSet(CatalogueViewSet):
    """Listed organizations: the companies that run programs."""

    queryset = listed_organizations()
    serializer_class = OrganizationSerializer
    ordering_fields = ["name", "slug", "valuation_usd"]
    in_use_message = "{instance} runs programs, so it cannot be deleted."


class ProgramProposalView(APIView):
    """An artist adds a program that is not listed yet; they can join it at once."""

    permission_classes = [IsAuthenticated, IsArtist]

    @extend_schema(request=ProgramProposalSerializer, responses={201: ProgramSerializer})
    def post(self, request):
        proposal = ProgramProposalSerializer(data=request.data)
        proposal.is_valid(raise_exception=True)
        data = dict(proposal.validated_data)
        organization = data.pop("organization")
        listed = listed_organizations().filter(slug=organization).first()
        with service_errors({"organization_name": "organization"}):
            program = services.propose_program(
                artist=current_artist(request), organization_name=listed.name if listed else organization, **data
            )
        return Response(ProgramSerializer(program).data, status=status.HTTP_201_CREATED)


# The artist's own enrollments.


class EnrollmentFilter(filters.FilterSet):
    program = filters.CharFilter(field_name="program__slug", help_text="A program's slug.")
    status = filters.ChoiceFilter(choices=Enrollment.Status.choices)

    class Meta:
        model = Enrollment
        fields = ["program", "status"]


class EnrollmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ArtistRecordsViewSet):
    """The programs the artist tested, with their access."""

    serializer_class = EnrollmentSerializer
    filterset_class = EnrollmentFilter
    ordering_fields = ["granted_on", "id"]

    def get_queryset(self):
        return enrollments_of(self.artist)

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            enrollment = services.enrol_artist(
                artist=self.artist,
                program=serializer.validated_data["program"],
                granted_on=serializer.validated_data.get("granted_on"),
                recorded_by=request.user,
            )
        # Answer with the row as the list shows it, whatever the queryset adds to it
        # (artists.api adds what each program owes).
        enrollment = self.get_queryset().get(pk=enrollment.pk)
        return Response(self.get_serializer(enrollment).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={201: AccessEventSerializer})
    @action(detail=True, methods=["post"], url_path="access-events", serializer_class=AccessEventSerializer)
    def access_events(self, request, pk=None):
        """Record that the program suspended, reinstated or revoked this access."""
        enrollment = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            event = services.record_access_event(
                enrollment=enrollment,
                actor=AccessEvent.Actor.PROGRAM,
                recorded_by=request.user,
                **serializer.validated_data,
            )
        return Response(self.get_serializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": EvidenceUploadSerializer, "application/json": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="evidence",
        serializer_class=EvidenceUploadSerializer,
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def evidence(self, request, pk=None):
        """Give evidence that you were a tester: a note and, optionally, a file. An unverified
        or rejected enrollment then waits for a reviewer (pending). The program never sees it."""
        enrollment = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            evidence = services.attach_evidence(
                enrollment=enrollment,
                note=serializer.validated_data["note"],
                file=serializer.validated_data.get("file"),
                uploaded_by=request.user,
            )
        return Response(EvidenceSerializer(evidence, context={"request": request}).data, status=status.HTTP_201_CREATED)


# Reviewers: staff, or accounts given programs.verify_enrollment.


class IsReviewer(BasePermission):
    message = "Only reviewers (staff, or accounts given the verify_enrollment permission) may do this."

    def has_permission(self, request, view) -> bool:
        return is_reviewer(request.user)


class ReviewFilter(filters.FilterSet):
    program = filters.CharFilter(field_name="program__slug", help_text="A program's slug.")
    verification = filters.ChoiceFilter(choices=Enrollment.Verification.choices)

    class Meta:
        model = Enrollment
        fields = ["program", "verification"]


class ReviewViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every artist's enrollments with the evidence they gave, for reviewers: pending first.
    An artist appears by handle only."""

    permission_classes = [IsAuthenticated, IsReviewer]
    serializer_class = ReviewEnrollmentSerializer
    filter_backends = [filters.DjangoFilterBackend, OrderingFilter]
    filterset_class = ReviewFilter
    ordering_fields = ["created_at", "id"]
    pagination_class = StrictPagination
    # Each row holds a list of evidence: JSON only.
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return review_queue(with_evidence=True)

    @extend_schema(request=VerificationDecisionSerializer, responses={200: ReviewEnrollmentSerializer})
    @action(detail=True, methods=["post"], serializer_class=VerificationDecisionSerializer)
    def verification(self, request, pk=None):
        """Verify an enrollment (it counts in public figures) or reject it with a reason the artist sees."""
        enrollment = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.decide_verification(enrollment=enrollment, reviewer=request.user, **serializer.validated_data)
        enrollment = self.get_queryset().get(pk=enrollment.pk)
        return Response(ReviewEnrollmentSerializer(enrollment, context=self.get_serializer_context()).data)


class AnyAccept(BaseContentNegotiation):
    """A download answers whatever the client accepts; its refusals are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


EVIDENCE_TYPES = list(dict.fromkeys(content_type for content_type, _label, _start in KINDS.values()))


class EvidenceFileView(APIView):
    """An evidence file, for the artist who gave it or a reviewer; anyone else gets 404."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = AnyAccept

    @extend_schema(
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The evidence's id.")],
        responses={(200, content_type): OpenApiTypes.BINARY for content_type in EVIDENCE_TYPES},
    )
    def get(self, request, id):
        readable = readable_evidence(user=request.user, artist=current_artist(request))
        evidence = readable.exclude(file="").filter(pk=id).first()
        if evidence is None:
            raise NotFound()
        return file_response(evidence)
