from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from config.audit import audit_trail

MAX_HOURS_PER_ENTRY = Decimal("24")


class Contribution(models.Model):
    """Something an artist gave a program: feedback, a bug report, promotion, an interview …"""

    class Kind(models.TextChoices):
        FEEDBACK_SESSION = "feedback_session", "Feedback session"
        BUG_REPORT = "bug_report", "Bug report"
        SURVEY = "survey", "Survey"
        EXPLORATION = "exploration", "Exploration"
        PROMOTION = "promotion", "Promotion"
        SHOWCASE_EVENT = "showcase_event", "Showcase event"
        INTERVIEW = "interview", "Interview"
        OTHER = "other", "Other"

    enrollment = models.ForeignKey("programs.Enrollment", on_delete=models.CASCADE, related_name="contributions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    hours_spent = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.01"), "Hours spent must be more than 0."),
            MaxValueValidator(MAX_HOURS_PER_ENTRY, "Hours spent cannot be more than 24 in one entry."),
        ],
    )
    occurred_on = models.DateField()
    requested_by_program = models.BooleanField(default=False, help_text="The program asked for this work.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept by database triggers from the contribution's allocations (migration feedback/0004),
    # however those are written, so the figures read a column instead of aggregating every
    # allocation per contribution: the cash-equivalent pay allocated to it, and the first day
    # such pay (more than 0) was made, which is null while it is unpaid ("compensated").
    allocated_cash = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0.00"), db_default=Decimal("0.00"), editable=False
    )
    first_cash_paid_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_spent__gt=0) & Q(hours_spent__lte=MAX_HOURS_PER_ENTRY),
                name="contribution_hours_in_range",
                violation_error_message="Hours spent must be more than 0 and at most 24.",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "feedback_session",
                        "bug_report",
                        "survey",
                        "exploration",
                        "promotion",
                        "showcase_event",
                        "interview",
                        "other",
                    ]
                ),
                name="contribution_kind_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["enrollment", "occurred_on"]),
            models.Index(fields=["kind", "occurred_on"]),
        ]

    def __str__(self) -> str:
        return self.title


@audit_trail(exclude=("note",))
class Compensation(models.Model):
    """Money or a thing of value given for an enrollment, in the program's currency."""

    class Kind(models.TextChoices):
        CASH = "cash", "Cash"
        STIPEND = "stipend", "Stipend"
        CREDITS = "credits", "Credits"
        FREE_ACCESS = "free_access", "Free access"
        GIFT = "gift", "Gift"
        OTHER = "other", "Other"

    # Only these count as pay; credits, free access and gifts are counted separately.
    CASH_EQUIVALENT_KINDS = (Kind.CASH, Kind.STIPEND)

    enrollment = models.ForeignKey("programs.Enrollment", on_delete=models.CASCADE, related_name="compensations")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    amount = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"), "The amount cannot be negative.")],
    )
    paid_on = models.DateField()
    note = models.TextField(blank=True)
    contributions = models.ManyToManyField(
        "Contribution", through="CompensationAllocation", related_name="compensations", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="compensation_amount_not_negative",
                violation_error_message="The amount cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["cash", "stipend", "credits", "free_access", "gift", "other"]),
                name="compensation_kind_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["enrollment", "paid_on"]),
            models.Index(fields=["kind", "paid_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} on {self.paid_on}"

    @property
    def is_cash_equivalent(self) -> bool:
        return self.kind in self.CASH_EQUIVALENT_KINDS


@audit_trail()
class CompensationAllocation(models.Model):
    """The part of a compensation that pays for one contribution.

    The database refuses allocations whose total exceeds their compensation, and
    allocations to a contribution of another enrollment (see migration 0002's triggers).
    """

    compensation = models.ForeignKey(Compensation, on_delete=models.CASCADE, related_name="allocations")
    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="allocations")
    amount = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"), "An allocation cannot be negative.")],
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["compensation", "contribution"],
                name="allocation_one_per_compensation_contribution",
                violation_error_message="This contribution is already allocated from this compensation.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="allocation_amount_not_negative",
                violation_error_message="An allocation cannot be negative.",
            ),
        ]
        indexes = [models.Index(fields=["contribution", "compensation"])]

    def __str__(self) -> str:
        return f"{self.amount} to {self.contribution_id}"
