"""Admin for organizations, programs and their terms, enrollments and access history, and
the verification queue.

Access history and verification decisions are append-only and written only by
programs.services, so the admin enrols, revokes, verifies and rejects through those
functions and shows their rows read-only. The verification queue is open to reviewers:
staff, and staff accounts given programs.verify_enrollment without any other permission.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from config.forms import add_service_errors
from programs import services
from programs.evidence import is_reviewer
from programs.models import (
    AccessEvent,
    Enrollment,
    EnrollmentEvidence,
    EnrollmentReview,
    Organization,
    Program,
    Representative,
    VerificationDecision,
)
from programs.selectors import REVIEW_ORDER, review_queue


class ReadOnlyTabularInline(admin.TabularInline):
    """Related rows shown for reference: nothing is added, changed or deleted here."""

    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ViewOnlyAdmin(admin.ModelAdmin):
    """For records written only by services: staff may look, not add, change or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProgramInline(ReadOnlyTabularInline):
    model = Program
    fields = ("name", "status", "opened_on", "currency", "promotion_required")


class RepresentativeInline(admin.TabularInline):
    """The accounts that speak for the organization: each may post public replies to the
    figures and findings of its programs (the right of reply). Removing one ends that."""

    model = Representative
    fields = ("user", "created_at", "created_by")
    readonly_fields = ("created_at", "created_by")
    raw_id_fields = ("user",)
    extra = 0
    verbose_name_plural = "Representatives (may reply publicly for the organization)"


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "valuation_usd", "website", "is_listed", "program_count")
    list_filter = ("is_listed",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = (RepresentativeInline, ProgramInline)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(program_count=Count("programs"))

    def save_formset(self, request, form, formset, change):
        if formset.model is Representative:
            for representative in formset.save(commit=False):
                if representative.pk is None:
                    representative.created_by = request.user
                representative.save()
            for removed in formset.deleted_objects:
                removed.delete()
            return
        super().save_formset(request, form, formset, change)

    @admin.display(description="Programs", ordering="program_count")
    def program_count(self, obj):
        return obj.program_count


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "organization",
        "status",
        "opened_on",
        "currency",
        "payment_terms_days",
        "approval_sla_days",
        "promotion_required",
        "terms_defined",
        "is_listed",
        "proposed_by",
    )
    list_filter = ("is_listed", "status", "organization", "promotion_required", "currency")
    list_select_related = ("organization", "proposed_by")
    search_fields = ("name", "slug", "organization__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("organization",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # Listing goes through the action below, which lists a proposal's organization with it.
    readonly_fields = ("created_at", "updated_at", "is_listed", "proposed_by")
    actions = ("list_publicly",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "organization", "status", "description")}),
        ("Listing", {"fields": ("is_listed", "proposed_by", "announcement_url")}),
        ("Dates", {"fields": ("opened_on", "closed_on", "created_at", "updated_at")}),
        (
            "Terms",
            {
                "fields": (
                    "currency",
                    "payment_terms_days",
                    "approval_sla_days",
                    "reference_hourly_rate",
                    "responsible_use_definition",
                    "confidential_content_definition",
                    "promotion_required",
                )
            },
        ),
    )

    @admin.display(description="Terms defined", boolean=True)
    def terms_defined(self, obj):
        return obj.terms_defined

    @admin.action(description="List selected programs publicly", permissions=["change"])
    def list_publicly(self, request, queryset):
        listed = services.approve_programs(programs=queryset)
        self.message_user(
            request, f"Listed {listed} program(s) publicly, with their organizations.", level=messages.SUCCESS
        )


class _TrialRun(Exception):
    """Raised to roll back a trial enrolment once it has passed every check."""


class EnrollmentAddForm(forms.ModelForm):
    class Meta:
        model = Enrollment
        fields = ("artist", "program", "granted_on")
        help_texts = {
            "granted_on": "The day access was granted. Leave blank to record an invitation sent now.",
        }

    def full_clean(self):
        super().full_clean()
        if self.is_bound and not self._errors:
            self._check_with_service()

    def _check_with_service(self):
        # Enrolment rules live in enrol_artist; trying it in a savepoint that is always rolled
        # back shows its refusals as form errors. The admin then enrols for real in save_model.
        try:
            with transaction.atomic():
                services.enrol_artist(
                    program=self.cleaned_data["program"],
                    artist=self.cleaned_data["artist"],
                    granted_on=self.cleaned_data.get("granted_on"),
                )
                raise _TrialRun
        except _TrialRun:
            pass
        except ValidationError as error:
            add_service_errors(self, error)


VERIFICATION_FIELDS = ["verification", "verification_reason", "verified_by", "verification_decided_at"]


class AccessEventInline(ReadOnlyTabularInline):
    model = AccessEvent
    fields = ("kind", "occurred_at", "actor", "reason", "notice_days", "recorded_by")
    ordering = ("occurred_at", "id")
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ("artist", "program", "status", "granted_on", "verification")
    list_filter = ("status", "verification", "program")
    list_select_related = ("artist", "program")
    search_fields = ("artist__handle", "program__name")
    autocomplete_fields = ("artist", "program")
    inlines = (AccessEventInline,)
    actions = ("revoke_selected",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["artist", "program", "granted_on"]
        return ["artist", "program", "status", "granted_on", "created_at", *VERIFICATION_FIELDS]

    def has_change_permission(self, request, obj=None):
        # An enrollment changes only through access events that programs.services records,
        # as the revoke action does; its own page is view-only. Status and the grant date
        # follow from that history.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Deleting an enrollment would take its access history, contributions, works and
        # payments with it; the record is kept. (This also keeps an artist from being
        # deleted here with their ledger: erasure has its own service.)
        return False

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = EnrollmentAddForm
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        # Only new enrollments are saved here (existing ones are view-only), and the access
        # history begins with them; the form has already run the same call as a trial.
        enrollment = services.enrol_artist(
            program=obj.program, artist=obj.artist, granted_on=obj.granted_on, recorded_by=request.user
        )
        obj.pk = enrollment.pk
        obj.refresh_from_db()
        obj._state.adding = False

    @admin.action(description="Revoke selected enrollments", permissions=["change"])
    def revoke_selected(self, request, queryset):
        try:
            revoked = services.revoke_many(
                enrollments=queryset,
                occurred_at=timezone.now(),
                actor=AccessEvent.Actor.STAFF,
                reason="Revoked by tracker staff in the admin",
                recorded_by=request.user,
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), level=messages.ERROR)
            return
        self.message_user(request, f"Revoked {revoked} enrollment(s).", level=messages.SUCCESS)


