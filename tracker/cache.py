"""Caching and conditional responses for the stats API.

`data_version()` reads the sequence that every write to the tables behind the figures
bumps (migration tracker/0003). A cached response is keyed by it, so any change, however
it was written, makes the next request compute afresh. The ETag is a digest of the response
itself, kept with it in the cache, so a client that sends If-None-Match gets 304 until what
it would be sent changes. Last-Modified is when this server first saw that version. Entries
also expire after STATS_CACHE_SECONDS, which bounds the one race a sequence allows (a reader
that computes while a writer has not committed caches old figures under the new version):
the ETag then changes with the figures, so no client keeps them either.
"""

import hashlib
import json
from collections.abc import Callable
from email.utils import formatdate

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone


def data_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value + CASE WHEN is_called THEN 0 ELSE -1 END FROM tracker_data_version")
        return cursor.fetchone()[0]


def first_seen(version: int) -> float:
    """When this server first saw a data version (a Unix time), for Last-Modified."""
    key = f"stats:seen:{version}"
    now = timezone.now().timestamp()
    cache.add(key, now, timeout=None)
    return cache.get(key, now)


def etag_for(value, request_key: str) -> str:
    content = json.dumps(value, sort_keys=True, default=str)
    digest = hashlib.sha256(f"{request_key}:{content}".encode()).hexdigest()[:32]
    return f'"{digest}"'


def http_date(timestamp: float) -> str:
    return formatdate(timestamp, usegmt=True)


def cached(request_key: str, version: int, build: Callable[[], object]) -> tuple[object, str]:
    """The value for this request at this data version and its ETag, from the cache or built now."""
    database = connection.settings_dict["NAME"]
    # "entry": (value, ETag) pairs, apart from the bare values an older release cached.
    key = "stats:entry:" + hashlib.sha256(f"{database}:{version}:{request_key}".encode()).hexdigest()
    entry = cache.get(key)
    if entry is None:
        value = build()
        entry = (value, etag_for(value, request_key))
        cache.set(key, entry, timeout=settings.STATS_CACHE_SECONDS)
    return entry


def page_figures(name: str, build: Callable[[], object], *key_parts) -> object:
    """Figures for a page, cached per data version like the stats API's responses: the
    expensive metrics are computed once per change of the data (or STATS_CACHE_SECONDS)."""
    database = connection.settings_dict["NAME"]
    raw = ":".join([database, str(data_version()), name, *map(str, key_parts)])
    key = "page:" + hashlib.sha256(raw.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=settings.STATS_CACHE_SECONDS)
    return value
