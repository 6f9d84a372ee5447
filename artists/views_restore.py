"""The import of a whole export, /me/import/export/ (artists.restore): the page where an
artist moving from another tracker uploads the zip "Download my data" gave them."""

from django.contrib import messages
from django.shortcuts import redirect, render

from artists import restore
from artists.forms_restore import ExportUploadForm
from config.auth import artist_required
from feedback.imports import ImportFailed, ImportRefused


@artist_required
def import_export(request, artist):
    form = ExportUploadForm(request.POST, request.FILES) if request.method == "POST" else ExportUploadForm()
    errors = []
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            files = restore.read_export(upload.name, b"".join(upload.chunks()))
            result = restore.restore_export(artist=artist, files=files)
        except ImportRefused as refused:
            errors = refused.errors
        except ImportFailed as failed:
            messages.error(request, str(failed))
        else:
            imported = ", ".join(f"{count} {table.replace('_', ' ')}" for table, count in result.counts.items())
            messages.success(request, f"Your export is imported: {imported}.")
            return redirect("ledger")
    return render(request, "imports/restore.html", {"form": form, "errors": errors})
