"""Checking the rows of an import against the artist's programs and the services' rules.

`preview_import` reads the files (`feedback.imports.reading`), loads what the checks need
in at most three queries, checks every row and returns an `ImportPreview`: the parsed
rows and every problem found, in file and line order. `_check` is shared with
`feedback.imports.writing`, which runs it again under locks before writing.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from feedback.imports.exported import as_id, check_allocations, check_currency, is_id, read_export_id
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
from feedback.imports.rows import CompensationRow, ContributionRow, ImportPreview
from feedback.imports.values import (
    RowProblems,
    choice,
    date_value,
    decimal_value,
    service_rule,
    text_value,
    yes_no,
)
from feedback.models import Compensation, Contribution
from programs.models import Enrollment, Program
from programs.selectors import enrollments_of, programs_open_to
from programs.validation import not_before_opening, not_in_future, require_access_granted

MAX_REF_LENGTH = 100


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
        if is_id(ref):
            problems.add("ref", f"{ref!r} is only digits, which pays_for reads as a contribution id. Add a letter.")
        elif len(ref) > MAX_REF_LENGTH:
            problems.add("ref", f"At most {MAX_REF_LENGTH} characters.")
        elif key in refs:
            problems.add("ref", f"{ref!r} is already used on line {refs[key][0]}.")
        elif key:
            refs[key] = (line, enrollment)
        # Only an id is all digits, so ids and refs share `refs` without meeting.
        export_id = read_export_id(values.get("id", ""), refs, line, enrollment, problems)
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
        check_currency(values.get("currency", ""), enrollment, problems)
        pays_for, column = values.get("pays_for", ""), "pays_for"
        if values.get("contributions", ""):
            if pays_for:
                problems.add("contributions", "Give pays_for or contributions (an export's ids), not both.")
            pays_for, column = values["contributions"], "contributions"
        paid_for_refs, paid_for_existing = self.paid_for(
            pays_for, enrollment, refs, contributions_file, problems, column=column
        )
        export_id = read_export_id(values.get("id", ""), self.compensation_ids, line, enrollment, problems)
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
            if key in refs and (column == "contributions" or not is_id(key)):
                ref_line, ref_enrollment = refs[key]
                if enrollment is not None and ref_enrollment is not None and ref_enrollment != enrollment:
                    problems.add(
                        column,
                        f"{entry!r} (line {ref_line} of {contributions_file.name}) is a contribution to "
                        f"{ref_enrollment.program.name}, not {program_name}.",
                    )
                paid_for_refs.append(key)
            elif is_id(entry):
                existing = self.context.existing.get(as_id(entry))
                if column == "contributions" and existing is None and contributions_file is None:
                    problems.add(
                        column,
                        f"{entry} is the id of a row of the export's contributions.csv: upload that file "
                        "together with this one.",
                    )
                elif existing is None or enrollment is None or existing.enrollment_id != enrollment.pk:
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


def _pays_for_ids(tables: list[Table]) -> set[int]:
    ids = set()
    for table in tables:
        for _line, values in table.rows:
            for entry in f"{values.get('pays_for', '')};{values.get('contributions', '')}".split(";"):
                entry = entry.strip()
                if is_id(entry) and (number := as_id(entry)) is not None:
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
        check_allocations(allocation_table, compensations, checker.compensation_ids, refs, errors)
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
