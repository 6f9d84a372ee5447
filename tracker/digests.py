"""The daily email digest of new flags on the programs an advocate follows."""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Min
from django.template.loader import render_to_string
from django.utils import timezone

from tracker.models import Follow
from tracker.selectors import SEVERITY_RANK, public_flags

# Longer than any scan transaction may run (the scan task's hard time limit is 11 minutes).
SETTLE_TIME = dt.timedelta(minutes=15)


@transaction.atomic
def send_digests(*, now: dt.datetime | None = None) -> int:
    """Email each follower the flags raised on their programs since their last digest.

    Returns how many emails were sent. Follows are locked while this runs so two runs never
    send the same flags twice; a follower with nothing new gets no email. Only flags the
    public feed shows are sent (`public_flags`: the privacy floor holds in email too).
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
    new_flags = defaultdict(list)
    for flag in (
        public_flags()
        .filter(program__in={f.program_id for f in follows}, raised_at__gt=since, raised_at__lte=now)
        .order_by("program__name", SEVERITY_RANK, "raised_at")
    ):
        new_flags[flag.program_id].append(flag)

    by_user = defaultdict(list)
    for follow in follows:
        flags = [flag for flag in new_flags[follow.program_id] if flag.raised_at > follow.digest_sent_until]
        if flags:
            by_user[follow.user].append((follow.program, flags))

    for user, programs in by_user.items():
        count = sum(len(flags) for _, flags in programs)
        context = {"user": user, "programs": programs, "count": count, "now": now}
        send_mail(
            subject=f"{count} new flag{'s' if count != 1 else ''} on programs you follow",
            message=render_to_string("tracker/email/digest.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
    Follow.objects.filter(pk__in=[f.pk for f in follows]).update(digest_sent_until=now)
    return len(by_user)
