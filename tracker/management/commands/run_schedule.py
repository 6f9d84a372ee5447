"""`manage.py run_schedule`: the beat schedule without a broker, for the embedded default.

With Redis, `celery beat` sends each entry of CELERY_BEAT_SCHEDULE to a worker. Without it
(`make run` on a fresh machine) this command keeps the same schedule in its own process and
runs each task in process when it comes due, so the scans, webhook retries and digests never
go stale. `make run` starts it beside the server.
"""

import time

from celery.schedules import maybe_schedule
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from config.celery import app

# The longest it sleeps between looks at the schedule, in seconds.
MAX_SLEEP = 30.0


class Command(BaseCommand):
    help = "Run the Celery beat schedule in this process, without a broker (the embedded default)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--iterations", type=int, default=0, help="Look at the schedule this many times, then stop (0: forever)."
        )
        parser.add_argument("--run-all-now", action="store_true", help="Run every entry once at start.")

    def handle(self, *args, iterations: int, run_all_now: bool, **options):
        app.loader.import_default_modules()
        entries = {
            name: (entry, maybe_schedule(entry["schedule"], app=app))
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        }
        started = timezone.now()
        last_run = dict.fromkeys(entries, None if run_all_now else started)
        self.stdout.write(f"Running {len(entries)} scheduled jobs in process; stop with Ctrl-C.")
        looked = 0
        while not iterations or looked < iterations:
            looked += 1
            wait = MAX_SLEEP
            for name, (entry, schedule) in entries.items():
                due, next_check = (True, 0) if last_run[name] is None else schedule.is_due(last_run[name])
                if due:
                    self._run(name, entry)
                    last_run[name] = timezone.now()
                wait = min(wait, max(next_check, 1.0))
            if not iterations or looked < iterations:
                time.sleep(wait)

    def _run(self, name: str, entry: dict) -> None:
        task = app.tasks[entry["task"]]
        try:
            result = task.apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
        except Exception as error:  # noqa: BLE001 - one failing job must not stop the schedule
            self.stderr.write(f"{name}: {type(error).__name__}: {error}")
            return
        if result.failed():
            self.stderr.write(f"{name}: {result.result!r}")
        else:
            self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} {name}: {result.result}")
