"""
Generate the occurrences of every recurring event that have come within the rolling horizon.

A series holds real events only up to SERIES_HORIZON_DAYS ahead; as days pass, later dates come
within reach. Run this once a day (cron, systemd timer or a scheduled job): each series that is not
cancelled is extended through events.services.series_extend, in a transaction of its own. A series
that can no longer be extended (its rule now refused, say after a time-zone rule change made one of
its start times skipped) is logged as an error, naming it and the reason, and the others still
advance: the run succeeds, so one series a lead must fix does not fail every day's run. Only an
unexpected error makes the command fail, after the other series. Running it twice in a day adds
nothing.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from events.enums import EventStatus
from events.models import EventSeries
from events.services import _series_dates, series_extend

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Generate occurrences that have come within the rolling horizon, for every series. Run daily."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report the occurrences that would be added.")

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        horizon = (now + dt.timedelta(days=settings.SERIES_HORIZON_DAYS)).date()
        refused, broken = [], []
        added_total = 0
        for series in EventSeries.objects.exclude(status=EventStatus.CANCELLED).order_by("pk"):
            existing = set(series.occurrences.values_list("occurrence_date", flat=True))
            try:
                if dry_run:
                    missing = [day for day in _series_dates(series, until=horizon) if day not in existing]
                    added = len(missing)
                else:
                    series_extend(series=series, now=now)
                    added = series.occurrences.exclude(occurrence_date__in=existing).count()
            except ValidationError as exc:
                refused.append(series)
                reason = "; ".join(exc.messages)
                logger.error("Series %s “%s” cannot be extended: %s", series.pk, series.title, reason)
                self.stderr.write(f"Series {series.pk} “{series.title}” was not extended: {reason}")
                continue
            except Exception:
                broken.append(series)
                logger.exception("Series %s “%s” failed to extend", series.pk, series.title)
                self.stderr.write(f"Series {series.pk} “{series.title}” failed to extend; see the log.")
                continue
            added_total += added
            if added and options["verbosity"] >= 1:
                verb = "would add" if dry_run else "added"
                self.stdout.write(f"Series {series.pk} “{series.title}”: {verb} {added} occurrence(s).")
        verb = "Would add" if dry_run else "Added"
        self.stdout.write(f"{verb} {added_total} occurrence(s) up to {horizon.isoformat()}.")
        if refused:
            self.stdout.write(f"{len(refused)} series could not be extended until their rule is fixed; see above.")
        if broken:
            raise CommandError(f"{len(broken)} series failed with an unexpected error; see the log.")