@admin.register(AccessEvent)
class AccessEventAdmin(ViewOnlyAdmin):
    list_display = ("enrollment", "kind", "occurred_at", "actor", "reason_given", "notice_days")
    list_filter = ("kind", "actor", "enrollment__program")
    list_select_related = ("enrollment__artist", "enrollment__program")
    search_fields = ("enrollment__artist__handle", "enrollment__program__name", "reason")
    date_hierarchy = "occurred_at"

    @admin.display(description="Reason given", boolean=True)
    def reason_given(self, obj):
        return bool(obj.reason)


# The verification queue.


class ReviewerInline(ReadOnlyTabularInline):
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        return is_reviewer(request.user)


class EvidenceInline(ReviewerInline):
    model = EnrollmentEvidence
    fields = ("uploaded_at", "note", "download", "file_size")
    ordering = ("uploaded_at", "id")
    verbose_name_plural = "Evidence the artist gave"

    @admin.display(description="Size")
    def file_size(self, obj):
        return filesizeformat(obj.size) if obj.file else "—"

    @admin.display(description="File")
    def download(self, obj):
        # Through the download that checks who asks: files have no address of their own.
        if not obj.file:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("evidence-file", args=[obj.pk]), obj.original_filename)


class VerificationDecisionInline(ReviewerInline):
    model = VerificationDecision
    fields = ("decided_at", "decision", "reason", "reviewer")
    ordering = ("decided_at", "id")
    verbose_name_plural = "Decisions so far"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer")


class VerificationActionForm(ActionForm):
    reason = forms.CharField(
        required=False,
        label="Reason:",
        widget=forms.TextInput(attrs={"size": 40, "placeholder": "Needed to reject; the artist sees it"}),
    )


@admin.register(EnrollmentReview)
class EnrollmentReviewAdmin(ViewOnlyAdmin):
    """Reviewers look at each artist's evidence and verify or reject (through the actions,
    never by editing); pending ones first."""

    list_display = ("artist", "program", "verification", "evidence_count", "last_evidence_at", "decided")
    list_filter = ("verification", "program")
    list_select_related = ("artist", "program")
    search_fields = ("artist__handle", "program__name")
    # The handle and program as text: a reviewer may not open the artist or program pages.
    fields = ("handle", "program_name", "status", "granted_on", *VERIFICATION_FIELDS)
    readonly_fields = fields
    inlines = (EvidenceInline, VerificationDecisionInline)
    actions = ("verify_selected", "reject_selected")
    action_form = VerificationActionForm
    # Pending first. The full order (then the longest waiting) sorts on an annotation, which
    # the admin's checks do not know, so it comes from get_ordering.
    ordering = REVIEW_ORDER[:1]

    def get_queryset(self, request):
        return review_queue().annotate(evidence_count=Count("evidence", distinct=True))

    def get_ordering(self, request):
        return REVIEW_ORDER

    def has_module_permission(self, request):
        return is_reviewer(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_reviewer(request.user)

    def has_verify_permission(self, request):
        return is_reviewer(request.user)

    @admin.display(description="Artist")
    def handle(self, obj):
        return obj.artist.handle

    @admin.display(description="Program")
    def program_name(self, obj):
        return obj.program.name

    @admin.display(description="Evidence", ordering="evidence_count")
    def evidence_count(self, obj):
        return obj.evidence_count

    @admin.display(description="Latest evidence", ordering="last_evidence_at")
    def last_evidence_at(self, obj):
        return obj.last_evidence_at

    @admin.display(description="Decided", ordering="verification_decided_at")
    def decided(self, obj):
        return obj.verification_decided_at

    @admin.action(description="Verify selected enrollments", permissions=["verify"])
    def verify_selected(self, request, queryset):
        self._decide(request, queryset, VerificationDecision.Decision.VERIFIED)

    @admin.action(description="Reject selected enrollments (give the reason)", permissions=["verify"])
    def reject_selected(self, request, queryset):
        self._decide(request, queryset, VerificationDecision.Decision.REJECTED)

    def _decide(self, request, queryset, decision):
        reason = request.POST.get("reason", "")
        decided, refused = 0, {}
        for enrollment in queryset:
            try:
                services.decide_verification(
                    enrollment=enrollment, decision=decision, reason=reason, reviewer=request.user
                )
            except (ValidationError, PermissionDenied) as error:
                problem = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                refused.setdefault(problem, []).append(str(enrollment))
            else:
                decided += 1
        if decided:
            self.message_user(request, f"{decision.capitalize()} {decided} enrollment(s).", level=messages.SUCCESS)
        for problem, enrollments in refused.items():
            self.message_user(request, f"Not decided ({', '.join(enrollments)}): {problem}", level=messages.ERROR)
