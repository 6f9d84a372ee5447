"""REST API for what an artist gave and got: their contributions and compensations.

Serializers check the shape of a request; feedback.services decides and writes."""

from django.conf import settings
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api import ArtistRecordsViewSet, RejectUnknownFieldsMixin, api_validation_error, service_errors
from config.parsers import JSONParser
from feedback import services
from feedback.models import Compensation, Contribution
from programs.api import EnrollmentProgramField

# The services name the enrollment; the API names its program.
FIELD_MAP = {"enrollment": "program"}


class RecordFilter(filters.FilterSet):
    """`program` by slug and a `since`/`until` date range on the record's own date."""

    program = filters.CharFilter(field_name="enrollment__program__slug", help_text="A program's slug.")


class ContributionFilter(RecordFilter):
    kind = filters.ChoiceFilter(choices=Contribution.Kind.choices)
    since = filters.DateFilter(field_name="occurred_on", lookup_expr="gte", help_text="Occurred on or after.")
    until = filters.DateFilter(field_name="occurred_on", lookup_expr="lte", help_text="Occurred on or before.")

    class Meta:
        model = Contribution
        fields = ["program", "kind", "since", "until"]


class CompensationFilter(RecordFilter):
    kind = filters.ChoiceFilter(choices=Compensation.Kind.choices)
    since = filters.DateFilter(field_name="paid_on", lookup_expr="gte", help_text="Paid on or after.")
    until = filters.DateFilter(field_name="paid_on", lookup_expr="lte", help_text="Paid on or before.")

    class Meta:
        model = Compensation
        fields = ["program", "kind", "since", "until"]


class ContributionSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="The contribution's id.")
    program = EnrollmentProgramField(source="enrollment", help_text="The slug of a program you are enrolled in.")
    kind = serializers.ChoiceField(choices=Contribution.Kind.choices, help_text="What kind of work it was.")
    title = serializers.CharField(max_length=200, help_text="A short name for it.")
    description = serializers.CharField(allow_blank=True, default="", help_text="Details; may be blank.")
    hours_spent = serializers.DecimalField(max_digits=4, decimal_places=2, help_text="More than 0, at most 24.")
    occurred_on = serializers.DateField(
        help_text="The day it happened: not in the future, not before the program opened."
    )
    requested_by_program = serializers.BooleanField(
        default=False, help_text="Whether the program asked for it (promotion it asked for counts as pressure)."
    )


class ErrorsInOrder(serializers.ListSerializer):
    # DRF keys the errors of a list by the position of each refused item; a batch answers
    # them as a list in the order sent instead, {} for an item without problems, as the
    # service's refusals are answered (ContributionViewSet.batch).
    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if isinstance(error.detail, dict) and all(isinstance(key, int) for key in error.detail):
                raise serializers.ValidationError([error.detail.get(i, {}) for i in range(len(data))]) from None
            raise


class ContributionBatchSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    # Built per use: the most a batch holds is the API_BATCH_MAX setting.
    def get_fields(self):
        most = settings.API_BATCH_MAX
        return {
            "contributions": ErrorsInOrder(
                child=ContributionSerializer(),
                allow_empty=False,
                max_length=most,
                help_text=f"1 to {most} contributions, in order, each as POST /api/v1/me/contributions/ takes one.",
                error_messages={
                    "empty": "Give at least one contribution.",
                    "max_length": f"At most {most} contributions in one batch: send the rest in another.",
                },
            )
        }


MESSAGES = {"type": "array", "items": {"type": "string"}}


@extend_schema_field(
    {
        "anyOf": [
            {
                "type": "array",
                "items": {"type": "object", "additionalProperties": MESSAGES},
                "description": "One object per contribution sent, in order: {} for one without problems.",
            },
            {"type": "object", "additionalProperties": MESSAGES, "description": "About the list as a whole."},
            MESSAGES,
        ]
    }
)
class BatchErrorsField(serializers.Field):
    pass


class ContributionBatchErrorSerializer(serializers.Serializer):
    contributions = BatchErrorsField(
        required=False,
        help_text=(
            "Messages by field for each contribution, by its position in the list (`program` for "
            "an enrollment refused); or, for the list as a whole (empty, too long, not a list), "
            "its messages under `non_field_errors`."
        ),
    )
    non_field_errors = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="About the body as a whole."
    )


# What a PATCH may change; the rest keeps its current value.
CONTRIBUTION_FIELDS = ["kind", "title", "description", "hours_spent", "occurred_on", "requested_by_program"]


class ContributionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ArtistRecordsViewSet
):
    """Feedback, bug reports, promotion and other work the artist gave a program."""

    serializer_class = ContributionSerializer
    filterset_class = ContributionFilter
    ordering_fields = ["occurred_on", "hours_spent", "id"]

    def get_queryset(self):
        return Contribution.objects.filter(enrollment__artist=self.artist).select_related("enrollment__program")

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors(FIELD_MAP):
            contribution = services.log_contribution(**serializer.validated_data)
        return Response(self.get_serializer(contribution).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ContributionBatchSerializer,
        responses={
            201: ContributionBatchSerializer,
            400: OpenApiResponse(
                ContributionBatchErrorSerializer,
                description="Nothing was logged: the messages say which contributions to change, and how.",
            ),
        },
        description=(
            "Log several contributions at once, all or none, with the checks of a single POST. "
            "The answer lists them as created, in the order sent. At most API_BATCH_MAX (500 by default) "
            "in one request, which counts as one request for the throttle."
        ),
    )
    # JSON only: a list of records has no form encoding.
    @action(detail=False, methods=["post"], serializer_class=ContributionBatchSerializer, parser_classes=[JSONParser])
    def batch(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        batch = serializer.validated_data["contributions"]
        try:
            created = services.log_contributions(batch)
        except services.ContributionsRefused as refused:
            errors = [
                api_validation_error(refused.by_index[index], FIELD_MAP).detail if index in refused.by_index else {}
                for index in range(len(batch))
            ]
            raise serializers.ValidationError({"contributions": errors}) from None
        data = self.get_serializer({"contributions": created}).data
        if getattr(request.accepted_renderer, "format", None) == "csv":
            # As a spreadsheet: one row per contribution created, as a list is rendered.
            return Response(data["contributions"], status=status.HTTP_201_CREATED)
        return Response(data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        contribution = self.get_object()
        serializer = self.get_serializer(contribution, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        enrollment = changes.pop("enrollment", contribution.enrollment)
        if enrollment.pk != contribution.enrollment_id:
            raise serializers.ValidationError(
                {"program": ["A contribution stays in its program: delete it and log it again under the other one."]}
            )
        values = {field: getattr(contribution, field) for field in CONTRIBUTION_FIELDS} | changes
        with service_errors(FIELD_MAP):
            updated = services.update_contribution(contribution=contribution, **values)
        updated.enrollment = contribution.enrollment
        return Response(self.get_serializer(updated).data)

    def perform_destroy(self, instance):
        services.delete_contribution(contribution=instance)


class ContributionIdsField(serializers.ListField):
    """The ids of the contributions a compensation pays for."""

    child = serializers.IntegerField(min_value=1)

    def get_attribute(self, instance):
        return sorted(allocation.contribution_id for allocation in instance.allocations.all())


class AllocationsField(serializers.DictField):
    """Contribution id → the part of the amount that pays for it."""

    child = serializers.DecimalField(max_digits=12, decimal_places=2)
    default_error_messages = {"invalid_key": "Each key is a contribution id; {name} is not one."}

    def get_attribute(self, instance):
        allocations = sorted(instance.allocations.all(), key=lambda allocation: allocation.contribution_id)
        return {allocation.contribution_id: allocation.amount for allocation in allocations}

    def to_internal_value(self, data):
        parts = super().to_internal_value(data)
        for key in parts:
            if not (key.isascii() and key.isdigit()):
                self.fail("invalid_key", name=repr(key))
        return {int(key): part for key, part in parts.items()}


class CompensationSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="The compensation's id.")
    program = EnrollmentProgramField(source="enrollment", help_text="The slug of a program you are enrolled in.")
    kind = serializers.ChoiceField(
        choices=Compensation.Kind.choices,
        help_text="cash and stipend are pay; credits, free access, gifts and other are counted, but not as pay.",
    )
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="In the program's currency, as a decimal string such as 12.50."
    )
    paid_on = serializers.DateField(help_text="The day it was paid or given; not in the future.")
    note = serializers.CharField(allow_blank=True, default="", help_text="Anything worth keeping; may be blank.")
    contributions = ContributionIdsField(
        required=False, help_text="Contributions it pays for; the amount is split across them by hours."
    )
    allocations = AllocationsField(
        required=False, help_text="Instead of `contributions`: contribution id → the part of the amount paying for it."
    )


class CompensationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ArtistRecordsViewSet):
    """Money and things of value the artist received, and what they paid for."""

    serializer_class = CompensationSerializer
    filterset_class = CompensationFilter
    ordering_fields = ["paid_on", "amount", "id"]

    def get_queryset(self):
        return (
            Compensation.objects.filter(enrollment__artist=self.artist)
            .select_related("enrollment__program")
            .prefetch_related("allocations")
        )

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        field_map = FIELD_MAP
        if "allocations" in data and "contributions" not in data:
            # Refusals about what it pays for are shown on the field the client used.
            field_map = FIELD_MAP | {"contributions": "allocations"}
        with service_errors(field_map):
            compensation = services.record_compensation(**data)
        return Response(self.get_serializer(compensation).data, status=status.HTTP_201_CREATED)
