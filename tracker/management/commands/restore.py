"""`manage.py restore FILE`: restore a backup into the database in use or a named one
(config/backup.py), after a confirmation when that database is not empty."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from config.backup import BackupError, database_exists, restore, table_count


class Command(BaseCommand):
    help = (
        "Restore a backup written by `manage.py backup` into the database in use, or into --target "
        "(a database on the same server, created when missing). A database that is not empty is "
        "replaced only after you type its name, or with --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .dump file to restore.")
        parser.add_argument("--target", help="Restore into this database on the same server instead.")
        parser.add_argument("--yes", action="store_true", help="Replace a database that is not empty without asking.")

    def handle(self, *args, file: str, target: str | None, yes: bool, **options):
        db = settings.DATABASES["default"]
        name = target or db["NAME"]
        dump = Path(file)
        try:
            if not dump.is_file():
                raise BackupError(f"no backup file at {dump}")
            tables = table_count(db, name) if database_exists(db, name) else 0
            if tables and not yes:
                self.confirm(name, tables)
            connections.close_all()
            restored = restore(db, dump, target=target)
        except BackupError as error:
            raise CommandError(f"restore failed: {error}") from None
        self.stdout.write(self.style.SUCCESS(f"Restored {dump} into database {restored!r}."))

    def confirm(self, name: str, tables: int) -> None:
        question = (
            f"Database {name!r} is not empty ({tables} tables): restoring replaces everything in it. "
            f"Type its name to go on: "
        )
        if not sys.stdin.isatty():
            raise BackupError(
                f"database {name!r} is not empty ({tables} tables); pass --yes to replace it or --target to "
                f"restore into another database"
            )
        if input(question).strip() != name:
            raise BackupError(f"not confirmed; database {name!r} was left as it was")
