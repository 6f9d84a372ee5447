"""Back up and restore the database in use with pg_dump and pg_restore (custom format).

`manage.py backup` and `manage.py restore` (tracker/management/commands/) are a few lines
onto `backup()` and `restore()`. The database in use is `DATABASES["default"]`: the server
of DATABASE_URL, or the embedded one (config/embedded_db.py).

pg_dump refuses a server newer than itself, and pg_restore cannot read an archive written
by a newer pg_dump, so the tools are chosen per server: the embedded server's own binaries
(pgserver ships pg_dump and pg_restore beside postgres), the system's
(`/usr/lib/postgresql/<major>/bin`, then PATH), or only the directory in `PG_BINDIR` when
that is set. The same major version as the server wins; else the oldest newer one.

Every failure is a `BackupError` whose message is one line a person can act on.
"""

import datetime as dt
import glob
import os
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import psycopg


class BackupError(Exception):
    """Why a backup or restore could not run, in one line."""


def tool_dirs() -> list[Path]:
    """Where to look for pg_dump and pg_restore, in order."""
    if os.environ.get("PG_BINDIR"):
        return [Path(os.environ["PG_BINDIR"])]
    dirs = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from pgserver._commands import POSTGRES_BIN_PATH
        dirs.append(Path(POSTGRES_BIN_PATH))
    except ImportError:  # pragma: no cover - pgserver is in requirements.txt
        pass
    dirs += [Path(found) for found in sorted(glob.glob("/usr/lib/postgresql/*/bin"))]
    dirs += [Path(found).parent for name in ("pg_dump",) if (found := shutil.which(name))]
    return dirs


def tool_version(path: Path) -> int | None:
    """The major version a pg_dump/pg_restore binary reports, or None if it does not run."""
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return None
    match = re.search(r"\(PostgreSQL\) (\d+)", out)
    return int(match.group(1)) if match else None


def candidate_tools(name: str, server_major: int) -> list[tuple[int, Path]]:
    """Every runnable `name` found, best first for a server of `server_major`: the same
    major, then newer ones from the oldest up (a newer client reads an older server)."""
    found: dict[Path, int] = {}
    for directory in tool_dirs():
        path = (directory / name).resolve()
        if path.is_file() and path not in found and (major := tool_version(path)) is not None:
            found[path] = major
    usable = [(major, path) for path, major in found.items() if major >= server_major]
    usable.sort(key=lambda item: (item[0] != server_major, item[0]))
    if not usable:
        seen = ", ".join(f"{major} ({path})" for path, major in found.items()) or "none"
        raise BackupError(
            f"no {name} for PostgreSQL {server_major} or newer (found: {seen}); install the PostgreSQL "
            f"{server_major} client tools or set PG_BINDIR to their bin directory"
        )
    return usable


def libpq_env(db: dict, name: str | None = None) -> dict:
    """The environment that points pg_dump/pg_restore/psycopg at a Django DATABASES entry."""
    env = dict(os.environ)
    for var, value in {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": name or db.get("NAME"),
        "PGSSLMODE": (db.get("OPTIONS") or {}).get("sslmode"),
    }.items():
        if value:
            env[var] = str(value)
        else:
            env.pop(var, None)
    return env


def connect(db: dict, name: str | None = None) -> psycopg.Connection:
    env = libpq_env(db, name)
    params = {
        key: env[var]
        for key, var in [("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER"), ("password", "PGPASSWORD")]
        if var in env
    }
    params["dbname"] = name or db["NAME"]
    if "PGSSLMODE" in env:
        params["sslmode"] = env["PGSSLMODE"]
    try:
        return psycopg.connect(autocommit=True, connect_timeout=10, **params)
    except psycopg.OperationalError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise BackupError(f"cannot connect to database {params['dbname']!r}: {first}") from None


def server_major(db: dict) -> int:
    with connect(db) as conn:
        return conn.info.server_version // 10000


def table_count(db: dict, name: str) -> int:
    """How many tables the database holds outside the system schemas."""
    with connect(db, name) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        ).fetchone()[0]


def database_exists(db: dict, name: str) -> bool:
    with connect(db, "postgres") as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def create_database(db: dict, name: str) -> None:
    with connect(db, "postgres") as conn:
        conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))


def last_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def backup(db: dict, directory: Path, *, now: dt.datetime | None = None) -> Path:
    """Dump the database to `directory/tracker-YYYYMMDD-HHMMSS.dump` and return the path."""
    major = server_major(db)
    _, pg_dump = candidate_tools("pg_dump", major)[0]
    directory.mkdir(parents=True, exist_ok=True)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    path = directory / f"tracker-{stamp}.dump"
    partial = path.with_suffix(".dump.partial")
    command = [str(pg_dump), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"]
    result = subprocess.run(command, env=libpq_env(db), capture_output=True, text=True)
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {last_line(result.stderr)}")
    partial.rename(path)
    return path


def reader_for(dump: Path, major: int) -> Path:
    """The best pg_restore for the server that can also read this archive."""
    errors = []
    for _, pg_restore in candidate_tools("pg_restore", major):
        listed = subprocess.run([str(pg_restore), "--list", str(dump)], capture_output=True, text=True)
        if listed.returncode == 0:
            return pg_restore
        errors.append(last_line(listed.stderr))
    raise BackupError(f"cannot read {dump}: {errors[-1]}")


def restore(db: dict, dump: Path, *, target: str | None = None) -> str:
    """Restore `dump` into `target` (created when missing) or the database in use, replacing
    what is there (`--clean --if-exists`) in one transaction. Returns the database's name.
    The caller decides whether replacing a database that is not empty is wanted."""
    if not dump.is_file():
        raise BackupError(f"no backup file at {dump}")
    name = target or db["NAME"]
    major = server_major(db)
    pg_restore = reader_for(dump, major)
    if target and not database_exists(db, target):
        create_database(db, target)
    command = [
        str(pg_restore),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        f"--dbname={name}",
        str(dump),
    ]
    result = subprocess.run(command, env=libpq_env(db, name), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_restore into {name!r} failed, nothing was changed: {last_line(result.stderr)}")
    return name
