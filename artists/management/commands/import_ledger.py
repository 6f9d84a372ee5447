"""`manage.py import_ledger`: import an artist's contributions and compensations from CSV
files (docs/csv-import.md), all rows or none, with the same checks as the web import; or,
with --export, a whole export zip into the artist's empty ledger (artists.restore).

The CSV import is feedback's (feedback.imports); the command lives here because it finds
the artist by handle."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from artists import restore
from artists.models import Artist
from feedback import imports


class Command(BaseCommand):
    help = (
        "Import an artist's contributions and compensations from CSV files (docs/csv-import.md). "
        "Every row is checked first; if any row is wrong, every problem is listed and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("--artist", required=True, metavar="HANDLE", help="The artist's handle.")
        parser.add_argument("--contributions", type=Path, metavar="FILE", help="The contributions CSV file.")
        parser.add_argument("--compensations", type=Path, metavar="FILE", help="The compensations CSV file.")
        parser.add_argument(
            "--allocations", type=Path, metavar="FILE", help="An export's allocations.csv: the exact parts."
        )
        parser.add_argument(
            "--export", type=Path, metavar="ZIP", help="A whole export zip, into a ledger with no programs yet."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the files and show the summary only.")
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args, artist: str, contributions, compensations, allocations, export, **options):
        if export is not None and (contributions or compensations or allocations):
            raise CommandError("Give --export ZIP alone, or CSV files.")
        if export is None and contributions is None and compensations is None:
            raise CommandError("Give --contributions FILE, --compensations FILE, or both (or --export ZIP).")
        found = Artist.objects.filter(handle__iexact=artist, erased_at__isnull=True).first()
        if found is None:
            raise CommandError(f"No artist has the handle {artist!r}.")
        if export is not None:
            if options["dry_run"]:
                raise CommandError("--dry-run checks CSV files only; an export is imported whole or not at all.")
            self._restore(found, export)
            return
        files = {
            role: self._read(path)
            for role, path in (
                (imports.CONTRIBUTIONS, contributions),
                (imports.COMPENSATIONS, compensations),
                (imports.ALLOCATIONS, allocations),
            )
            if path is not None
        }
        self._import(found, files, options["dry_run"], options["no_progress"])

    def _restore(self, artist: Artist, path: Path) -> None:
        try:
            if path.stat().st_size > imports.MAX_FILE_BYTES:
                raise CommandError(f"{path} is larger than {imports.MAX_FILE_BYTES >> 20} MB.")
            result = restore.restore_export(artist=artist, files=restore.read_export(str(path), path.read_bytes()))
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from None
        except imports.ImportRefused as refused:
            self._refuse(refused.errors)
        except imports.ImportFailed as failed:
            raise CommandError(str(failed)) from failed
        counts = ", ".join(f"{count:,} {table.replace('_', ' ')}" for table, count in result.counts.items())
        self.stdout.write(f"Imported the export for {artist.handle}: {counts}.")

    def _import(self, found: Artist, files: dict, dry_run: bool, no_progress: bool) -> None:
        if imports.ALLOCATIONS in files and len(files) < 3:
            raise CommandError("--allocations goes with the --contributions and --compensations of its export.")

        preview = imports.preview_import(artist=found, **files)
        if not preview.is_valid:
            self._refuse(preview.errors)
        if dry_run:
            self._summary(preview, "Dry run, nothing written. Would import")
            return

        with tqdm(total=preview.record_count, unit="row", disable=no_progress, leave=False) as bar:

            def show(written: int, total: int) -> None:
                bar.total = total
                bar.update(written - bar.n)

            try:
                preview = imports.import_ledger(artist=found, on_progress=show, **files)
            except imports.ImportRefused as refused:
                self._refuse(refused.errors)
            except imports.ImportFailed as failed:
                raise CommandError(str(failed)) from failed
        self._summary(preview, f"Imported for {found.handle}")

    def _read(self, path: Path) -> imports.CsvFile:
        try:
            return imports.CsvFile(str(path), path.read_bytes())
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from None

    def _refuse(self, errors: list[imports.RowError]) -> None:
        for error in errors:
            self.stderr.write(str(error))
        plural = "s" if len(errors) != 1 else ""
        raise CommandError(f"{len(errors)} problem{plural} in the files; nothing was imported.")

    def _summary(self, preview: imports.ImportPreview, heading: str) -> None:
        self.stdout.write(
            f"{heading}: {_count(len(preview.contributions), 'contribution')}, "
            f"{_count(len(preview.compensations), 'compensation')}, {_count(preview.allocation_count, 'allocation')}."
        )
        for row in preview.totals:
            self.stdout.write(
                f"  {row.program.slug:<30} {row.contributions:>7,} contributions {row.hours:>11,.2f} hours "
                f"{row.compensations:>6,} compensations {row.amount:>13,.2f} {row.program.currency}"
            )


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
