"""Checking the rows of an import against the artist's programs and the services' rules.

`preview_import` reads the files (`feedback.imports.reading`), loads what the checks need
in at most three queries, checks every row and returns an `ImportPreview`: the parsed
rows and every problem found, in file and line order. `_check` is shared with
`feedback.imports.writing`, which runs it again under locks before writing.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError

from feedback.imports.reading import (
    ALLOCATIONS,
    COLUMNS,
    COMPENSATIONS,
    CONTRIBUTIONS,
    CsvFile,
    RowError,
    Table,
    read_table,
)
from feedback.imports.values import (
    RowProblems,
    choice,
    date_value,
    decimal_value,
    service_rule,
    text_value,
    yes_no,
)
from feedback.models import Compensation, CompensationAllocation, Contribution
from programs.models import Enrollment, Program
from programs.selectors import enrollments_of, programs_open_to
from programs.validation import not_before_opening, not_in_future, require_access_granted

MAX_REF_LENGTH = 100
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
    # The id the row had in an export (its contributions.csv), a ref that only digits name.
    export_id: str = ""

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
    # The id the row had in an export, and the exact parts of its allocations.csv rows
    # (ref of a contribution of this import → amount); None: the amount is split by hours.
    export_id: str = ""
    exact_parts: dict[str, Decimal] | None = None

    @property
    def program(self) -> Program:
        return self.enrollment.program

    @property
    def paid_for_count(self) -> int:
        if self.exact_parts is not None:
            return len(self.exact_parts)
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
        # Export ids of the compensations rows → the checked row (None when it has problems).
        self.compensation_ids: dict[str, CompensationRow | None] = {}

    def enrollment(self, slug: str, problems: RowProblems) -> Enrollment | None:
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
        problems = RowProblems(file, line, self.errors)
        enrollment = self.enrollment(values["program"], problems)
        kind = choice(values["kind"], Contribution.Kind.values, "kind", problems)
        title = text_value(values["title"], Contribution, "title", "title", problems, required=True)
        hours = decimal_value(values["hours_spent"], Contribution, "hours_spent", "hours_spent", problems)
        occurred_on = date_value(values["occurred_on"], "occurred_on", problems)
        if occurred_on is not None and enrollment is not None:
            service_rule(lambda: not_in_future(occurred_on, "occurred_on"), "occurred_on", problems)
            service_rule(
                lambda: not_before_opening(enrollment.program, occurred_on, "occurred_on"), "occurred_on", problems
            )
        requested = yes_no(values.get("requested_by_program", ""), "requested_by_program", problems)
        description = text_value(
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
        # Only an id is all digits, so ids and refs share `refs` without meeting.
        export_id = _export_id(values.get("id", ""), refs, line, enrollment, problems)
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
            export_id=export_id,
        )

    def compensation(
        self,
        file: CsvFile,
        line: int,
        values: dict[str, str],
        refs: dict[str, tuple[int, Enrollment | None]],
        contributions_file: CsvFile | None,
    ) -> CompensationRow | None:
        problems = RowProblems(file, line, self.errors)
        enrollment = self.enrollment(values["program"], problems)
        kind = choice(values["kind"], Compensation.Kind.values, "kind", problems)
        amount = decimal_value(values["amount"], Compensation, "amount", "amount", problems)
        paid_on = date_value(values["paid_on"], "paid_on", problems)
        if paid_on is not None:
            service_rule(lambda: not_in_future(paid_on, "paid_on"), "paid_on", problems)
        note = text_value(values.get("note", ""), Compensation, "note", "note", problems, required=False)
        _same_currency(values.get("currency", ""), enrollment, problems)
        pays_for, column = values.get("pays_for", ""), "pays_for"
        if values.get("contributions", ""):
            if pays_for:
                problems.add("contributions", "Give pays_for or contributions (an export's ids), not both.")
            pays_for, column = values["contributions"], "contributions"
        paid_for_refs, paid_for_existing = self.paid_for(
            pays_for, enrollment, refs, contributions_file, problems, column=column
        )
        export_id = _export_id(values.get("id", ""), self.compensation_ids, line, enrollment, problems)
        if problems.found:
            return None
        row = CompensationRow(
            line=line,
            enrollment=enrollment,
            kind=kind,
            amount=amount,
            paid_on=paid_on,
            note=note,
            pays_for=pays_for,
            paid_for_refs=paid_for_refs,
            paid_for_existing=paid_for_existing,
            export_id=export_id,
        )
        if export_id:
            self.compensation_ids[export_id] = row
        return row

    def paid_for(
        self,
        pays_for: str,
        enrollment: Enrollment | None,
        refs: dict[str, tuple[int, Enrollment | None]],
        contributions_file: CsvFile | None,
        problems: RowProblems,
        *,
        column: str = "pays_for",
    ) -> tuple[list[str], list[Contribution]]:
        """Resolve `pays_for`: refs of this import's contributions, or ids of existing ones,
        always of the compensation's own enrollment. An export's `contributions` column
        names ids of its contributions.csv, uploaded with it, or of existing ones."""
        paid_for_refs: list[str] = []
        paid_for_existing: list[Contribution] = []
        seen: set[str] = set()
        program_name = enrollment.program.name if enrollment else "this program"
        for entry in (part.strip() for part in pays_for.split(";")):
            if not entry:
                continue
            key = entry.casefold()
            if key in seen:
                problems.add(column, f"{entry!r} is listed twice.")
                continue
            seen.add(key)
            # In pays_for, digits are ids already in the ledger, never an export's.
            if key in refs and (column == "contributions" or not _is_id(key)):
                ref_line, ref_enrollment = refs[key]
                if enrollment is not None and ref_enrollment is not None and ref_enrollment != enrollment:
                    problems.add(
                        column,
                        f"{entry!r} (line {ref_line} of {contributions_file.name}) is a contribution to "
                        f"{ref_enrollment.program.name}, not {program_name}.",
                    )
                paid_for_refs.append(key)
            elif _is_id(entry):
                existing = self.context.existing.get(_as_id(entry))
                if existing is None or enrollment is None or existing.enrollment_id != enrollment.pk:
                    problems.add(column, f"You have no contribution with id {entry} in {program_name}.")
                else:
                    paid_for_existing.append(existing)
            elif contributions_file is None:
                problems.add(
                    column,
                    f"{entry!r} is not a contribution id. Refs name rows of a contributions file uploaded "
                    "with this one.",
                )
            else:
                problems.add(column, f"No row of {contributions_file.name} has the ref {entry!r}.")
        return paid_for_refs, paid_for_existing


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit()


def _as_id(value: str) -> int | None:
    """The id a pays_for entry of digits names, or None when no row can have it."""
    if len(value) > len(str(MAX_ID)) or int(value) > MAX_ID:
        return None
    return int(value)


def _export_id(value: str, seen: dict, line: int, enrollment: Enrollment | None, problems: RowProblems) -> str:
    """The row's id in an export (digits, once per file), noted in `seen`; "" when none."""
    if not value:
        return ""
    if not _is_id(value) or _as_id(value) is None:
        problems.add("id", f"{value!r} is not an id: an export's ids are whole numbers.")
        return ""
    if value in seen:
        problems.add("id", f"The id {value} is already used on line {_line_of(seen[value])}.")
        return ""
    seen[value] = (line, enrollment)
    return value


