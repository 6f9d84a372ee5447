"""The tracker's API serializers for findings: the artist's own flags, the public findings,
unpaid work counted once, and webhook subscriptions and deliveries."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api import RejectUnknownFieldsMixin, SlugRelatedField
from programs.selectors import listed_programs
from tracker.models import Flag, WebhookDelivery, WebhookSubscription
from tracker.selectors import PROGRAM_KINDS, artist_label, month_label, withheld_reason
from tracker.serializers import count_field
from tracker.webhooks import FINDINGS_UPDATED, FLAG_RAISED, DestinationNotAllowed, check_destination

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
