"""CSV downloads of the dashboards' tables, with the field names of docs/architecture.md and Metrics.

A suppressed program keeps its name, status and the suppressed_reason; every figure is
empty (tracker.metrics has already made it None). Values are plain: shares as fractions
(0.4237), money as decimals in the row's currency, true/false, empty for no data.
"""

from dataclasses import fields

from django.http import HttpResponse

from config import csv_safe
from feedback.models import Contribution
from programs.models import Program
from tracker.metrics import Metrics, Period
from tracker.models import Flag
from tracker.selectors import ProgramRow

# Every scalar figure of Metrics, in its order.
NOT_FIGURES = {
    "key",
    "name",
    "artists",
    "suppressed",
    "suppressed_reason",
    "currency",
    "contributions_by_kind",
    "cash_paid_by_currency",
    "open_flags",
    "score_breakdown",
    "figure_artists",
    "withheld",
    "period",
}
FIGURES = [f.name for f in fields(Metrics) if f.name not in NOT_FIGURES]
KIND_FIELDS = [f"contributions_by_kind.{kind}" for kind in Contribution.Kind.values]
FLAG_FIELDS = [f"open_flags.{kind}" for kind in Flag.Kind.values]
PROGRAM_FIELDS = ["slug", "name", "organization", "status", "currency", "suppressed", "suppressed_reason"]
FIELDS = [*PROGRAM_FIELDS, "artists", *FIGURES, *KIND_FIELDS, *FLAG_FIELDS, "withheld"]


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return ";".join(f"{key}={cell(item)}" for key, item in value.items())
    return str(value)


def metrics_values(program: Program, metrics: Metrics) -> dict[str, object]:
    """{field: value} for one program, in FIELDS order."""
    values = {
        "slug": program.slug,
        "name": program.name,
        "organization": program.organization.slug,
        "status": program.status,
        "currency": program.currency,
        "suppressed": metrics.suppressed,
        "suppressed_reason": metrics.suppressed_reason,
        # Public in Metrics, but a small count is not shown beside hidden figures.
        "artists": None if metrics.suppressed else metrics.artists,
    }
    values.update({name: getattr(metrics, name) for name in FIGURES})
    by_kind, flags = metrics.contributions_by_kind, metrics.open_flags
    values.update(
        {f"contributions_by_kind.{k}": None if by_kind is None else by_kind.get(k, 0) for k in Contribution.Kind.values}
    )
    withheld = metrics.withheld or {}
    values.update(
        {
            f"open_flags.{k}": None if flags is None or f"open_flags.{k}" in withheld else flags.get(k, 0)
            for k in Flag.Kind.values
        }
    )
    # The figures withheld by the privacy rules (their cells are empty), docs/privacy.md.
    values["withheld"] = "; ".join(sorted(metrics.withheld))
    return values


def score_key(point) -> str:
    return f"score.{point.principle.replace(' ', '_')}.{point.point}"


def csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv_safe.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return response


def programs_csv(rows: list[ProgramRow], filename: str) -> HttpResponse:
    """A programs table: one row per program, one column per field."""
    return csv_response(
        filename, FIELDS, ([metrics_values(row.program, row.metrics)[name] for name in FIELDS] for row in rows)
    )


def program_csv(program: Program, metrics: Metrics, period: Period) -> HttpResponse:
    """One program's dashboard as field,value rows, then its score points (their earned,
    rule and explanation columns are empty on the figure rows)."""
    rows = [("period", period.label)]
    rows += list(metrics_values(program, metrics).items())
    rows += [
        (score_key(point), point.figure, point.earned, point.rule, point.explanation)
        for point in metrics.score_breakdown or []
    ]
    return csv_response(f"program-{program.slug}.csv", ["field", "value", "earned", "rule", "explanation"], rows)


def compare_csv(rows: list[ProgramRow]) -> HttpResponse:
    """Programs side by side: one row per field, one column per program."""
    values = [metrics_values(row.program, row.metrics) for row in rows]
    lines = [[name, *(value[name] for value in values)] for name in FIELDS if name != "slug"]
    points = [{score_key(p): p for p in row.metrics.score_breakdown or []} for row in rows]
    keys = next((list(p) for p in points if p), [])
    for key in keys:
        lines.append([f"{key}.earned", *(p[key].earned if p else None for p in points)])
        lines.append([f"{key}.figure", *(p[key].figure if p else None for p in points)])
    slugs = [row.program.slug for row in rows]
    return csv_response(f"compare-{'-'.join(slugs)}.csv", ["field", *slugs], lines)
