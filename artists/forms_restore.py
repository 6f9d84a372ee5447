"""The upload form of a whole export (/me/import/export/)."""

from django import forms
from django.core.exceptions import ValidationError

from feedback.imports import MAX_FILE_BYTES


class ExportUploadForm(forms.Form):
    file = forms.FileField(
        label="Your export (zip)",
        widget=forms.FileInput(attrs={"accept": ".zip,application/zip"}),
        help_text="The zip that “Download my data” gave you, here or on another tracker.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(f"The zip can be at most {MAX_FILE_BYTES >> 20} MB.")
        return upload
