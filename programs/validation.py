"""Checks every writer of a program's records shares: services, admin forms and the CSV import."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone


def require_aware(value: dt.datetime, field: str) -> None:
    if not isinstance(value, dt.datetime):
        raise ValidationError({field: "Give a date and time."})
    if timezone.is_naive(value):
        raise ValidationError({field: "Give a time with its time zone."})


def not_in_future(value: dt.date | dt.datetime, field: str) -> None:
    if isinstance(value, dt.datetime):
        require_aware(value, field)
        if value > timezone.now():
            raise ValidationError({field: "This cannot be in the future."})
    elif isinstance(value, dt.date):
        if value > timezone.localdate():
            raise ValidationError({field: "This date cannot be in the future."})
    else:
        raise ValidationError({field: "Give a date."})


def not_before_opening(program, value: dt.date | dt.datetime, field: str) -> None:
    if program.opened_on is None:
        return
    day = value.astimezone(dt.UTC).date() if isinstance(value, dt.datetime) else value
    if day < program.opened_on:
        raise ValidationError({field: f"{program.name} opened on {program.opened_on:%Y-%m-%d}; this is before that."})


def require_access_granted(enrollment, field: str = "enrollment", *, naming_program: bool = False) -> None:
    """Work and pay are logged against access the program granted: refuse an enrollment
    with no grant date yet. `naming_program` names the program (for a list of problems)."""
    if enrollment.granted_on is None:
        program = f"access to {enrollment.program.name}" if naming_program else "access to this program"
        raise ValidationError({field: f"Record when {program} was granted first."})
