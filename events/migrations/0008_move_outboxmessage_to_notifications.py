"""OutboxMessage now belongs to the notifications app (notifications.0001): only the state changes here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0007_outboxmessage_shift_cancelled_kind"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OutboxMessage")],
            database_operations=[],
        ),
    ]
