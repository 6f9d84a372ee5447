"""Staff's door to the organizations' replies: read them with their history, and hide an
abusive one with a reason (shown publicly in its place; the audit trail keeps who hid it).
Replies are written only by their representatives (tracker.services_replies): nothing is
added, edited or deleted here."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError

from programs.admin import ReadOnlyTabularInline, ViewOnlyAdmin
from tracker import services_replies
from tracker.models import Reply, ReplyRevision


class ReplyRevisionInline(ReadOnlyTabularInline):
    model = ReplyRevision
    fields = ("written_at", "replaced_at", "body")
    show_change_link = False
    verbose_name = "earlier text"
    verbose_name_plural = "earlier texts (the public history)"


class HideActionForm(ActionForm):
    reason = forms.CharField(
        required=False,
        label="Reason:",
        widget=forms.TextInput(attrs={"size": 40, "placeholder": "Needed to hide; shown publicly in its place"}),
    )


@admin.register(Reply)
class ReplyAdmin(ViewOnlyAdmin):
    list_display = ("__str__", "program", "finding", "author", "created_at", "updated_at", "hidden_at")
    list_filter = (("hidden_at", admin.EmptyFieldListFilter), "program__organization", "program")
    list_select_related = ("program", "finding", "author")
    search_fields = ("body", "program__name", "program__organization__name", "author__username")
    date_hierarchy = "created_at"
    fields = (
        "program",
        "finding",
        "author",
        "body",
        "created_at",
        "updated_at",
        "hidden_at",
        "hidden_by",
        "hidden_reason",
    )
    readonly_fields = fields
    inlines = (ReplyRevisionInline,)
    actions = ("hide_selected",)
    action_form = HideActionForm

    def has_hide_permission(self, request):
        return request.user.is_active and request.user.is_staff

    @admin.action(description="Hide selected replies (give the reason)", permissions=["hide"])
    def hide_selected(self, request, queryset):
        reason = request.POST.get("reason", "")
        hidden, refused = 0, {}
        for reply in queryset:
            try:
                services_replies.hide_reply(reply=reply, staff=request.user, reason=reason)
            except (ValidationError, PermissionDenied) as error:
                problem = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                refused.setdefault(problem, []).append(str(reply))
            else:
                hidden += 1
        if hidden:
            self.message_user(request, f"Hid {hidden} repl{'y' if hidden == 1 else 'ies'}.", level=messages.SUCCESS)
        for problem, replies in refused.items():
            self.message_user(request, f"Not hidden ({', '.join(replies)}): {problem}", level=messages.ERROR)
