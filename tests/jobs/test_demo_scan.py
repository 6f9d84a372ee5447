"""On the demo world, the scan finds the incident the demo world is built around."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from programs.models import AccessEvent
from tracker.demo import INCIDENT, INCIDENT_SLUG
from tracker.models import Flag


@pytest.fixture
def scanned_demo(db):
    call_command("seed_demo", "--scale=0.2", "--no-progress", stdout=io.StringIO())
    call_command("scan_flags", stdout=io.StringIO())


def open_flags(kind):
    return Flag.objects.filter(kind=kind, resolved_at__isnull=True, program__slug=INCIDENT_SLUG)


def test_the_scan_finds_one_mass_revocation_on_the_revocation_day(scanned_demo):
    revocation_day = timezone.localdate() - dt.timedelta(days=INCIDENT.revocation_days_ago)

    spikes = list(open_flags("mass_revocation"))

    assert len(spikes) == 1
    assert spikes[0].subject_key.endswith(revocation_day.isoformat())
    revoked_that_day = AccessEvent.objects.filter(
        kind="revoked", enrollment__program__slug=INCIDENT_SLUG, occurred_at__date=revocation_day
    ).count()
    assert spikes[0].details["revoked"] == revoked_that_day
    assert spikes[0].details["without_reason"] == revoked_that_day


def test_the_scan_finds_revocations_without_reason_unpaid_feedback_and_uncompensated_promotion(scanned_demo):
    without_reason = AccessEvent.objects.filter(
        kind="revoked", reason="", enrollment__program__slug=INCIDENT_SLUG
    ).count()

    assert open_flags("revoked_without_reason").count() == without_reason > 0
    assert open_flags("unpaid_feedback").count() > 100
    assert open_flags("uncompensated_promotion").count() > 10
    assert open_flags("revoked_with_unpaid_work").exists()
    assert open_flags("undefined_terms").count() == 0  # the incident program is suspended, not active


def test_the_fair_program_pays_within_its_terms_and_raises_no_pay_flags(scanned_demo):
    fair = Flag.objects.filter(program__slug="brightwater-image-residency", resolved_at__isnull=True)

    assert not fair.filter(kind__in=["unpaid_feedback", "uncompensated_promotion", "mass_revocation"]).exists()


def test_the_scan_after_seeding_is_quick_even_when_the_statistics_say_the_tables_are_empty(db):
    # What autovacuum leaves after a run of tests whose writes were rolled back: pages, no rows.
    # With those statistics the planner chose nested loops and the scan ran for many minutes.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pg_class SET reltuples = 0, relpages = 20 WHERE relkind = 'r' AND relnamespace = "
            "'public'::regnamespace"
        )
    call_command("seed_demo", "--scale=0.2", "--no-progress", stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '20s'")

    call_command("scan_flags", stdout=io.StringIO())

    assert open_flags("unpaid_feedback").exists()


def test_the_pilot_that_closed_on_its_announced_date_raises_no_mass_revocation(scanned_demo):
    # Larkspur's testers were told 30 days ahead, with a reason, and lost access on the day.
    assert not Flag.objects.filter(kind="mass_revocation", program__slug="larkspur-storyboard-pilot").exists()


def test_on_the_full_demo_world_the_fair_program_scores_ten_and_the_incident_loses_timely_pay_2(db):
    # What `make run` shows (scale 1): Brightwater pays its 60.00/h within 14 days, so work of
    # the last two weeks costs it nothing; Larkspur's orderly end keeps fair access 2;
    # Halcyon's work unpaid for months loses timely pay 2, on the very first scan.
    from tracker.demo import FAIR_SLUG
    from tracker.metrics import program_metrics

    call_command("seed_demo", "--no-progress", stdout=io.StringIO())
    call_command("scan_flags", stdout=io.StringIO())

    metrics = {m.key: m for m in program_metrics()}
    fair, larkspur, incident = metrics[FAIR_SLUG], metrics["larkspur-storyboard-pilot"], metrics[INCIDENT_SLUG]
    assert fair.fairness_score == 10, [p.explanation for p in fair.score_breakdown or [] if not p.earned]
    assert (fair.pay_gap, fair.owed) == (0, 0) and fair.hours_not_yet_due > 0
    points = {(p.principle, p.point): p for p in larkspur.score_breakdown}
    assert points["fair access", 2].earned and larkspur.mass_revocations == 0
    timely_pay_2 = next(p for p in incident.score_breakdown if (p.principle, p.point) == ("timely pay", 2))
    assert incident.unpaid_over_90_days_past_due > 0 and timely_pay_2.figure == incident.unpaid_over_90_days_past_due
    assert incident.owed > 0
