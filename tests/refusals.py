"""Helpers for tests that show a write being refused, by the database or by Django."""

from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction


@contextmanager
def refused_by_database(guard: str):
    """Expect the writes inside to raise IntegrityError naming `guard` (a constraint or trigger message).

    The writes run in a savepoint, so the test's transaction stays usable afterwards.
    """
    with pytest.raises(IntegrityError, match=guard), transaction.atomic():
        yield


def full_clean_errors(instance) -> dict[str, list[str]]:
    """The messages, by field, that full_clean() reports for an instance it must refuse."""
    with pytest.raises(ValidationError) as exc:
        instance.full_clean()
    return exc.value.message_dict


def refusal(call, **kwargs) -> dict[str, list[str]]:
    """Call a service that must refuse its input; return the messages by field."""
    with pytest.raises(ValidationError) as exc:
        call(**kwargs)
    return exc.value.message_dict
