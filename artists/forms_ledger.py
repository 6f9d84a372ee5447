"""Forms of the artist's ledger pages. They parse input; the services decide what is allowed."""

import datetime as dt

from django import forms
from django.utils import timezone

from artists.models import ApprovalDecision, Work
from artists.selectors import contributions_of, joinable_programs
from feedback.models import Compensation, Contribution
from programs.models import AccessEvent, Enrollment
from programs.selectors import enrollments_of

UTC_HELP = "Times are in UTC."


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class UTCDateTimeField(forms.DateTimeField):
    """A date and time typed into a datetime-local input, which has no time zone: it is
    read as UTC and made aware, and shown in UTC, whatever time zone is active."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        with timezone.override(dt.UTC):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(dt.UTC):
            return super().prepare_value(value)


def now_to_the_minute() -> dt.datetime:
    return timezone.now().astimezone(dt.UTC).replace(second=0, microsecond=0)


def program_label(program) -> str:
    label = f"{program.name} ({program.organization.name})"
    if not program.is_listed:
        label += " — your proposal, waiting for staff"
    return label


class EnrollmentChoiceField(forms.ModelChoiceField):
    """One of the artist's programs; the value is the enrollment id."""

    def label_from_instance(self, enrollment: Enrollment) -> str:
        return program_label(enrollment.program)


def enrollment_field(artist, **kwargs) -> EnrollmentChoiceField:
    return EnrollmentChoiceField(
        queryset=enrollments_of(artist).order_by("program__name", "id"),
        label="Program",
        error_messages={"invalid_choice": "Choose one of the programs in your ledger."},
        **kwargs,
    )


class JoinProgramForm(forms.Form):
    program = forms.ModelChoiceField(
        queryset=None,
        empty_label="Choose a program…",
        error_messages={"invalid_choice": "Choose one of the programs in the list."},
    )
    granted_on = forms.DateField(
        label="Access granted on",
        widget=DateInput(),
        help_text="The day you got tester access. If you only remember the month, give its first day.",
    )

    def __init__(self, *args, artist, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = joinable_programs(artist)
        self.fields["program"].label_from_instance = program_label


class AccessChangeForm(forms.Form):
    KINDS = [
        (AccessEvent.Kind.SUSPENDED, "Suspended — access paused"),
        (AccessEvent.Kind.REINSTATED, "Reinstated — access given back"),
        (AccessEvent.Kind.REVOKED, "Revoked — access taken away"),
    ]

    kind = forms.ChoiceField(label="What happened", choices=KINDS)
    occurred_at = UTCDateTimeField(
        label="When", help_text=f"The date and time the change took effect. {UTC_HELP}", initial=now_to_the_minute
    )
    reason = forms.CharField(
        label="Reason the program stated",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Leave blank if the program gave no reason: it is recorded as “no reason was given”, "
        "which the tracker counts.",
    )
    notice_days = forms.IntegerField(
        label="Notice given, in days",
        required=False,
        min_value=0,
        help_text="How many days before the change you were told; 0 for no notice. Leave blank if you do not know.",
    )


class ContributionForm(forms.Form):
    """Log or correct a contribution. A logged contribution stays in its program."""

    kind = forms.ChoiceField(choices=Contribution.Kind.choices)
    title = forms.CharField(max_length=200, help_text="A few words, e.g. “Weekly feedback call”.")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    hours_spent = forms.DecimalField(
        label="Hours spent",
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25"}),
        help_text="More than 0 and at most 24 per entry; log a longer piece of work as one entry per day.",
    )
    occurred_on = forms.DateField(label="Date", widget=DateInput(), initial=timezone.localdate)
    requested_by_program = forms.BooleanField(
        label="The program asked me to do this", required=False, help_text="For example, a promotion they requested."
    )

    def __init__(self, *args, artist, with_program: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if with_program:
            self.fields = {"enrollment": enrollment_field(artist), **self.fields}


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


class ChooseProgramForm(forms.Form):
    """First step of recording a payment: which program paid, so its contributions can be listed."""

    def __init__(self, *args, artist, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrollment"] = enrollment_field(artist, empty_label="Choose a program…")


class ContributionsChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, contribution: Contribution) -> str:
        label = f"{contribution.occurred_on:%Y-%m-%d} · {contribution.title} · {contribution.hours_spent} h"
        if contribution.is_compensated:
            label += " · paid"
        return label


class CompensationForm(forms.Form):
    kind = forms.ChoiceField(
        choices=Compensation.Kind.choices,
        help_text="Cash and stipends count as pay. Credits, free access and gifts are counted separately.",
    )
    amount = forms.DecimalField(decimal_places=2, widget=forms.NumberInput(attrs={"step": "0.01"}))
    paid_on = forms.DateField(label="Paid on", widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    contributions = ContributionsChoiceField(
        label="What it paid for",
        queryset=Contribution.objects.none(),
        required=False,
        help_text="The amount is split across the chosen contributions by hours.",
        error_messages={"invalid_choice": "%(value)s is not one of your contributions in this program."},
    )

    def __init__(self, *args, artist, enrollment: Enrollment, **kwargs):
        super().__init__(*args, **kwargs)
        currency = enrollment.program.currency
        self.fields["amount"].label = f"Amount ({currency})"
        self.fields[
            "amount"
        ].help_text = (
            f"In the program's currency, {currency}, e.g. 150.00. For credits or free access, what they were worth."
        )
        self.fields["contributions"].queryset = contributions_of(artist, enrollment=enrollment)


class ContributionFilterForm(forms.Form):
    """The GET filters of the contributions list."""

    occurred_from = forms.DateField(label="From", required=False, widget=DateInput())
    occurred_until = forms.DateField(label="Until", required=False, widget=DateInput())

    def __init__(self, *args, artist, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "enrollment": enrollment_field(artist, required=False, empty_label="All programs"),
            **self.fields,
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("occurred_from"), cleaned.get("occurred_until")
        if start and end and end < start:
            self.add_error("occurred_until", "The end of the range is before its start.")
        return cleaned
