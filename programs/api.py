"""REST API for programs and access: the public catalogue of listed programs and
organizations (staff write), program proposals, and the artist's own enrollments."""

from django.db.models import ProtectedError
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import (
    ArtistRecordsViewSet,
    IsArtist,
    RejectUnknownFieldsMixin,
    SlugRelatedField,
    service_errors,
)
from config.auth import current_artist
from config.schema import ErrorSerializer
from programs import services
from programs.models import AccessEvent, Enrollment, Organization, Program
from programs.selectors import enrollments_of, listed_organizations, listed_programs, programs_open_to

# The public catalogue.


class IsStaffOrReadOnly(BasePermission):
    """Anyone reads the catalogue; only staff change it."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or bool(request.user and request.user.is_staff)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This record is still in use."
    default_code = "conflict"


class CleanModelSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    # Staff writes to the catalogue: the model's own full_clean (constraints included)
    # decides, so a refused write answers 400 on its field instead of failing in the database.

    def create(self, validated_data):
        return self._clean_and_save(self.Meta.model(**validated_data))

    def update(self, instance, validated_data):
        for field, value in validated_data.items():
            setattr(instance, field, value)
        return self._clean_and_save(instance)

    def _clean_and_save(self, instance):
        with service_errors():
            instance.full_clean()
            instance.save()
        return instance


class OrganizationSerializer(CleanModelSerializer):
    class Meta:
        model = Organization
        fields = ["name", "slug", "valuation_usd", "website"]
        extra_kwargs = {
            "name": {"help_text": "The organization's name."},
            "slug": {"help_text": "Its identifier in URLs and in the API: letters, digits, - and _."},
            "website": {"help_text": "Its website; blank if unknown."},
        }

    def validate_name(self, value):
        # The model's case-insensitive unique constraint would only report itself by name.
        others = Organization.objects.filter(name__iexact=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError("An organization with this name exists.")
        return value


class ProgramSerializer(CleanModelSerializer):
    organization = SlugRelatedField(
        slug_field="slug", queryset=listed_organizations(), help_text="The slug of the organization that runs it."
    )

    class Meta:
        model = Program
        fields = [
            "name",
            "slug",
            "organization",
            "status",
            "opened_on",
            "closed_on",
            "currency",
            "reference_hourly_rate",
            "payment_terms_days",
            "approval_sla_days",
            "responsible_use_definition",
            "confidential_content_definition",
            "promotion_required",
        ]
        extra_kwargs = {
            "name": {"help_text": "The program's name."},
            "slug": {"help_text": "Its identifier in URLs and in the API: letters, digits, - and _."},
            "status": {"help_text": "announced, active, suspended or closed."},
            "closed_on": {"help_text": "Last day testers had access; null while it runs."},
            "currency": {"help_text": "Three-letter ISO 4217 code of its money figures, such as USD."},
            "responsible_use_definition": {
                "help_text": 'How its terms define "responsible use"; blank if they do not.'
            },
            "confidential_content_definition": {
                "help_text": 'How its terms define "confidential content"; blank if they do not.'
            },
            "promotion_required": {"help_text": "Whether its terms require testers to promote the tool."},
        }


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


class ProgramProposalSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="The program's name.")
    organization = serializers.CharField(
        max_length=200, help_text="The company that runs it: its name, or the slug of a listed organization."
    )
    opened_on = serializers.DateField(required=False, allow_null=True, help_text="First day testers had access.")
    closed_on = serializers.DateField(required=False, allow_null=True, help_text="Last day, if it has closed.")
    announcement_url = serializers.URLField(
        required=False, allow_blank=True, help_text="Where the program was announced."
    )
    description = serializers.CharField(required=False, allow_blank=True, help_text="What the program is about.")


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


@extend_schema_field(OpenApiTypes.STR)
class OpenProgramField(serializers.SlugRelatedField):
    """A program's slug, among the programs the current artist may join."""

    default_error_messages = {
        "does_not_exist": "No program you can join has the slug {value}.",
        "invalid": "Give a program's slug.",
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)

    def get_queryset(self):
        return programs_open_to(current_artist(self.context["request"]))


@extend_schema_field(OpenApiTypes.STR)
class EnrollmentProgramField(serializers.RelatedField):
    """A record's program, by slug. On write it must be the program of one of the current
    artist's enrollments, and it stands for that enrollment."""

    default_error_messages = {
        "does_not_exist": "You are not enrolled in a program with the slug {value}.",
        "invalid": "Give a program's slug.",
    }

    def get_queryset(self):
        return enrollments_of(current_artist(self.context["request"]))

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        enrollment = self.get_queryset().filter(program__slug=data).first()
        if enrollment is None:
            self.fail("does_not_exist", value=data)
        return enrollment

    def to_representation(self, value):
        return value.program.slug

    def display_value(self, instance):
        return instance.program.name


class EnrollmentSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="The enrollment's id.")
    program = OpenProgramField(help_text="The program's slug: a listed program or one you proposed.")
    granted_on = serializers.DateField(
        required=False, allow_null=True, help_text="The day access was granted; leave out if only invited."
    )
    status = serializers.ChoiceField(
        choices=Enrollment.Status.choices,
        read_only=True,
        help_text="Current access, from the latest access event: invited, active, suspended or revoked.",
    )


class AccessEventSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[
            (kind.value, kind.label)
            for kind in (AccessEvent.Kind.SUSPENDED, AccessEvent.Kind.REINSTATED, AccessEvent.Kind.REVOKED)
        ],
        help_text="What the program did: suspended, reinstated or revoked.",
    )
    occurred_at = serializers.DateTimeField(
        help_text="When (ISO 8601 with a time zone): not in the future, not before the program opened."
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="The reason the program stated; blank if none."
    )
    notice_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Days of notice given; leave out if unknown."
    )


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
