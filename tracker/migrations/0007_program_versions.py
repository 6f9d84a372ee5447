"""Per-program versions: which program's figures a write changed (tracker.models.ProgramChange).

For every table behind the figures and flags, a statement-level trigger per event (a
transition table names the rows a statement touched) finds the programs of those rows and
sets their version to the next number of the data-version sequence, in one INSERT … ON
CONFLICT over the programs in id order (so two writers lock them in the same order). A
TRUNCATE changes every program. Writes to flags change `version` only: the flag scan reads
`source_version`, which its own writes must not move.
"""

import django.utils.timezone
from django.db import migrations, models

# The programs of the rows in `{rows}` (a transition table), per table.
PROGRAMS_OF = {
    "programs_program": "SELECT id FROM {rows}",
    "programs_organization": "SELECT p.id FROM programs_program p JOIN {rows} r ON p.organization_id = r.id",
    "programs_enrollment": "SELECT program_id FROM {rows}",
    "programs_accessevent": "SELECT e.program_id FROM {rows} r JOIN programs_enrollment e ON e.id = r.enrollment_id",
    "artists_artist": "SELECT e.program_id FROM {rows} r JOIN programs_enrollment e ON e.artist_id = r.id",
    "artists_work": "SELECT e.program_id FROM {rows} r JOIN programs_enrollment e ON e.id = r.enrollment_id",
    "artists_approvaldecision": (
        "SELECT e.program_id FROM {rows} r JOIN artists_work w ON w.id = r.work_id"
        " JOIN programs_enrollment e ON e.id = w.enrollment_id"
    ),
    "feedback_contribution": "SELECT e.program_id FROM {rows} r JOIN programs_enrollment e ON e.id = r.enrollment_id",
    "feedback_compensation": "SELECT e.program_id FROM {rows} r JOIN programs_enrollment e ON e.id = r.enrollment_id",
    "feedback_compensationallocation": (
        "SELECT e.program_id FROM {rows} r JOIN feedback_compensation c ON c.id = r.compensation_id"
        " JOIN programs_enrollment e ON e.id = c.enrollment_id"
    ),
    "tracker_flag": "SELECT program_id FROM {rows}",
}
# Tables whose writes the flag scan must see (all but its own flags).
NOT_SOURCES = {"tracker_flag"}

MARK = """
CREATE FUNCTION tracker_programs_changed(ids bigint[], source boolean) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO tracker_programchange (program_id, version, source_version, changed_at, scanned_version)
    SELECT id, v.n, CASE WHEN source THEN v.n ELSE 0 END, now(), 0
    FROM (SELECT DISTINCT id FROM unnest(ids) AS id WHERE id IS NOT NULL) p,
         (SELECT nextval('tracker_data_version') AS n) v
    ORDER BY id
    ON CONFLICT (program_id) DO UPDATE
    SET version = EXCLUDED.version,
        changed_at = EXCLUDED.changed_at,
        source_version = CASE WHEN source THEN EXCLUDED.version ELSE tracker_programchange.source_version END
$$;
"""


def function(table: str) -> str:
    query = PROGRAMS_OF[table]
    source = "false" if table in NOT_SOURCES else "true"
    return f"""
CREATE FUNCTION tracker_changed_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM tracker_programs_changed(ARRAY({query.format(rows="new_rows")}), {source});
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM tracker_programs_changed(ARRAY({query.format(rows="old_rows")}), {source});
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM tracker_programs_changed(
            ARRAY({query.format(rows="new_rows")} UNION {query.format(rows="old_rows")}), {source});
    ELSE
        PERFORM tracker_programs_changed(ARRAY(SELECT id FROM programs_program), {source});
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER {table}_programs_inserted AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tracker_changed_{table}();
CREATE TRIGGER {table}_programs_updated AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tracker_changed_{table}();
CREATE TRIGGER {table}_programs_deleted AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tracker_changed_{table}();
CREATE TRIGGER {table}_programs_truncated AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION tracker_changed_{table}();
"""


def drop(table: str) -> str:
    return (
        "".join(
            f"DROP TRIGGER IF EXISTS {table}_programs_{event} ON {table};"
            for event in ("inserted", "updated", "deleted", "truncated")
        )
        + f"DROP FUNCTION IF EXISTS tracker_changed_{table}();"
    )


CREATE = (
    MARK
    + "".join(function(table) for table in PROGRAMS_OF)
    + (
        # Every program starts out changed, so the first scan and every cache look at it.
        "SELECT tracker_programs_changed(ARRAY(SELECT id FROM programs_program), true);"
    )
)
DROP = (
    "".join(drop(table) for table in PROGRAMS_OF)
    + "DROP FUNCTION IF EXISTS tracker_programs_changed(bigint[], boolean);"
)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0006_audit_event_admin"),
        ("programs", "0005_audit_trail"),
        ("artists", "0005_audit_trail"),
        ("feedback", "0004_contribution_pay"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProgramChange",
            fields=[
                ("program_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=0)),
                ("source_version", models.BigIntegerField(default=0)),
                ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("scanned_version", models.BigIntegerField(default=0)),
                ("scanned_at", models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.RunSQL(CREATE, DROP),
    ]
