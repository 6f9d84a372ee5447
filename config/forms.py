"""Helpers shared by the web forms and pages of every app: showing a service's refusal on
its form, the one "form → service → message → redirect" flow, and date and time fields."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone


def add_service_errors(form: forms.Form, error: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form: each message on its field where the
    form has that field (after renaming with `field_map`), otherwise at the top."""
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages_ in error.message_dict.items():
        name = field_map.get(field, field)
        target = name if name in form.fields and name != NON_FIELD_ERRORS else None
        for message in messages_:
            form.add_error(target, message)


def submit_form(
    request,
    form: forms.Form,
    service: Callable[..., Any],
    *,
    success: Callable[[Any], str],
    then: Callable[[Any], str],
    field_map: dict[str, str] | None = None,
) -> HttpResponseRedirect | None:
    """The flow of every page that writes through a service. On a POST whose form is valid,
    call `service(**form.cleaned_data)`; when it refuses (ValidationError), its messages go
    onto the form's fields (renamed with `field_map`) and nothing is written. When it
    succeeds, flash `success(result)` and redirect to `then(result)`.

    Returns the redirect, or None when the page should (re)display the form: a GET, an
    invalid form or a refusal."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = service(**form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error, field_map)
        return None
    messages.success(request, success(result))
    return redirect(then(result))


UTC_HELP = "Times are in UTC."


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class UTCDateTimeField(forms.DateTimeField):
    """A date and time typed into a datetime-local input, which has no time zone: it is
    read as UTC and made aware, and shown in UTC, whatever time zone is active."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        with timezone.override(dt.UTC):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(dt.UTC):
            return super().prepare_value(value)


def now_to_the_minute() -> dt.datetime:
    return timezone.now().astimezone(dt.UTC).replace(second=0, microsecond=0)
