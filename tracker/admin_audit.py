"""The "Audit trail" admin: every insert, update and delete of the tracked records
(config/audit.py), newest first, with the record, who made it, from which path, and what
changed (before → after). Read only; staff with the view permission (superusers) only."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.html import format_html, format_html_join
from pghistory.admin import EventsAdmin
from pghistory.admin.core import EventModelFilter, LabelFilter

from tracker.models import AuditEvent

ABSENT = "—"


def _shown(value) -> str:
    return ABSENT if value is None or value == "" else str(value)


class ActionFilter(LabelFilter):
    title = "action"


class RecordTypeFilter(EventModelFilter):
    title = "model"

    def lookups(self, request, model_admin):
        return [(value, label.removesuffix("Audit")) for value, label in super().lookups(request, model_admin)]


@admin.register(AuditEvent)
class AuditEventAdmin(EventsAdmin):
    list_display = ("pgh_created_at", "action", "record", "who", "path", "changes")
    list_display_links = None
    list_per_page = 50
    change_list_template = None  # the admin's own list, not pghistory.admin's

    def get_list_display(self, request):
        return self.list_display

    def get_list_filter(self, request):
        return [ActionFilter, RecordTypeFilter]

    def get_queryset(self, request):
        return AuditEvent.objects.order_by("-pgh_created_at", "-pgh_id")

    def has_view_permission(self, request, obj=None):
        return obj is None and super().has_view_permission(request)

    @admin.display(description="action", ordering="pgh_label")
    def action(self, event):
        return event.pgh_label

    @admin.display(description="record")
    def record(self, event):
        return f"{event.pgh_obj_model} #{event.pgh_obj_id}"

    @admin.display(description="who")
    def who(self, event):
        user_id = (event.pgh_context or {}).get("user")
        if user_id is None:
            return "no signed-in user (a job, a command or SQL)"
        user = get_user_model().objects.filter(pk=user_id).only("username").first()
        return user.username if user else f"user #{user_id} (deleted)"

    @admin.display(description="path")
    def path(self, event):
        return _shown((event.pgh_context or {}).get("url"))

    @admin.display(description="what changed (before → after)")
    def changes(self, event):
        data = event.pgh_data or {}
        if event.pgh_label == "insert":
            rows = [(field, ABSENT, _shown(value)) for field, value in data.items()]
        elif event.pgh_label == "delete":
            rows = [(field, _shown(value), ABSENT) for field, value in data.items()]
        elif event.pgh_diff:
            rows = [(field, _shown(before), _shown(after)) for field, (before, after) in event.pgh_diff.items()]
        else:
            # The first change seen of a record older than the trail: its earlier values
            # were never recorded.
            rows = [(field, "?", _shown(value)) for field, value in data.items()]
        if not rows:
            return ABSENT
        return format_html(
            "<ul class='audit-changes'>{}</ul>",
            format_html_join("", "<li>{}: {} → {}</li>", sorted(rows)),
        )
