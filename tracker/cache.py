"""Caching and conditional responses for the stats API.

`data_version()` reads the sequence that every write to the tables behind the figures
bumps (migration tracker/0003). A cached response is keyed by it, so any change, however
it was written, makes the next request compute afresh. The ETag is a digest of the response
itself, kept with it in the cache, so a client that sends If-None-Match gets 304 until what
it would be sent changes. Last-Modified is when this server first served that answer. Entries
also expire after STATS_CACHE_SECONDS, which bounds the one race a sequence allows (a reader
that computes while a writer has not committed caches old figures under the new version):
the ETag then changes with the figures, so no client keeps them either.

After a write the figures need recomputing, which takes seconds on a large database. With
FIGURES_STALE_SECONDS set (the default outside tests), a request does not wait for that: it
is served the last figures computed, if they are at most that old, while one background
thread computes the new ones (one refresh per figure set at a time across the processes that
share the cache, and at most one per FIGURES_REFRESH_SECONDS). Pages
say how old such figures are; the API's Last-Modified and ETag are those of the figures
served. Figures older than that are computed before answering, as without the setting.
"""

import hashlib
import json
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connection, connections
from django.utils import timezone

from config.routers import replica_reads
from tracker.models import ProgramChange

logger = logging.getLogger(__name__)


def data_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value + CASE WHEN is_called THEN 0 ELSE -1 END FROM tracker_data_version")
        return cursor.fetchone()[0]


def program_versions(program_ids) -> dict[int, int]:
    """Each program's version (tracker.models.ProgramChange): it changes with any write to
    the records behind that program's figures, and with nothing else. Read on the primary."""
    rows = ProgramChange.objects.using(DEFAULT_DB_ALIAS).filter(program_id__in=list(program_ids))
    versions = dict(rows.values_list("program_id", "version"))
    return {pk: versions.get(pk, 0) for pk in program_ids}


def program_version(program_id: int) -> int:
    return program_versions([program_id])[program_id]


def today_key() -> str:
    """Figures about due work change with the day, with no write: part of every cache key."""
    return timezone.now().date().isoformat()


def figures_key(now=None) -> str:
    """What, besides the records, a program's cached figures depend on: the day (or the
    moment they were asked for, when one was given) and the settings the figures and the
    privacy rules read."""
    when = today_key() if now is None else now.isoformat()
    return f"{when}:{settings.MIN_GROUP_SIZE}:{settings.FAIR_HOURLY_RATE}"


def first_seen(etag: str) -> float:
    """When this server first served an answer with this ETag (a Unix time), for
    Last-Modified: it moves when what is answered changes, not with every write behind it,
    so a program cannot read the moment one of its testers logged something from a header
    while the figures shown stay the same (docs/privacy.md)."""
    key = f"stats:seen:{etag}"
    now = timezone.now().timestamp()
    cache.add(key, now, timeout=None)
    return cache.get(key, now)


def etag_for(value, request_key: str) -> str:
    content = json.dumps(value, sort_keys=True, default=str)
    digest = hashlib.sha256(f"{request_key}:{content}".encode()).hexdigest()[:32]
    return f'"{digest}"'


def http_date(timestamp: float) -> str:
    return formatdate(timestamp, usegmt=True)


EXPIRY_STEPS = 8


def per_program(kind: str, programs: list, scope: str, compute: Callable[[list], dict]) -> dict:
    """{program id: value} of each program's `kind` entry, cached under the program's own
    version and `scope` (what else it depends on); `compute(programs)` gives {id: value} for
    the programs not cached, in one batch. Entries expire within STATS_CACHE_SECONDS."""
    versions = program_versions([p.pk for p in programs])
    database = connection.settings_dict["NAME"]
    keys = {p.pk: f"{kind}:{database}:{scope}:{p.pk}:{versions[p.pk]}" for p in programs}
    found = cache.get_many(list(keys.values())) if programs else {}
    missing = [p for p in programs if keys[p.pk] not in found]
    if missing:
        computed = {keys[pk]: value for pk, value in compute(missing).items()}
        # Each expires between half and all of STATS_CACHE_SECONDS after it was computed (by
        # its program's id), so that programs computed together are not all computed again
        # by one request.
        spread: dict[int, dict] = {}
        for pk, key in keys.items():
            if key in computed:
                spread.setdefault(pk % EXPIRY_STEPS, {})[key] = computed[key]
        for step, entries in spread.items():
            timeout = round(settings.STATS_CACHE_SECONDS * (1 - step / (2 * EXPIRY_STEPS)))
            cache.set_many(entries, timeout=timeout)
        found.update(computed)
    return {p.pk: found[keys[p.pk]] for p in programs}


@dataclass(frozen=True)
class Entry:
    """Figures computed at one data version: the value, its ETag, and when it was computed."""

    version: int
    computed_at: float
    value: object
    etag: str

    @property
    def age(self) -> float:
        return time.time() - self.computed_at


_refreshing: dict[str, threading.Thread] = {}
_refreshing_lock = threading.Lock()
# When this process last asked the shared cache for the right to refresh each figure set:
# within FIGURES_REFRESH_SECONDS it need not ask again (the answer would be no).
_asked_at: dict[str, float] = {}


