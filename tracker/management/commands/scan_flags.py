from django.core.management.base import BaseCommand, CommandError

from tracker.flags import RULES
from tracker.services import run_scan


class Command(BaseCommand):
    help = "Run the flag rules now (all of them, or one with --rule) and print what changed."

    def add_arguments(self, parser):
        parser.add_argument("--rule", choices=list(RULES), help="Run only this rule.")

    def handle(self, *args, rule=None, **options):
        try:
            run = run_scan(rules=[rule] if rule else None, trigger="command")
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Scan {run.rule}: {run.raised} flags raised, {run.resolved} resolved (run {run.pk}).")
        )
