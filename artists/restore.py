"""Importing a whole export ("download my data", artists.exports) into an empty account.

So an artist can move between instances of the tracker, the zip of CSV files that
`export_zip` writes imports back with `restore_export`: enrollments (programs matched by
slug, created here), their access history, contributions, works and the decisions on them,
compensations with their exact allocations, and the profile's public name, disciplines and
country. All of it in one transaction, or nothing: `ImportRefused` lists every problem by
file and line.

Not imported, by design: whether an enrollment was verified (a file must never make an
artist count in public figures: each enrollment comes in unverified and goes through review
again), the evidence given to reviewers (files are not in the export), the choice to show
the public name (made only on the privacy page), and the username, email and handle (the
new account's own). A whole export goes only into an account with no programs yet, so a
second import of the same zip cannot double anything.
"""

import datetime as dt
import io
import posixpath
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from artists import services
from artists.exports import TABLES
from artists.models import ApprovalDecision, Artist, Work
from feedback.imports import (
    ALLOCATIONS,
    COMPENSATIONS,
    CONTRIBUTIONS,
    MAX_FILE_BYTES,
    Columns,
    CsvFile,
    ImportFailed,
    ImportRefused,
    RowError,
    import_ledger,
    lock_imports_of,
)
from feedback.imports.reading import read_table
from feedback.imports.values import RowProblems, choice, date_value, text_value
from programs.models import AccessEvent, Enrollment
from programs.selectors import programs_open_to
from programs.services import record_access_event
from programs.validation import not_before_opening, not_in_future

# An export's files together, uncompressed. Checked before anything is decompressed (the
# sizes a zip declares) and while reading (a zip can lie), so a small zip of a huge file
# (a "zip bomb") is refused after reading at most this much.
MAX_EXPORT_BYTES = 4 * MAX_FILE_BYTES

# The columns of the tables this module reads; feedback.imports reads contributions,
# compensations and allocations. `ignored`: what the export computes or what is never
# taken from a file (see the module docstring).
COLUMNS = {
    "profile": Columns(
        required=(),
        optional=("public_name", "disciplines", "country"),
        ignored=("handle", "show_public_name", "username", "email", "joined_at", "reminders"),
    ),
    "enrollments": Columns(
        required=("program",),
        optional=("id", "granted_on"),
        # The program's name and the figures the export computes (status, what is owed), and
        # a verification column, which a file may never set.
        ignored=(
            *(column for column in TABLES["enrollments"] if column not in ("program", "id", "granted_on")),
            "verification",
        ),
    ),
    "access_events": Columns(
        required=("program", "kind", "occurred_at"), optional=("enrollment", "reason", "notice_days")
    ),
    "works": Columns(
        required=("program", "title", "submitted_at"), optional=("id", "medium", "description"), ignored=("status",)
    ),
    "decisions": Columns(required=("work", "outcome", "decided_at"), optional=("reason",)),
}


@dataclass
class RestoreResult:
    """How many records of each table were imported."""

    counts: dict[str, int]


