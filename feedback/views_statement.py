"""The artist's statement of unpaid work for one program, as a page and as a PDF: thin doors
onto feedback.statement. The enrollment is looked up through the signed-in artist, so
another artist's program answers 404, as does a program the artist is not in.

The optional name to print comes in a POST body, not the address: it may be the artist's
legal name, and an address ends up in browser history and server logs. It is never stored.
Pages under artist_required are never cached."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from config.auth import artist_required
from feedback.forms import StatementNameForm
from feedback.statement import SENDS_NOTHING, Statement, statement_for
from feedback.statement_pdf import statement_pdf, undrawable


def _statement(artist, slug: str) -> Statement:
    statement = statement_for(artist, slug)
    if statement is None:
        raise Http404("No such program in your ledger.")
    return statement


def _name_form(request) -> StatementNameForm:
    return StatementNameForm(request.POST if request.method == "POST" else None)


def _page(request, statement, form, *, status: int = 200):
    name = form.cleaned_data.get("name", "") if form.is_bound and form.is_valid() else ""
    context = {
        "section": "overview",
        "statement": statement,
        "program": statement.program,
        "owed": statement.owed,
        "form": form,
        "printed_name": name or statement.artist_handle,
        "sends_nothing": SENDS_NOTHING,
    }
    return render(request, "ledger/statement.html", context, status=status)


@artist_required
@require_http_methods(["GET", "POST"])
def statement_page(request, artist, slug):
    statement = _statement(artist, slug)
    form = _name_form(request)
    invalid = form.is_bound and not form.is_valid()
    return _page(request, statement, form, status=400 if invalid else 200)


@artist_required
@require_http_methods(["GET", "POST"])
def statement_download(request, artist, slug):
    statement = _statement(artist, slug)
    form = _name_form(request)
    if form.is_bound and not form.is_valid():
        return _page(request, statement, form, status=400)
    name = form.cleaned_data["name"] if form.is_bound else ""
    missing = undrawable(name)
    if missing:
        form.add_error(
            "name",
            f"The PDF’s font has no letters for “{missing}”: print this page instead (your browser draws them), "
            "or write the name in letters the PDF can show.",
        )
        return _page(request, statement, form, status=400)
    response = HttpResponse(statement_pdf(statement, name=name), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{statement.filename()}"'
    return response
