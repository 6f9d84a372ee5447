"""Checking the cells of an imported row: one function per kind of value.

Each takes the cell's text, the column it came from and the row's `RowProblems`, notes
what is wrong in words a spreadsheet user understands, and returns the parsed value (or
None). The CSV import (`feedback.imports.checking`) and the import of a whole export
(`artists.restore`) share them.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from feedback.imports.reading import CsvFile, RowError, _normalize_name

CENT = Decimal("0.01")
MAX_REF_LENGTH = 100

TRUE_WORDS = {"yes", "true", "1", "y"}
FALSE_WORDS = {"no", "false", "0", "n", ""}
DATE_FORMAT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NUMBER_FORMAT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class RowProblems:
    """Collects the problems of one row, each prefixed with the column at fault."""

    def __init__(self, file: CsvFile, line: int, errors: list[RowError]):
        self.file, self.line, self.errors = file, line, errors
        self.found = False

    def add(self, column: str, message: str) -> None:
        self.found = True
        self.errors.append(RowError(self.file.name, self.line, f"{column}: {message}"))


def choice(value: str, choices: Iterable[str], column: str, problems: RowProblems) -> str | None:
    """A kind, given as its name (bug_report) or its label (Bug report), in any case."""
    choices = list(choices)
    normalized = _normalize_name(value)
    if normalized in choices:
        return normalized
    if not value:
        problems.add(column, f"Give one of: {', '.join(choices)}.")
    else:
        problems.add(column, f"{value!r} is not one of: {', '.join(choices)}.")
    return None


def text_value(value: str, model, name: str, column: str, problems: RowProblems, *, required: bool) -> str:
    if required and not value:
        problems.add(column, "This cannot be blank.")
    max_length = model._meta.get_field(name).max_length
    if max_length and len(value) > max_length:
        problems.add(column, f"At most {max_length} characters (this has {len(value)}).")
    return value


def decimal_value(value: str, model, name: str, column: str, problems: RowProblems) -> Decimal | None:
    """An exact decimal with a dot, at most to the cent, within the model field's limits."""
    if not value:
        problems.add(column, "Give a number, such as 12.50.")
        return None
    if not NUMBER_FORMAT.match(value):
        hint = " Use a dot before the decimals, not a comma." if re.fullmatch(r"[+-]?\d*,\d+", value) else ""
        problems.add(
            column,
            f"{value!r} is not a number. Write it like 12.50: digits and a dot, "
            f"no currency sign or thousands separator.{hint}",
        )
        return None
    number = Decimal(value)
    try:
        exact = number.quantize(CENT)
    except InvalidOperation:
        exact = number
    if exact != number:
        problems.add(column, f"{value!r} has more than 2 decimal places.")
        return None
    model_field = model._meta.get_field(name)
    try:
        model_field.run_validators(exact)
    except ValidationError as error:
        for message in error.messages:
            problems.add(column, message.replace("Ensure that there are", "There can be"))
        return None
    return exact


def date_value(value: str, column: str, problems: RowProblems) -> dt.date | None:
    if not value:
        problems.add(column, "Give a date written YYYY-MM-DD, such as 2025-03-14.")
        return None
    if not DATE_FORMAT.match(value):
        problems.add(column, f"{value!r} is not a date written YYYY-MM-DD, such as 2025-03-14.")
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.add(column, f"{value!r} is not a real date.")
        return None


def service_rule(check: Callable[[], None], column: str, problems: RowProblems) -> None:
    """Run one of the checks the services share (programs.validation) and keep its message."""
    try:
        check()
    except ValidationError as error:
        for message in error.messages:
            problems.add(column, message)


def yes_no(value: str, column: str, problems: RowProblems) -> bool:
    word = value.lower()
    if word in TRUE_WORDS:
        return True
    if word not in FALSE_WORDS:
        problems.add(column, f"{value!r} is not yes or no (true/false and 1/0 work too; blank means no).")
    return False
