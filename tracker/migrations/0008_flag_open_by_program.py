"""An index of each program's open flags by kind: the flag feed counts one program's open
flags after a write to it (tracker.feed), which otherwise reads every open flag of the kinds
through flag_one_open_per_kind_subject and keeps those of the program."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("artists", "0005_audit_trail"),
        ("programs", "0005_audit_trail"),
        ("tracker", "0007_program_versions"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="flag",
            index=models.Index(
                condition=models.Q(("resolved_at__isnull", True)),
                fields=["program", "kind"],
                name="flag_open_by_program",
            ),
        ),
    ]
