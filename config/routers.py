"""Read replica routing: the public figures may be read from a copy of the database.

With DATABASE_REPLICA_URL set, settings add a "replica" alias: a streaming copy of the
primary. Reads go to it only where a view asked for it (`replica_reads()` or the
`reads_from_replica` decorator): the public stats API, the public dashboards and the flag
feed, which read much and write nothing and may trail a write by the replication lag.
Everything else reads the primary, so an artist sees what they just logged (read-your-writes),
and every write goes to the primary whatever the context. Without the alias, this router
changes nothing: every query uses "default".

The accounts' tables (users, sessions, tokens, sign-in failures) are read on the primary even
inside `replica_reads()`: a sign-in just made must be seen on the next page, or the lagging
session would look empty and the visitor would be signed out.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_DB_ALIAS = "replica"
# Methods that only read: the only requests that may be answered from the replica.
SAFE_METHODS = frozenset({"GET", "HEAD"})
# Apps whose tables are read on the primary always (see the module's docstring).
PRIMARY_ONLY_APPS = frozenset({"auth", "sessions", "authtoken", "axes"})

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA_DB_ALIAS in connections.settings


@contextmanager
def replica_reads() -> Iterator[None]:
    """Inside this block, reads may go to the replica (when one is configured).

    A context variable, so it holds for this thread or task only; a thread started inside the
    block does not inherit it and reads the primary unless it enters the block itself."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def _read_only(view: Callable, request_position: int) -> Callable:
    """`view` run inside `replica_reads()` when its request (the argument at
    `request_position`) is a GET or HEAD; any other method reads the primary."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if args[request_position].method not in SAFE_METHODS:
            return view(*args, **kwargs)
        with replica_reads():
            return view(*args, **kwargs)

    return wrapper


def reads_from_replica(view):
    """Mark a view whose GET and HEAD requests may read from the replica.

    Works on a function view and on a class-based view (Django's View, DRF's APIView and
    viewsets): on a class it wraps `dispatch` in place, so its subclasses are marked too.
    Only for views that write nothing and show no one their own records: the figures may
    trail a write by the replication lag."""
    if isinstance(view, type):
        view.dispatch = _read_only(view.dispatch, request_position=1)
        return view
    return _read_only(view, request_position=0)


class ReplicaRouter:
    """Reads inside `replica_reads()` go to the replica when one is configured; all writes
    and migrations go to the primary."""

    def db_for_read(self, model, **hints):
        if _replica_reads.get() and model._meta.app_label not in PRIMARY_ONLY_APPS and replica_configured():
            return REPLICA_DB_ALIAS
        # The primary, named rather than left to Django: left open (None), an object read on
        # the replica would have its related objects read there too, outside the block.
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        """Both aliases hold the same rows: an object read on the replica may be related to
        one read on the primary."""
        aliases = {DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        """Only the primary is migrated; the replica is a copy of it."""
        return db == DEFAULT_DB_ALIAS
