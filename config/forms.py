"""Helpers shared by the web forms of every app."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def add_service_errors(form: forms.Form, error: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form: each message on its field where the
    form has that field (after renaming with `field_map`), otherwise at the top."""
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        name = field_map.get(field, field)
        target = name if name in form.fields and name != NON_FIELD_ERRORS else None
        for message in messages:
            form.add_error(target, message)


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "Enter a date as YYYY-MM-DD, for example 2026-03-01."}
