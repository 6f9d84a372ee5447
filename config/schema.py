"""The OpenAPI schema's view of how every endpoint refuses a request.

drf-spectacular documents the success response; the refusals follow from how DRF runs a view,
so they are derived here once for every endpoint instead of annotated on each:

- 400: every view negotiates `?format=` and checks its input;
- 401: a view that authenticates refuses a wrong token, and one that needs a login refuses none;
- 403: a view that refuses a signed-in user with neither an artist profile nor staff rights,
  and every write a browser session makes without its CSRF token;
- 404: a path that names a record or slug, and a page number past the last page;
- 413 and 415: every operation with a request body, for a body too large to read or in a
  media type the operation does not read;
- 429: every throttled view, with Retry-After.

Anonymous access is read from the permissions themselves, so a read-only-for-anonymous
permission such as the catalogue's is published as such.
"""

from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent, build_media_type_object, get_view_model, is_list_serializer
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Why the request was refused.")


VALIDATION_ERROR = {
    "type": "object",
    "description": (
        "Messages by field: each key is a field or query parameter (`non_field_errors` for the "
        "request as a whole) and its value the list of messages; a field holding a list or a "
        "mapping has its messages keyed by item. A body that cannot be parsed answers `detail`."
    ),
    "additionalProperties": {
        "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}, {"type": "string"}]
    },
}

RETRY_AFTER = {
    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before the next request."}
}
WWW_AUTHENTICATE = {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "How to authenticate: `Token`."}}


class AutoSchema(openapi.AutoSchema):
    def _get_format_parameters(self):
        parameters = super()._get_format_parameters()
        for parameter in parameters:
            parameter["description"] = "json (the default), or csv for the same data as a spreadsheet."
        return parameters

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        model = get_view_model(self.view, emit_warnings=False)
        for parameter in parameters:
            if not parameter.get("description") and model is not None:
                parameter["description"] = f"The {model._meta.verbose_name}'s {parameter['name']}."
        return parameters

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # A nested list of records states how many it takes, as a ListField does.
        if is_list_serializer(field) and schema and schema.get("type") == "array":
            if not field.allow_empty or field.min_length:
                schema["minItems"] = max(field.min_length or 0, 0 if field.allow_empty else 1)
            if field.max_length is not None:
                schema["maxItems"] = field.max_length
        return schema

    def get_auth(self):
        auths = super().get_auth()
        if {} not in auths and self._permits(AnonymousUser()):
            auths.append({})
        return auths

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for code, (schema, description, headers) in self._refusals(operation).items():
            response = {
                "content": {
                    media_type: build_media_type_object(schema) for media_type in self.map_renderers("media_type")
                },
                "description": description,
            }
            if headers:
                response["headers"] = headers
            operation["responses"].setdefault(code, response)
        return operation

    def _refusals(self, operation) -> dict:
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        refusals = {"400": (self._validation_error(), "Bad input: the messages say what to change.", None)}
        authenticators = self.view.get_authenticators()
        if authenticators or not self._permits(AnonymousUser()):
            refusals["401"] = (error, "No valid token or session, or a wrong token.", WWW_AUTHENTICATE)
        session = any(isinstance(authenticator, SessionAuthentication) for authenticator in authenticators)
        if not self._permits(get_user_model()()) or (session and self.method not in SAFE_METHODS):
            refusals["403"] = (error, "Not allowed for this account (or a session without its CSRF token).", None)
        parameters = {parameter["name"] for parameter in operation.get("parameters", [])}
        if "{" in self.path or "page" in parameters:
            refusals["404"] = (error, "No such record, or a page past the last.", None)
        if "requestBody" in operation:
            refusals["413"] = (error, "A request body larger than the server reads.", None)
            refusals["415"] = (error, "A body in a media type this operation does not read.", None)
        if self.view.get_throttles():
            refusals["429"] = (error, "Too many requests: wait as long as Retry-After says.", RETRY_AFTER)
        return refusals

    def _validation_error(self) -> dict:
        component = ResolvedComponent(
            name="ValidationError", type=ResolvedComponent.SCHEMA, object="ValidationError", schema=VALIDATION_ERROR
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _permits(self, user) -> bool:
        """Whether the view's permissions let this user call the operation."""
        request = SimpleNamespace(method=self.method, user=user)
        return all(permission.has_permission(request, self.view) for permission in self.view.get_permissions())
