"""
Stored revisions for what a calendar shows (docs/feeds.md, "What raises SEQUENCE"):

- a shift's and a signup's `sequence`, so a volunteer's entry is event + chapter + shift + signup
  revisions. A signup starts at the number its entry had before, when SEQUENCE was derived from
  the whole seconds between the signup's creation and its latest change or its shift's, so that
  no client ever sees the number fall;
- an event's `was_public`, true for every event listed as public so far, so the public feeds can
  carry the cancellation of one that leaves them.

SQLite adds these NOT NULL columns by rebuilding events_event, events_shift and events_signup, which
the triggers of 0009 refer to, so on SQLite they are dropped around the change and made again (as in
0004 and 0006).
"""

import importlib

from django.db import migrations, models
from django.db.models import Q

margin = importlib.import_module("events.migrations.0009_shift_margin_trigger")
sqlite_only = importlib.import_module("events.migrations.0004_shift_updated_at").sqlite_only


def carry_over(apps, schema_editor):
    Signup = apps.get_model("events", "Signup")
    Event = apps.get_model("events", "Event")
    changed = []
    for signup in Signup.objects.select_related("shift").iterator(chunk_size=2000):
        latest = max(signup.shift.updated_at, signup.updated_at)
        signup.sequence = max(0, int((latest - signup.created_at).total_seconds()))
        changed.append(signup)
        if len(changed) == 2000:
            Signup.objects.bulk_update(changed, ["sequence"])
            changed = []
    Signup.objects.bulk_update(changed, ["sequence"])
    Event.objects.filter(Q(status__in=["published", "cancelled"]), visibility="public").update(was_public=True)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0010_text_refuses_control_characters"),
    ]

    operations = [
        migrations.RunPython(sqlite_only(margin.SQLITE_DROP), sqlite_only(margin.SQLITE_CREATE)),
        migrations.AddField(
            model_name="event",
            name="was_public",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Listed as a public event once: if it leaves the public feeds, they carry its cancellation.",
                verbose_name="was in public feeds",
            ),
        ),
        migrations.AddField(
            model_name="shift",
            name="sequence",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="Grows when the shift's name, times or state change.",
                verbose_name="revision",
            ),
        ),
        migrations.AddField(
            model_name="signup",
            name="sequence",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="Grows when the volunteer's calendar entry changes: confirmed, waitlisted, the address shown.",
                verbose_name="revision",
            ),
        ),
        migrations.RunPython(sqlite_only(margin.SQLITE_CREATE), sqlite_only(margin.SQLITE_DROP)),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
    ]
