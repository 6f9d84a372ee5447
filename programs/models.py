from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from config.audit import audit_trail
from programs.evidence import MAX_FILE_BYTES, evidence_storage, evidence_upload_to


@audit_trail()
class Organization(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    valuation_usd = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Latest reported valuation in US dollars, if known.",
    )
    website = models.URLField(blank=True)
    is_listed = models.BooleanField(
        default=True, help_text="Shown publicly. Organizations named in an artist's proposal wait for staff."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valuation_usd__isnull=True) | Q(valuation_usd__gte=0),
                name="organization_valuation_not_negative",
                violation_error_message="Valuation cannot be negative.",
            ),
            models.UniqueConstraint(Lower("name"), name="organization_name_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name


@audit_trail()
class Program(models.Model):
    class Status(models.TextChoices):
        ANNOUNCED = "announced", "Announced"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="programs")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ANNOUNCED)
    description = models.TextField(blank=True)
    opened_on = models.DateField(null=True, blank=True, help_text="First day testers had access.")
    closed_on = models.DateField(null=True, blank=True)
    currency = models.CharField(
        max_length=3,
        default="USD",
        validators=[RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO 4217 code such as USD.")],
    )
    reference_hourly_rate = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Fair hourly rate for this program; the FAIR_HOURLY_RATE setting when blank.",
    )
    payment_terms_days = models.PositiveIntegerField(
        default=30, help_text="Days within which the program promises to pay for work."
    )
    approval_sla_days = models.PositiveIntegerField(
        default=14, help_text="Days within which the program promises to decide on a submitted work."
    )
    responsible_use_definition = models.TextField(blank=True)
    confidential_content_definition = models.TextField(blank=True)
    promotion_required = models.BooleanField(default=False)
    announcement_url = models.URLField(blank=True, help_text="Where the program was announced.")
    is_listed = models.BooleanField(
        default=True, help_text="Shown publicly. A program an artist proposed waits for staff approval."
    )
    proposed_by = models.ForeignKey(
        "artists.Artist",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposed_programs",
        help_text="The artist who proposed this program; they can use it before it is listed.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reference_hourly_rate__isnull=True) | Q(reference_hourly_rate__gte=0),
                name="program_reference_rate_not_negative",
                violation_error_message="The reference hourly rate cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(opened_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="program_closes_after_opening",
                violation_error_message="A program cannot close before it opened.",
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="program_currency_iso_code",
                violation_error_message="Currency must be a three-letter ISO 4217 code.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["announced", "active", "suspended", "closed"]),
                name="program_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["is_listed", "name"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def effective_reference_rate(self) -> Decimal:
        """The program's own reference rate, or the platform default."""
        if self.reference_hourly_rate is not None:
            return self.reference_hourly_rate
        return settings.FAIR_HOURLY_RATE

    @property
    def terms_defined(self) -> bool:
        return bool(self.responsible_use_definition.strip() and self.confidential_content_definition.strip())


@audit_trail(exclude=("verification_reason",))
class Enrollment(models.Model):
    """An artist's tester access to a program. Its status mirrors its latest AccessEvent."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        REVOKED = "revoked", "Revoked"

    class Verification(models.TextChoices):
        """Whether a reviewer has seen the artist's evidence that they really were a tester.
        Only verified enrollments count in public figures and toward privacy floors, so
        accounts made to lift a program over the floor lift nothing."""

        UNVERIFIED = "unverified", "Unverified"
        PENDING = "pending", "Pending review"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrollments")
    artist = models.ForeignKey("artists.Artist", on_delete=models.CASCADE, related_name="enrollments")
    granted_on = models.DateField(null=True, blank=True)
    # Kept in step with the latest AccessEvent by programs.services.record_access_event,
    # the only writer of access events, so dashboards can filter and count by it.
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.INVITED, editable=False)
    verification = models.CharField(
        max_length=16, choices=Verification.choices, default=Verification.UNVERIFIED, editable=False
    )
    # The last reviewer's decision (its history is in VerificationDecision), written only by
    # programs.services.decide_verification.
    verification_reason = models.TextField(
        blank=True, editable=False, help_text="The reviewer's reason for the last decision; the artist sees it."
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The reviewer who made the last decision.",
    )
    verification_decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program", "id"]
        permissions = [("verify_enrollment", "Can review evidence and verify or reject an enrollment")]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "artist"],
                name="enrollment_one_per_program_artist",
                violation_error_message="This artist is already enrolled in this program.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["invited", "active", "suspended", "revoked"]),
                name="enrollment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(verification__in=["unverified", "pending", "verified", "rejected"]),
                name="enrollment_verification_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["active", "suspended"]) | Q(granted_on__isnull=False),
                name="enrollment_granted_has_date",
                violation_error_message="An enrollment with access needs the date access was granted.",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "status"]),
            models.Index(fields=["program", "verification"]),
            models.Index(fields=["artist", "program"]),
        ]

    def __str__(self) -> str:
        return f"{self.artist} in {self.program}"


class EnrollmentReview(Enrollment):
    """Enrollments as reviewers see them in the admin: the verification queue."""

    class Meta:
        proxy = True
        verbose_name = "enrollment"
        verbose_name_plural = "verification queue"


@audit_trail(exclude=("note", "file", "original_filename"))
class EnrollmentEvidence(models.Model):
    """Something the artist gives to show they really were a tester: a note, and perhaps a
    file (the invitation email, say). Files are private: see programs/evidence.py."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="evidence")
    note = models.TextField(help_text="What this shows, in the artist's words.")
    file = models.FileField(storage=evidence_storage, upload_to=evidence_upload_to, blank=True, max_length=200)
    original_filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=40, blank=True, help_text="Judged from the file's first bytes.")
    size = models.PositiveIntegerField(default=0, help_text="In bytes.")
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "enrollment evidence"
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & Q(content_type="") & Q(size=0))
                | (~Q(file="") & ~Q(content_type="") & Q(size__gt=0, size__lte=MAX_FILE_BYTES)),
                name="evidence_file_described",
            ),
        ]
        indexes = [models.Index(fields=["enrollment", "uploaded_at"])]

    def __str__(self) -> str:
        return f"Evidence given {self.uploaded_at:%Y-%m-%d %H:%M}"


