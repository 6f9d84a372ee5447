"""`manage.py seed_demo`: build the demo world (see tracker.demo) and print the demo logins."""

from django.core.management.base import BaseCommand, CommandError

from tracker import demo


class Command(BaseCommand):
    help = (
        "Load the demo world: the suspended video-model preview, five other programs across the range, "
        "and the demo logins. Programs that already exist are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="Random seed (default %(default)s).")
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply testers and their activity by this positive number (default 1: about 300 testers "
            "in the preview program).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args, seed: int, scale: float, no_progress: bool, **options):
        try:
            demo.check_scale(scale)
        except ValueError as error:
            raise CommandError(str(error)) from None
        summary = demo.build_demo_world(seed=seed, scale=scale, progress=not no_progress)

        self.stdout.write(
            f"Demo world (seed {seed}, scale {scale:g}): {len(summary.built)} programs built, "
            f"{len(summary.skipped)} already present."
        )
        for row in summary.programs:
            self.stdout.write(
                f"  {row.slug:<30} {row.testers:>6,} testers {row.contributions:>8,} contributions "
                f"{row.hours:>11,.2f} hours {row.works:>6,} works"
            )
        self.stdout.write(
            f"  {'total':<30} {summary.testers:>6,} testers {summary.contributions:>8,} contributions "
            f"{summary.hours:>11,.2f} hours {summary.works:>6,} works"
        )
        self.stdout.write("Demo logins:")
        for role, username, password in demo.DEMO_LOGINS:
            self.stdout.write(f"  {role:<9} {username:<14} password: {password}")
