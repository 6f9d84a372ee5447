"""The one CSV writer of the project: every CSV door writes through it, so no door can let
a cell through that a spreadsheet would run as a formula (CSV or formula injection).

OWASP's rule: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
(or the full-width `＝`, `＋`, `－`, `＠`) is prefixed with a single quote, which makes a
spreadsheet show it as text. A number stays a number: an int, a Decimal or a float, and a
string that is a plain decimal number (`-12.50`, `-3`, `+4`, as the API writes decimals),
are data, not formulas, and are written as they are.

Use `writer()` and `DictWriter` here instead of `csv.writer` and `csv.DictWriter`
(tests/security/test_csv_injection.py fails on any other CSV writer in the code).
"""

import csv
import re
from decimal import Decimal

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def is_plain_number(text: str) -> bool:
    return PLAIN_NUMBER.fullmatch(text) is not None


def safe_cell(value):
    """The value as it may go into a CSV cell: a text that would start a formula gets a
    leading `'`; anything else (numbers, plain numeric text, dates, None) is unchanged."""
    if isinstance(value, bool | int | float | Decimal) or value is None:
        return value
    text = value if isinstance(value, str) else str(value)
    if text.startswith(DANGEROUS_FIRST) and not is_plain_number(text):
        return "'" + text
    return value


class _SafeRowWriter:
    """csv.writer whose every row goes through `safe_cell`."""

    def __init__(self, inner):
        self._writer = inner

    @property
    def dialect(self):
        return self._writer.dialect

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(file, *args, **kwargs) -> _SafeRowWriter:
    """Like csv.writer, with every cell made safe."""
    return _SafeRowWriter(csv.writer(file, *args, **kwargs))


class DictWriter(csv.DictWriter):
    """Like csv.DictWriter, with every cell (the header too) made safe: csv.DictWriter writes
    its header and rows through `self.writer`, which is the safe writer here."""

    def __init__(self, file, fieldnames, *args, **kwargs):
        super().__init__(file, fieldnames, *args, **kwargs)
        self.writer = _SafeRowWriter(self.writer)
