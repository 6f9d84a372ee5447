from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.functions import RandomUUID
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.crypto import constant_time_compare
from django_otp.models import Device, ThrottlingMixin

from config.audit import audit_trail

handle_validator = RegexValidator(
    r"^[A-Za-z0-9_.-]{3,40}$",
    "A handle is 3 to 40 letters, digits, dots, dashes or underscores.",
)


class Artist(models.Model):
    """A tester. Known publicly by a pseudonymous handle unless they opt in to a public name."""

    class Reminders(models.TextChoices):
        NONE = "none", "No reminders"
        WEEKLY = "weekly", "Weekly, when I have logged nothing that week in a program where I am active"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="artist"
    )
    handle = models.CharField(max_length=40, unique=True, validators=[handle_validator])
    public_name = models.CharField(max_length=120, blank=True)
    show_public_name = models.BooleanField(
        default=False, help_text="The artist opted in to being shown by their public name."
    )
    disciplines = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    country = models.CharField(
        max_length=2,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", "Use a two-letter ISO 3166 country code such as FR.")],
    )
    erased_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the artist erased their account."
    )
    reminders = models.CharField(
        max_length=8, choices=Reminders.choices, default=Reminders.NONE, db_default=Reminders.NONE
    )
    # A random key that names the artist in the signed "stop reminders" link of their emails
    # (artists/reminders.py), so that link carries neither their id nor their email address.
    reminders_key = models.UUIDField(db_default=RandomUUID(), unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["handle"]
        constraints = [
            models.CheckConstraint(condition=Q(reminders__in=["none", "weekly"]), name="artist_reminders_valid"),
            models.UniqueConstraint(
                Lower("handle"), name="artist_handle_unique_ci", violation_error_message="This handle is taken."
            ),
            models.CheckConstraint(
                condition=Q(handle__regex=r"^[A-Za-z0-9_.-]{3,40}$"),
                name="artist_handle_format",
                violation_error_message="A handle is 3 to 40 letters, digits, dots, dashes or underscores.",
            ),
            models.CheckConstraint(
                condition=Q(show_public_name=False) | ~Q(public_name=""),
                name="artist_public_name_when_shown",
                violation_error_message="Give a public name before choosing to show it.",
            ),
        ]

    def __str__(self) -> str:
        return self.handle

    @property
    def display_name(self) -> str:
        """What others may see: the public name only when the artist opted in."""
        if self.show_public_name and self.public_name:
            return self.public_name
        return self.handle


@audit_trail(exclude=("title", "description"))
class Work(models.Model):
    """A creation an artist submitted to a program for approval."""

    class Medium(models.TextChoices):
        VIDEO = "video", "Video"
        IMAGE = "image", "Image"
        AUDIO = "audio", "Audio"
        TEXT = "text", "Text"
        MIXED = "mixed", "Mixed media"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        SHOWCASED = "showcased", "Showcased"
        WITHDRAWN = "withdrawn", "Withdrawn"

    enrollment = models.ForeignKey("programs.Enrollment", on_delete=models.CASCADE, related_name="works")
    title = models.CharField(max_length=200)
    medium = models.CharField(max_length=16, choices=Medium.choices, default=Medium.VIDEO)
    description = models.TextField(blank=True)
    submitted_at = models.DateTimeField()
    # The outcome and time of the first decision, kept in step by artists.services.record_decision.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, editable=False)
    first_decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending", first_decided_at__isnull=True)
                | (
                    ~Q(status="pending")
                    & Q(first_decided_at__isnull=False)
                    & Q(first_decided_at__gte=F("submitted_at"))
                ),
                name="work_status_matches_first_decision",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["pending", "approved", "rejected", "changes_requested", "showcased", "withdrawn"]
                ),
                name="work_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["enrollment", "submitted_at"]),
            models.Index(fields=["status", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return self.title


@audit_trail(exclude=("reason",))
class ApprovalDecision(models.Model):
    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        SHOWCASED = "showcased", "Showcased"
        WITHDRAWN = "withdrawn", "Withdrawn"

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    decided_at = models.DateTimeField()
    reason = models.TextField(blank=True, help_text="The reason given; blank when none was given.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["approved", "rejected", "changes_requested", "showcased", "withdrawn"]),
                name="decision_outcome_valid",
            ),
        ]
        indexes = [models.Index(fields=["work", "decided_at"])]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.decided_at:%Y-%m-%d}"


class ReminderSent(models.Model):
    """One weekly reminder emailed to an artist: at most one per artist and ISO week, which
    the unique constraint holds even when two runs of the job race."""

    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="reminders_sent")
    week = models.DateField(help_text="The Monday (UTC) of the ISO week the reminder is about.")
    sent_at = models.DateTimeField()
    programs = models.PositiveSmallIntegerField(help_text="How many programs the email named.")

    class Meta:
        ordering = ["-week", "artist"]
        constraints = [
            models.UniqueConstraint(fields=["artist", "week"], name="reminder_one_per_artist_week"),
            models.CheckConstraint(condition=Q(week__week_day=2), name="reminder_week_is_a_monday"),
        ]

    def __str__(self) -> str:
        return f"Reminder to {self.artist} for the week of {self.week:%Y-%m-%d}"


class RecoveryCodes(ThrottlingMixin, Device):
    """An account's set of one-time recovery codes, as a django-otp device so that its
    matching and per-account throttling are django-otp's own. Only a keyed SHA-256 digest
    of each code is stored (artists.twofactor): a copy of the database lets nobody sign in."""

    salt = models.CharField(max_length=32, help_text="Mixed into each code's digest, new with every set.")
    digests = ArrayField(models.CharField(max_length=64), default=list, blank=True)

    class Meta(Device.Meta):
        verbose_name = "recovery code set"
        constraints = [models.UniqueConstraint(fields=["user"], name="recovery_codes_one_set_per_user")]

    # The wait stops doubling at factor × 2^9 s (8.5 minutes by default): the recovery page
    # needs only a username, and an endless doubling would let anyone who knows it keep the
    # owner out. At one guess per wait, 50-bit codes stay out of reach.
    MAX_THROTTLE_DOUBLINGS = 10

    def get_throttle_factor(self) -> int:
        return settings.RECOVERY_CODE_THROTTLE_FACTOR

    def throttle_increment(self, commit=True):
        super().throttle_increment(commit=False)
        self.throttling_failure_count = min(self.throttling_failure_count, self.MAX_THROTTLE_DOUBLINGS)
        if commit:
            self.save()

    def verify_token(self, token) -> bool:
        """Use up `token` if it is one of the set's unused codes. django-otp's throttle
        refuses to look while the account waits out its last wrong codes."""
        from artists.twofactor import recovery_code_digest

        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        digest = recovery_code_digest(salt=self.salt, code=token)
        matching = [d for d in self.digests if constant_time_compare(d, digest)]
        if not matching:
            self.throttle_increment(commit=True)
            return False
        self.digests = [d for d in self.digests if d != matching[0]]
        self.throttle_reset(commit=False)
        self.save()
        return True
