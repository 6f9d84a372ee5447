"""The fixed grid of periods every figure is published on: all time, a year (`2026`), a
quarter (`2026-Q1`) or a month (`2026-03`). There are no free date ranges: a range of
one's choosing could be narrowed around one artist's entry, and two ranges could be
subtracted (docs/privacy.md). The grid nests (months in quarters in years in all time), so
the privacy rules can see every sum a reader could take (tracker.privacy).
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q

PERIOD_HELP = "all, a year (2026), a quarter (2026-Q1) or a month (2026-03)"
_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


class BadPeriod(ValueError):
    """A `period` value that is not on the grid; the message says what is."""


@dataclass(frozen=True)
class Period:
    """One cell of the grid: all time (no year), a year, a quarter of it or a month of it.
    Cells sort by time, all time first and a year before its quarters and months."""

    year: int | None = None
    quarter: int | None = None
    month: int | None = None

    def _key(self) -> tuple[int, int, int]:
        first_month = self.month or (3 * self.quarter - 2 if self.quarter else 0)
        return (self.year or 0, first_month, 0 if self.quarter else 1 if self.month else -1)

    def __lt__(self, other: "Period") -> bool:
        return self._key() < other._key()

    @classmethod
    def parse(cls, value: str | None) -> "Period":
        value = (value or "").strip()
        if value in ("", "all"):
            return cls()
        match = _PATTERN.match(value)
        if not match or not 1970 <= int(match["year"]) <= 9999:
            raise BadPeriod(f"“{value}” is not a period. Use {PERIOD_HELP}.")
        year = int(match["year"])
        if match["quarter"]:
            return cls(year=year, quarter=int(match["quarter"]))
        if match["month"]:
            return cls(year=year, month=int(match["month"]))
        return cls(year=year)

    @classmethod
    def of_month(cls, day: dt.date) -> "Period":
        return cls(year=day.year, month=day.month)

    @property
    def label(self) -> str:
        if self.year is None:
            return "all"
        if self.quarter:
            return f"{self.year}-Q{self.quarter}"
        if self.month:
            return f"{self.year}-{self.month:02d}"
        return str(self.year)

    def __str__(self) -> str:
        return self.label

    @property
    def kind(self) -> str:
        if self.year is None:
            return "all"
        return "quarter" if self.quarter else "month" if self.month else "year"

    @property
    def bounded(self) -> bool:
        return self.year is not None

    @property
    def since(self) -> dt.date | None:
        if self.year is None:
            return None
        first_month = self.month or (3 * self.quarter - 2 if self.quarter else 1)
        return dt.date(self.year, first_month, 1)

    @property
    def until(self) -> dt.date | None:
        if self.year is None:
            return None
        last_month = self.month or (3 * self.quarter if self.quarter else 12)
        if last_month == 12:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, last_month + 1, 1) - dt.timedelta(days=1)

    def on(self, field_name: str) -> Q:
        """Records whose `field_name` (a date) falls in this period."""
        if self.year is None:
            return Q()
        return Q(**{f"{field_name}__gte": self.since, f"{field_name}__lte": self.until})

    def contains_month(self, month: "Period") -> bool:
        """Whether a month cell lies in this period."""
        if self.year is None:
            return True
        if month.year != self.year:
            return False
        if self.quarter:
            return (month.month - 1) // 3 + 1 == self.quarter
        return self.month is None or self.month == month.month


ALL = Period()


def quarter_of(month: Period) -> Period:
    return Period(year=month.year, quarter=(month.month - 1) // 3 + 1)


def year_of(cell: Period) -> Period:
    return Period(year=cell.year)
