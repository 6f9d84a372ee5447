"""`manage.py backup` and `manage.py restore` (config/backup.py): a dump of the database in
use restores into a fresh database with every record, and each refusal is one clear line."""

import io
import os
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from config.backup import connect
from feedback.models import Contribution

pytestmark = pytest.mark.django_db(transaction=True)

EXACT = {
    "programs_program": "SELECT slug, name, status, currency, reference_hourly_rate FROM programs_program",
    "feedback_contribution": (
        "SELECT id, enrollment_id, kind, title, hours_spent, occurred_on FROM feedback_contribution"
    ),
    "auth_user": "SELECT username, password, is_staff FROM auth_user",
    "authtoken_token": "SELECT key, user_id FROM authtoken_token",
}


def snapshot(name: str) -> tuple[dict[str, int], dict[str, list]]:
    """Rows per table, and the exact rows of a few tables, of one database."""
    with connect(settings.DATABASES["default"], name) as conn:
        tables = [
            row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        ]
        counts = {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}
        rows = {table: sorted(conn.execute(query).fetchall(), key=repr) for table, query in EXACT.items()}
    return counts, rows


@pytest.fixture
def fresh_name():
    name = f"restore_check_{os.getpid()}"
    yield name
    with connect(settings.DATABASES["default"], "postgres") as conn:
        conn.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(psycopg.sql.Identifier(name)))


@pytest.fixture
def seeded():
    call_command("seed_demo", "--scale=0.05", "--no-progress", stdout=io.StringIO())
    call_command("scan_flags", stdout=io.StringIO())


def test_a_backup_restores_every_record_into_a_fresh_database(seeded, tmp_path, fresh_name, capsys):
    call_command("backup", f"--dir={tmp_path}")
    (dump,) = tmp_path.glob("tracker-*.dump")
    assert dump.name.startswith("tracker-2") and dump.stat().st_size > 0
    assert "Backup written" in capsys.readouterr().out

    call_command("restore", str(dump), f"--target={fresh_name}")

    counts, rows = snapshot(connection.settings_dict["NAME"])
    restored_counts, restored_rows = snapshot(fresh_name)
    assert counts["feedback_contribution"] == Contribution.objects.count() > 100
    assert restored_counts == counts
    assert restored_rows == rows


def test_restore_refuses_a_database_that_is_not_empty_unless_told(seeded, tmp_path):
    call_command("backup", f"--dir={tmp_path}")
    (dump,) = tmp_path.glob("*.dump")
    before = Contribution.objects.count()
    Contribution.objects.filter(pk=Contribution.objects.order_by("pk").values("pk")[:1]).delete()

    with pytest.raises(CommandError, match=r"is not empty \(\d+ tables\); pass --yes"):
        call_command("restore", str(dump))
    assert Contribution.objects.count() == before - 1

    call_command("restore", str(dump), "--yes")
    assert Contribution.objects.count() == before


def test_a_missing_file_or_tool_is_one_line_and_a_failure(tmp_path, monkeypatch):
    with pytest.raises(CommandError, match=r"^restore failed: no backup file at .*nope\.dump$"):
        call_command("restore", str(tmp_path / "nope.dump"), "--yes")

    monkeypatch.setenv("PG_BINDIR", str(tmp_path))
    with pytest.raises(CommandError, match=r"^backup failed: no pg_dump for PostgreSQL \d+ or newer") as refused:
        call_command("backup", f"--dir={tmp_path}")
    assert "\n" not in str(refused.value)
    assert list(Path(tmp_path).glob("*.dump")) == []


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_at_a_terminal_restore_goes_on_only_when_the_name_is_typed(seeded, tmp_path, monkeypatch):
    call_command("backup", f"--dir={tmp_path}")
    (dump,) = tmp_path.glob("*.dump")
    before = Contribution.objects.count()
    Contribution.objects.filter(pk=Contribution.objects.order_by("pk").values("pk")[:1]).delete()
    name = connection.settings_dict["NAME"]
    monkeypatch.setattr("sys.stdin", Terminal())

    monkeypatch.setattr("builtins.input", lambda question: "postgres")
    with pytest.raises(CommandError, match=rf"not confirmed; database '{name}' was left as it was"):
        call_command("restore", str(dump))
    assert Contribution.objects.count() == before - 1

    questions = []
    monkeypatch.setattr("builtins.input", lambda question: questions.append(question) or name)
    call_command("restore", str(dump))
    assert Contribution.objects.count() == before
    assert "restoring replaces everything in it" in questions[0]
