"""CSV import pages under /me/import/: upload, preview, confirm (docs/csv-import.md).

Nothing is written until the artist confirms. Between the preview and the confirmation
the uploaded text waits in the artist's session under a random token; the confirmation
checks it all again before writing, in one transaction.
"""

import secrets
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from config.auth import artist_required
from feedback import imports
from feedback.forms_import import ImportForm
from programs.selectors import enrollments_of

SESSION_KEY = "feedback_import"
PREVIEW_ROWS = 10


def _preview_page(request, preview: imports.ImportPreview, files: dict, token: str = "") -> HttpResponse:
    return render(
        request,
        "imports/preview.html",
        {
            "preview": preview,
            "files": files,
            "token": token,
            "first_contributions": preview.contributions[:PREVIEW_ROWS],
            "first_compensations": preview.compensations[:PREVIEW_ROWS],
            "preview_rows": PREVIEW_ROWS,
        },
    )


@artist_required
def upload(request, artist):
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        files = form.csv_files()
        preview = imports.preview_import(artist=artist, **files)
        request.session.pop(SESSION_KEY, None)
        if not preview.is_valid:
            return _preview_page(request, preview, files)
        token = secrets.token_urlsafe(32)
        # Text that passed the preview is UTF-8, so it keeps in the (JSON) session as text.
        request.session[SESSION_KEY] = {
            "token": token,
            "artist": artist.pk,
            "files": {role: {"name": f.name, "text": f.content.decode("utf-8")} for role, f in files.items()},
        }
        return _preview_page(request, preview, files, token)
    return render(
        request,
        "imports/upload.html",
        {"form": form, "enrollments": enrollments_of(artist), "max_megabytes": imports.MAX_FILE_BYTES >> 20},
    )


def _take_pending(request, artist, token: str) -> dict | None:
    """The upload waiting under `token` for this artist, removed so that it imports once.

    It is read from the session store rather than from this request's copy: a second click
    that waited for the first one's lock then finds it gone.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore(request.session.session_key)
    pending = store.get(SESSION_KEY)
    if not pending or pending.get("artist") != artist.pk or not secrets.compare_digest(pending["token"], token):
        return None
    request.session.pop(SESSION_KEY, None)
    request.session.save()
    return pending


@require_POST
@artist_required
def confirm(request, artist):
    token = request.POST.get("token", "")
    try:
        with transaction.atomic():
            imports.lock_imports_of(artist)
            pending = _take_pending(request, artist, token)
            if pending is None:
                messages.error(request, "This import is no longer waiting to be confirmed. Upload the files again.")
                return redirect("import")
            files = {
                role: imports.CsvFile(f["name"], f["text"].encode("utf-8")) for role, f in pending["files"].items()
            }
            preview = imports.import_ledger(artist=artist, **files)
    except imports.ImportRefused as refused:
        # Something changed since the preview (a program or contribution was removed).
        preview = imports.ImportPreview(contributions=[], compensations=[], errors=refused.errors)
        return _preview_page(request, preview, files)
    except imports.ImportFailed as failed:
        messages.error(request, str(failed))
        return redirect("import")
    contributions, compensations = len(preview.contributions), len(preview.compensations)
    messages.success(
        request,
        f"Imported {contributions} contribution{'s' if contributions != 1 else ''} and "
        f"{compensations} compensation{'s' if compensations != 1 else ''}.",
    )
    return redirect("ledger")


@require_GET
def template(request, kind: str):
    if kind not in imports.TEMPLATE_ROWS:
        raise Http404("There is a template for contributions and for compensations only.")
    response = HttpResponse(imports.template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
    return response
