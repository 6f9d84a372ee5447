"""What the tracker adds to other apps' pages: the findings about an artist's own records
on their ledger overview (registered in TrackerConfig.ready(); see artists/panels.py)."""

from django.conf import settings

from tracker.selectors import feed_order, flags_of_artist, last_scan, open_flag_counts
from tracker.unpaid_work import own_unpaid_work

# Open findings listed on the ledger overview; GET /api/v1/me/flags/ has every one.
LEDGER_FLAGS_SHOWN = 10


def own_findings(artist) -> dict:
    """The open findings about the artist's records (the most severe first, then by the day
    they happened or came due), their counts by kind, their unpaid work with each contribution
    counted once, when the last scan ran, and the privacy floor the public counts are held to."""
    own_flags = flags_of_artist(artist).filter(resolved_at__isnull=True)
    return {
        "flag_counts": open_flag_counts(own_flags),
        "unpaid_work": own_unpaid_work(own_flags),
        "flags": feed_order(own_flags)[:LEDGER_FLAGS_SHOWN],
        "last_scan": last_scan(),
        "min_group_size": settings.MIN_GROUP_SIZE,
    }
