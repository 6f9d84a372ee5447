"""The Following page: each program an advocate follows, its headline figures, and what
changed since their last visit.

A follower is the public, so this shows what the program page and the flag feed show, no
more. The headline figures are the program page's (the score, what is owed, the hours, the
open findings about the program as a whole), withheld as it withholds them. A visit keeps a
snapshot of the *published* values only (`Follow.seen_figures`): a figure withheld then or
now is never compared, and the page says "now published" or "now withheld" instead, so no
withheld value is ever shown or can be had by subtracting one figure from another. The new
findings are the daily digest's (tracker.digests): the program-level findings raised since
the last visit, and the shown monthly aggregates a new finding touched, with their current
counts, never how many of them are new.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from programs.models import Program
from tracker.digests import SETTLE_TIME, findings_after, new_findings
from tracker.metrics import Metrics
from tracker.models import Follow
from tracker.program_figures import program_figures
from tracker.selectors import Finding, public_flags
from tracker.templatetags.metrics import metric

OPEN_FINDINGS = "open_program_findings"
# The headline figures: (Metrics field, or OPEN_FINDINGS, and its label).
HEADLINES = [
    ("fairness_score", "Fairness score"),
    ("owed", "Owed to testers"),
    ("hours", "Hours given"),
    (OPEN_FINDINGS, "Open findings about the program"),
]
LABELS = dict(HEADLINES)


@dataclass(frozen=True)
class Change:
    """One headline figure that moved: `state` is "moved" (old → new, both published),
    "published" (withheld before, `new` is its value now) or "withheld" (no value shown)."""

    label: str
    state: str
    old: str = ""
    new: str = ""


@dataclass(frozen=True)
class KindNews:
    """What is new of one kind of finding: how many program-level findings were raised, or
    the shown monthly aggregates touched (their month and current counts)."""

    label: str
    raised: int = 0
    months: list[Finding] = field(default_factory=list)


@dataclass
class Followed:
    follow: Follow
    metrics: Metrics
    open_findings: int | None
    first_visit: bool
    changes: list[Change] = field(default_factory=list)
    status_change: tuple[str, str] | None = None
    news: list[KindNews] = field(default_factory=list)

    @property
    def program(self) -> Program:
        return self.follow.program

    @property
    def nothing_new(self) -> bool:
        return not (self.changes or self.status_change or self.news)


def published_figures(program: Program, metrics: Metrics, open_findings: int | None) -> dict:
    """What the page shows of `program` now, to compare with at the next visit: each
    published headline figure's value (as text, and as the page writes it), the names of the
    withheld ones, the status. A figure with no data is in neither."""
    figures, withheld = {}, []
    for name, _ in HEADLINES:
        if metrics.suppressed or (name != OPEN_FINDINGS and name in (metrics.withheld or {})):
            withheld.append(name)
            continue
        value = open_findings if name == OPEN_FINDINGS else getattr(metrics, name)
        if value is None:
            continue
        text = f"{value:,}" if name == OPEN_FINDINGS else str(metric(metrics, name))
        figures[name] = {"value": str(value), "text": text}
    return {"figures": figures, "withheld": withheld, "status": program.status}


def figure_changes(before: dict, now: dict) -> list[Change]:
    """The headline figures that moved between two snapshots, published values only."""
    changes = []
    old_figures, new_figures = before.get("figures", {}), now["figures"]
    was_withheld, is_withheld = set(before.get("withheld", [])), set(now["withheld"])
    for name, label in HEADLINES:
        old, new = old_figures.get(name), new_figures.get(name)
        if name in is_withheld:
            if name not in was_withheld and old is not None:
                changes.append(Change(label, "withheld"))
        elif name in was_withheld:
            if new is not None:
                changes.append(Change(label, "published", new=new["text"]))
        elif old != new and (old is None or new is None or old["value"] != new["value"]):
            changes.append(Change(label, "moved", old["text"] if old else "—", new["text"] if new else "—"))
    return changes


def _news(findings: list[Finding]) -> list[KindNews]:
    raised, months = defaultdict(int), defaultdict(list)
    for finding in findings:
        if finding.program_level:
            raised[finding.kind_label] += 1
        else:
            months[finding.kind_label].append(finding)
    labels = sorted(set(raised) | set(months))
    return [
        KindNews(label, raised[label], sorted(months[label], key=lambda f: (f.month, f.state), reverse=True))
        for label in labels
    ]


def _open_findings(programs: list[Program]) -> dict[int, int]:
    counts = (
        public_flags()
        .filter(program__in=programs, resolved_at__isnull=True)
        .values_list("program_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(counts)


def _findings_from(follow: Follow) -> dt.datetime:
    seen = follow.seen_figures.get("findings_until")
    return dt.datetime.fromisoformat(seen) if seen else follow.created_at


def followed_programs(follows: list[Follow], *, now: dt.datetime | None = None) -> list[Followed]:
    """Each follow's program with its headline figures and what changed since the follow's
    last visit (on the first, since the program was followed: its new findings only)."""
    if not follows:
        return []
    now = now or timezone.now()
    programs = [follow.program for follow in follows]
    metrics = program_figures(programs)
    counts = _open_findings(programs)
    # As the digest: stop short of flags whose scan may not have committed yet.
    until = now - SETTLE_TIME
    since = min(_findings_from(follow) for follow in follows)
    found = new_findings({p.pk for p in programs}, since, until) if since < until else ([], {}, [])
    slugs = {program.slug: program.pk for program in programs}
    rows = []
    for follow, figures in zip(follows, metrics, strict=True):
        program = follow.program
        open_findings = None if figures.suppressed else counts.get(program.pk, 0)
        row = Followed(follow, figures, open_findings, first_visit=follow.last_seen_at is None)
        now_seen = published_figures(program, figures, open_findings)
        if not row.first_visit:
            before = follow.seen_figures
            row.changes = figure_changes(before, now_seen)
            if before.get("status") and before["status"] != program.status:
                row.status_change = (Program.Status(before["status"]).label, program.get_status_display())
        after = _findings_from(follow)
        if after < until:
            row.news = _news(findings_after(program, after, found, slugs=slugs, since=since))
        now_seen["findings_until"] = max(after, until).isoformat()
        follow.seen_figures = now_seen
        rows.append(row)
    return rows


def record_visit(rows: list[Followed], *, now: dt.datetime | None = None) -> None:
    """Keep what the page showed as each follow's last visit (see `followed_programs`)."""
    now = now or timezone.now()
    follows = [row.follow for row in rows]
    for follow in follows:
        follow.last_seen_at = now
    Follow.objects.bulk_update(follows, ["last_seen_at", "seen_figures"])
