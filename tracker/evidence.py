"""A program's evidence pack: one zip of what its page publishes, for an advocate to keep
or hand on.

Every file is made by what already makes the pages, so the pack withholds what they
withhold: the program's CSV is the page's ?format=csv (tracker.exports, through the privacy
rules and config/csv_safe.py), the findings are the flag feed's rows of the program
(tracker.feed: program-level findings one by one, the rest as monthly aggregates, withheld
below the floor), the charts are the page's SVGs (none when its figures are hidden), the
methodology is docs/metrics.md and docs/privacy.md as the app serves them, the headlines are
the page's own (the same cache entry), the replies are the organization's as the page shows
them.
"""

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable

from django.conf import settings

from config import csv_safe
from programs.models import Program
from tracker.charts import Panel
from tracker.exports import cell, program_csv
from tracker.feed import feed
from tracker.filters import FindingFilter
from tracker.metrics import Metrics
from tracker.periods import Period
from tracker.privacy import METHODOLOGY_VERSION
from tracker.selectors import FINDING_STATES, finding_flags
from tracker.selectors_replies import program_replies
from tracker.views import DOC_PAGES

FINDING_FIELDS = [
    "kind",
    "kind_label",
    "severity",
    "state",
    "month",
    "message",
    "occurred_on",
    "due_on",
    "raised_at",
    "resolved_at",
    "artists",
    "findings",
    "unit",
    "contributions",
    "hours",
    "withheld",
]

# -- optional parts -------------------------------------------------------------------------
# Parts that other features add to the pack: each is a function of (program, period) giving
# (file name, bytes) pairs, or none. The program's generated headlines and the programs'
# replies go here once they exist (register them with `add_part`); they must publish no
# more than their own pages do.
Part = Callable[[Program, Period], Iterable[tuple[str, bytes]]]
OPTIONAL_PARTS: list[Part] = []


def add_part(part: Part) -> Part:
    """Register an optional part of every pack (usable as a decorator)."""
    OPTIONAL_PARTS.append(part)
    return part


def optional_parts(program: Program, period: Period) -> list[tuple[str, bytes]]:
    """The files of the registered optional parts (headlines, replies …), in their order."""
    return [file for part in OPTIONAL_PARTS for file in part(program, period)]


# -- the files --------------------------------------------------------------------------------


def findings_csv(program: Program) -> bytes:
    """The flag feed's findings of the program, open and resolved, as its rows (as of now)."""
    out = io.StringIO()
    writer = csv_safe.writer(out)
    writer.writerow(FINDING_FIELDS)
    for state in FINDING_STATES:
        finding_filter = FindingFilter({"program": program.slug, "state": state}, queryset=finding_flags())
        if not finding_filter.is_valid():  # pragma: no cover - a listed program's slug is valid
            continue
        findings, _ = feed(finding_filter, with_unpaid=False)
        for f in findings:
            values = {
                "kind": f.kind,
                "kind_label": f.kind_label,
                "severity": f.severity,
                "state": f.state,
                "month": f.month_label,
                "message": f.message,
                "occurred_on": f.occurred_on,
                "due_on": f.due_on,
                "raised_at": f.raised_at.isoformat() if f.raised_at else None,
                "resolved_at": f.resolved_at.isoformat() if f.resolved_at else None,
                "artists": f.artists,
                "findings": f.findings,
                "unit": None if f.program_level else f.unit,
                "contributions": f.contributions,
                "hours": f.hours,
                "withheld": f.withheld,
            }
            writer.writerow([cell(values[name]) for name in FINDING_FIELDS])
    return out.getvalue().encode("utf-8")


def methodology() -> bytes:
    """docs/metrics.md and docs/privacy.md, as /methodology/ and /privacy/ serve them."""
    parts = [
        (settings.BASE_DIR / "docs" / DOC_PAGES[name]).read_text(encoding="utf-8").strip()
        for name in ("methodology", "privacy")
    ]
    return ("\n\n---\n\n".join(parts) + "\n").encode("utf-8")


