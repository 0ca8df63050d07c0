"""
Shifts can be cancelled on their own, with a note for their volunteers. SQLite adds the NOT NULL
note column by rebuilding events_shift, which its triggers from 0002 refer to, so on SQLite they are
dropped around the change and made again (as in 0004).
"""

import importlib

from django.db import migrations, models

triggers = importlib.import_module("events.migrations.0002_shift_within_event_trigger")
shift_updated_at = importlib.import_module("events.migrations.0004_shift_updated_at")
sqlite_only = shift_updated_at.sqlite_only


class Migration(migrations.Migration):
    dependencies = [("events", "0005_outbox_message")]

    operations = [
        migrations.AddField(
            model_name="shift",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="cancelled at"),
        ),
        migrations.RunPython(sqlite_only(triggers.SQLITE_REVERSE), sqlite_only(triggers.SQLITE_FORWARD)),
        migrations.AddField(
            model_name="shift",
            name="cancellation_note",
            field=models.TextField(
                blank=True,
                help_text="Sent to the shift's volunteers when it is cancelled.",
                verbose_name="cancellation note",
            ),
        ),
        migrations.RunPython(sqlite_only(triggers.SQLITE_FORWARD), sqlite_only(triggers.SQLITE_REVERSE)),
    ]