def _line_of(entry) -> int:
    return entry[0] if isinstance(entry, tuple) else entry.line


def _same_currency(currency: str, enrollment: Enrollment | None, problems: RowProblems) -> None:
    """An export names each amount's currency; in another one, the amount means something else."""
    if currency and enrollment is not None and currency.strip().upper() != enrollment.program.currency.upper():
        problems.add(
            "currency",
            f"This amount is in {currency} but {enrollment.program.name} pays in {enrollment.program.currency}. "
            "Convert it (and change the currency) or leave it out of the import.",
        )


def _check_allocations(
    table: Table,
    compensations_file: CsvFile,
    compensations: dict[str, CompensationRow | tuple],
    refs: dict[str, tuple[int, Enrollment | None]],
    errors: list[RowError],
) -> None:
    """Give each compensation the exact parts an export's allocations.csv lists (by the
    export's ids), instead of a split by hours: the sum within the amount, each part paying
    for a contribution of the same program, the contributions column agreeing."""
    parts: dict[str, dict[str, Decimal]] = {}
    for line, values in table.rows:
        problems = RowProblems(table.file, line, errors)
        compensation_id, contribution_id = values["compensation"], values["contribution"]
        compensation = compensations.get(compensation_id)
        if compensation_id not in compensations:
            problems.add("compensation", f"No row of the compensations file has the id {compensation_id!r}.")
        contribution = refs.get(contribution_id) if _is_id(contribution_id) else None
        if contribution is None:
            problems.add("contribution", f"No row of the contributions file has the id {contribution_id!r}.")
        amount = decimal_value(values["amount"], CompensationAllocation, "amount", "amount", problems)
        if problems.found or not isinstance(compensation, CompensationRow) or contribution[1] is None:
            continue  # A row of the other files with problems has them listed there.
        if contribution[1] != compensation.enrollment:
            problems.add(
                "contribution",
                f"Contribution {contribution_id} is to {contribution[1].program.name}, but compensation "
                f"{compensation_id} was paid by {compensation.program.name}.",
            )
            continue
        of_compensation = parts.setdefault(compensation_id, {})
        if contribution_id in of_compensation:
            problems.add("contribution", f"Contribution {contribution_id} is listed twice for this compensation.")
            continue
        of_compensation[contribution_id] = amount
        total = sum(of_compensation.values(), Decimal(0))
        if total > compensation.amount:
            problems.add(
                "amount",
                f"The parts of compensation {compensation_id} add up to {total}, more than its amount "
                f"{compensation.amount}.",
            )
    for compensation_id, compensation in compensations.items():
        if not isinstance(compensation, CompensationRow):
            continue
        allocated = parts.get(compensation_id, {})
        if set(allocated) != set(compensation.paid_for_refs) or compensation.paid_for_existing:
            errors.append(
                RowError(
                    compensations_file.name,
                    compensation.line,
                    "contributions: The contributions listed here are not the ones allocations.csv "
                    "gives parts of this compensation to.",
                )
            )
        compensation.exact_parts = allocated