@audit_trail(exclude=("reason",))
class VerificationDecision(models.Model):
    """Append-only history of reviewers' decisions on an enrollment. Written only by services."""

    class Decision(models.TextChoices):
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="verification_decisions")
    decision = models.CharField(max_length=16, choices=Decision.choices)
    reason = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=["verified", "rejected"]), name="verification_decision_valid"
            ),
            models.CheckConstraint(
                condition=~Q(decision="rejected") | ~Q(reason=""),
                name="verification_rejection_has_reason",
                violation_error_message="A rejection needs a reason.",
            ),
        ]
        indexes = [models.Index(fields=["enrollment", "decided_at"])]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.decided_at:%Y-%m-%d}"


@audit_trail(exclude=("reason",))
class AccessEvent(models.Model):
    """Append-only history of an enrollment's access. Written only by services."""

    class Kind(models.TextChoices):
        INVITED = "invited", "Invited"
        GRANTED = "granted", "Granted"
        SUSPENDED = "suspended", "Suspended"
        REINSTATED = "reinstated", "Reinstated"
        REVOKED = "revoked", "Revoked"

    class Actor(models.TextChoices):
        PROGRAM = "program", "The program"
        ARTIST = "artist", "The artist"
        STAFF = "staff", "Tracker staff"

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="access_events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    occurred_at = models.DateTimeField()
    actor = models.CharField(
        max_length=16, choices=Actor.choices, default=Actor.PROGRAM, help_text="Who made the change."
    )
    reason = models.TextField(blank=True, help_text="The reason stated; blank when none was given.")
    notice_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Days of notice given before the change; blank when unknown."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["invited", "granted", "suspended", "reinstated", "revoked"]),
                name="access_event_kind_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["enrollment", "occurred_at"]),
            models.Index(fields=["kind", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"

    # The enrollment status each kind of event leads to.
    RESULTING_STATUS = {
        Kind.INVITED: Enrollment.Status.INVITED,
        Kind.GRANTED: Enrollment.Status.ACTIVE,
        Kind.SUSPENDED: Enrollment.Status.SUSPENDED,
        Kind.REINSTATED: Enrollment.Status.ACTIVE,
        Kind.REVOKED: Enrollment.Status.REVOKED,
    }


@audit_trail()
class Representative(models.Model):
    """A user account that speaks for an organization: staff link it in the admin. A
    representative may post public replies to the figures and findings of the organization's
    programs (tracker.services_replies); a reply never changes a figure or an artist's record."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="representing")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="representatives")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["organization", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                name="representative_one_per_user_organization",
                violation_error_message="This account already represents this organization.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} for {self.organization}"
