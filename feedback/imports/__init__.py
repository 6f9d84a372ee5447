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

The package is split by concern, each part using only the ones before it:

- `reading`: decoding an uploaded file (`CsvFile`, `MAX_FILE_BYTES`), its delimiter and
  header, the columns of each kind of file (`COLUMNS`, `CONTRIBUTIONS`, `COMPENSATIONS`,
  `ALLOCATIONS`) and the template;
- `values`: each kind of cell checked and parsed (`RowProblems`, `decimal_value` …);
- `rows`: the parsed rows and the `ImportPreview` that gathers them;
- `exported`: an export's own columns (ids, currency) and its `allocations.csv`;
- `checking`: every row checked against the artist's programs and the services' rules,
  giving parsed rows and `RowError`s collected in an `ImportPreview` (`preview_import`).
  An export's own files import back: a contribution's `id` is a ref that compensations'
  `contributions` column and `allocations.csv` name, `currency` must be the program's;
- `writing`: the checked import written in one transaction under the artist's import
  lock (`import_ledger`, `lock_imports_of`).

Callers import from `feedback.imports`; the names below are the ones they use.
"""

from feedback.imports.checking import preview_import
from feedback.imports.reading import (
    ALLOCATIONS,
    COLUMNS,
    COMPENSATIONS,
    CONTRIBUTIONS,
    MAX_FILE_BYTES,
    TEMPLATE_ROWS,
    Columns,
    CsvFile,
    RowError,
    template_csv,
)
from feedback.imports.rows import CompensationRow, ContributionRow, ImportPreview, ProgramTotals
from feedback.imports.writing import ImportFailed, ImportRefused, import_ledger, lock_imports_of

__all__ = [
    "ALLOCATIONS",
    "COLUMNS",
    "COMPENSATIONS",
    "CONTRIBUTIONS",
    "MAX_FILE_BYTES",
    "TEMPLATE_ROWS",
    "Columns",
    "CompensationRow",
    "ContributionRow",
    "CsvFile",
    "ImportFailed",
    "ImportPreview",
    "ImportRefused",
    "ProgramTotals",
    "RowError",
    "import_ledger",
    "lock_imports_of",
    "preview_import",
    "template_csv",
]
