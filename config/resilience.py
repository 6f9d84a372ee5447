"""Keeping the site up when Redis is down.

Redis holds only what the site can do without: cached figures, throttle counters and the
task queue. When it cannot be reached, a page or an API call still answers as it would
with Redis up, only slower to compute (no cache), unthrottled (the throttles fail open) and
without the background task it would have queued (the scheduled jobs pick the work up:
the scan-on-change job every minute, webhook deliveries every minute).

- `ResilientRedisCache` is Django's RedisCache with every operation guarded: a Redis error
  is logged, counted and answered as a cache miss (a write is dropped). After a failure
  the cache does not try Redis again for REDIS_RETRY_SECONDS, so a dead Redis costs one
  failed connection per process every few seconds, not one per cache call.
- `enqueue()` queues a Celery task, or logs and counts why it could not.
- `degraded_counts()` and `redis_state()` are what /healthz shows.

Whether Redis is up is known per process; the counts are since the process started.
"""

import logging
import threading
import time
from collections import Counter

from django.conf import settings
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_counts: Counter = Counter()
# Monotonic time before which the cache does not try Redis again (0: Redis is thought up).
_retry_at = 0.0
_last_error = ""


def _count(kind: str) -> None:
    with _lock:
        _counts[kind] += 1


def degraded_counts() -> dict[str, int]:
    """How many cache operations and task enqueues this process answered without Redis."""
    with _lock:
        return {
            "cache_errors": _counts["cache_errors"],
            "cache_skipped": _counts["cache_skipped"],
            "enqueue_errors": _counts["enqueue_errors"],
        }


def redis_state() -> dict:
    """ "up", or "down" with the last error, as this process last found Redis."""
    with _lock:
        if _retry_at and time.monotonic() < _retry_at:
            return {"redis": "down", "error": _last_error}
    return {"redis": "up"}


def _redis_failed(operation: str, error: Exception) -> None:
    global _retry_at, _last_error
    with _lock:
        was_up = not _retry_at
        _counts["cache_errors"] += 1
        _retry_at = time.monotonic() + settings.REDIS_RETRY_SECONDS
        _last_error = f"{type(error).__name__}: {error}"
    if was_up:
        logger.error(
            "Redis unreachable (cache %s: %s); serving without cache and throttles, retrying in %s s",
            operation,
            _last_error,
            settings.REDIS_RETRY_SECONDS,
        )
    else:
        logger.warning("Redis still unreachable (cache %s: %s)", operation, _last_error)


def _redis_answered() -> None:
    global _retry_at, _last_error
    with _lock:
        if not _retry_at:
            return
        _retry_at, _last_error = 0.0, ""
    logger.warning("Redis reachable again; the cache and throttles are back")


def _guarded(name: str, fallback):
    """The RedisCache method `name`, answering `fallback(*args, **kwargs)` when Redis fails."""
    method = getattr(RedisCache, name)

    def guarded(self, *args, **kwargs):
        import redis

        if _retry_at and time.monotonic() < _retry_at:
            _count("cache_skipped")
            return fallback(*args, **kwargs)
        try:
            result = method(self, *args, **kwargs)
        except (redis.RedisError, OSError) as error:
            _redis_failed(name, error)
            return fallback(*args, **kwargs)
        _redis_answered()
        return result

    guarded.__name__ = name
    guarded.__doc__ = method.__doc__
    return guarded


def _default(key, default=None, version=None):
    return default


class ResilientRedisCache(RedisCache):
    """Django's RedisCache; when Redis fails, a read is a miss and a write is dropped.

    With Redis up it behaves exactly as RedisCache (same keys, same serialization). incr and
    decr are left unguarded: their contract has no "miss" answer, and nothing here uses them.
    """

    get = _guarded("get", _default)
    add = _guarded("add", lambda *args, **kwargs: False)
    set = _guarded("set", lambda *args, **kwargs: None)
    touch = _guarded("touch", lambda *args, **kwargs: False)
    delete = _guarded("delete", lambda *args, **kwargs: False)
    get_many = _guarded("get_many", lambda *args, **kwargs: {})
    has_key = _guarded("has_key", lambda *args, **kwargs: False)
    set_many = _guarded("set_many", lambda data, *args, **kwargs: list(data))
    delete_many = _guarded("delete_many", lambda *args, **kwargs: None)
    clear = _guarded("clear", lambda *args, **kwargs: False)


def enqueue(task, *args, **kwargs):
    """`task.delay(*args, **kwargs)`, or None when the broker cannot take it (logged and
    counted). Use it only for work a scheduled job does anyway, a little later."""
    import redis
    from kombu.exceptions import OperationalError

    unreachable = (OperationalError, redis.RedisError, OSError)
    try:
        return task.delay(*args, **kwargs)
    except (*unreachable, RuntimeError) as error:
        # Celery's result consumer gives up on a dead Redis with a RuntimeError.
        if isinstance(error, RuntimeError) and not isinstance(error.__cause__, unreachable):
            raise
        _count("enqueue_errors")
        logger.error(
            "Could not queue %s (%s: %s); the scheduled jobs will pick it up", task.name, type(error).__name__, error
        )
        return None
