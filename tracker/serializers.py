"""The tracker's API serializers: the stats API's figures (field names and types are the
contract, pinned by tests) and the flags and webhook subscriptions."""

import json
from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from config.api import RejectUnknownFieldsMixin, SlugRelatedField
from programs.models import Program
from programs.selectors import listed_programs
from tracker.metrics import Metrics
from tracker.models import Flag, WebhookDelivery, WebhookSubscription
from tracker.privacy import METHODOLOGY_VERSION
from tracker.selectors import PROGRAM_KINDS, artist_label, month_label, withheld_reason
from tracker.series import INTERVALS
from tracker.webhooks import FINDINGS_UPDATED, FLAG_RAISED, DestinationNotAllowed, check_destination

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


# -- flags and webhooks ----------------------------------------------------------------------


class FlagSerializer(serializers.ModelSerializer):
    """A flag in full: for the artist it is about (GET me/flags/), never for the public."""

    program = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="Program slug.")
    subject = serializers.CharField(
        source="subject_key", read_only=True, help_text='What the flag is about, e.g. "contribution:17".'
    )
    artist = serializers.SerializerMethodField(
        help_text="The artist's public name if the flag is about one artist who opted in; otherwise null."
    )
    open = serializers.BooleanField(source="is_open", read_only=True, help_text="Not resolved yet.")
    days_past_due = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        min_value=0,
        help_text="While open: whole days since due_on (1 on the day after it); null when resolved or nothing "
        "comes due.",
    )

    class Meta:
        model = Flag
        fields = [
            "id",
            "kind",
            "severity",
            "program",
            "subject",
            "artist",
            "message",
            "details",
            "occurred_on",
            "due_on",
            "days_past_due",
            "raised_at",
            "resolved_at",
            "open",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The flag's id."},
            "kind": {"help_text": "The rule that raised it (docs/metrics.md, Flags)."},
            "severity": {"help_text": "low, medium or high."},
            "message": {"help_text": "What was found, in one sentence."},
            "details": {"help_text": "The figures behind it; which ones depends on the kind."},
            "occurred_on": {
                "help_text": "The day the thing happened: the contribution's day, the revocation's day (UTC), the "
                "work's submission day; null for undefined terms."
            },
            "due_on": {
                "help_text": "The day pay or a decision came due (the contribution's day plus the payment terms, the "
                "submission plus the approval SLA); null where nothing comes due."
            },
            "raised_at": {"help_text": "When a scan raised it (apart from when the thing happened)."},
            "resolved_at": {"help_text": "When a scan found its condition cleared; null while open."},
        }

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_artist(self, flag) -> str | None:
        label = artist_label(flag)
        return label if label and flag.artist.show_public_name else None


def _day(moment) -> str | None:
    return None if moment is None else moment.date().isoformat()


class FindingSerializer(serializers.Serializer):
    """A public finding (tracker.selectors.public_findings): a program-level finding as it is,
    or a monthly aggregate of findings about artists' records, never one of those records."""

    id = serializers.IntegerField(
        source="flag_id",
        allow_null=True,
        help_text="A program-level finding's id (GET flags/{id}/); null for a monthly aggregate.",
    )
    scope = serializers.SerializerMethodField(
        help_text="program: about the program as a whole; monthly: an aggregate of findings about artists' records."
    )
    program = serializers.CharField(source="program_slug", help_text="Program slug.")
    kind = serializers.ChoiceField(choices=Flag.Kind.choices, help_text="The rule behind it (docs/metrics.md, Flags).")
    severity = serializers.ChoiceField(choices=Flag.Severity.choices, help_text="low, medium or high.")
    month = serializers.SerializerMethodField(
        help_text="YYYY-MM: the calendar month the finding is about (when the thing happened or came due)."
    )
    state = serializers.ChoiceField(
        choices=[("open", "Open"), ("resolved", "Resolved")], help_text="open or resolved (as asked with ?state=)."
    )
    withheld = serializers.BooleanField(
        help_text="True when fewer than MIN_GROUP_SIZE verified artists are behind an aggregate: its counts are null."
    )
    withheld_reason = serializers.SerializerMethodField(help_text="Why the counts are withheld, or empty.")
    artists = count_field("Distinct verified artists concerned (aggregates; null when withheld).")
    findings = count_field(
        "Records concerned: contributions, revoked testers, revocations or works, by kind (null when withheld)."
    )
    contributions = count_field("Contributions concerned (unpaid_feedback, uncompensated_promotion); else null.")
    hours = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        allow_null=True,
        help_text="Sum of those contributions' hours_spent, as a string; null as contributions.",
    )
    message = serializers.CharField(allow_null=True, help_text="What was found (program-level findings); else null.")
    details = serializers.JSONField(
        allow_null=True, help_text="The figures behind a program-level finding, by kind; else null."
    )
    occurred_on = serializers.DateField(
        allow_null=True,
        help_text="The day a program-level finding happened (a mass revocation: the day the wave started); null "
        "for undefined terms and for every monthly aggregate, whose records' days are never public.",
    )
    due_on = serializers.DateField(
        allow_null=True,
        help_text="The day something came due; null for program-level findings (nothing comes due) and for every "
        "monthly aggregate.",
    )
    raised_at = serializers.SerializerMethodField(
        help_text="The day a scan raised a program-level finding, apart from when it happened; else null."
    )
    resolved_at = serializers.SerializerMethodField(
        help_text="The day a scan found a program-level finding's condition cleared; else null."
    )

    @extend_schema_field(serializers.ChoiceField(choices=["program", "monthly"]))
    def get_scope(self, row) -> str:
        return "program" if row["flag_id"] is not None else "monthly"

    @extend_schema_field(serializers.CharField(help_text="YYYY-MM"))
    def get_month(self, row) -> str:
        return month_label(row["month"])

    @extend_schema_field(serializers.CharField(allow_blank=True))
    def get_withheld_reason(self, row) -> str:
        return withheld_reason() if row["withheld"] else ""

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_raised_at(self, row) -> str | None:
        return _day(row["raised_at"])

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_resolved_at(self, row) -> str | None:
        return _day(row["resolved_at"])


