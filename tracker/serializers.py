"""The stats API's serializers: the figures (field names and types are the contract, pinned
by tests). The flags' and webhooks' serializers are in tracker.flag_serializers."""

import json
from decimal import Decimal

from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from programs.models import Program
from tracker.metrics import Metrics
from tracker.privacy import METHODOLOGY_VERSION
from tracker.series import INTERVALS

# -- stats ---------------------------------------------------------------------------------


def share_field(help_text: str):
    return serializers.FloatField(allow_null=True, min_value=0, max_value=1, help_text=help_text)


def money_field(help_text: str):
    return serializers.DecimalField(
        max_digits=18, decimal_places=2, allow_null=True, coerce_to_string=True, help_text=help_text
    )


def count_field(help_text: str):
    return serializers.IntegerField(allow_null=True, min_value=0, help_text=help_text)


class ScorePointSerializer(serializers.Serializer):
    principle = serializers.CharField(help_text="fair pay, timely pay, fair approval, fair access or clear terms.")
    point = serializers.IntegerField(min_value=1, max_value=2, help_text="1 (the floor) or 2 (the better practice).")
    rule = serializers.CharField(help_text="The published rule for this point (docs/metrics.md).")
    earned = serializers.BooleanField(help_text="Whether the program earned the point.")
    figure = serializers.JSONField(allow_null=True, help_text="The figure that earned or lost it; null: no data.")
    explanation = serializers.CharField(help_text="The figure in words, or why the point is not available.")


class MetricsSerializer(serializers.Serializer):
    """A program's (organization's, the platform's) fairness figures. docs/metrics.md
    defines each; every figure is null when the figures are suppressed."""

    suppressed = serializers.BooleanField(
        help_text="True when fewer than MIN_GROUP_SIZE artists are behind the figures: all of them are then null."
    )
    suppressed_reason = serializers.CharField(allow_blank=True, help_text="Why the figures are hidden, or empty.")
    currency = serializers.CharField(
        allow_null=True, help_text="ISO 4217 currency of the money figures; null when programs use several."
    )
    testers_active = count_field("Enrollments whose current access is active.")
    testers_revoked = count_field("Enrollments whose current access is revoked.")
    revocation_rate = share_field("testers_revoked / enrollments ever granted; null if none were granted.")
    contributions = count_field("Contributions logged (in the date range, by occurred_on).")
    hours = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, help_text="Sum of hours_spent of those contributions."
    )
    contributions_by_kind = serializers.DictField(
        child=serializers.IntegerField(min_value=0, allow_null=True),
        allow_null=True,
        help_text="Contributions by kind; a kind withheld by the privacy rules is null (see withheld).",
    )
    compensated_share = share_field("Compensated contributions / contributions (cash or stipend allocated > 0).")
    compensated_hours_share = share_field("Hours of compensated contributions / hours.")
    cash_paid = money_field(
        "Cash paid in the period: the sum of cash and stipend compensation by the day it was paid (paid_on), as a "
        "string. The pay figures below are those of the period's contributions instead."
    )
    cash_paid_by_currency = serializers.DictField(
        child=serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=True),
        allow_null=True,
        help_text="cash_paid per currency code (useful where programs use several).",
    )
    other_value = money_field("Credits, free access, gifts and other non-cash value: counted, not pay.")
    reference_hourly_rate = money_field("The program's reference hourly rate, or the platform default.")
    hours_due = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        help_text="Hours of due contributions: those whose payment terms have passed. Pay is judged on these.",
    )
    hours_not_yet_due = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        help_text="Hours of contributions still within the payment terms: they count neither for nor against.",
    )
    compensated_due_hours_share = share_field("Hours of compensated due contributions / hours of due contributions.")
    cash_paid_for_due_work = money_field("Cash and stipend allocated to the due contributions of the period.")
    effective_hourly_rate = money_field("cash_paid_for_due_work / hours_due; null when no work is due.")
    fair_value = money_field("hours_due × the program's reference hourly rate.")
    pay_gap = money_field("max(0, fair_value − cash_paid_for_due_work).")
    owed = money_field(
        "What the program owes its testers by its own rate: for due contributions with no cash-equivalent pay, "
        "hours × the reference hourly rate. Null when the programs pooled here use several currencies (see "
        "owed_by_currency)."
    )
    owed_by_currency = serializers.DictField(
        child=serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=True),
        allow_null=True,
        help_text="owed per currency code (where programs use several, amounts are never added across them).",
    )
    owed_hours = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, help_text="Hours of due contributions with no cash pay."
    )
    owed_contributions = count_field("Due contributions with no cash-equivalent pay (each counted once).")
    unpaid_over_90_days_past_due = count_field("Contributions still unpaid more than 90 days after they came due.")
    median_days_to_payment = serializers.FloatField(
        allow_null=True, min_value=0, help_text="Median of (first cash payment − occurred_on) in days."
    )
    paid_within_terms_share = share_field(
        "Due contributions (older than the payment terms) that were paid within them / due contributions."
    )
    works_submitted = count_field("Works submitted (in the range, by submitted_at).")
    approval_rate = share_field("Works whose first decision is approved or showcased / works with a decision.")
    rejection_rate = share_field("Works whose first decision is rejected / works with a decision.")
    showcase_rate = share_field("Works ever showcased / works submitted.")
    showcased_artists = count_field(
        "Verified artists with at least one work of the period ever showcased; null when fewer than MIN_GROUP_SIZE."
    )
    showcase_top_tenth_share = share_field(
        "Share of the showcased works held by the top ceil(10 %) of the showcased artists; null when withheld "
        "(below the floor, dominated, or the top tenth is a single artist) or when nothing was showcased."
    )
    decisions_with_reason_share = share_field("Decisions with a non-blank reason / decisions.")
    approval_latency_median_hours = serializers.FloatField(
        allow_null=True, min_value=0, help_text="Median hours from submission to first decision, over decided works."
    )
    approval_latency_p90_hours = serializers.FloatField(
        allow_null=True, min_value=0, help_text="90th percentile of the same."
    )
    overdue_works = count_field("Works still pending longer than the approval SLA.")
    decided_within_sla_share = share_field("Works decided within the SLA / works decided or overdue.")
    revocations = count_field("Revocations of testers' access (the date range does not apply).")
    revocations_without_reason = count_field("Revocations that stated no reason.")
    open_flags = serializers.DictField(
        child=serializers.IntegerField(min_value=0), allow_null=True, help_text="Open flags by kind."
    )
    fairness_score = serializers.IntegerField(
        allow_null=True, min_value=0, max_value=10, help_text="0–10: the points earned (score_breakdown)."
    )
    score_breakdown = ScorePointSerializer(
        many=True, allow_null=True, help_text="The ten points, each with its rule, figure and explanation."
    )
    methodology_version = serializers.CharField(
        help_text="The version of the definitions (docs/metrics.md) these figures follow; it goes up when one changes."
    )
    period = serializers.CharField(
        help_text="The period of the grid these figures are for: all, a year (2026), a quarter (2026-Q1) or a "
        "month (2026-03)."
    )
    figure_artists = serializers.DictField(
        child=serializers.IntegerField(min_value=0, allow_null=True),
        allow_null=True,
        help_text="For each figure, how many distinct verified artists are behind it (the contributors for "
        "contribution figures, the paid artists for payment figures, …); null where the figure is withheld.",
    )
    withheld = serializers.DictField(
        child=serializers.CharField(),
        help_text="For each withheld figure (null in its field), why: fewer than MIN_GROUP_SIZE verified artists "
        "behind it, two artists dominating its total, or a neighbouring figure that would reveal it.",
    )


