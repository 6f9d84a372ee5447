"""Checking the rows of an import against the artist's programs and the services' rules.

`preview_import` reads the files (`feedback.imports.reading`), loads what the checks need
in at most three queries, checks every row and returns an `ImportPreview`: the parsed
rows and every problem found, in file and line order. `_check` is shared with
`feedback.imports.writing`, which runs it again under locks before writing.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from feedback.imports.reading import (
    COLUMNS,
    COMPENSATIONS,
    CONTRIBUTIONS,
    CsvFile,
    RowError,
    _normalize_name,
    _read_table,
    _Table,
)
from feedback.models import Compensation, Contribution
from programs.models import Enrollment, Program
from programs.selectors import enrollments_of, programs_open_to
from programs.validation import not_before_opening, not_in_future, require_access_granted

CENT = Decimal("0.01")
MAX_REF_LENGTH = 100

TRUE_WORDS = {"yes", "true", "1", "y"}
FALSE_WORDS = {"no", "false", "0", "n", ""}
DATE_FORMAT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NUMBER_FORMAT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# Larger than any id PostgreSQL's bigint can hold: cannot name a contribution.
MAX_ID = 2**63 - 1


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
