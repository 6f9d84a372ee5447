"""CSV for every API list: `?format=csv` (or Accept: text/csv) renders the same data as a
spreadsheet. A paginated list is rendered from its `results`; nested objects become dotted
columns (open_flags.unpaid_feedback) and lists of objects are summarised."""

import io

from django.http import Http404
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import BaseRenderer

from config import csv_safe


def flatten(row: dict, prefix: str = "", objects: frozenset = frozenset()) -> dict:
    """One CSV row. `objects` names the fields that are objects in some row: where such a
    field is null (a suppressed row) it adds no column of its own, so the columns stay the
    same whatever the data."""
    flat = {}
    for name, value in row.items():
        column = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{column}."))
        elif value is None and column in objects:
            continue
        elif isinstance(value, list):
            if value and all(isinstance(item, dict) and "earned" in item for item in value):
                flat[column] = f"{sum(1 for item in value if item['earned'])}/{len(value)}"
            else:
                flat[column] = ";".join(str(item) for item in value)
        elif isinstance(value, bool):
            flat[column] = "true" if value else "false"
        else:
            flat[column] = "" if value is None else value
    return flat


def to_csv(rows: list[dict]) -> str:
    objects = frozenset(name for row in rows for name, value in row.items() if isinstance(value, dict))
    flat_rows = [flatten(row, objects=objects) for row in rows]
    columns = list(dict.fromkeys(column for row in flat_rows for column in row))
    out = io.StringIO()
    writer = csv_safe.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(flat_rows)
    return out.getvalue()


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        response = renderer_context.get("response")
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            rows = data["results"]
        elif isinstance(data, list):
            rows = data
        elif isinstance(data, dict):
            rows = [data]
        else:
            rows = []
        if response is not None and response.status_code < 400:
            view = renderer_context.get("view")
            name = getattr(view, "csv_filename", None) or getattr(view, "basename", None) or "export"
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        if response is not None and response.status_code >= 400:
            # Errors keep their field messages: one row per message.
            rows = [
                {"field": field, "message": message}
                for field, messages in (data.items() if isinstance(data, dict) else [])
                for message in (messages if isinstance(messages, list) else [messages])
            ]
        return to_csv(rows).encode(self.charset)


PAGE_FIELDS = {
    "count": "Rows in all pages together.",
    "next": "The next page's address; null on the last page.",
    "previous": "The previous page's address; null on the first page.",
    "results": "The rows of this page.",
}


class Pagination(PageNumberPagination):
    """Pages of 50 (page_size up to 100); a CSV download has every row (up to 10,000)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
    csv_max_rows = 10_000

    def get_paginated_response(self, data):
        """The page, with a `Link` header to the next and previous pages (RFC 8288), as
        GitHub's API has it, beside `next` and `previous` in the body."""
        response = super().get_paginated_response(data)
        links = [
            f'<{url}>; rel="{rel}"'
            for rel, url in (("next", self.get_next_link()), ("prev", self.get_previous_link()))
            if url
        ]
        if links:
            response["Link"] = ", ".join(links)
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        for name, description in PAGE_FIELDS.items():
            paginated["properties"][name]["description"] = description
        return paginated

    def get_page_size(self, request):
        if getattr(request, "accepted_renderer", None) is not None and request.accepted_renderer.format == "csv":
            return self.csv_max_rows
        return super().get_page_size(request)


class StrictPagination(Pagination):
    """Pagination that refuses what DRF lets pass: a `page` or `page_size` that is not a whole
    number in range (or `page=last`) answers 400 naming the parameter, where DRF would fall
    back to the default page size or answer 404. A page past the last is still a 404."""

    def check_params(self, request) -> None:
        """400 for a bad `page` or `page_size`, whatever the format (a CSV has every row, but
        a bad parameter is refused there too)."""
        limits = {self.page_query_param: None, self.page_size_query_param: self.max_page_size}
        errors = {}
        for name, upper in limits.items():
            raw = request.query_params.get(name)
            if raw in (None, ""):
                continue
            try:
                value = int(raw)
            except ValueError:
                value = None
            if value is None or value < 1 or (upper is not None and value > upper):
                errors[name] = [f"Use a whole number from 1{f' to {upper}' if upper else ''}."]
        if errors:
            raise ValidationError(errors)

    def get_page_size(self, request):
        self.check_params(request)
        return super().get_page_size(request)

    def get_page_number(self, request, paginator):
        return request.query_params.get(self.page_query_param) or 1  # no "last": checked above


class ContentNegotiation(DefaultContentNegotiation):
    """An unknown ?format= is a bad request (400 naming the parameter), not a missing page."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            formats = ", ".join(renderer.format for renderer in renderers if renderer.format != "api")
            raise ValidationError({"format": [f"Unknown format; use one of: {formats}."]}) from None
