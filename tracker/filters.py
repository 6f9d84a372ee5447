"""Filters for the flag feed, shared by the page and the API so both accept the same query."""

import django_filters
from django import forms

from programs.selectors import listed_programs
from tracker.models import Flag


class FlagFilter(django_filters.FilterSet):
    program = django_filters.ModelChoiceFilter(
        queryset=listed_programs(),
        to_field_name="slug",
        empty_label="Every program",
        help_text="Program slug.",
    )
    kind = django_filters.ChoiceFilter(choices=Flag.Kind.choices, empty_label="Every kind")
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
