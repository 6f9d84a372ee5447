"""The upload form of the CSV import (/me/import/)."""

import math

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.text import format_lazy

from feedback.imports import ALLOCATIONS, COMPENSATIONS, CONTRIBUTIONS, MAX_FILE_BYTES, CsvFile

MEGABYTE = 1024 * 1024


class ImportForm(forms.Form):
    contributions = forms.FileField(
        required=False,
        allow_empty_file=True,
        label="Contributions file",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=format_lazy(
            'What you gave programs. <a href="{}">Download the template</a>.',
            reverse_lazy("import-template", args=[CONTRIBUTIONS]),
        ),
    )
    compensations = forms.FileField(
        required=False,
        allow_empty_file=True,
        label="Compensations file",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=format_lazy(
            'What you were given, and what it paid for. <a href="{}">Download the template</a>.',
            reverse_lazy("import-template", args=[COMPENSATIONS]),
        ),
    )

    allocations = forms.FileField(
        required=False,
        allow_empty_file=True,
        label="Allocations file (from an export)",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        help_text="The allocations.csv of an export, with its contributions and compensations files: "
        "each payment's exact parts, instead of a split by hours.",
    )

    def _limited(self, name: str):
        upload = self.cleaned_data.get(name)
        if upload and upload.size > MAX_FILE_BYTES:
            # Rounded up, so a file just over the limit never reads as being at it.
            size = math.ceil(upload.size * 10 / MEGABYTE) / 10
            raise ValidationError(
                f"This file is {size} MB; the limit is {MAX_FILE_BYTES // MEGABYTE} MB. "
                "Split it into smaller files and import them one after the other."
            )
        return upload

    def clean_contributions(self):
        return self._limited("contributions")

    def clean_compensations(self):
        return self._limited("compensations")

    def clean_allocations(self):
        return self._limited("allocations")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("contributions") and not cleaned.get("compensations"):
            raise ValidationError("Choose a contributions file, a compensations file, or both.")
        if (
            not self.errors
            and cleaned.get("allocations")
            and not (cleaned["contributions"] and cleaned["compensations"])
        ):
            self.add_error(
                "allocations", "An allocations file goes with the contributions and compensations files of its export."
            )
        return cleaned

    def csv_files(self) -> dict[str, CsvFile]:
        """The uploads as the import reads them, by role (contributions, compensations, allocations)."""
        return {
            role: CsvFile(upload.name, b"".join(upload.chunks()))
            for role in (CONTRIBUTIONS, COMPENSATIONS, ALLOCATIONS)
            if (upload := self.cleaned_data.get(role))
        }
