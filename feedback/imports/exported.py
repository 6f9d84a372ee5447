"""What an export's own files add to an import (artists.exports writes them).

A contribution's or compensation's `id` is a ref that only digits write (`read_export_id`);
a compensation's `currency` must be its program's (`check_currency`); `allocations.csv`
gives each compensation's exact parts by those ids (`check_allocations`).
"""

from decimal import Decimal

from feedback.imports.reading import CsvFile, RowError, Table
from feedback.imports.rows import CompensationRow
from feedback.imports.values import RowProblems, decimal_value
from feedback.models import CompensationAllocation
from programs.models import Enrollment

# Larger than any id PostgreSQL's bigint can hold: cannot name a contribution.
MAX_ID = 2**63 - 1


def is_id(value: str) -> bool:
    return value.isascii() and value.isdigit()


def as_id(value: str) -> int | None:
    """The id a pays_for entry of digits names, or None when no row can have it."""
    if len(value) > len(str(MAX_ID)) or int(value) > MAX_ID:
        return None
    return int(value)


def read_export_id(value: str, seen: dict, line: int, enrollment: Enrollment | None, problems: RowProblems) -> str:
    """The row's id in an export (digits, once per file), noted in `seen`; "" when none."""
    if not value:
        return ""
    if not is_id(value) or as_id(value) is None:
        problems.add("id", f"{value!r} is not an id: an export's ids are whole numbers.")
        return ""
    if value in seen:
        problems.add("id", f"The id {value} is already used on line {_line_of(seen[value])}.")
        return ""
    seen[value] = (line, enrollment)
    return value


def _line_of(entry) -> int:
    return entry[0] if isinstance(entry, tuple) else entry.line


def check_currency(currency: str, enrollment: Enrollment | None, problems: RowProblems) -> None:
    """An export names each amount's currency; in another one, the amount means something else."""
    if currency and enrollment is not None and currency.strip().upper() != enrollment.program.currency.upper():
        problems.add(
            "currency",
            f"This amount is in {currency} but {enrollment.program.name} pays in {enrollment.program.currency}. "
            "Convert it (and change the currency) or leave it out of the import.",
        )


def check_allocations(
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
        contribution = refs.get(contribution_id) if is_id(contribution_id) else None
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