def readme(
    program: Program, period: Period, metrics: Metrics, files: list[str], now: dt.datetime, computed_at=None
) -> bytes:
    lines = [
        f"Evidence pack: {program.name}",
        "",
        f"Program: {program.name} ({program.slug})",
        f"Organization: {program.organization.name}",
        f"Period: {period.label if period.bounded else 'all (all time)'}",
        f"As of: {now.astimezone(dt.UTC).isoformat(timespec='seconds')}",
        f"Methodology version: {METHODOLOGY_VERSION}",
        "",
        "What the tracker publishes about this program, as its page shows it. Figures drawn",
        f"from fewer than {settings.MIN_GROUP_SIZE} verified artists, or that would let a reader work one out,",
        "are withheld here as there: their cells are empty and the CSV's `withheld` row names them.",
        "Contributions and their pay count in the period by the day the work occurred; testers,",
        "revocations and findings are as of the time above.",
    ]
    if computed_at is not None:
        # Served as they were while newer ones are computed (tracker.cache.page_figures).
        lines += ["", f"These figures were computed at {computed_at.astimezone(dt.UTC).isoformat(timespec='seconds')},"]
        lines += ["before the latest records arrived."]
    if metrics.suppressed:
        lines += ["", f"Figures hidden: {metrics.suppressed_reason}"]
    lines += ["", "Files:", *(f"- {name}" for name in files), ""]
    return "\n".join(lines).encode("utf-8")


REPLY_FIELDS = ["posted_at", "text_written_at", "answers", "finding_kind", "finding_message", "state", "text"]


def headlines_text(headlines: list[str]) -> bytes:
    """The page's headline sentences, one per line (none when its figures are hidden)."""
    return "".join(f"{line}\n" for line in headlines).encode("utf-8")


def replies_csv(program: Program) -> bytes:
    """The organization's replies as the page shows them: a hidden reply by its stub and the
    staff's reason, never its text; never who wrote or hid one (tracker.selectors_replies)."""
    buffer = io.StringIO()
    writer = csv_safe.writer(buffer)
    writer.writerow(REPLY_FIELDS)
    for reply in program_replies(program):
        finding = reply.finding
        hidden = reply.hidden_at is not None
        writer.writerow(
            [
                cell(reply.created_at),
                cell(reply.updated_at),
                "finding" if finding else "figures",
                finding.kind if finding else "",
                finding.message if finding else "",
                "hidden by staff" if hidden else "shown",
                f"Hidden by staff: {reply.hidden_reason}" if hidden else reply.body,
            ]
        )
    return buffer.getvalue().encode("utf-8")


def evidence_pack(
    program: Program,
    period: Period,
    metrics: Metrics,
    charts: list[Panel],
    *,
    now,
    computed_at=None,
    headlines: list[str] = (),
) -> bytes:
    """The zip's bytes: README.txt, the program's CSV, its headlines, its findings CSV, the
    organization's replies, each chart drawn as SVG, methodology.md, then the optional parts."""
    files = [
        (f"program-{program.slug}.csv", program_csv(program, metrics, period).content),
        *([("headlines.txt", headlines_text(list(headlines)))] if headlines else []),
        (f"findings-{program.slug}.csv", findings_csv(program)),
        (f"replies-{program.slug}.csv", replies_csv(program)),
        *((f"charts/{panel.slug}.svg", panel.svg.encode("utf-8")) for panel in charts if panel.svg),
        ("methodology.md", methodology()),
        *optional_parts(program, period),
    ]
    names = [name for name, _ in files]
    buffer = io.BytesIO()
    stamp = now.astimezone(dt.UTC).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as pack:
        for name, content in [("README.txt", readme(program, period, metrics, names, now, computed_at)), *files]:
            pack.writestr(zipfile.ZipInfo(name, date_time=stamp), content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
