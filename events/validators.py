"""
Readable twins of the events' database constraints and rules.

Each function raises a ValidationError keyed by the field at fault, so forms and the API can show
the message beside that field. The models' clean(), the forms and the serializers all call these.
"""

import datetime as dt
import zoneinfo
from decimal import Decimal

from dateutil import rrule as dateutil_rrule
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .enums import Audience, EventFormat, Frequency

MAX_CAPACITY = 10_000
MAX_REPORT_COUNT = 10_000_000
MAX_HOURS = Decimal(24)


def validate_aware(value: dt.datetime | None, field: str) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValidationError({field: _("Give the time with its UTC offset, e.g. 2026-03-01T18:00:00-05:00.")})


def validate_window(starts_at, ends_at, *, start_field="starts_at", end_field="ends_at") -> None:
    """End after start: the twin of the *_ends_after_starts constraints."""
    validate_aware(starts_at, start_field)
    validate_aware(ends_at, end_field)
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise ValidationError({end_field: _("The end must be after the start.")})


def validate_capacity(value: int | None, *, confirmed: int = 0) -> None:
    """At least one place, and never fewer places than volunteers already confirmed."""
    if value is None:
        raise ValidationError({"capacity": _("Give the number of places, at least 1.")})
    if value < 1:
        raise ValidationError({"capacity": _("A shift needs at least 1 place.")})
    if value > MAX_CAPACITY:
        raise ValidationError({"capacity": _("A shift can have at most %(max)d places.") % {"max": MAX_CAPACITY}})
    if value < confirmed:
        raise ValidationError(
            {
                "capacity": _("%(confirmed)d volunteers are already confirmed; the capacity cannot be lower than that.")
                % {"confirmed": confirmed}
            }
        )


def shift_margin() -> dt.timedelta:
    """How far a shift may start before and end after its event's public times (SHIFT_MARGIN)."""
    return dt.timedelta(seconds=settings.SHIFT_MARGIN)


def duration_text(value: dt.timedelta) -> str:
    """A duration for people: "12 hours", "90 minutes" reads as "1 hour 30 minutes"."""
    hours, minutes = divmod(int(value.total_seconds()) // 60, 60)
    parts = [ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}] if hours else []
    if minutes or not hours:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes})
    return " ".join(parts)


def validate_shift_within_event(
    starts_at, ends_at, event_starts_at, event_ends_at, *, margin: dt.timedelta | None = None
) -> None:
    """
    A shift lies within its event's public times widened by `margin` (SHIFT_MARGIN) on each side, so
    that set-up and clear-up shifts fit while the event keeps the times the public sees. The twin of
    the events_shift_within_event trigger, which allows SHIFT_MARGIN_MAX, the most SHIFT_MARGIN may
    be (events/migrations/0009_shift_margin_trigger.py).
    """
    margin = shift_margin() if margin is None else margin
    if starts_at is not None and event_starts_at is not None and starts_at < event_starts_at - margin:
        if not margin:
            raise ValidationError({"starts_at": _("The shift cannot start before its event starts.")})
        raise ValidationError(
            {
                "starts_at": _("The shift cannot start more than %(margin)s before its event starts.")
                % {"margin": duration_text(margin)}
            }
        )
    if ends_at is not None and event_ends_at is not None and ends_at > event_ends_at + margin:
        if not margin:
            raise ValidationError({"ends_at": _("The shift cannot end after its event ends.")})
        raise ValidationError(
            {
                "ends_at": _("The shift cannot end more than %(margin)s after its event ends.")
                % {"margin": duration_text(margin)}
            }
        )


def validate_audiences(value) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError({"audiences": _("Give the audiences as a list of names.")})
    unknown = sorted(set(value) - set(Audience.values))
    if unknown:
        raise ValidationError(
            {
                "audiences": _("Unknown audience: %(unknown)s. Choose from %(known)s.")
                % {"unknown": ", ".join(unknown), "known": ", ".join(Audience.values)}
            }
        )
    if len(set(value)) != len(value):
        raise ValidationError({"audiences": _("Each audience may be named once.")})


def validate_online_link(event_format: str, online_url: str) -> None:
    if event_format in EventFormat.with_online_link() and not online_url:
        raise ValidationError({"online_url": _("An online or hybrid event needs its online link.")})


