"""The upload form of the CSV import (/me/import/)."""

import math

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.text import format_lazy

from feedback.imports import COMPENSATIONS, CONTRIBUTIONS, MAX_FILE_BYTES, CsvFile

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

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("contributions") and not cleaned.get("compensations"):
            raise ValidationError("Choose a contributions file, a compensations file, or both.")
        return cleaned

    def csv_files(self) -> dict[str, CsvFile]:
        """The uploads as the import reads them, by role (contributions, compensations)."""
        return {
            role: CsvFile(upload.name, b"".join(upload.chunks()))
            for role in (CONTRIBUTIONS, COMPENSATIONS)
            if (upload := self.cleaned_data.get(role))
        }
