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


def _pg_ctl(data_dir: Path, *args: str) -> int:
    """Run pg_ctl for the embedded server as the user that owns its data."""
    import os
    import subprocess

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgserver._commands import POSTGRES_BIN_PATH

    command = [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(data_dir), *args]
    if os.geteuid() == 0:
        # pgserver runs the server as its own unprivileged "pgserver" user when started as root.
        command = ["su", "pgserver", "-s", "/bin/sh", "-c", " ".join(command)]
    return subprocess.run(command, check=False).returncode


def main(argv: list[str]) -> int:
    """`python -m config.embedded_db status|stop|reset`: manage the embedded server."""
    import shutil

    data_dir = Path(__file__).resolve().parent.parent / ".data" / "pg"
    action = argv[0] if argv else "status"
    if action not in {"status", "stop", "reset"}:
        print("usage: python -m config.embedded_db status|stop|reset")
        return 2
    if not (data_dir / "PG_VERSION").exists():
        print(f"No embedded PostgreSQL data in {data_dir}; the next command that needs it creates it.")
        return 0
    if action == "status":
        return _pg_ctl(data_dir, "status")
    if (data_dir / "postmaster.pid").exists():
        _pg_ctl(data_dir, "-w", "-m", "fast", "stop")
    if action == "reset":
        shutil.rmtree(data_dir)
        print(f"Deleted {data_dir}; the next command starts a fresh, empty server.")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
