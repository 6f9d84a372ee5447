"""Forms of the artist's work and decision pages. They parse input; artists.services
decides what is allowed."""

from django import forms

from artists.models import ApprovalDecision, Work
from config.forms import UTC_HELP, UTCDateTimeField, now_to_the_minute
from programs.forms import enrollment_field


class WorkForm(forms.Form):
    title = forms.CharField(max_length=200)
    medium = forms.ChoiceField(choices=Work.Medium.choices)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    submitted_at = UTCDateTimeField(
        label="Submitted at", help_text=f"When you submitted it for approval. {UTC_HELP}", initial=now_to_the_minute
    )

    def __init__(self, *args, artist, with_program: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if with_program:
            self.fields = {"enrollment": enrollment_field(artist), **self.fields}


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(choices=ApprovalDecision.Outcome.choices)
    decided_at = UTCDateTimeField(
        label="Decided at", help_text=f"When the program told you. {UTC_HELP}", initial=now_to_the_minute
    )
    reason = forms.CharField(
        label="Reason given",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Leave blank if the program gave no reason: it is recorded as “no reason given”.",
    )
