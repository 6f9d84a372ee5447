"""The forms of the right of reply on a program page: a representative's new reply (to the
figures or to one open program-level finding) and the edit of their own reply."""

from django import forms

from tracker.models import REPLY_MAX_LENGTH

FIGURES = ""


class ReplyForm(forms.Form):
    finding = forms.TypedChoiceField(
        label="Reply to",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="The program's figures, or one open finding about the program as a whole.",
    )
    body = forms.CharField(
        label="Your reply",
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "Shown publicly beside the figures, signed with the organization's name. "
            f"Up to {REPLY_MAX_LENGTH:,} characters."
        ),
        error_messages={"required": "Write the reply."},
    )

    def __init__(self, *args, findings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].choices = [(FIGURES, "The program's figures")] + [
            (flag.pk, f"{flag.get_kind_display()}: {flag.message}") for flag in findings
        ]


class EditReplyForm(forms.Form):
    body = forms.CharField(
        label="New text",
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The text it replaces stays public under “earlier versions”, with its date.",
        error_messages={"required": "Write the reply."},
    )
