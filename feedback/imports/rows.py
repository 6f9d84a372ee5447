"""The rows an import would write, as checking (`feedback.imports.checking`) parses them,
and the preview that gathers them with every problem found."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from feedback.imports.reading import RowError
from feedback.models import Contribution
from programs.models import Enrollment, Program


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
