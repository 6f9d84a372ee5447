"""Forms of the contribution and payment pages under /me/. They parse input;
feedback.services decides what is allowed."""

from django import forms
from django.utils import timezone

from config.forms import DateInput
from feedback.models import Compensation, Contribution
from feedback.selectors import contributions_of
from programs.forms import enrollment_field
from programs.models import Enrollment


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


class StatementNameForm(forms.Form):
    """The name to print on a statement of unpaid work: never stored, only printed."""

    name = forms.CharField(
        label="Name to print",
        max_length=120,
        required=False,
        strip=True,
        help_text="Printed instead of your handle, for example your legal name on a claim. "
        "The tracker does not keep it.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if any(not character.isprintable() for character in name):
            raise forms.ValidationError("Use letters, spaces and punctuation only.")
        return name
