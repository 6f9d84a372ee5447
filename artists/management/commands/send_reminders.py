"""`manage.py send_reminders [--week 2026-W48] [--dry-run]`: the weekly reminders, on demand."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from artists.reminders import parse_week, send_reminders, week_label, week_of


class Command(BaseCommand):
    help = (
        "Email the artists who chose weekly reminders and logged nothing this week in a program "
        "where they are active. Each artist gets at most one reminder a week, however often this runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--week", help="The ISO week, such as 2026-W48 (default: the current week, UTC).")
        parser.add_argument("--dry-run", action="store_true", help="Show who would be emailed; send nothing.")

    def handle(self, *args, week: str | None, dry_run: bool, **options):
        try:
            monday = parse_week(week) if week else week_of(timezone.now())
        except ValueError as error:
            raise CommandError(str(error)) from None
        reminded = send_reminders(week=monday, dry_run=dry_run)
        verb = "Would email" if dry_run else "Emailed"
        for reminder in reminded:
            names = ", ".join(program.name for program in reminder.programs)
            self.stdout.write(f"{verb} {reminder.artist.handle}: {names}")
        self.stdout.write(f"{verb} {len(reminded)} artist{'s' if len(reminded) != 1 else ''} for {week_label(monday)}.")