class ProgramStatsSerializer(MetricsSerializer):
    program = serializers.CharField(help_text="Program slug.")
    name = serializers.CharField(help_text="Program name.")
    organization = serializers.CharField(help_text="Organization slug.")
    status = serializers.CharField(help_text="announced, active, suspended or closed.")


class ProgramDetailStatsSerializer(ProgramStatsSerializer):
    """One program's stats: its row of the list, with the headlines its page opens with."""

    headlines = serializers.ListField(
        child=serializers.CharField(),
        help_text="A few sentences drawn from these figures, the same as the program's page shows for the period "
        "(docs/metrics.md, Headlines). A sentence whose figure is withheld is not written; empty when the "
        "figures are suppressed.",
    )


class OrganizationStatsSerializer(MetricsSerializer):
    organization = serializers.CharField(help_text="Organization slug.")
    name = serializers.CharField(help_text="Organization name.")
    programs = serializers.IntegerField(min_value=0, help_text="Listed programs of the organization.")


class SummarySerializer(MetricsSerializer):
    programs = serializers.IntegerField(min_value=0, help_text="Listed programs.")
    organizations = serializers.IntegerField(min_value=0, help_text="Organizations with listed programs.")


class SeriesPointSerializer(serializers.Serializer):
    period_start = serializers.DateField(help_text="First day of the week (Monday) or month.")
    contributions = count_field("Contributions that occurred in the period; null if fewer than 5 artists.")
    hours = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, help_text="Their hours.")
    compensated_hours = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, help_text="Hours of those that are compensated."
    )
    revocations = count_field("Revocations in the period; null if fewer than 5 artists.")


class TimeSeriesSerializer(serializers.Serializer):
    program = serializers.CharField(help_text="Program slug.")
    interval = serializers.ChoiceField(choices=list(INTERVALS), help_text="week or month.")
    suppressed = serializers.BooleanField(help_text="True when the program is below the privacy floor.")
    suppressed_reason = serializers.CharField(allow_blank=True, help_text="Why the points are hidden, or empty.")
    points = SeriesPointSerializer(many=True, help_text="One entry per period with data, oldest first.")


def plain(data):
    """Serializer output as plain JSON types (cacheable, picklable)."""
    return json.loads(JSONRenderer().render(data))


def _point_data(point) -> dict:
    # A money figure (the effective hourly rate) is a decimal string here too, never a float.
    figure = str(point.figure) if isinstance(point.figure, Decimal) else point.figure
    return {**point.__dict__, "figure": figure}


def metrics_data(m: Metrics) -> dict:
    data = {name: getattr(m, name) for name in MetricsSerializer().fields if hasattr(m, name)}
    data["score_breakdown"] = None if m.score_breakdown is None else [_point_data(p) for p in m.score_breakdown]
    data["methodology_version"] = METHODOLOGY_VERSION
    return data


def identity_first(data: dict, *names: str) -> dict:
    """The row with its identifying fields first (they lead the CSV columns too)."""
    return {**{name: data[name] for name in names}, **data}


def program_stats_data(program: Program, m: Metrics) -> dict:
    """A program's row of the stats API: who it is, then its figures."""
    row = {
        **metrics_data(m),
        "program": program.slug,
        "name": program.name,
        "organization": program.organization.slug,
        "status": program.status,
    }
    return identity_first(plain(ProgramStatsSerializer(row).data), "program", "name", "organization", "status")


def program_detail_data(program: Program, m: Metrics, headlines: list[str]) -> dict:
    """A program's stats answer: its row of the list, then its headlines."""
    return {**program_stats_data(program, m), "headlines": list(headlines)}
