"""CSV import of an artist's contributions and compensations (docs/csv-import.md).

Three steps, each a plain function that the web pages and `manage.py import_ledger` share:

- `preview_import` reads the files, checks every row with the rules of
  `feedback.services.log_contribution` and `record_compensation`, and returns an
  `ImportPreview`: the rows to create, totals per program and every problem found, each
  named by file and line (as a spreadsheet numbers rows: the header is line 1). It writes
  nothing and makes at most three queries, whatever the number of rows.
- `import_ledger` checks the files again inside one transaction, with the artist's
  enrollments and the contributions paid for locked, and writes everything with
  `bulk_create`, or nothing: `ImportRefused` carries the problems, `ImportFailed` says the
  database refused the write.
- `template_csv` is the downloadable example of each file.
"""

import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import zip_longest

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from feedback.models import Compensation, CompensationAllocation, Contribution
from feedback.services import split_by_hours
from programs.models import Enrollment, Program
from programs.selectors import enrollments_of, programs_open_to
from programs.validation import not_before_opening, not_in_future, require_access_granted

logger = logging.getLogger(__name__)

# The web pages keep an upload in the session between preview and commit; this bounds it.
MAX_FILE_BYTES = 5 * 1024 * 1024
BATCH_SIZE = 1000
# First key of the advisory lock that serialises one artist's imports (the second is the artist).
IMPORT_LOCK_NAMESPACE = 0x1A9047
CENT = Decimal("0.01")
MAX_REF_LENGTH = 100

CONTRIBUTIONS = "contributions"
COMPENSATIONS = "compensations"


@dataclass(frozen=True)
class Columns:
    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        return self.required + self.optional