def _pays_for_ids(tables: list[Table]) -> set[int]:
    ids = set()
    for table in tables:
        for _line, values in table.rows:
            for entry in f"{values.get('pays_for', '')};{values.get('contributions', '')}".split(";"):
                entry = entry.strip()
                if _is_id(entry) and (number := _as_id(entry)) is not None:
                    ids.add(number)
    return ids


def _load_context(artist, tables: list[Table], *, lock: bool) -> _Context:
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


def _check(
    artist,
    contributions: CsvFile | None,
    compensations: CsvFile | None,
    *,
    lock: bool,
    allocations: CsvFile | None = None,
) -> ImportPreview:
    errors: list[RowError] = []
    contribution_table = read_table(contributions, COLUMNS[CONTRIBUTIONS], errors) if contributions else None
    compensation_table = read_table(compensations, COLUMNS[COMPENSATIONS], errors) if compensations else None
    tables = [t for t in (contribution_table, compensation_table) if t is not None]
    if not tables:
        raise ValueError("Give a contributions file, a compensations file or both.")
    allocation_table = None
    if allocations is not None:
        if not (contributions and compensations):
            raise ValueError("An allocations file goes with the contributions and compensations files it links.")
        allocation_table = read_table(allocations, COLUMNS[ALLOCATIONS], errors)
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
    if allocation_table is not None and compensation_table is not None:
        _check_allocations(allocation_table, compensations, checker.compensation_ids, refs, errors)
        tables.append(allocation_table)
    # Problems in file order, then line order (a stable sort keeps a row's problems in column order).
    file_order = {table.file.name: position for position, table in reversed(list(enumerate(tables)))}
    errors.sort(key=lambda e: (file_order.get(e.file, 0), e.line))
    return preview


def preview_import(
    *,
    artist,
    contributions: CsvFile | None = None,
    compensations: CsvFile | None = None,
    allocations: CsvFile | None = None,
) -> ImportPreview:
    """Read and check the files without writing anything. `allocations` (an export's
    allocations.csv, with its contributions and compensations) gives the exact parts."""
    return _check(artist, contributions, compensations, lock=False, allocations=allocations)
