"""
Record the reminders and leads' digests that are due and deliver queued messages, retries included.

Run it every minute from cron on one or several machines: each occasion (a reminder for a signup at
one offset, a lead's digest for one day) is recorded once, whichever run gets there first, and each
message is sent once however many runs or workers try (notifications.tasks). With TASKS_BACKEND=immediate
this run sends the messages itself; with TASKS_BACKEND=database it queues them for `db_worker`.
"""

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from events.messages import due_digests, due_reminders, send_due
from notifications.models import OutboxMessage

WEEK = dt.timedelta(days=7)


class Command(BaseCommand):
    help = "Record due reminders and digests and deliver queued messages. Safe to run every minute, anywhere."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what is due without recording or sending.")

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        if dry_run:
            taken = set(OutboxMessage.objects.values_list("dedupe_key", flat=True).filter(created_at__gte=now - WEEK))
            reminders = [d for d in due_reminders(now) if d.dedupe_key not in taken]
            digests = [d for d in due_digests(now) if d.dedupe_key not in taken]
            for draft in [*reminders, *digests]:
                self.stdout.write(f"would record {draft.dedupe_key}: {draft.subject}")
            self.stdout.write(f"{len(reminders)} reminder(s) and {len(digests)} digest(s) due; nothing recorded.")
            return
        counts = send_due(now=now)
        self.stdout.write(
            f"{counts['reminders']} reminder(s) and {counts['digests']} digest(s) recorded; "
            f"{counts['due']} message(s) due, {counts['sent']} sent here."
        )
