"""A data version that changes whenever a record the figures depend on changes.

A sequence is bumped by a statement-level trigger on every table behind the metrics and
flags: any INSERT, UPDATE or DELETE statement, from a service, a bulk insert, the admin,
an import or a scan's SQL, takes the next number. The stats API reads it to build ETags
and to key its cache, so a response is never served from the cache after its data changed.
A sequence is used, not a row, so writers never wait on each other for it.
"""

from django.db import migrations

TABLES = [
    "programs_organization",
    "programs_program",
    "programs_enrollment",
    "programs_accessevent",
    "artists_artist",
    "artists_work",
    "artists_approvaldecision",
    "feedback_contribution",
    "feedback_compensation",
    "feedback_compensationallocation",
    "tracker_flag",
]

CREATE = [
    "CREATE SEQUENCE tracker_data_version",
    """
    CREATE FUNCTION tracker_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM nextval('tracker_data_version');
        RETURN NULL;
    END;
    $$
    """,
    *[
        f"CREATE TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION tracker_bump_data_version()"
        for table in TABLES
    ],
]

DROP = [
    *[f"DROP TRIGGER IF EXISTS {table}_data_version ON {table}" for table in TABLES],
    "DROP FUNCTION IF EXISTS tracker_bump_data_version()",
    "DROP SEQUENCE IF EXISTS tracker_data_version",
]


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0002_follows_and_webhooks"),
        ("programs", "0002_program_listing_and_proposals"),
        ("artists", "0004_artist_erased_at"),
        ("feedback", "0002_allocation_triggers"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
