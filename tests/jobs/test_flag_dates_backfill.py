"""Migration tracker 0004: flags raised before they carried their days get them from what
their rule wrote (subject and details), the same days the feed used to derive."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from programs.services import revoke_access
from tests.jobs.helpers import at, make_program, make_tester
from tracker.models import Flag

BEFORE = [("tracker", "0003_data_version")]
AFTER = [("tracker", "0004_flag_occurred_on_due_on")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def back_to_the_latest_migrations():
    """The tests after this one need every migration applied again, not just up to AFTER."""
    yield
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migration_backfills_each_kinds_days():
    program = make_program(payment_terms_days=30, approval_sla_days=14)
    tester = make_tester(program)
    revoke_access(enrollment=tester, occurred_at=at("2026-04-10", "23:30"))
    old = migrate(BEFORE)
    try:
        OldFlag = old.get_model("tracker", "Flag")

        def flag(kind, subject, details=None):
            return OldFlag.objects.create(
                kind=kind,
                severity="medium",
                program_id=program.pk,
                subject_key=subject,
                message="m",
                details=details or {},
                raised_at=at("2026-06-01"),
            ).pk

        ids = {
            "unpaid_feedback": flag("unpaid_feedback", "contribution:1", {"occurred_on": "2026-03-01"}),
            "uncompensated_promotion": flag("uncompensated_promotion", "contribution:1", {"occurred_on": "2026-04-20"}),
            "revoked_without_reason": flag(
                "revoked_without_reason", "accessevent:1", {"occurred_at": "2026-04-10T23:30:00+00:00"}
            ),
            "approval_overdue": flag("approval_overdue", "work:1", {"submitted_at": "2026-05-01T22:00:00+00:00"}),
            "revoked_with_unpaid_work": flag(
                "revoked_with_unpaid_work", f"enrollment:{tester.pk}", {"enrollment": tester.pk}
            ),
            "mass_revocation": flag(
                "mass_revocation", f"revocations:{program.pk}:2026-05-10", {"started_at": "2026-05-11T08:00:00+00:00"}
            ),
            "undefined_terms": flag("undefined_terms", f"program:{program.pk}"),
        }
    finally:
        migrate(AFTER)

    days = {kind: Flag.objects.values_list("occurred_on", "due_on").get(pk=pk) for kind, pk in ids.items()}
    d = dt.date
    assert days == {
        # 1 March + 30 days of terms.
        "unpaid_feedback": (d(2026, 3, 1), d(2026, 3, 31)),
        # 20 April + 30 days: the promotion's finding is about the day it came due.
        "uncompensated_promotion": (d(2026, 4, 20), d(2026, 5, 20)),
        "revoked_without_reason": (d(2026, 4, 10), None),
        # Submitted 1 May 22:00 UTC + 14 days = 15 May 22:00 UTC.
        "approval_overdue": (d(2026, 5, 1), d(2026, 5, 15)),
        # The revocation before the flag was raised, its day in UTC.
        "revoked_with_unpaid_work": (d(2026, 4, 10), None),
        # The day the wave started (its subject), not its busiest window.
        "mass_revocation": (d(2026, 5, 10), None),
        "undefined_terms": (None, None),
    }
