"""The daily email digest of what is new on the programs an advocate follows.

A follower is the public: the digest tells them what the flag feed shows, no more. It lists
the program-level findings raised since their last digest as they are, and for findings
about one artist's record only the monthly aggregates they fall in, with the aggregate's
current counts, and only where it is shown (at least MIN_GROUP_SIZE verified artists). It
never says how many of a month's findings are new: the counts before would be a withheld
figure recovered by subtraction.
"""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Min
from django.template.loader import render_to_string
from django.utils import timezone

from tracker.models import Follow
from tracker.selectors import (
    ARTIST_KINDS,
    PROGRAM_KINDS,
    SEVERITY_ORDER,
    Finding,
    finding_flags,
    monthly_findings,
    program_findings,
)

# Longer than any scan transaction may run (the scan task's hard time limit is 11 minutes).
SETTLE_TIME = dt.timedelta(minutes=15)


def _by_severity(finding: Finding) -> tuple:
    """As the feed: the most severe first, then by the day the thing happened or came due (a
    monthly aggregate's month), newest first; program-level findings before a month's counts."""
    raised = finding.raised_at.timestamp() if finding.raised_at else 0
    return SEVERITY_ORDER[finding.severity], -finding.day.toordinal(), not finding.program_level, -raised


def new_findings(program_ids: set[int], since: dt.datetime, until: dt.datetime):
    """(program-level findings raised in the window, {(program, kind, month): when the newest
    finding about an artist's record in that month was raised}, the shown open aggregates of
    those months), in three queries."""
    window = finding_flags().filter(program__in=program_ids, raised_at__gt=since, raised_at__lte=until)
    program_level = [Finding.from_row(row) for row in program_findings(window.filter(kind__in=PROGRAM_KINDS))]
    touched = {
        (row["program_id"], row["kind"], row["month"]): row["newest"]
        for row in window.filter(kind__in=ARTIST_KINDS)
        .values("program_id", "kind", "month")
        .annotate(newest=Max("raised_at"))
        .order_by()
    }
    months = {month for _, _, month in touched}
    open_flags = finding_flags().filter(program__in=program_ids, resolved_at__isnull=True, month__in=months)
    shown = [Finding.from_row(row) for row in monthly_findings(open_flags) if not row["withheld"]]
    return program_level, touched, shown


def findings_after(program, after: dt.datetime, found: tuple, *, slugs: dict[str, int], since: dt.datetime):
    """What `new_findings` found (`found`) that is new on `program` after `after`: its
    program-level findings raised since, and its shown monthly aggregates a finding raised
    since touched (with their current counts, never how many of them are new). `slugs` maps
    the programs' slugs to their ids; `since` is the start of `new_findings`' window."""
    program_level, touched, shown = found
    return [
        finding for finding in program_level if finding.program_slug == program.slug and finding.raised_at > after
    ] + [
        finding
        for finding in shown
        if slugs.get(finding.program_slug) == program.pk
        and touched.get((program.pk, finding.kind, finding.month), since) > after
    ]


@transaction.atomic
def send_digests(*, now: dt.datetime | None = None) -> int:
    """Email each follower what is new on their programs since their last digest.

    Returns how many emails were sent. Follows are locked while this runs so two runs never
    send the same findings twice; a follower with nothing new gets no email.
    """
    # A scan stamps raised_at before its transaction commits, so flags raised in the last
    # few minutes may not be visible yet: the digest stops short of them, and the next one
    # starts there.
    now = (now or timezone.now()) - SETTLE_TIME
    follows = list(
        Follow.objects.select_for_update(of=("self",))
        .filter(user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "program")
    )
    if not follows:
        return 0
    since = Follow.objects.filter(pk__in=[f.pk for f in follows]).aggregate(since=Min("digest_sent_until"))["since"]
    program_ids = {follow.program_id for follow in follows}
    program_level, touched, shown = new_findings(program_ids, since, now)
    slugs = {follow.program.slug: follow.program_id for follow in follows}

    by_user = defaultdict(list)
    for follow in follows:
        found = program_level, touched, shown
        findings = findings_after(follow.program, follow.digest_sent_until, found, slugs=slugs, since=since)
        if findings:
            by_user[follow.user].append((follow.program, sorted(findings, key=_by_severity)))

    for user, programs in by_user.items():
        count = sum(len(findings) for _, findings in programs)
        context = {
            "user": user,
            "programs": programs,
            "count": count,
            "now": now,
            "min_group_size": settings.MIN_GROUP_SIZE,
        }
        send_mail(
            subject=f"{count} new flag{'s' if count != 1 else ''} on programs you follow",
            message=render_to_string("tracker/email/digest.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
    Follow.objects.filter(pk__in=[f.pk for f in follows]).update(digest_sent_until=now)
    return len(by_user)