def read_export(name: str, content: bytes) -> dict[str, CsvFile]:
    """The CSV files of an export zip by table; ImportRefused when it is not one."""

    def refuse(message: str):
        raise ImportRefused([RowError(name, 1, message)])

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        refuse("This is not a zip file. Upload the zip that “Download my data” gave you.")
    files: dict[str, zipfile.ZipInfo] = {}
    for info in members:
        # A zip unpacked and packed again may put the files in a folder or add macOS extras.
        if info.filename.startswith("__MACOSX/") or posixpath.basename(info.filename).startswith("."):
            continue
        table, extension = posixpath.splitext(posixpath.basename(info.filename))
        if extension != ".csv" or table not in TABLES:
            refuse(f"{info.filename} is not a file of an export. An export holds {', '.join(TABLES)} (.csv).")
        if table in files:
            refuse(f"{table}.csv appears twice in the zip.")
        files[table] = info
    if not files:
        refuse("The zip holds no export file.")
    if sum(info.file_size for info in files.values()) > MAX_EXPORT_BYTES:
        refuse(_too_large())
    read: dict[str, CsvFile] = {}
    budget = MAX_EXPORT_BYTES
    for table, info in files.items():
        try:
            with archive.open(info) as member:
                data = member.read(budget + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
            refuse(f"{info.filename} cannot be read from the zip.")
        budget -= len(data)
        if budget < 0:
            refuse(_too_large())
        read[table] = CsvFile(f"{table}.csv", data)
    return read


def _too_large() -> str:
    return f"Unpacked, the files of this zip are larger than {MAX_EXPORT_BYTES >> 20} MB, the limit of an import."


def _has_rows(file: CsvFile | None) -> bool:
    return file is not None and len(file.content.strip().splitlines()) > 1


def _datetime(value: str, column: str, problems: RowProblems) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        problems.add(column, f"{value!r} is not a date and time with its offset, such as 2025-03-14T09:30:00+00:00.")
        return None
    return moment.astimezone(dt.UTC)


def _check_granted_on(*, enrollment: Enrollment, day: dt.date) -> bool:
    not_in_future(day, "granted_on")
    not_before_opening(enrollment.program, day, "granted_on")
    return True


def _service(problems: RowProblems, service: Callable, **arguments):
    """Call a service; its ValidationError becomes this row's problems (and None the result)."""
    try:
        return service(**arguments)
    except ValidationError as error:
        for field, messages in error.message_dict.items() if hasattr(error, "error_dict") else [("", error.messages)]:
            for message in messages:
                problems.add(field or "row", message)
    return None


class _Restorer:
    def __init__(self, artist: Artist, files: dict[str, CsvFile]):
        self.artist, self.files = artist, files
        self.errors: list[RowError] = []
        self.counts: Counter = Counter()
        self.enrollments: dict[str, Enrollment] = {}
        self.enrollment_ids: dict[str, str] = {}  # export id → program slug

    def rows(self, table: str):
        file = self.files.get(table)
        if file is None:
            return
        for line, values in read_table(file, COLUMNS[table], self.errors).rows:
            yield RowProblems(file, line, self.errors), values

    def profile(self) -> None:
        for problems, values in self.rows("profile"):
            artist = self.artist
            _service(
                problems,
                services.update_profile,
                artist=artist,
                handle=artist.handle,
                public_name=values.get("public_name", ""),
                # Showing the public name is chosen on the privacy page only, never by a file.
                show_public_name=artist.show_public_name,
                disciplines=values.get("disciplines", "").split(";"),
                country=values.get("country", ""),
            )

    def enrollments_and_access(self) -> None:
        open_programs = {p.slug: p for p in programs_open_to(self.artist)}
        granted_on: dict[str, tuple[RowProblems, dt.date]] = {}
        for problems, values in self.rows("enrollments"):
            slug = values["program"]
            program = open_programs.get(slug)
            if program is None:
                problems.add("program", f"No program here has the slug {slug!r}; it cannot be imported.")
            elif slug in self.enrollments:
                problems.add("program", f"{slug} is listed twice.")
            else:
                # Unverified, whatever the file says: verification is a reviewer's decision.
                self.enrollments[slug] = Enrollment.objects.create(program=program, artist=self.artist)
                self.counts["enrollments"] += 1
                if values.get("id"):
                    self.enrollment_ids[values["id"]] = slug
            if values.get("granted_on") and (day := date_value(values["granted_on"], "granted_on", problems)):
                granted_on[slug] = (problems, day)
        for problems, values in self.rows("access_events"):
            self.access_event(problems, values)
        for slug, (problems, day) in granted_on.items():
            enrollment = self.enrollments.get(slug)
            if enrollment is not None and _service(problems, _check_granted_on, enrollment=enrollment, day=day):
                Enrollment.objects.filter(pk=enrollment.pk).update(granted_on=day)
                enrollment.granted_on = day

    def access_event(self, problems: RowProblems, values: dict[str, str]) -> None:
        slug = self.enrollment_ids.get(values.get("enrollment", ""), values["program"])
        enrollment = self.enrollments.get(slug)
        if enrollment is None:
            problems.add("program", f"{slug!r} is not a program of enrollments.csv imported here.")
        kind = choice(values["kind"], AccessEvent.Kind.values, "kind", problems)
        occurred_at = _datetime(values["occurred_at"], "occurred_at", problems)
        notice = values.get("notice_days", "")
        if notice and not notice.isdigit():
            problems.add("notice_days", f"{notice!r} is not a whole number of days.")
        reason = text_value(values.get("reason", ""), AccessEvent, "reason", "reason", problems, required=False)
        if problems.found:
            return
        event = _service(
            problems,
            record_access_event,
            enrollment=enrollment,
            kind=kind,
            occurred_at=occurred_at,
            reason=reason,
            notice_days=int(notice) if notice else None,
            recorded_by=self.artist.user,
        )
        self.counts["access_events"] += event is not None

    def ledger(self) -> None:
        """Contributions, compensations and allocations: feedback's import, in this transaction."""
        files = {
            role: self.files[role]
            for role in (CONTRIBUTIONS, COMPENSATIONS, ALLOCATIONS)
            if _has_rows(self.files.get(role))
        }
        if not files:
            return
        if ALLOCATIONS in files and not (CONTRIBUTIONS in files and COMPENSATIONS in files):
            message = "Allocations need contributions.csv and compensations.csv with rows."
            self.errors.append(RowError("allocations.csv", 1, message))
            return
        try:
            preview = import_ledger(artist=self.artist, **files)
        except ImportRefused as refused:
            self.errors.extend(refused.errors)
            return
        self.counts["contributions"] += len(preview.contributions)
        self.counts["compensations"] += len(preview.compensations)
        self.counts["allocations"] += preview.allocation_count

    def works_and_decisions(self) -> None:
        works: dict[str, Work] = {}
        for problems, values in self.rows("works"):
            enrollment = self.enrollments.get(values["program"])
            if enrollment is None:
                problems.add("program", f"{values['program']!r} is not a program of enrollments.csv imported here.")
            medium = choice(values.get("medium") or Work.Medium.VIDEO, Work.Medium.values, "medium", problems)
            submitted_at = _datetime(values["submitted_at"], "submitted_at", problems)
            if problems.found:
                continue
            work = _service(
                problems,
                services.submit_work,
                enrollment=enrollment,
                title=values["title"],
                medium=medium,
                description=values.get("description", ""),
                submitted_at=submitted_at,
            )
            if work is not None:
                self.counts["works"] += 1
                if values.get("id"):
                    works[values["id"]] = work
        for problems, values in self.rows("decisions"):
            work = works.get(values["work"])
            if work is None:
                problems.add("work", f"No row of works.csv has the id {values['work']!r}.")
            outcome = choice(values["outcome"], ApprovalDecision.Outcome.values, "outcome", problems)
            decided_at = _datetime(values["decided_at"], "decided_at", problems)
            if problems.found:
                continue
            decision = _service(
                problems,
                services.record_decision,
                work=work,
                outcome=outcome,
                decided_at=decided_at,
                reason=values.get("reason", ""),
            )
            self.counts["decisions"] += decision is not None


def _refuse_a_ledger_in_use(artist: Artist) -> None:
    programs = Enrollment.objects.filter(artist=artist).count()
    if programs:
        raise ImportRefused(
            [
                RowError(
                    "export",
                    1,
                    f"Your ledger already has {programs} program{'s' if programs != 1 else ''}. A whole export "
                    "imports only into an account with an empty ledger, so that nothing is ever doubled. "
                    "To add records to this ledger, import the contributions and compensations files instead.",
                )
            ]
        )


def restore_export(*, artist: Artist, files: dict[str, CsvFile]) -> RestoreResult:
    """Import an export's files (from `read_export`) into the artist's empty ledger, all or nothing.

    Raises ImportRefused with every problem, ImportFailed when the database refuses the write.
    """
    try:
        with transaction.atomic():
            lock_imports_of(artist)
            _refuse_a_ledger_in_use(artist)
            restorer = _Restorer(artist, files)
            restorer.profile()
            restorer.enrollments_and_access()
            if not restorer.errors:
                # Contributions and works are checked against the enrollments made above.
                restorer.ledger()
                restorer.works_and_decisions()
            if restorer.errors:
                raise ImportRefused(restorer.errors)
    except DatabaseError as error:
        raise ImportFailed("The database refused the import, so nothing was written. Try again.") from error
    return RestoreResult(counts={table: restorer.counts[table] for table in TABLES if table != "profile"})
