"""What the tracker concludes: flags raised by the scan jobs, a record of each run, and
who hears about new flags (followers by email digest, API clients by webhook)."""

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from pghistory.models import MiddlewareEvents

from config.audit import audit_trail


@audit_trail()
class Flag(models.Model):
    """A finding about a program: raised by a rule, resolved when its condition clears.

    At most one flag per kind and subject is open at a time (a partial unique index), which
    is what makes a second scan change nothing.
    """

    class Kind(models.TextChoices):
        UNPAID_FEEDBACK = "unpaid_feedback", "Unpaid feedback"
        UNCOMPENSATED_PROMOTION = "uncompensated_promotion", "Uncompensated promotion"
        MASS_REVOCATION = "mass_revocation", "Mass revocation"
        REVOKED_WITH_UNPAID_WORK = "revoked_with_unpaid_work", "Revoked with unpaid work"
        REVOKED_WITHOUT_REASON = "revoked_without_reason", "Revoked without a reason"
        APPROVAL_OVERDUE = "approval_overdue", "Approval overdue"
        UNDEFINED_TERMS = "undefined_terms", "Undefined terms"
        PERKS_INSTEAD_OF_PAY = "perks_instead_of_pay", "Perks instead of pay"

    class Severity(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="flags")
    # What the flag is about, e.g. "contribution:17", "enrollment:4", "program:2",
    # "revocations:2:2026-11-02" (a program's mass revocation starting that day).
    subject_key = models.CharField(max_length=80)
    # The one artist a flag is about, if any. Shown only when that artist opted in.
    artist = models.ForeignKey("artists.Artist", null=True, blank=True, on_delete=models.SET_NULL, related_name="flags")
    message = models.CharField(max_length=300)
    details = models.JSONField(default=dict, blank=True)
    # When the thing happened (a contribution's day, a revocation's day in UTC, the day a
    # mass revocation started, a work's submission day) and when pay or a decision came due
    # (null where nothing comes due), apart from when a scan saw it (raised_at).
    occurred_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_key"],
                condition=Q(resolved_at__isnull=True),
                name="flag_one_open_per_kind_subject",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("raised_at")),
                name="flag_resolved_after_raised",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "unpaid_feedback",
                        "uncompensated_promotion",
                        "mass_revocation",
                        "revoked_with_unpaid_work",
                        "revoked_without_reason",
                        "approval_overdue",
                        "undefined_terms",
                        "perks_instead_of_pay",
                    ]
                ),
                name="flag_kind_valid",
            ),
            models.CheckConstraint(condition=Q(severity__in=["low", "medium", "high"]), name="flag_severity_valid"),
        ]
        indexes = [
            models.Index(fields=["program", "kind", "resolved_at"]),
            # One program's open flags (the flag feed's part of a program, tracker.feed): without
            # it the planner reads every open flag of the kinds through the unique index below.
            models.Index(
                fields=["program", "kind"], condition=Q(resolved_at__isnull=True), name="flag_open_by_program"
            ),
            models.Index(fields=["raised_at"]),
            models.Index(fields=["artist", "resolved_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.message}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def finding_on(self):
        """The day the finding is about: when the thing came due, else when it happened."""
        return self.due_on or self.occurred_on

    @property
    def days_past_due(self) -> int | None:
        """Whole days since the due day while the flag is open (1 on the day after); else None."""
        if self.due_on is None or not self.is_open:
            return None
        return max((timezone.now().date() - self.due_on).days, 0)


class JobRun(models.Model):
    """One run of the flag scan (all rules or one). A run that never finished was killed."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    rule = models.CharField(max_length=32, help_text="The rule run, or 'all'.")
    trigger = models.CharField(max_length=16, default="schedule", help_text="schedule, command, admin or api.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    raised = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["status", "-finished_at"])]

    # Longer than the scan task's hard time limit: a run still "running" after this was killed.
    INTERRUPTED_AFTER = timezone.timedelta(minutes=15)

    def __str__(self) -> str:
        return f"{self.rule} run at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def state(self) -> str:
        """succeeded, failed, running, or interrupted (running for longer than any run may)."""
        if self.status == self.Status.RUNNING and self.started_at < timezone.now() - self.INTERRUPTED_AFTER:
            return "interrupted"
        return self.status


class Follow(models.Model):
    """An advocate follows a program and gets a daily digest of its new flags."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(default=timezone.now)
    # Flags raised after this went into a digest already (or the follow is newer than them).
    digest_sent_until = models.DateTimeField(default=timezone.now)
    # The user's last visit to the Following page, and what it showed of the program then:
    # only published values (tracker.following), so a change never reveals a withheld one.
    last_seen_at = models.DateTimeField(null=True, blank=True)
    seen_figures = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["program__name"]
        constraints = [models.UniqueConstraint(fields=["user", "program"], name="follow_one_per_user_program")]

    def __str__(self) -> str:
        return f"{self.user} follows {self.program}"


def _all_kinds() -> list[str]:
    return []


class WebhookSubscription(models.Model):
    """An API client's endpoint that receives each new flag as a signed JSON POST."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500, help_text="Where new flags are POSTed (http or https).")
    secret = models.CharField(max_length=128, help_text="Shared secret for the X-Tracker-Signature HMAC-SHA256 header.")
    kinds = ArrayField(
        models.CharField(max_length=32, choices=Flag.Kind.choices),
        default=_all_kinds,
        blank=True,
        help_text="Flag kinds to send; empty means every kind.",
    )
    program = models.ForeignKey(
        "programs.Program",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhooks",
        help_text="Only this program's flags; blank for every program.",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(url__regex=r"^https?://"), name="webhook_url_http"),
            models.CheckConstraint(condition=~Q(secret=""), name="webhook_secret_not_blank"),
        ]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One flag sent (or to be sent) to one subscription, with its attempts."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "flag"], name="webhook_delivery_one_per_flag"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "delivered", "failed"]), name="webhook_delivery_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.flag_id} → {self.subscription}"


class AuditEvent(MiddlewareEvents):
    """The audit trail, read across every `<Model>Audit` table (config/audit.py): one row per
    insert, update or delete of a tracked record, with who (the request's user) and where
    (the path). Nothing stores it: it is a view for the admin (tracker/admin_audit.py)."""

    class Meta:
        proxy = True
        verbose_name = "audit trail entry"
        verbose_name_plural = "audit trail"


class ProgramChange(models.Model):
    """When the records behind one program's figures last changed, kept by statement-level
    triggers (migration tracker/0007) on every table behind the figures and flags, however a
    write is made. Caches key a program's figures by its `version`, so a write to one program
    leaves every other program's figures cached; the flag scan looks again only at programs
    whose `source_version` (a change to the records the rules read: not the flags a scan
    writes itself) passed the one it last scanned, or whose deadlines may have passed since.

    Versions come from the data-version sequence (tracker/0003), so they only grow. A row
    is kept for a deleted program (no foreign key: the triggers of a cascade would write it
    back); it is never read again.
    """

    program_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)
    source_version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)
    # The flag scan's bookmark: the source_version it last scanned, and when.
    scanned_version = models.BigIntegerField(default=0)
    scanned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"program {self.program_id} at version {self.version}"


REPLY_MAX_LENGTH = 4000


@audit_trail()
class Reply(models.Model):
    """An organization's public reply to one program's figures, or to one program-level
    finding (a Flag of a kind in tracker.selectors.PROGRAM_KINDS) about it: its right of reply.
    Shown beside the figures, never inside them: a reply changes, hides or annotates no figure
    and no artist's record. Written only by tracker.services_replies; each edit keeps the text
    it replaced as a ReplyRevision. Staff may hide an abusive reply, with a reason shown in
    its place."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="replies")
    finding = models.ForeignKey(
        Flag,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        help_text="The program-level finding answered; blank for a reply to the program's figures.",
    )
    # Never shown publicly: a reply is signed by the organization, not by a person.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="replies")
    body = models.TextField(max_length=REPLY_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, help_text="When the current text was written.")
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "replies"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="reply_hidden_has_reason",
                violation_error_message="A hidden reply needs the reason it was hidden.",
            ),
            models.CheckConstraint(
                condition=Q(LessThanOrEqual(Length("body"), REPLY_MAX_LENGTH)) & ~Q(body=""),
                name="reply_body_length",
            ),
            models.CheckConstraint(condition=Q(updated_at__gte=F("created_at")), name="reply_updated_after_created"),
        ]
        indexes = [models.Index(fields=["program", "created_at"])]

    def __str__(self) -> str:
        return f"Reply {self.pk} on {self.program}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def edited(self) -> bool:
        return self.updated_at > self.created_at


class ReplyRevision(models.Model):
    """A text a reply had before an edit, with when it was written and when it was replaced:
    the reply's public history. Who edited is not kept here (the audit trail has it for staff)."""

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(max_length=REPLY_MAX_LENGTH)
    written_at = models.DateTimeField()
    replaced_at = models.DateTimeField()

    class Meta:
        ordering = ["-written_at", "-id"]
        indexes = [models.Index(fields=["reply", "written_at"])]

    def __str__(self) -> str:
        return f"Text of reply {self.reply_id} written {self.written_at:%Y-%m-%d %H:%M}"


# Lower case letters and digits without the ones misread in print (0/o, 1/l/i).
SNAPSHOT_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def snapshot_public_id() -> str:
    """A snapshot's public id: 14 characters from a 31-letter alphabet (about 69 bits),
    random, so that one snapshot's id tells nothing about another's."""
    return "".join(secrets.choice(SNAPSHOT_ID_ALPHABET) for _ in range(14))


class SnapshotChangeRefused(Exception):
    """A snapshot is never changed once taken."""


class Snapshot(models.Model):
    """'Cite this': a program's published figures, headlines and charts for a period, frozen
    as they were served (tracker.snapshots). Never updated: `save()` refuses to, and a
    database trigger refuses any UPDATE however it is made (migration 0011). Staff may
    delete one in the admin."""

    public_id = models.CharField(max_length=20, unique=True, default=snapshot_public_id, editable=False)
    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="snapshots")
    # The period's label as the pages' forms read it: "all", "2026", "2026-Q1", "2026-03".
    period = models.CharField(max_length=16)
    period_label = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)
    # When the figures were computed from the records (a page may serve figures computed a
    # little before the latest write while new ones are computed: their time, not now).
    data_as_of = models.DateTimeField()
    methodology_version = models.CharField(max_length=16)
    # The program's stats answer for the period, exactly as served (GET /api/v1/stats/programs/{slug}/).
    figures = models.JSONField()
    # The charts shown on the page: each panel's title, SVG, summary, note and table.
    charts = models.JSONField(default=list)
    # A digest of the program, period, methodology, figures and charts: a second "Cite this"
    # of the same figures returns the snapshot already taken.
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "period", "content_hash"], name="snapshot_one_per_content"),
        ]

    def __str__(self):
        return f"{self.program} · {self.period_label} · {self.public_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise SnapshotChangeRefused("A snapshot is never changed once taken.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)
