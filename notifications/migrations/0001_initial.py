"""
OutboxMessage moves from `events` to `notifications` without touching the database: its table,
constraints and index keep their names (events_outboxmessage, events_outboxmessage_*,
events_outbox_due_idx). events.0008 removes it from the events app's state.

Rows that name the model by its app move along: its content type (so admin permissions and log
entries keep pointing at it) and, with the database task backend, queued deliveries that name
the task by its old import path.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

OLD_TASK = "events.tasks.deliver_message"
NEW_TASK = "notifications.tasks.deliver_message"


def _rename(apps, *, content_type_from, content_type_to, task_from, task_to):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=content_type_to, model="outboxmessage").exists():
        ContentType.objects.filter(app_label=content_type_from, model="outboxmessage").update(app_label=content_type_to)
    try:
        DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")  # django_tasks_db's app label
    except LookupError:  # the database task backend is not installed
        return
    DBTaskResult.objects.filter(task_path=task_from).update(task_path=task_to)


def forwards(apps, schema_editor):
    _rename(apps, content_type_from="events", content_type_to="notifications", task_from=OLD_TASK, task_to=NEW_TASK)


def backwards(apps, schema_editor):
    _rename(apps, content_type_from="notifications", content_type_to="events", task_from=NEW_TASK, task_to=OLD_TASK)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0007_outboxmessage_shift_cancelled_kind"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboxMessage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("email", models.EmailField(max_length=254, verbose_name="recipient address")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
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
                                ],
                                max_length=32,
                                verbose_name="kind",
                            ),
                        ),
                        ("subject", models.CharField(max_length=300, verbose_name="subject")),
                        ("body_text", models.TextField(verbose_name="plain-text body")),
                        ("body_html", models.TextField(verbose_name="HTML body")),
                        (
                            "calendar",
                            models.TextField(
                                blank=True,
                                help_text="An .ics file sent along, if any.",
                                verbose_name="calendar attachment",
                            ),
                        ),
                        ("dedupe_key", models.CharField(max_length=200, unique=True, verbose_name="occasion")),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("queued", "Queued"),
                                    ("sending", "Sending"),
                                    ("sent", "Sent"),
                                    ("failed", "Failed"),
                                ],
                                default="queued",
                                max_length=16,
                                verbose_name="state",
                            ),
                        ),
                        ("attempts", models.PositiveIntegerField(default=0, verbose_name="attempts")),
                        (
                            "next_attempt_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="next attempt"),
                        ),
                        ("claimed_at", models.DateTimeField(blank=True, null=True, verbose_name="sending since")),
                        ("last_error", models.TextField(blank=True, verbose_name="last error")),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        (
                            "event",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="events.event",
                                verbose_name="event",
                            ),
                        ),
                        (
                            "signup",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="events.signup",
                                verbose_name="signup",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="outbox_messages",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="recipient",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "events_outboxmessage",
                        "verbose_name": "outbox message",
                        "verbose_name_plural": "outbox messages",
                        "ordering": ["pk"],
                        "indexes": [models.Index(fields=["state", "next_attempt_at"], name="events_outbox_due_idx")],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    (
                                        "kind__in",
                                        [
                                            "signup_confirmed",
                                            "signup_waitlisted",
                                            "signup_promoted",
                                            "signup_cancelled",
                                            "event_changed",
                                            "event_cancelled",
                                            "shift_cancelled",
                                            "reminder_day_before",
                                            "reminder_same_day",
                                            "lead_digest",
                                        ],
                                    )
                                ),
                                name="events_outboxmessage_kind_valid",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("state__in", ["queued", "sending", "sent", "failed"])),
                                name="events_outboxmessage_state_valid",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("state", "sent"), ("sent_at__isnull", True), _connector="OR"),
                                name="events_outboxmessage_sent_at_only_when_sent",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
