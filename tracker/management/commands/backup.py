"""`manage.py backup`: dump the database in use (config/backup.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, backup


class Command(BaseCommand):
    help = "Dump the database in use (custom format, pg_dump) to backups/tracker-YYYYMMDD-HHMMSS.dump."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", default=str(settings.BASE_DIR / "backups"), help="Where to write it (default %(default)s)."
        )

    def handle(self, *args, dir: str, **options):
        try:
            path = backup(settings.DATABASES["default"], Path(dir))
        except BackupError as error:
            raise CommandError(f"backup failed: {error}") from None
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path} ({path.stat().st_size:,} bytes)"))
