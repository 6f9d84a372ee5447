"""The demo world behind `manage.py seed_demo`: plain functions that build it.

The world mirrors the case the tracker exists for (see the README): a
video-model preview run by a company valued at $150 billion, with months of mostly unpaid
feedback, requested promotion, works that mostly never got past approval and a one-day mass
revocation without reasons; beside it a handful of programs across the range, from one that
pays an hourly rate within 14 days to one that pays only in credits.

Rows are built in memory and bulk-inserted, one transaction per program, so a few hundred
testers take seconds rather than minutes. Bulk inserts skip the services, so the builders
here keep the rules the services enforce:

- an enrollment's status is what its latest access event leads to, its events are in
  chronological order, `granted_on` is the day of the grant;
- nothing happens in the future (the last day anything happens is yesterday, which also
  makes a run's data independent of the hour it runs at) or before the program opened;
- a work's status and `first_decided_at` are its first decision's, decided after submission;
- a compensation's allocations add up to at most its amount, are paid on or after the
  contributions they pay for and pay only for contributions of the same enrollment;
- hours are quarter hours between 0.25 and 8, money is `Decimal`.
- every tester gave reviewers a note as evidence after they got access; most were verified a
  few days later (with the decision in the history), about 5 % still wait (pending), among
  them the demo artist in one program, so the reviewers' flow can be tried.

Everything random comes from `random.Random` seeded by the seed and a name (the program's
slug, the artist's handle), so the same seed on the same day gives the same world, and a
program that already exists is skipped without changing what the others get.

The package is split where its concerns part: `specs` (what each program is, and the words its
rows are drawn from), `plan` (each tester's access, work and works, in memory), `payments`
(how each program pays) and `build` (the bulk inserts, the demo logins and the totals).
"""

from tracker.demo.build import (
    DemoSummary,
    ProgramTotals,
    analyze_built_tables,
    build_demo_world,
    build_program,
    check_scale,
    ensure_demo_logins,
    tester_count,
    world_totals,
)
from tracker.demo.payments import PAYMENT_STYLES
from tracker.demo.specs import (
    ADVOCATES_GROUP,
    DEFAULT_SEED,
    DEMO_ARTIST,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    FAIR,
    FAIR_SLUG,
    INCIDENT,
    INCIDENT_SLUG,
    OTHERS,
    PROGRAM_SPECS,
    OrgSpec,
    ProgramSpec,
    ReviewStyle,
)

__all__ = [
    "ADVOCATES_GROUP",
    "DEFAULT_SEED",
    "DEMO_ARTIST",
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "FAIR",
    "FAIR_SLUG",
    "INCIDENT",
    "INCIDENT_SLUG",
    "OTHERS",
    "PAYMENT_STYLES",
    "PROGRAM_SPECS",
    "DemoSummary",
    "OrgSpec",
    "ProgramSpec",
    "ProgramTotals",
    "ReviewStyle",
    "analyze_built_tables",
    "build_demo_world",
    "build_program",
    "check_scale",
    "ensure_demo_logins",
    "tester_count",
    "world_totals",
]
