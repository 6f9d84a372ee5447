"""The embedded PostgreSQL used when no DATABASE_URL is set.

`pgserver` ships PostgreSQL 16 binaries inside its wheel. The server keeps its data in
`.data/pg/` (git-ignored), is started on first use and outlives the command that started
it, so the next command reuses it in a few milliseconds. `make db-stop` stops it and
`make db-reset` deletes its data.
"""

import warnings
from pathlib import Path


def embedded_database(data_dir: Path) -> dict:
    """Start (or reuse) the embedded server and return a Django DATABASES entry for it."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (as on CI); the fallback is fine.
        warnings.simplefilter("ignore")
        import pgserver

        data_dir.parent.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(data_dir, cleanup_mode=None)
        socket_dir = server.get_postmaster_info().socket_dir
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "postgres",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(socket_dir),
        "PORT": "",
    }
