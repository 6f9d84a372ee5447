"""REST endpoints for flags and webhook subscriptions (issue: flags)."""

import secrets

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated

from config.api import ArtistRecordsViewSet, RejectUnknownFieldsMixin, SlugRelatedField
from programs.selectors import listed_programs
from tracker.filters import FlagFilter
from tracker.models import Flag, WebhookDelivery, WebhookSubscription
from tracker.selectors import artist_label, flags_of_artist, newest_first, public_flags
from tracker.webhooks import DestinationNotAllowed, check_destination


class FlagSerializer(serializers.ModelSerializer):
    program = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="Program slug.")
    subject = serializers.CharField(
        source="subject_key", read_only=True, help_text='What the flag is about, e.g. "contribution:17".'
    )
    artist = serializers.SerializerMethodField(
        help_text="The artist's public name if the flag is about one artist who opted in; otherwise null."
    )
    open = serializers.BooleanField(source="is_open", read_only=True, help_text="Not resolved yet.")

    class Meta:
        model = Flag
        fields = [
            "id",
            "kind",
            "severity",
            "program",
            "subject",
            "artist",
            "message",
            "details",
            "raised_at",
            "resolved_at",
            "open",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The flag's id."},
            "kind": {"help_text": "The rule that raised it (DESIGN.md, Flags)."},
            "severity": {"help_text": "low, medium or high."},
            "message": {"help_text": "What was found, in one sentence."},
            "details": {"help_text": "The figures behind it; which ones depends on the kind."},
            "raised_at": {"help_text": "When a scan raised it."},
            "resolved_at": {"help_text": "When a scan found its condition cleared; null while open."},
        }

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_artist(self, flag) -> str | None:
        label = artist_label(flag)
        return label if label and flag.artist.show_public_name else None


class FlagViewSet(viewsets.ReadOnlyModelViewSet):
    """Flags raised by the tracker's checks, newest first. Anonymous reads allowed."""

    serializer_class = FlagSerializer
    permission_classes = [AllowAny]
    filter_backends = [DjangoFilterBackend]
    filterset_class = FlagFilter

    def get_queryset(self):
        return newest_first(public_flags())


class MyFlagViewSet(mixins.ListModelMixin, ArtistRecordsViewSet):
    """Flags about the requesting artist's own records (for them only)."""

    serializer_class = FlagSerializer
    filterset_class = FlagFilter
    ordering_fields = ["raised_at", "severity", "kind"]

    def get_queryset(self):
        return newest_first(flags_of_artist(self.artist).select_related("artist"))


class WebhookSubscriptionSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    program = SlugRelatedField(
        slug_field="slug",
        queryset=listed_programs(),
        required=False,
        allow_null=True,
        help_text="Only this program's flags (slug); null for every program.",
    )
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=Flag.Kind.choices),
        required=False,
        help_text="Flag kinds to send; empty for every kind.",
    )
    secret = serializers.CharField(
        required=False,
        min_length=16,
        max_length=128,
        write_only=True,
        help_text="HMAC-SHA256 key for X-Tracker-Signature. Generated when absent, and shown once on creation.",
    )

    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "secret", "kinds", "program", "active", "created_at"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {
            "id": {"help_text": "The subscription's id."},
            "active": {"help_text": "Flags are sent only while true."},
            "created_at": {"help_text": "When it was created."},
        }

    def validate_url(self, value):
        if not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("Use an http:// or https:// address.")
        try:
            check_destination(value)
        except DestinationNotAllowed as error:
            raise serializers.ValidationError(str(error)) from None
        return value

    def validate_kinds(self, value):
        if len(set(value)) != len(value):
            raise serializers.ValidationError("A kind is listed twice.")
        return value


class CreatedWebhookSubscriptionSerializer(WebhookSubscriptionSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="HMAC-SHA256 key for X-Tracker-Signature: shown this once, keep it."
    )


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "flag",
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "next_attempt_at",
            "delivered_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The delivery's id."},
            "flag": {"help_text": "The id of the flag sent (GET /api/v1/flags/{id}/)."},
            "status": {"help_text": "pending (being tried), delivered or failed (gave up)."},
            "attempts": {"help_text": "Tries so far."},
            "last_status_code": {
                "help_text": "HTTP status of the last try; null before the first or without an answer."
            },
            "last_error": {"help_text": "Why the last try failed; blank if it did not."},
            "next_attempt_at": {"help_text": "When the next try is due, while pending."},
            "delivered_at": {"help_text": "When it was delivered; null until then."},
        }


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
        # A delivery of a flag the privacy floor hides would tell that the flag exists.
        deliveries = subscription.deliveries.filter(flag__in=public_flags().values("pk"))
        page = self.paginate_queryset(deliveries.order_by("-created_at", "-id"))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)
