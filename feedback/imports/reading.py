"""Reading the uploaded CSV files of an import: decoding, delimiters, the header.

`CsvFile` is one file as uploaded; `COLUMNS` names the columns each kind of file
(`CONTRIBUTIONS`, `COMPENSATIONS`, an export's `ALLOCATIONS`) takes; `read_table` turns a
file into numbered rows of {column: value}, reporting what cannot be read as `RowError`s,
a cell PostgreSQL could not store (a NUL character) included. `template_csv` writes the
downloadable example of each file.
"""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import zip_longest

from config import csv_safe

# The web pages keep an upload in the session between preview and commit; this bounds it.
MAX_FILE_BYTES = 5 * 1024 * 1024

CONTRIBUTIONS = "contributions"
COMPENSATIONS = "compensations"
ALLOCATIONS = "allocations"


@dataclass(frozen=True)
class Columns:
    """The columns of one kind of file. `required` and `optional` are the ones a person
    writes (the template's); `exported` are the columns "download my data" adds, read to
    import an export back (artists.exports.TABLES); `ignored` are export columns that carry
    no record (figures computed on the day of the export), accepted by name and never read."""

    required: tuple[str, ...]
    optional: tuple[str, ...]
    exported: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        return self.required + self.optional + self.exported

    @property
    def written(self) -> tuple[str, ...]:
        return self.required + self.optional


COLUMNS = {
    CONTRIBUTIONS: Columns(
        required=("program", "kind", "title", "hours_spent", "occurred_on"),
        optional=("requested_by_program", "description", "ref"),
        # The export's id: a ref that compensations' contributions and allocations name.
        exported=("id",),
    ),
    COMPENSATIONS: Columns(
        required=("program", "kind", "amount", "paid_on"),
        optional=("note", "pays_for"),
        # id: named by allocations; currency: checked against the program's; contributions:
        # the ids of the export's contributions it pays for.
        exported=("id", "currency", "contributions"),
    ),
    # The exact parts of each compensation (the export's allocations.csv), by export ids.
    ALLOCATIONS: Columns(required=("compensation", "contribution", "amount"), optional=()),
}

TEMPLATE_ROWS = {
    CONTRIBUTIONS: [
        {
            "program": "example-program",
            "kind": "feedback_session",
            "title": "Weekly feedback call",
            "hours_spent": "1.5",
            "occurred_on": "2025-03-04",
            "requested_by_program": "yes",
            "description": "Camera motion tests; three crashes reported",
            "ref": "call-1",
        },
        {
            "program": "example-program",
            "kind": "promotion",
            "title": "Launch thread with my clips",
            "hours_spent": "3",
            "occurred_on": "2025-03-10",
            "requested_by_program": "no",
            "description": "",
            "ref": "promo-1",
        },
    ],
    COMPENSATIONS: [
        {
            "program": "example-program",
            "kind": "cash",
            "amount": "120.00",
            "paid_on": "2025-04-01",
            "note": "March invoice",
            "pays_for": "call-1;promo-1",
        },
        {
            "program": "example-program",
            "kind": "credits",
            "amount": "50",
            "paid_on": "2025-04-02",
            "note": "Generation credits",
            "pays_for": "",
        },
    ],
}


@dataclass(frozen=True)
class CsvFile:
    """One file to import: the name used in messages and its raw bytes."""

    name: str
    content: bytes


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def template_csv(kind: str) -> str:
    """The example file for `contributions` or `compensations`: the header and two rows."""
    out = io.StringIO()
    writer = csv_safe.DictWriter(out, fieldnames=COLUMNS[kind].written, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(TEMPLATE_ROWS[kind])
    return out.getvalue()


@dataclass
class Table:
    file: CsvFile
    rows: list[tuple[int, dict[str, str]]]


def _normalize_name(name: str) -> str:
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def _sniff_delimiter(first_line: str) -> str:
    """Spreadsheets in locales with a decimal comma save CSV with semicolons (or tabs)."""
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_table(file: CsvFile, columns: Columns, errors: list[RowError]) -> Table:
    """Decode a file and return its rows as {column: stripped value}, numbered like a spreadsheet."""
    table = Table(file, [])

    def problem(line: int, message: str) -> None:
        errors.append(RowError(file.name, line, message))

    try:
        text = file.content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = file.content.count(b"\n", 0, error.start) + 1
        problem(line, "This is not UTF-8 text. Save the spreadsheet as “CSV UTF-8” and upload it again.")
        return table
    if not text.strip():
        problem(1, f"The file is empty. The first line must be the header: {', '.join(columns.all)}.")
        return table

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text.partition("\n")[0]))
    line = 0
    try:
        header = next(reader)
        line = 1
        names = [_normalize_name(name) for name in header]
        if not _header_is_usable(names, columns, problem):
            return table
        for line, cells in enumerate(reader, start=2):
            values = [_unescaped(cell.strip()) for cell in cells]
            if not any(values):
                continue
            if any(values[len(names) :]):
                problem(
                    line,
                    f"This row has {len(values)} values but the header names {len(names)} columns. "
                    "Put text that contains the separator in double quotes.",
                )
                continue
            # Spreadsheets may leave out the empty cells at the end of a row.
            cells_by_name = list(zip_longest(names, values[: len(names)], fillvalue=""))
            if any(value for name, value in cells_by_name if not name):
                problem(line, "This row has a value in a column without a name in the header.")
                continue
            row = {name: value for name, value in cells_by_name if name}
            if _has_unstorable(row, line, problem):
                continue
            table.rows.append((line, row))
    except csv.Error as error:
        problem(line + 1, f"The file cannot be read as CSV here ({error}).")
    return table


def _unescaped(cell: str) -> str:
    """A cell as written before config.csv_safe kept a spreadsheet from running it: the
    quote it put before `=`, `+`, `-`, `@` … is taken off again, so an export's text comes
    back as it was (and the next export escapes it again)."""
    if cell.startswith("'") and cell[1:].startswith(csv_safe.DANGEROUS_FIRST):
        return cell[1:]
    return cell


# What PostgreSQL cannot keep in a text column: the NUL character, and (in UTF-8) a lone
# surrogate. Refused here, before anything else reads the cell (a NUL would even make the
# program lookup fail), so the preview refuses what the write would.
NUL = "\x00"
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_unstorable(row: dict[str, str], line: int, problem: Callable[[int, str], None]) -> bool:
    found = False
    for name, value in row.items():
        if NUL in value:
            problem(
                line,
                f"{name}: This cell contains a null character (NUL, byte 0), which cannot be stored. "
                "It is often left by a file saved from another program; delete it and upload the file again.",
            )
            found = True
        elif LONE_SURROGATE.search(value):
            problem(line, f"{name}: This cell contains a character that is not valid Unicode text.")
            found = True
    return found


def _header_is_usable(names: list[str], columns: Columns, problem: Callable[[int, str], None]) -> bool:
    usable = True
    seen = set()
    for name in names:
        if not name:
            continue
        if name in seen:
            problem(1, f"The column {name} appears twice.")
            usable = False
        seen.add(name)
        if name not in columns.all and name not in columns.ignored:
            problem(1, f"Unknown column {name!r}. The columns are: {', '.join(columns.written)}.")
            usable = False
    missing = [name for name in columns.required if name not in seen]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        problem(1, f"Missing column{plural}: {', '.join(missing)}. The header must name {', '.join(columns.required)}.")
        usable = False
    return usable
