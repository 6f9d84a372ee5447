"""Pieces every app's REST API shares: the "current artist" permission, strict write
bodies, and turning a service's ValidationError into a 400 with the same fields."""

from collections.abc import Mapping
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView, exception_handler

from config.auth import current_artist


class IsArtist(BasePermission):
    """Signed in, with an artist profile: the owner of a ledger under /api/v1/me/."""

    message = "This endpoint is for artists: your account has no artist profile."

    def has_permission(self, request, view) -> bool:
        return current_artist(request) is not None


class ArtistRecordsViewSet(viewsets.GenericViewSet):
    """Base for the artist's own records under /api/v1/me/: `get_queryset` scopes to
    `self.artist`, so another artist's record is simply not found (404)."""

    permission_classes = [IsAuthenticated, IsArtist]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    lookup_value_regex = "[0-9]+"

    @property
    def artist(self):
        return current_artist(self.request)


def api_validation_error(error: DjangoValidationError, field_map: Mapping[str, str] | None = None):
    """The DRF ValidationError (a 400) for a service's refusal, message by message on the
    same fields, renamed with `field_map` where the API calls a field differently."""
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        return serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: error.messages})
    detail: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        name = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field_map.get(field, field)
        detail.setdefault(name, []).extend(messages)
    return serializers.ValidationError(detail)


@contextmanager
def service_errors(field_map: Mapping[str, str] | None = None):
    """Run a service call; its ValidationError answers 400 with the same field messages."""
    try:
        yield
    except DjangoValidationError as error:
        raise api_validation_error(error, field_map) from None


def handle_exception(exc, context):
    """DRF's exception handler (REST_FRAMEWORK's EXCEPTION_HANDLER), plus the body Django
    refuses before any parser reads it, answered in JSON rather than as the site's HTML 400:
    larger than DATA_UPLOAD_MAX_MEMORY_SIZE (413), or with too many form fields or files (400).
    Pages keep Django's own answer: this runs for API views only."""
    if not isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return exception_handler(exc, context)
    request = context.get("request")
    if request is not None:
        # What DRF does when a parser fails: the body reads as empty from now on, so the
        # browsable renderer does not read it again and raise a second time.
        request._data = request._full_data = QueryDict("")
        request._files = MultiValueDict()
    if isinstance(exc, RequestDataTooBig):
        detail = f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."
        return Response({"detail": detail}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)


# A write body naming a field the serializer does not have, or one the client cannot set (a
# read-only field such as `id`, or a hidden one), answers 400 on that field instead of the
# field being silently ignored (a typo would otherwise lose data).
# (A comment, not a docstring: the schema would show it as every serializer's description.)
class RejectUnknownFieldsMixin:
    unknown_field_message = "Unknown field."
    read_only_field_message = "This field is read-only: it cannot be set."

    def to_internal_value(self, data):
        errors = {}
        if isinstance(data, Mapping):
            for name in sorted(set(data), key=str):
                field = self.fields.get(name)
                if field is None:
                    errors[str(name)] = [self.unknown_field_message]
                elif field.read_only or isinstance(field, serializers.HiddenField):
                    errors[str(name)] = [self.read_only_field_message]
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if errors and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **errors}) from None
            raise
        if errors:
            raise serializers.ValidationError(errors)
        return value


class SlugRelatedField(serializers.SlugRelatedField):
    """DRF's SlugRelatedField, except that a slug with a NUL character in it answers 400:
    PostgreSQL cannot compare text holding one, so the lookup would fail in the database."""

    default_error_messages = {"null_characters_not_allowed": "Null characters are not allowed."}

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("null_characters_not_allowed")
        return super().to_internal_value(data)


class NotFoundView(APIView):
    """Any other path under /api/v1/ (a record id that is not a number, a slug with spaces):
    404 in the API's own format, JSON or CSV, rather than the site's HTML page."""

    permission_classes = [AllowAny]
    schema = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound()