COLUMNS = {
    CONTRIBUTIONS: Columns(
        required=("program", "kind", "title", "hours_spent", "occurred_on"),
        optional=("requested_by_program", "description", "ref"),
    ),
    COMPENSATIONS: Columns(
        required=("program", "kind", "amount", "paid_on"),
        optional=("note", "pays_for"),
    ),
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

TRUE_WORDS = {"yes", "true", "1", "y"}
FALSE_WORDS = {"no", "false", "0", "n", ""}
DATE_FORMAT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NUMBER_FORMAT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# Larger than any id PostgreSQL's bigint can hold: cannot name a contribution.
MAX_ID = 2**63 - 1


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


@dataclass
class ContributionRow:
    line: int
    enrollment: Enrollment
    kind: str
    title: str
    description: str
    hours_spent: Decimal
    occurred_on: dt.date
    requested_by_program: bool
    ref: str

    @property
    def program(self) -> Program:
        return self.enrollment.program


@dataclass
class CompensationRow:
    line: int
    enrollment: Enrollment
    kind: str
    amount: Decimal
    paid_on: dt.date
    note: str
    pays_for: str
    # What the amount is split across: refs of rows in this import and existing contributions.
    paid_for_refs: list[str] = field(default_factory=list)
    paid_for_existing: list[Contribution] = field(default_factory=list)

    @property
    def program(self) -> Program:
        return self.enrollment.program

    @property
    def paid_for_count(self) -> int:
        return len(self.paid_for_refs) + len(self.paid_for_existing)


@dataclass
class ProgramTotals:
    program: Program
    contributions: int = 0
    hours: Decimal = Decimal("0")
    compensations: int = 0
    amount: Decimal = Decimal("0")
    contributions_paid_for: int = 0


@dataclass
class ImportPreview:
    contributions: list[ContributionRow]
    compensations: list[CompensationRow]
    errors: list[RowError]

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def allocation_count(self) -> int:
        return sum(row.paid_for_count for row in self.compensations)

    @property
    def record_count(self) -> int:
        """Rows written on commit: contributions, compensations and their allocations."""
        return len(self.contributions) + len(self.compensations) + self.allocation_count

    @property
    def totals(self) -> list[ProgramTotals]:
        by_program: dict[int, ProgramTotals] = {}
        for row in self.contributions:
            totals = by_program.setdefault(row.program.pk, ProgramTotals(row.program))
            totals.contributions += 1
            totals.hours += row.hours_spent
        for row in self.compensations:
            totals = by_program.setdefault(row.program.pk, ProgramTotals(row.program))
            totals.compensations += 1
            totals.amount += row.amount
            totals.contributions_paid_for += row.paid_for_count
        return sorted(by_program.values(), key=lambda t: (t.program.name, t.program.slug))


class ImportRefused(Exception):
    """The files have problems; nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in the files")


class ImportFailed(Exception):
    """The database refused the write (something changed since the check); nothing was written."""


def template_csv(kind: str) -> str:
    """The example file for `contributions` or `compensations`: the header and two rows."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS[kind].all, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(TEMPLATE_ROWS[kind])
    return out.getvalue()


# Reading the files


@dataclass
class _Table:
    file: CsvFile
    rows: list[tuple[int, dict[str, str]]]


def _normalize_name(name: str) -> str:
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def _sniff_delimiter(first_line: str) -> str:
    """Spreadsheets in locales with a decimal comma save CSV with semicolons (or tabs)."""
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_table(file: CsvFile, columns: Columns, errors: list[RowError]) -> _Table:
    """Decode a file and return its rows as {column: stripped value}, numbered like a spreadsheet."""
    table = _Table(file, [])

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
            values = [cell.strip() for cell in cells]
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
            table.rows.append((line, {name: value for name, value in cells_by_name if name}))
    except csv.Error as error:
        problem(line + 1, f"The file cannot be read as CSV here ({error}).")
    return table


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
        if name not in columns.all:
            hint = (
                " The import only adds new records; to refer to a row of this import, give it a ref."
                if name == "id"
                else ""
            )
            problem(1, f"Unknown column {name!r}. The columns are: {', '.join(columns.all)}.{hint}")
            usable = False
    missing = [name for name in columns.required if name not in seen]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        problem(1, f"Missing column{plural}: {', '.join(missing)}. The header must name {', '.join(columns.required)}.")
        usable = False
    return usable


# Checking values


class _RowProblems:
    """Collects the problems of one row, each prefixed with the column at fault."""

    def __init__(self, file: CsvFile, line: int, errors: list[RowError]):
        self.file, self.line, self.errors = file, line, errors
        self.found = False

    def add(self, column: str, message: str) -> None:
        self.found = True
        self.errors.append(RowError(self.file.name, self.line, f"{column}: {message}"))


def _choice(value: str, choices: Iterable[str], column: str, problems: _RowProblems) -> str | None:
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


def _text(value: str, model, name: str, column: str, problems: _RowProblems, *, required: bool) -> str:
    if required and not value:
        problems.add(column, "This cannot be blank.")
    max_length = model._meta.get_field(name).max_length
    if max_length and len(value) > max_length:
        problems.add(column, f"At most {max_length} characters (this has {len(value)}).")
    return value


def _decimal(value: str, model, name: str, column: str, problems: _RowProblems) -> Decimal | None:
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


def _date(value: str, column: str, problems: _RowProblems) -> dt.date | None:
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


def _service_rule(check: Callable[[], None], column: str, problems: _RowProblems) -> None:
    """Run one of the checks the services share (programs.validation) and keep its message."""
    try:
        check()
    except ValidationError as error:
        for message in error.messages:
            problems.add(column, message)


def _yes_no(value: str, column: str, problems: _RowProblems) -> bool:
    word = value.lower()
    if word in TRUE_WORDS:
        return True
    if word not in FALSE_WORDS:
        problems.add(column, f"{value!r} is not yes or no (true/false and 1/0 work too; blank means no).")
    return False


@dataclass
class _Context:
    """What the checks need from the database, loaded once for the whole import."""

    enrollments: dict[str, Enrollment]
    open_programs: dict[str, Program]
    existing: dict[int, Contribution]


class _Checker:
    def __init__(self, context: _Context, errors: list[RowError]):
        self.context = context
        self.errors = errors

    def enrollment(self, slug: str, problems: _RowProblems) -> Enrollment | None:
        context = self.context
        enrollment = context.enrollments.get(slug)
        if enrollment is None:
            if not slug:
                problems.add("program", "Give the slug of one of your programs.")
            elif slug in context.open_programs:
                problems.add(
                    "program",
                    f"You have not joined {context.open_programs[slug].name} ({slug}). "
                    "Add it to your ledger first, then import.",
                )
            else:
                yours = ", ".join(sorted(context.enrollments)) or "none yet"
                problems.add("program", f"No program has the slug {slug!r}. Your programs: {yours}.")
            return None
        try:
            require_access_granted(enrollment, "program", naming_program=True)
        except ValidationError as refusal:
            problems.add("program", refusal.message_dict["program"][0])
        return enrollment

    def contribution(
        self, file: CsvFile, line: int, values: dict[str, str], refs: dict[str, tuple[int, Enrollment | None]]
    ) -> ContributionRow | None:
        """Check one contributions row and note its ref in `refs`; None when the row has problems."""
        problems = _RowProblems(file, line, self.errors)
        enrollment = self.enrollment(values["program"], problems)
        kind = _choice(values["kind"], Contribution.Kind.values, "kind", problems)
        title = _text(values["title"], Contribution, "title", "title", problems, required=True)
        hours = _decimal(values["hours_spent"], Contribution, "hours_spent", "hours_spent", problems)
        occurred_on = _date(values["occurred_on"], "occurred_on", problems)
        if occurred_on is not None and enrollment is not None:
            _service_rule(lambda: not_in_future(occurred_on, "occurred_on"), "occurred_on", problems)
            _service_rule(
                lambda: not_before_opening(enrollment.program, occurred_on, "occurred_on"), "occurred_on", problems
            )
        requested = _yes_no(values.get("requested_by_program", ""), "requested_by_program", problems)
        description = _text(
            values.get("description", ""), Contribution, "description", "description", problems, required=False
        )
        ref = values.get("ref", "")
        key = ref.casefold()
        if _is_id(ref):
            problems.add("ref", f"{ref!r} is only digits, which pays_for reads as a contribution id. Add a letter.")
        elif len(ref) > MAX_REF_LENGTH:
            problems.add("ref", f"At most {MAX_REF_LENGTH} characters.")
        elif key in refs:
            problems.add("ref", f"{ref!r} is already used on line {refs[key][0]}.")
        elif key:
            refs[key] = (line, enrollment)
        if problems.found:
            return None
        return ContributionRow(
            line=line,
            enrollment=enrollment,
            kind=kind,
            title=title,
            description=description,
            hours_spent=hours,
            occurred_on=occurred_on,
            requested_by_program=requested,
            ref=ref,
        )

    def compensation(
        self,
        file: CsvFile,
        line: int,
        values: dict[str, str],
        refs: dict[str, tuple[int, Enrollment | None]],
        contributions_file: CsvFile | None,
    ) -> CompensationRow | None:
        problems = _RowProblems(file, line, self.errors)
        enrollment = self.enrollment(values["program"], problems)
        kind = _choice(values["kind"], Compensation.Kind.values, "kind", problems)
        amount = _decimal(values["amount"], Compensation, "amount", "amount", problems)
        paid_on = _date(values["paid_on"], "paid_on", problems)
        if paid_on is not None:
            _service_rule(lambda: not_in_future(paid_on, "paid_on"), "paid_on", problems)
        note = _text(values.get("note", ""), Compensation, "note", "note", problems, required=False)
        pays_for = values.get("pays_for", "")
        paid_for_refs, paid_for_existing = self.paid_for(pays_for, enrollment, refs, contributions_file, problems)
        if problems.found:
            return None
        return CompensationRow(
            line=line,
            enrollment=enrollment,
            kind=kind,
            amount=amount,
            paid_on=paid_on,
            note=note,
            pays_for=pays_for,
            paid_for_refs=paid_for_refs,
            paid_for_existing=paid_for_existing,
        )

    def paid_for(
        self,
        pays_for: str,
        enrollment: Enrollment | None,
        refs: dict[str, tuple[int, Enrollment | None]],
        contributions_file: CsvFile | None,
        problems: _RowProblems,
    ) -> tuple[list[str], list[Contribution]]:
        """Resolve `pays_for`: refs of this import's contributions, or ids of existing ones,
        always of the compensation's own enrollment."""
        paid_for_refs: list[str] = []
        paid_for_existing: list[Contribution] = []
        seen: set[str] = set()
        program_name = enrollment.program.name if enrollment else "this program"
        for entry in (part.strip() for part in pays_for.split(";")):
            if not entry:
                continue
            key = entry.casefold()
            if key in seen:
                problems.add("pays_for", f"{entry!r} is listed twice.")
                continue
            seen.add(key)
            if key in refs:
                ref_line, ref_enrollment = refs[key]
                if enrollment is not None and ref_enrollment is not None and ref_enrollment != enrollment:
                    problems.add(
                        "pays_for",
                        f"{entry!r} (line {ref_line} of {contributions_file.name}) is a contribution to "
                        f"{ref_enrollment.program.name}, not {program_name}.",
                    )
                paid_for_refs.append(key)
            elif _is_id(entry):
                existing = self.context.existing.get(_as_id(entry))
                if existing is None or enrollment is None or existing.enrollment_id != enrollment.pk:
                    problems.add("pays_for", f"You have no contribution with id {entry} in {program_name}.")
                else:
                    paid_for_existing.append(existing)
            elif contributions_file is None:
                problems.add(
                    "pays_for",
                    f"{entry!r} is not a contribution id. Refs name rows of a contributions file uploaded "
                    "with this one.",
                )
            else:
                problems.add("pays_for", f"No row of {contributions_file.name} has the ref {entry!r}.")
        return paid_for_refs, paid_for_existing


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit()


def _as_id(value: str) -> int | None:
    """The id a pays_for entry of digits names, or None when no row can have it."""
    if len(value) > len(str(MAX_ID)) or int(value) > MAX_ID:
        return None
    return int(value)


def _pays_for_ids(tables: list[_Table]) -> set[int]:
    ids = set()
    for table in tables:
        for _line, values in table.rows:
            for entry in values.get("pays_for", "").split(";"):
                entry = entry.strip()
                if _is_id(entry) and (number := _as_id(entry)) is not None:
                    ids.add(number)
    return ids


def _load_context(artist, tables: list[_Table], *, lock: bool) -> _Context:
    enrollments = enrollments_of(artist)
    if lock:
        enrollments = enrollments.select_for_update(of=("self",))
    by_slug = {e.program.slug: e for e in enrollments}
    wanted = {values["program"] for table in tables for _line, values in table.rows} - set(by_slug) - {""}
    open_programs = {p.slug: p for p in programs_open_to(artist).filter(slug__in=wanted)} if wanted else {}
    ids = _pays_for_ids(tables)
    existing = {}
    if ids:
        contributions = Contribution.objects.filter(pk__in=ids, enrollment__artist=artist).only(
            "pk", "enrollment_id", "hours_spent"
        )
        if lock:
            contributions = contributions.select_for_update()
        existing = {c.pk: c for c in contributions}
    return _Context(enrollments=by_slug, open_programs=open_programs, existing=existing)


def _check(artist, contributions: CsvFile | None, compensations: CsvFile | None, *, lock: bool) -> ImportPreview:
    errors: list[RowError] = []
    contribution_table = _read_table(contributions, COLUMNS[CONTRIBUTIONS], errors) if contributions else None
    compensation_table = _read_table(compensations, COLUMNS[COMPENSATIONS], errors) if compensations else None
    tables = [t for t in (contribution_table, compensation_table) if t is not None]
    if not tables:
        raise ValueError("Give a contributions file, a compensations file or both.")
    if not errors and not any(t.rows for t in tables):
        for table in tables:
            errors.append(RowError(table.file.name, 2, "There are no rows under the header: nothing to import."))

    context = _load_context(artist, tables, lock=lock)
    checker = _Checker(context, errors)
    refs: dict[str, tuple[int, Enrollment | None]] = {}
    preview = ImportPreview(contributions=[], compensations=[], errors=errors)
    if contribution_table:
        for line, values in contribution_table.rows:
            if (row := checker.contribution(contributions, line, values, refs)) is not None:
                preview.contributions.append(row)
    if compensation_table:
        for line, values in compensation_table.rows:
            if (row := checker.compensation(compensations, line, values, refs, contributions)) is not None:
                preview.compensations.append(row)
    # Problems in file order, then line order (a stable sort keeps a row's problems in column order).
    file_order = {table.file.name: position for position, table in reversed(list(enumerate(tables)))}
    errors.sort(key=lambda e: (file_order.get(e.file, 0), e.line))
    return preview


def preview_import(
    *, artist, contributions: CsvFile | None = None, compensations: CsvFile | None = None
) -> ImportPreview:
    """Read and check the files without writing anything."""
    return _check(artist, contributions, compensations, lock=False)


def lock_imports_of(artist) -> None:
    """Make imports for one artist wait for each other until the end of the transaction,
    so a second click on "Import" sees what the first one did."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_LOCK_NAMESPACE, artist.pk % 2**31])


def import_ledger(
    *,
    artist,
    contributions: CsvFile | None = None,
    compensations: CsvFile | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportPreview:
    """Check the files again and write every row, or nothing.

    Raises ImportRefused (with every problem) when a row is wrong, ImportFailed when the
    database refuses the write. `on_progress(written, total)` follows the writing.
    """
    try:
        with transaction.atomic():
            lock_imports_of(artist)
            preview = _check(artist, contributions, compensations, lock=True)
            if not preview.is_valid:
                raise ImportRefused(preview.errors)
            _write(preview, on_progress)
    except DatabaseError as error:
        logger.warning("Import for artist %s refused by the database: %s", getattr(artist, "pk", None), error)
        raise ImportFailed(
            "The database refused the import, so nothing was written. Your records may have changed "
            "since the files were checked; upload them again."
        ) from error
    return preview


def _write(preview: ImportPreview, on_progress: Callable[[int, int], None] | None) -> None:
    total = preview.record_count
    written = 0

    def save(model, objects: list) -> None:
        nonlocal written
        for start in range(0, len(objects), BATCH_SIZE):
            batch = objects[start : start + BATCH_SIZE]
            model.objects.bulk_create(batch)
            written += len(batch)
            if on_progress:
                on_progress(written, total)

    contributions = [
        Contribution(
            enrollment=row.enrollment,
            kind=row.kind,
            title=row.title,
            description=row.description,
            hours_spent=row.hours_spent,
            occurred_on=row.occurred_on,
            requested_by_program=row.requested_by_program,
        )
        for row in preview.contributions
    ]
    save(Contribution, contributions)
    by_ref = {row.ref.casefold(): c for row, c in zip(preview.contributions, contributions, strict=True) if row.ref}

    compensations = [
        Compensation(enrollment=row.enrollment, kind=row.kind, amount=row.amount, paid_on=row.paid_on, note=row.note)
        for row in preview.compensations
    ]
    save(Compensation, compensations)

    allocations = []
    for row, compensation in zip(preview.compensations, compensations, strict=True):
        paid_for = [by_ref[key] for key in row.paid_for_refs] + row.paid_for_existing
        if not paid_for:
            continue
        # The same split as record_compensation, computed on the saved ids.
        for contribution_id, part in split_by_hours(compensation.amount, paid_for).items():
            allocations.append(
                CompensationAllocation(compensation=compensation, contribution_id=contribution_id, amount=part)
            )
    save(CompensationAllocation, allocations)