class UnpaidWorkSerializer(serializers.Serializer):
    """Unpaid work of one program, month and state with each contribution counted once
    (tracker.unpaid_work), never one of those contributions."""

    program = serializers.CharField(source="program_slug", help_text="Program slug.")
    month = serializers.CharField(source="month_label", help_text="YYYY-MM: the calendar month the pay came due.")
    state = serializers.ChoiceField(choices=[("open", "Open"), ("resolved", "Resolved")], help_text="open or resolved.")
    withheld = serializers.BooleanField(
        help_text="True when fewer than MIN_GROUP_SIZE verified artists are behind it (or behind a part of it one "
        "kind's count would isolate): its counts are null."
    )
    withheld_reason = serializers.CharField(allow_blank=True, help_text="Why the counts are withheld, or empty.")
    artists = count_field("Distinct verified artists with unpaid work (null when withheld).")
    contributions = count_field("Unpaid contributions, each counted once whichever findings it raised.")
    hours = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, help_text="Their hours, each contribution once."
    )
    note = serializers.CharField(help_text="How it is counted, in plain words.")


class WebhookSubscriptionSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    program = SlugRelatedField(
        slug_field="slug",
        queryset=listed_programs(),
        required=False,
        allow_null=True,
        help_text="Only this program's flags (slug); null for every program.",
    )
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=Flag.Kind.choices),
        required=False,
        help_text="Flag kinds to send; empty for every kind.",
    )
    secret = serializers.CharField(
        required=False,
        min_length=16,
        max_length=128,
        write_only=True,
        help_text="HMAC-SHA256 key for X-Tracker-Signature. Generated when absent, and shown once on creation.",
    )

    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "secret", "kinds", "program", "active", "created_at"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {
            "id": {"help_text": "The subscription's id."},
            "active": {"help_text": "Flags are sent only while true."},
            "created_at": {"help_text": "When it was created."},
        }

    def validate_url(self, value):
        if not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("Use an http:// or https:// address.")
        try:
            check_destination(value)
        except DestinationNotAllowed as error:
            raise serializers.ValidationError(str(error)) from None
        return value

    def validate_kinds(self, value):
        if len(set(value)) != len(value):
            raise serializers.ValidationError("A kind is listed twice.")
        return value


class CreatedWebhookSubscriptionSerializer(WebhookSubscriptionSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="HMAC-SHA256 key for X-Tracker-Signature: shown this once, keep it."
    )


class WebhookDeliverySerializer(serializers.ModelSerializer):
    """A delivery as its subscriber may see it: a program-level finding's carries the flag's
    id; a monthly aggregate's (`findings.updated`) carries the month, never a record's id."""

    event = serializers.SerializerMethodField(help_text="flag.raised or findings.updated.")
    flag = serializers.SerializerMethodField(
        help_text="The id of the program-level finding sent (GET /api/v1/flags/{id}/); null for findings.updated."
    )
    program = serializers.CharField(source="flag.program.slug", read_only=True, help_text="Program slug.")
    kind = serializers.ChoiceField(
        source="flag.kind", choices=Flag.Kind.choices, read_only=True, help_text="Flag kind."
    )
    month = serializers.SerializerMethodField(help_text="YYYY-MM: the month a findings.updated event was about.")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "flag",
            "program",
            "kind",
            "month",
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "next_attempt_at",
            "delivered_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The delivery's id."},
            "status": {"help_text": "pending (being tried), delivered or failed (gave up)."},
            "attempts": {"help_text": "Tries so far."},
            "last_status_code": {
                "help_text": "HTTP status of the last try; null before the first or without an answer."
            },
            "last_error": {"help_text": "Why the last try failed; blank if it did not."},
            "next_attempt_at": {"help_text": "When the next try is due, while pending."},
            "delivered_at": {"help_text": "When it was delivered; null until then."},
        }

    @staticmethod
    def _program_level(delivery) -> bool:
        return delivery.flag.kind in PROGRAM_KINDS

    @extend_schema_field(serializers.ChoiceField(choices=[FLAG_RAISED, FINDINGS_UPDATED]))
    def get_event(self, delivery) -> str:
        return FLAG_RAISED if self._program_level(delivery) else FINDINGS_UPDATED

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_flag(self, delivery) -> int | None:
        return delivery.flag_id if self._program_level(delivery) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_month(self, delivery) -> str | None:
        return None if self._program_level(delivery) else month_label(delivery.cell_month)
