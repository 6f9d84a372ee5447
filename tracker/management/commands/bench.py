"""`manage.py bench`: how fast the doors, the scan and the ingest are on a large world.

It builds a throwaway database beside the one in use (at `--scale 1`: 200 programs, 50,000
artists, about a million contributions), times the flag scan, the public pages and the stats
API on gunicorn (cold after a write, warm), the CSV import and the API ingest, and hand-written
SQL for the same core figures, and prints a Markdown report. The logic is in tracker/bench/.
It exits non-zero only when it cannot run, whatever the figures.
"""

from django.conf import settings as django_settings
from django.core.management.base import BaseCommand, CommandError

from tracker.bench.doors import BenchError
from tracker.bench.run import Options, run


class Command(BaseCommand):
    help = "Benchmark the doors, the scan and the ingest on a large throwaway database."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1, help="Share of the full data set (default 1).")
        parser.add_argument("--runs", type=int, default=5, help="Requests per door and state (default 5).")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2).")
        parser.add_argument("--api-requests", type=int, default=200, help="Contributions POSTed (default 200).")
        parser.add_argument(
            "--api-batches", type=int, default=20, help="Batches POSTed to the batch door (default 20)."
        )
        parser.add_argument(
            "--batch-size", type=int, default=100, help="Contributions in each batch (default 100, at most 500)."
        )
        parser.add_argument(
            "--scan-timeout",
            type=float,
            default=600,
            help="Seconds after which a scan's statement is cancelled (default 600).",
        )
        parser.add_argument(
            "--door-timeout", type=float, default=600, help="Seconds after which a request is given up (default 600)."
        )
        parser.add_argument("--keep", action="store_true", help="Keep the throwaway database.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bars.")

    def handle(self, *args, **options):
        if (
            options["scale"] <= 0
            or options["runs"] < 1
            or options["api_requests"] < 1
            or options["api_batches"] < 1
            or not 1 <= options["batch_size"] <= django_settings.API_BATCH_MAX
            or min(options["scan_timeout"], options["door_timeout"]) <= 0
        ):
            raise CommandError(
                "--scale and the timeouts must be more than 0, --runs, --api-requests and --api-batches at least 1, "
                "--batch-size from 1 to API_BATCH_MAX."
            )
        settings = Options(
            scale=options["scale"],
            runs=options["runs"],
            workers=options["workers"],
            api_requests=options["api_requests"],
            api_batches=options["api_batches"],
            batch_size=options["batch_size"],
            scan_timeout=options["scan_timeout"],
            door_timeout=options["door_timeout"],
            keep=options["keep"],
            progress=not options["no_progress"],
        )
        try:
            run(settings, lambda line: self.stdout.write(line))
        except BenchError as error:
            raise CommandError(f"bench: {error}") from None
        except KeyboardInterrupt:
            raise CommandError("bench: interrupted") from None
        except Exception as error:  # anything else that stopped it: one line, not a traceback
            first = (str(error).strip().splitlines() or [""])[0]
            raise CommandError(f"bench: could not run: {type(error).__name__}: {first}") from None
