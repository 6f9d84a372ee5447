from django.contrib import admin, messages
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone

from config.resilience import enqueue
from tracker import admin_audit, admin_replies  # noqa: F401  (register the Audit trail and replies admins)
from tracker.models import Flag, Follow, JobRun, Snapshot, WebhookDelivery, WebhookSubscription
from tracker.tasks import scan_flags


class ViewOnlyAdmin(admin.ModelAdmin):
    """Written by the jobs; staff look but do not edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Flag)
class FlagAdmin(ViewOnlyAdmin):
    list_display = ("message", "kind", "severity", "program", "raised_at", "resolved_at")
    list_filter = ("kind", "severity", ("resolved_at", admin.EmptyFieldListFilter), "program")
    search_fields = ("message", "subject_key", "program__name")
    date_hierarchy = "raised_at"
    list_select_related = ("program",)


@admin.register(JobRun)
class JobRunAdmin(ViewOnlyAdmin):
    list_display = ("started_at", "rule", "trigger", "status_shown", "raised", "resolved", "finished_at")
    list_filter = ("status", "rule", "trigger")
    change_list_template = "admin/tracker/jobrun/change_list.html"

    @admin.display(description="status")
    def status_shown(self, obj):
        if obj.state == "interrupted":
            return "interrupted (never finished)"
        return obj.get_status_display()

    def get_urls(self):
        run = self.admin_site.admin_view(self.run_scan_view)
        return [path("run-scan/", run, name="tracker_jobrun_run_scan"), *super().get_urls()]

    def run_scan_view(self, request):
        if request.method != "POST" or not request.user.has_perm("tracker.change_jobrun"):
            return redirect(reverse("admin:tracker_jobrun_changelist"))
        result = enqueue(scan_flags, trigger="admin")
        if result is None:
            messages.warning(
                request,
                "Could not queue the scan: the task queue (Redis) is unreachable. The scheduled scans still run.",
            )
        elif result.ready():
            summary = result.get()
            messages.success(
                request, f"Scan finished: {summary['raised']} flags raised, {summary['resolved']} resolved."
            )
        else:
            messages.success(request, "Scan queued; a worker runs it now. Refresh to see it here.")
        return redirect(reverse("admin:tracker_jobrun_changelist"))


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("user", "program", "created_at", "digest_sent_until")
    list_select_related = ("user", "program")
    search_fields = ("user__username", "user__email", "program__name")
    autocomplete_fields = ("program",)
    raw_id_fields = ("user",)


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    fields = ("flag", "status", "attempts", "last_status_code", "last_error", "next_attempt_at", "delivered_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0
    ordering = ("-created_at",)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("url", "owner", "program", "kinds_shown", "active", "pending", "failed")
    list_filter = ("active",)
    search_fields = ("url", "owner__username")
    raw_id_fields = ("owner",)
    autocomplete_fields = ("program",)
    inlines = (DeliveryInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("owner", "program")
            .annotate(
                pending_count=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.PENDING)),
                failed_count=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.FAILED)),
            )
        )

    @admin.display(description="kinds")
    def kinds_shown(self, obj):
        return ", ".join(obj.kinds) or "every kind"

    @admin.display(description="pending", ordering="pending_count")
    def pending(self, obj):
        return obj.pending_count

    @admin.display(description="gave up", ordering="failed_count")
    def failed(self, obj):
        return obj.failed_count


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ViewOnlyAdmin):
    list_display = ("flag", "subscription", "status", "attempts", "last_status_code", "next_attempt_at", "delivered_at")
    list_filter = ("status",)
    list_select_related = ("flag", "subscription")
    search_fields = ("subscription__url", "last_error")
    actions = ("retry_now",)

    def has_change_permission(self, request, obj=None):
        # Needed for the retry action; the change form itself shows read-only fields.
        return obj is None and request.user.has_perm("tracker.change_webhookdelivery")

    @admin.action(description="Retry selected deliveries now", permissions=["change"])
    def retry_now(self, request, queryset):
        count = queryset.exclude(status=WebhookDelivery.Status.DELIVERED).update(
            status=WebhookDelivery.Status.PENDING, next_attempt_at=timezone.now()
        )
        messages.success(request, f"{count} deliveries will be retried within a minute.")


@admin.register(Snapshot)
class SnapshotAdmin(ViewOnlyAdmin):
    """'Cite this' snapshots: never edited; staff may delete one (docs/privacy.md)."""

    list_display = ("public_id", "program", "period_label", "data_as_of", "methodology_version", "created_at")
    list_filter = ("program",)
    search_fields = ("public_id", "program__name")
    list_select_related = ("program",)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff
