"""The query forms of the dashboards."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from programs.models import Program
from programs.selectors import listed_organizations
from tracker.periods import ALL, PERIOD_HELP, BadPeriod, Period
from tracker.selectors import DEFAULT_SORT, SORT_FIELDS


def sort_rule(fields) -> str:
    return "Sort by one of these fields, with a leading “-” for descending order: " + ", ".join(fields) + "."


FREE_RANGE_REFUSED = (
    "Free date ranges are not offered: a range narrowed around one entry could point at the artist who "
    "logged it. Use period=" + PERIOD_HELP + "."
)


class RefusedField(forms.CharField):
    """A parameter that is refused with a message saying what to use instead."""

    def clean(self, value):
        if value not in (None, ""):
            raise ValidationError(FREE_RANGE_REFUSED, code="refused")
        return None


class PeriodField(forms.CharField):
    """A period of the grid: all, a year, a quarter or a month (tracker.periods)."""

    def to_python(self, value) -> Period:
        try:
            return Period.parse(super().to_python(value))
        except BadPeriod as error:
            raise ValidationError(str(error), code="invalid") from None


class PeriodForm(forms.Form):
    """The period of a dashboard or a stats API answer: one cell of the fixed grid.
    `since` and `until` are refused with a message that names `period`."""

    period = PeriodField(
        required=False,
        label="Period",
        help_text="all, a year (2026), a quarter (2026-Q1) or a month (2026-03)",
        widget=forms.TextInput(attrs={"placeholder": "all", "size": 8}),
    )
    since = RefusedField(required=False, widget=forms.HiddenInput)
    until = RefusedField(required=False, widget=forms.HiddenInput)

    @property
    def cell(self) -> Period:
        """The chosen period (all time when none was given)."""
        return self.cleaned_data.get("period") or ALL


class ProgramTableForm(PeriodForm):
    """The query of a programs table: the period (PeriodForm), which programs (organization,
    status) and the order.
    `?sort=field` ascending, `?sort=-field` descending, field from an allow-list. The stats
    API validates its query with it too: `sort_fields` narrows the allow-list, and with
    `sort_required` a blank sort is refused instead of meaning the default."""

    organization = forms.ModelChoiceField(
        queryset=None,
        required=False,
        to_field_name="slug",
        empty_label="Every organization",
        error_messages={"invalid_choice": "No listed organization has the slug “%(value)s”."},
    )
    status = forms.ChoiceField(
        choices=[("", "Every status"), *Program.Status.choices],
        required=False,
        error_messages={"invalid_choice": "Status must be one of: " + ", ".join(Program.Status.values) + "."},
    )
    sort = forms.ChoiceField(required=False)

    def __init__(
        self, *args, with_organization: bool = True, sort_fields=SORT_FIELDS, sort_required: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        if with_organization:
            self.fields["organization"].queryset = listed_organizations()
        else:
            del self.fields["organization"]
        sort = self.fields["sort"]
        sort.choices = [(f"{sign}{field}", f"{sign}{field}") for field in sort_fields for sign in ("", "-")]
        sort.required = sort_required
        sort.error_messages.update(
            invalid_choice="Cannot sort by “%(value)s”. " + sort_rule(sort_fields),
            required="Choose a field to sort by. " + sort_rule(sort_fields),
        )

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or DEFAULT_SORT

    def programs(self, programs: QuerySet[Program]) -> QuerySet[Program]:
        """`programs` narrowed to the chosen organization and status."""
        if self.cleaned_data.get("organization"):
            programs = programs.filter(organization=self.cleaned_data["organization"])
        if self.cleaned_data.get("status"):
            programs = programs.filter(status=self.cleaned_data["status"])
        return programs


class CompareForm(forms.Form):
    MIN_PROGRAMS, MAX_PROGRAMS = 2, 4

    programs = forms.MultipleChoiceField(
        label="Programs to compare",
        widget=forms.CheckboxSelectMultiple,
        help_text=f"Choose {MIN_PROGRAMS} to {MAX_PROGRAMS} programs.",
        error_messages={
            "required": f"Choose {MIN_PROGRAMS} to {MAX_PROGRAMS} programs to compare.",
            "invalid_choice": "Unknown program “%(value)s”: use the slug of a listed program.",
        },
    )

    def __init__(self, data=None, *, programs: QuerySet[Program], **kwargs):
        if data is not None:
            # Checkboxes send programs=a&programs=b; a link may say programs=a,b.
            slugs = [slug.strip() for value in data.getlist("programs") for slug in value.split(",")]
            data = data.copy()
            data.setlist("programs", list(dict.fromkeys(slug for slug in slugs if slug)))
        super().__init__(data, **kwargs)
        self.listed = {program.slug: program for program in programs}
        self.fields["programs"].choices = [(slug, program.name) for slug, program in self.listed.items()]

    def clean_programs(self) -> list[Program]:
        slugs = self.cleaned_data["programs"]
        if not self.MIN_PROGRAMS <= len(slugs) <= self.MAX_PROGRAMS:
            raise ValidationError(
                f"Compare {self.MIN_PROGRAMS} to {self.MAX_PROGRAMS} programs; {len(slugs)} chosen.",
                code="count",
            )
        return [self.listed[slug] for slug in slugs]