def validate_hours(hours: Decimal | None) -> None:
    if hours is not None and not (0 <= hours <= MAX_HOURS):
        raise ValidationError({"hours": _("Hours served must be between 0 and 24.")})


def make_aware_local(value: dt.datetime, zone: str, *, field: str = "starts_at") -> dt.datetime:
    """
    Attach `zone` to a naive local time, refusing a time that does not exist there.

    When clocks spring forward, the skipped local times (such as 02:30 in most of the US on the
    March change) name no instant; zoneinfo would silently shift them, so they are refused. Times
    that occur twice when clocks fall back take the first (daylight) instant.
    """
    tz = zoneinfo.ZoneInfo(zone)
    aware = value.replace(tzinfo=tz, fold=0)
    round_trip = aware.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None)
    if round_trip != value.replace(fold=0):
        raise ValidationError(
            {
                field: _("%(time)s does not exist in %(zone)s: the clocks skip it when they change.")
                % {"time": value.strftime("%Y-%m-%d %H:%M"), "zone": zone}
            }
        )
    return aware


def parse_rrule(text: str, *, dtstart: dt.datetime) -> dateutil_rrule.rrule:
    """
    Parse an RFC 5545 RRULE such as FREQ=WEEKLY;COUNT=12 for a series.

    Only DAILY, WEEKLY, MONTHLY and YEARLY rules are accepted (occurrences are keyed by their local
    day), and the rule must end, by COUNT or UNTIL.
    """
    if not text or "\x00" in text or len(text) > 500:
        raise ValidationError({"recurrence": _("Give a recurrence rule such as FREQ=WEEKLY;COUNT=12.")})
    body = text.strip().removeprefix("RRULE:")
    parts = dict(part.partition("=")[::2] for part in body.upper().split(";") if part)
    if parts.get("FREQ") not in Frequency.values:
        raise ValidationError(
            {"recurrence": _("FREQ must be one of %(choices)s.") % {"choices": ", ".join(Frequency.values)}}
        )
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise ValidationError({"recurrence": _("The rule must end: add COUNT=<n> or UNTIL=<date>.")})
    try:
        rule = dateutil_rrule.rrulestr(body, dtstart=dtstart, ignoretz=True)
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValidationError({"recurrence": _("This is not a valid RRULE: %(error)s") % {"error": exc}}) from None
    if not isinstance(rule, dateutil_rrule.rrule):
        raise ValidationError({"recurrence": _("Give a single RRULE, not a set of rules.")})
    return rule


SERIES_MAX_YEARS = 10
"""
How far after its first date a series may reach. Time-zone rules that far ahead are forecasts
(governments change them with months' notice) and nobody plans volunteers a decade out, so a
rule reaching further is refused rather than checked against clock changes that will not happen.
"""


def series_rule_dates(recurrence: str, *, start_date: dt.date, start_time: dt.time, zone: str) -> list[dt.date]:
    """
    Every date a series' rule will ever give an occurrence, checked up front: the rule's first
    SERIES_MAX_OCCURRENCES dates (the later ones are never generated), which must give at least one
    date, lie within SERIES_MAX_YEARS of the first date and each have its local start time (no time
    the clocks skip). Refusals are keyed by `recurrence` or `start_time` and name the date, so a
    series is refused when it is made or edited, not on the day its horizon reaches the bad date.
    """
    rule = parse_rrule(recurrence, dtstart=dt.datetime.combine(start_date, start_time))
    try:
        last_allowed = start_date.replace(year=start_date.year + SERIES_MAX_YEARS)
    except ValueError:  # 29 February
        last_allowed = start_date.replace(year=start_date.year + SERIES_MAX_YEARS, day=28)
    dates = []
    for occurrence in rule:
        if len(dates) >= settings.SERIES_MAX_OCCURRENCES:
            break
        if occurrence.date() > last_allowed:
            raise ValidationError(
                {
                    "recurrence": _(
                        "The rule reaches %(date)s, more than %(years)d years after its first date; "
                        "end it sooner with COUNT or UNTIL."
                    )
                    % {"date": occurrence.date().isoformat(), "years": SERIES_MAX_YEARS}
                }
            )
        make_aware_local(occurrence, zone, field="start_time")
        dates.append(occurrence.date())
    if not dates:
        raise ValidationError({"recurrence": _("The rule gives no date on or after the first date.")})
    return dates