def _compute(key: str, version: int, build: Callable[[], object], tag_key: str | None) -> Entry:
    value = build()
    # A page's figures need no ETag (tag_key None): hashing a large feed costs milliseconds.
    entry = Entry(version, time.time(), value, "" if tag_key is None else etag_for(value, tag_key))
    cache.set(key, entry, timeout=max(settings.STATS_CACHE_SECONDS, settings.FIGURES_STALE_SECONDS))
    return entry


def _refresh(key: str, build: Callable[[], object], tag_key: str | None, version_of: Callable[[], int]) -> None:
    """Compute the figures of `key` anew, on a thread of its own (one per key at a time)."""

    def run():
        try:
            close_old_connections()
            # The version is read on the primary; the figures, like the request's, on the replica.
            version = version_of()
            with replica_reads():
                _compute(key, version, build, tag_key)
        except Exception:  # a failed refresh leaves the stale figures; the next request retries
            logger.exception("Refreshing the figures %s failed", key)
        finally:
            connections.close_all()  # this thread's own connections, the replica's too
            with _refreshing_lock:
                _refreshing.pop(key, None)

    with _refreshing_lock:
        if key in _refreshing:
            return
        now = time.monotonic()
        if now - _asked_at.get(key, -math.inf) < settings.FIGURES_REFRESH_SECONDS:
            return
        if len(_asked_at) > 10_000:  # every filter makes a figure set: keep this bounded
            _asked_at.clear()
        _asked_at[key] = now
        # One refresh of a figure set at a time across every server process sharing the
        # cache, and none sooner than FIGURES_REFRESH_SECONDS after the last one began, so a
        # stream of writes cannot keep every worker recomputing.
        if not cache.add(f"refresh:{key}", True, timeout=max(1, settings.FIGURES_REFRESH_SECONDS)):
            return
        thread = threading.Thread(target=run, name=f"figures-{key[-8:]}", daemon=True)
        _refreshing[key] = thread
    thread.start()


def wait_for_refreshes(timeout: float = 60) -> None:
    """Wait until the background refreshes running now have finished (tests, shutdown)."""
    with _refreshing_lock:
        threads = list(_refreshing.values())
    for thread in threads:
        thread.join(timeout)


def figures(
    key: str,
    version: int,
    build: Callable[[], object],
    tag_key: str | None,
    version_of: Callable[[], int] = data_version,
) -> Entry:
    """The figures of `key` at this data version, or, while those are computed in the
    background, the last ones if they are at most FIGURES_STALE_SECONDS old."""
    entry = cache.get(key)
    if isinstance(entry, Entry):
        if entry.version == version:
            return entry
        if entry.age <= settings.FIGURES_STALE_SECONDS:
            _refresh(key, build, tag_key, version_of)
            return entry
    return _compute(key, version, build, tag_key)


def cached(request_key: str, build: Callable[[], object], program: int | None = None) -> Entry:
    """The stats answer for this request: at this data version (the program's, for an
    answer about one program), or recent figures while those are computed (see `figures`).
    Its ETag and version come with it."""
    database = connection.settings_dict["NAME"]
    # The day and the privacy settings too: raising MIN_GROUP_SIZE hides at once what it hides.
    raw = f"{database}:{figures_key()}:{request_key}"
    key = "stats:figures:" + hashlib.sha256(raw.encode()).hexdigest()
    version_of = data_version if program is None else (lambda: program_version(program))
    return figures(key, version_of(), build, request_key, version_of)


def page_figures(
    name: str, build: Callable[[], object], *key_parts, request=None, program: int | None = None
) -> object:
    """Figures for a page, cached like the stats API's answers: the expensive metrics are
    computed once per change of the data (of the `program`'s records, for figures about one
    program), and recent figures are served while they are.
    When the figures served are older than the data, `request.figures_as_of` says when
    they were computed (the oldest of the page's), for the page to say so."""
    database = connection.settings_dict["NAME"]
    raw = ":".join([database, figures_key(), name, *map(str, key_parts)])
    key = "page:" + hashlib.sha256(raw.encode()).hexdigest()
    version_of = data_version if program is None else (lambda: program_version(program))
    if program is None and request is not None:
        # Read once per request: the page's figure sets then agree on the data they show.
        if not hasattr(request, "data_version"):
            request.data_version = data_version()
        version = request.data_version
    else:
        version = version_of()
    entry = figures(key, version, build, None, version_of)
    if request is not None:
        # Which computation of these figures the page shows, for its cached fragments
        # (tracker.templatetags.fragments).
        served = f"{getattr(request, 'figures_tag', '')}|{key}:{entry.version}:{entry.computed_at}"
        request.figures_tag = hashlib.sha256(served.encode()).hexdigest()
    if entry.version != version and request is not None:
        shown = getattr(request, "figures_as_of", None)
        computed = timezone.datetime.fromtimestamp(entry.computed_at, tz=timezone.get_current_timezone())
        request.figures_as_of = computed if shown is None else min(shown, computed)
    return entry.value
