"""
Shifts record when they last changed, so a personal feed (which shows the volunteer's shift and
its times) notices a shift edit. SQLite adds the column by rebuilding events_shift, which its
triggers from 0002 refer to, so on SQLite they are dropped around the change and made again.
"""

import importlib

from django.db import migrations, models

triggers = importlib.import_module("events.migrations.0002_shift_within_event_trigger")


def sqlite_only(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("events", "0003_event_report")]

    operations = [
        migrations.RunPython(sqlite_only(triggers.SQLITE_REVERSE), sqlite_only(triggers.SQLITE_FORWARD)),
        migrations.AddField(
            model_name="shift",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated"),
        ),
        migrations.RunPython(sqlite_only(triggers.SQLITE_FORWARD), sqlite_only(triggers.SQLITE_REVERSE)),
    ]
