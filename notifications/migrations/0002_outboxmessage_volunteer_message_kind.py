"""A lead's message to the volunteers of an event or shift becomes a kind of outbox message."""

from django.db import migrations, models

KINDS = [
    ("signup_confirmed", "Signup confirmed"),
    ("signup_waitlisted", "Waitlisted"),
    ("signup_promoted", "Promoted from the waitlist"),
    ("signup_cancelled", "Signup cancelled"),
    ("event_changed", "Event changed"),
    ("event_cancelled", "Event cancelled"),
    ("shift_cancelled", "Shift cancelled"),
    ("reminder_day_before", "Reminder the day before"),
    ("reminder_same_day", "Reminder on the day"),
    ("lead_digest", "Daily digest for leads"),
    ("volunteer_message", "Message from the chapter"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        # The constraint keeps the name it had when the model lived in `events`.
        migrations.RemoveConstraint(
            model_name="outboxmessage",
            name="events_outboxmessage_kind_valid",
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=32, verbose_name="kind"),
        ),
        migrations.AddConstraint(
            model_name="outboxmessage",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", [value for value, _label in KINDS])),
                name="events_outboxmessage_kind_valid",
            ),
        ),
    ]
