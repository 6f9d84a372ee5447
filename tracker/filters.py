"""Filters for the flag feed and the flags API, shared by the page and the API so both accept
the same query: `FindingFilter` for what the public sees, `FlagFilter` for an artist's own flags."""

import datetime as dt
import re

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

from programs.selectors import listed_programs
from tracker.models import Flag
from tracker.selectors import FINDING_STATES


class ProgramAndKindFilter(django_filters.FilterSet):
    """The program and kind of flag, which the public findings and an artist's own flags share."""

    program = django_filters.ModelChoiceFilter(
        queryset=listed_programs(),
        to_field_name="slug",
        empty_label="Every program",
        help_text="Program slug.",
    )
    kind = django_filters.ChoiceFilter(choices=Flag.Kind.choices, empty_label="Every kind")


class FlagFilter(ProgramAndKindFilter):
    """An artist's own flags (/api/v1/me/flags/): every flag, one by one."""

    severity = django_filters.ChoiceFilter(choices=Flag.Severity.choices, empty_label="Every severity")
    state = django_filters.ChoiceFilter(
        label="State",
        choices=[("open", "Open"), ("resolved", "Resolved")],
        method="filter_state",
        empty_label="Open and resolved",
        help_text="open or resolved; both when absent.",
    )
    since = django_filters.DateFilter(
        label="Raised since",
        field_name="raised_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Raised on or after this date (YYYY-MM-DD).",
    )
    until = django_filters.DateFilter(
        label="Raised until",
        field_name="raised_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Raised on or before this date (YYYY-MM-DD).",
    )

    class Meta:
        model = Flag
        fields = ["program", "kind", "severity", "state", "since", "until"]

    def filter_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(resolved_at__isnull=True)
        if value == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset

    def is_valid(self):
        valid = super().is_valid()
        data = self.form.cleaned_data if valid else {}
        if valid and data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.form.add_error("until", "This date is before the 'since' date.")
            return False
        return valid


class MonthField(forms.CharField):
    """A calendar month as YYYY-MM, cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM", "pattern": r"\d{4}-\d{2}"})

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{2})", value)
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
            raise forms.ValidationError("Enter a month as YYYY-MM, e.g. 2026-11.", code="invalid")
        return dt.date(int(match[1]), int(match[2]), 1)


@extend_schema_field(
    {"type": "string", "pattern": r"^\d{4}-\d{2}$", "description": "A calendar month, YYYY-MM (e.g. 2026-11)."}
)
class MonthFilter(django_filters.Filter):
    field_class = MonthField


class FindingFilter(ProgramAndKindFilter):
    """What the public may ask of the findings (tracker.selectors.finding_flags): exactly the
    cells of the grid (program, kind, month, state), never a finer slice such as a date range,
    which would let two answers be subtracted down to one record. The open findings unless
    `state=resolved`; there is no "both", as a total over both states minus one shown state
    would give a withheld one."""

    month = MonthFilter(
        label="Month",
        field_name="month",
        help_text="The calendar month a finding is about (when the thing happened or came due), as YYYY-MM.",
    )
    state = django_filters.ChoiceFilter(
        label="State",
        choices=[(state, state.capitalize()) for state in FINDING_STATES],
        method="filter_state",
        empty_label=None,
        help_text="open (the default) or resolved.",
    )

    class Meta:
        model = Flag
        fields = ["program", "kind", "month", "state"]

    def filter_state(self, queryset, name, value):
        return queryset  # applied in filter_queryset, where its default applies too

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return queryset.filter(resolved_at__isnull=self.form.cleaned_data.get("state") != "resolved")


class UnpaidWorkFilter(FindingFilter):
    """Unpaid work counted once (tracker.unpaid_work): the cells of the grid without a kind,
    as it spans the two kinds about unpaid contributions."""

    kind = None

    class Meta:
        model = Flag
        fields = ["program", "month", "state"]
