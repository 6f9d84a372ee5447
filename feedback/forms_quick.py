"""The quick log's form (/me/log/): a contribution in a few taps on a phone. It parses input
into exactly what feedback.services.log_contribution takes; the service decides what is
allowed (dates, access granted …). The one rule of its own is the quick log's: hours go
in quarter steps."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from config.forms import DateInput
from feedback.models import MAX_HOURS_PER_ENTRY, Contribution
from programs.forms import enrollment_field

QUARTER = Decimal("0.25")
HOUR_CHIPS = [Decimal(value) for value in ("0.25", "0.5", "1", "1.5", "2", "3", "4", "6", "8")]
DEFAULT_HOURS = Decimal("1")
FRACTIONS = {Decimal("0"): "", Decimal("0.25"): "¼", Decimal("0.5"): "½", Decimal("0.75"): "¾"}


def hours_label(hours: Decimal) -> str:
    """Hours as a person writes them: "¼ h", "1½ h", "24 h" (plain decimals off the quarter grid)."""
    whole = int(hours)
    fraction = FRACTIONS.get(hours - whole)
    if fraction is None:
        return f"{hours.normalize():f} h"
    return f"{whole if whole or not fraction else ''}{fraction} h"


def kind_phrase(kind: str) -> str:
    """The kind inside a sentence: "bug report", "other work"."""
    if kind == Contribution.Kind.OTHER:
        return "other work"
    return Contribution.Kind(kind).label.lower()


class QuickLogForm(forms.Form):
    """Program and hours are chips (radio buttons), the kind is the submit button pressed."""

    hours = forms.TypedChoiceField(
        label="Hours",
        choices=[(f"{value.normalize():f}", hours_label(value)) for value in HOUR_CHIPS],
        coerce=Decimal,
        empty_value=None,
        required=False,
        initial=f"{DEFAULT_HOURS:f}",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the hours shown, or type the hours under “Other”."},
    )
    hours_other = forms.DecimalField(
        label="Other",
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "max": "24", "inputmode": "decimal"}),
        help_text="Any other quarter hour, e.g. 2.75 for 2¾ h; a number here is used instead of the chips.",
    )
    occurred_on = forms.DateField(
        label="Date", widget=DateInput(), initial=timezone.localdate, help_text="Today unless you change it."
    )
    requested_by_program = forms.BooleanField(label="The program asked for this", required=False)
    title = forms.CharField(
        label="Title", max_length=200, required=False, help_text="Leave blank to use the kind, e.g. “Bug report”."
    )
    description = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(
        choices=Contribution.Kind.choices,
        error_messages={"required": "Choose what kind of work it was: tap one of the kind buttons."},
    )

    def __init__(self, *args, artist, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"enrollment": enrollment_field(artist, widget=forms.RadioSelect), **self.fields}

    def clean(self):
        """Leaves exactly the arguments of log_contribution: the chosen hours as hours_spent,
        the kind's name as the title when none was given."""
        cleaned = super().clean()
        chip, other = cleaned.pop("hours", None), cleaned.pop("hours_other", None)
        field = "hours_other" if other is not None else "hours"
        hours = other if other is not None else chip
        if field not in self.errors:
            try:
                cleaned["hours_spent"] = quarter_hours(hours)
            except ValidationError as error:
                self.add_error(field, error)
        if not cleaned.get("title") and cleaned.get("kind"):
            cleaned["title"] = Contribution.Kind(cleaned["kind"]).label
        return cleaned


def quarter_hours(hours: Decimal | None) -> Decimal:
    if hours is None:
        raise ValidationError("Choose the hours it took, or type them under “Other”.")
    if not 0 < hours <= MAX_HOURS_PER_ENTRY:
        raise ValidationError("Give more than 0 and at most 24 hours; log longer work as one entry per day.")
    if hours % QUARTER:
        raise ValidationError(
            f"Give the hours in quarter steps (0.25, 0.5, 0.75 …): {hours.normalize():f} is not one. "
            f"Round it to the nearest quarter hour."
        )
    return hours
