"""Admin for artists, their works and the approval decisions those works received.

Decisions are recorded through artists.services.record_decision, which keeps a work's
status and first decision time in step; here they are shown, not edited.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count

from artists.models import ApprovalDecision, Artist, Work
from programs.admin import ReadOnlyTabularInline, ViewOnlyAdmin
from programs.models import Enrollment
from programs.validation import not_before_opening, not_in_future


class EnrollmentInline(ReadOnlyTabularInline):
    """Enrolment writes access history, so it is done on the enrollment's own add page."""

    model = Enrollment
    fields = ("program", "status", "granted_on")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("artist", "program")


@admin.register(Artist)
class ArtistAdmin(admin.ModelAdmin):
    list_display = ("handle", "shown_public_name", "country", "enrollment_count", "created_at")
    list_filter = ("show_public_name", "country")
    search_fields = ("handle", "public_name", "user__username", "user__email")
    autocomplete_fields = ("user",)
    # Reminder emails are the artist's own choice (artists/reminders.py): staff see it, never set it.
    readonly_fields = ("reminders", "created_at")
    inlines = (EnrollmentInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(enrollment_count=Count("enrollments"))

    @admin.display(description="Public name (if shown)")
    def shown_public_name(self, obj):
        # Staff lists follow the same privacy rule as public pages: a name only by opt-in.
        return obj.public_name if obj.show_public_name else ""

    @admin.display(description="Enrollments", ordering="enrollment_count")
    def enrollment_count(self, obj):
        return obj.enrollment_count


class ApprovalDecisionInline(ReadOnlyTabularInline):
    model = ApprovalDecision
    fields = ("outcome", "decided_at", "reason")
    ordering = ("decided_at", "id")
    show_change_link = False


class WorkForm(forms.ModelForm):
    class Meta:
        model = Work
        fields = ("enrollment", "title", "medium", "description", "submitted_at")

    def clean(self):
        cleaned = super().clean()
        submitted_at, enrollment = cleaned.get("submitted_at"), cleaned.get("enrollment")
        if submitted_at is None or enrollment is None:
            return cleaned
        try:
            not_in_future(submitted_at, "submitted_at")
            not_before_opening(enrollment.program, submitted_at, "submitted_at")
        except ValidationError as error:
            self.add_error(None, error)
            return cleaned
        first_decided_at = self.instance.first_decided_at
        if first_decided_at is not None and submitted_at > first_decided_at:
            self.add_error(
                "submitted_at",
                f"The first decision on this work was on {first_decided_at:%Y-%m-%d %H:%M}; "
                "it cannot have been submitted after that.",
            )
        return cleaned


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):
    form = WorkForm
    list_display = ("title", "artist_handle", "program", "medium", "submitted_at", "status", "first_decided_at")
    list_filter = ("status", "medium", "enrollment__program")
    list_select_related = ("enrollment__artist", "enrollment__program")
    search_fields = ("title", "enrollment__artist__handle")
    autocomplete_fields = ("enrollment",)
    readonly_fields = ("status", "first_decided_at", "created_at")
    inlines = (ApprovalDecisionInline,)

    @admin.display(description="Artist", ordering="enrollment__artist__handle")
    def artist_handle(self, obj):
        return obj.enrollment.artist.handle

    @admin.display(description="Program", ordering="enrollment__program__name")
    def program(self, obj):
        return obj.enrollment.program


@admin.register(ApprovalDecision)
class ApprovalDecisionAdmin(ViewOnlyAdmin):
    list_display = ("work", "outcome", "decided_at", "reason_given")
    list_filter = ("outcome", "work__enrollment__program")
    list_select_related = ("work",)
    search_fields = ("work__title", "work__enrollment__artist__handle")
    date_hierarchy = "decided_at"

    @admin.display(description="Reason given", boolean=True)
    def reason_given(self, obj):
        return bool(obj.reason)
