"""
iCalendar for Outreach's feeds: event rows in, RFC 5545 bytes out. Pure: no queries, no clock; links are
made by outreach.links.absolute_url.

Decisions (docs/feeds.md):
- one VEVENT per event, recurring series included, each with the event's stored UUID as UID;
- in a volunteer's own calendar (personal feed, confirmation .ics) one VEVENT per signup instead,
  at its shift's times, with a UID derived from the event's and the signup's (signup_entry);
- SEQUENCE from the event's revision, LAST-MODIFIED from its `updated_at`, and one DTSTAMP per
  export given by the caller from stored data, so rendering the same rows twice gives the same bytes;
- times as DTSTART;TZID=<IANA zone>, with one VTIMEZONE per zone used, written here rather than by
  icalendar's add_missing_timezones(), which puts the spring change an hour late: RRULE-style
  STANDARD/DAYLIGHT blocks when the zone's current rule explains every change in the years the
  feed covers, one block per change otherwise;
- cancelled events stay as STATUS:CANCELLED with "Cancelled: " before their title;
- never ATTENDEE or VALARM.
"""

import datetime as dt
import functools
import importlib.resources
import re
import uuid
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from icalendar import (
    Calendar,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDDDTypes,
    vDuration,
    vText,
)
from icalendar import Event as VEvent
from icalendar.prop import vInline

from outreach.links import absolute_url

from .enums import EventFormat, EventStatus, SignupStatus, Strategy

PRODID = "-//Outreach//Outreach feeds 1.0//EN"
REFRESH = dt.timedelta(hours=1)
WEEKDAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]


@dataclass(frozen=True)
class CalendarInfo:
    """What a feed says about itself."""

    name: str
    description: str
    url: str
    source: str
    timezone: str


@dataclass(frozen=True)
class Entry:
    """
    One event as a given feed shows it. The overrides, when set, replace the event's UID, times,
    SEQUENCE, CREATED and LAST-MODIFIED: a volunteer's shift is shown that way (signup_entry).
    An entry with its own times is timed, even on an all-day event.
    """

    event: object
    show_private_location: bool = False
    note: str = ""
    tentative: bool = False
    uid: str = ""
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    sequence: int | None = None
    created: dt.datetime | None = None
    last_modified: dt.datetime | None = None

    @property
    def all_day(self) -> bool:
        return self.event.all_day and self.starts_at is None

    @property
    def window(self) -> tuple[dt.datetime, dt.datetime]:
        return self.starts_at or self.event.starts_at, self.ends_at or self.event.ends_at


def signup_uid(event_uid: uuid.UUID, signup_pk: int) -> str:
    """
    The UID of a signup's entry: the same in the confirmation .ics and the personal feed, and fixed
    for the signup's life, since neither the event's UID nor the signup's id ever changes.
    """
    return str(uuid.uuid5(event_uid, f"signup:{signup_pk}"))


def signup_entry(signup, *, show_private_location: bool) -> Entry:
    """
    A volunteer's place on a shift as their own calendar shows it: the shift's times, the shift
    and the event's public times in the description, TENTATIVE while on the waitlist.

    SEQUENCE is the event's revision plus the whole seconds from the signup's creation to the
    latest change of its shift or of the signup itself: nothing stores a shift's revision, and this
    sum never falls and grows with every edit of either, the shift moved on its own (the event's
    revision then stays) or with its event (the revision grows). Limits: two edits within one
    second share a number, and the number relies on the servers' clocks never running back.
    LAST-MODIFIED is the latest change of the event, the shift and the signup.
    """
    shift = signup.shift
    event = shift.event
    confirmed = signup.status == SignupStatus.CONFIRMED
    changed = max(shift.updated_at, signup.updated_at)
    state = "confirmed" if confirmed else "on the waitlist"
    note = (
        f"Your shift: {_one_line(shift.name)}, {_span(shift.starts_at, shift.ends_at, event.timezone)} ({state}).\n"
        f"Event: {_event_span(event)}"
    )
    return Entry(
        event,
        show_private_location=show_private_location,
        note=note,
        tentative=not confirmed,
        uid=signup_uid(event.uid, signup.pk),
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        sequence=event.sequence + max(0, int((changed - signup.created_at).total_seconds())),
        created=signup.created_at,
        last_modified=max(event.updated_at, changed),
    )


def _span(starts_at: dt.datetime, ends_at: dt.datetime, zone: str) -> str:
    """e.g. "Sat 10 May 09:00-13:00 CDT", or "Sat 10 May 22:00 CDT to Sun 11 May 02:00 CDT"."""
    tz = zoneinfo.ZoneInfo(zone)
    start, end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    if start.date() == end.date() and start.tzname() == end.tzname():
        return f"{_day(start)} {start:%H:%M}-{end:%H:%M} {end:%Z}"
    return f"{_day(start)} {start:%H:%M} {start:%Z} to {_day(end)} {end:%H:%M} {end:%Z}"


def _event_span(event) -> str:
    if not event.all_day:
        return _span(event.starts_at, event.ends_at, event.timezone)
    first, after_last = all_day_dates(event)
    last = after_last - dt.timedelta(days=1)
    return f"{_day(first)}, all day" if first == last else f"{_day(first)} to {_day(last)}, all day"


def _day(value: dt.date) -> str:
    return f"{value:%a} {value.day} {value:%b}"


def render_calendar(info: CalendarInfo, entries: Sequence[Entry], *, stamp: dt.datetime | None) -> bytes:
    """A VCALENDAR of `entries`. `stamp` (UTC, from stored data) is every VEVENT's DTSTAMP."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # NAME and the X-WR- properties are TEXT, but icalendar writes unknown names unescaped.
    calendar.add("name", vText(_one_line(info.name)))
    calendar.add("x-wr-calname", vText(_one_line(info.name)))
    calendar.add("x-wr-caldesc", vText(info.description))
    calendar.add("x-wr-timezone", info.timezone)
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    calendar.add("url", info.url)
    calendar.add("source", info.source, parameters={"VALUE": "URI"})
    for component in vtimezones(entries):
        calendar.add_component(component)
    for entry in entries:
        calendar.add_component(vevent(entry, stamp=stamp))
    return calendar.to_ical()


def vevent(entry: Entry, *, stamp: dt.datetime | None) -> VEvent:
    event = entry.event
    url = absolute_url(event.get_absolute_url())
    where = event.whereabouts(private=entry.show_private_location)
    cancelled = event.status == EventStatus.CANCELLED
    last_modified = entry.last_modified or event.updated_at
    component = VEvent()
    component.add("uid", entry.uid or str(event.uid))
    component.add("dtstamp", (stamp or last_modified).astimezone(dt.UTC))
    component.add("sequence", event.sequence if entry.sequence is None else entry.sequence)
    component.add("created", (entry.created or event.created_at).astimezone(dt.UTC))
    component.add("last-modified", last_modified.astimezone(dt.UTC))
    if entry.all_day:
        first, after_last = all_day_dates(event)
        component.add("dtstart", first)
        component.add("dtend", after_last)
    else:
        starts_at, ends_at = entry.window
        component["DTSTART"] = _local_time(starts_at, event.timezone)
        component["DTEND"] = _local_time(ends_at, event.timezone)
    component.add("summary", ("Cancelled: " if cancelled else "") + _one_line(event.title))
    component.add("status", "CANCELLED" if cancelled else "TENTATIVE" if entry.tentative else "CONFIRMED")
    component.add("transp", "OPAQUE")
    component.add("class", "PUBLIC")
    if where.line:
        component.add("location", where.line)
    if where.latitude is not None:
        component.add("geo", (float(where.latitude), float(where.longitude)))
    component.add("description", _description(entry, where, url))
    component.add("categories", [Strategy(event.strategy).label])
    component.add("url", url)
    chapter = event.chapter
    if chapter.contact_email:
        organizer = vCalAddress(f"mailto:{chapter.contact_email}")
        organizer.params["CN"] = vText(chapter.name)
        component.add("organizer", organizer)
    return component


def _local_time(value: dt.datetime, zone: str) -> vInline | vDDDTypes:
    """
    `value` as DATE-TIME;TZID=<zone>, for UTC too: docs/feeds.md wants every timed event tied to its
    VTIMEZONE. Set with [] rather than add(), which would parse it back into a datetime.
    """
    local = value.astimezone(zoneinfo.ZoneInfo(zone))
    if local.fold:
        # The repeated hour when clocks fall back: a TZID time would name its first pass (RFC 5545 3.3.5).
        return vDDDTypes(value.astimezone(dt.UTC))
    return vInline(local.strftime("%Y%m%dT%H%M%S"), params={"TZID": _tzid(zone)})


def _tzid(zone: str) -> str:
    """icalendar drops every TZID=UTC parameter (and writes a UTC datetime as Z), so UTC is Etc/UTC."""
    return "Etc/UTC" if zone == "UTC" else zone


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _description(entry: Entry, where, url: str) -> str:
    event = entry.event
    paragraphs = [entry.note, event.summary, event.description]
    if event.status == EventStatus.CANCELLED and event.cancellation_note:
        paragraphs.insert(0, f"Cancelled: {event.cancellation_note}")
    if where.online_url:
        paragraphs.append(f"Online: {where.online_url}")
    elif event.format in EventFormat.with_online_link():
        paragraphs.append("The online link is shown to confirmed volunteers.")
    if where.address_hidden:
        paragraphs.append("The address is shown to confirmed volunteers.")
    paragraphs.append(f"{event.chapter.name}. {event.chapter.help_line}".strip())
    paragraphs.append(url)
    return "\n\n".join(p.strip() for p in paragraphs if p and p.strip())


def all_day_dates(event) -> tuple[dt.date, dt.date]:
    """All-day events run from midnight to midnight in their zone; DTEND is the day after the last."""
    zone = zoneinfo.ZoneInfo(event.timezone)
    start = event.starts_at.astimezone(zone)
    end = event.ends_at.astimezone(zone)
    after_last = end.date() if end.time() == dt.time(0) else end.date() + dt.timedelta(days=1)
    return start.date(), max(after_last, start.date() + dt.timedelta(days=1))


# Time zones


def vtimezones(entries: Iterable[Entry]) -> list[Timezone]:
    """One VTIMEZONE per zone that a timed entry uses, covering the years those entries span."""
    years: dict[str, list[int]] = {}
    for entry in entries:
        if entry.all_day:
            continue
        starts_at, ends_at = entry.window
        span = years.setdefault(entry.event.timezone, [starts_at.year, ends_at.year])
        span[0] = min(span[0], starts_at.year)
        span[1] = max(span[1], ends_at.year)
    return [vtimezone(zone, first, last) for zone, (first, last) in sorted(years.items())]


@functools.lru_cache(maxsize=256)
def vtimezone(zone: str, first_year: int, last_year: int) -> Timezone:
    """
    The VTIMEZONE of `zone`, correct for every instant from `first_year` through `last_year`.
    Its first onset lies in the year before, so no event falls before the block that defines it.
    """
    tz = zoneinfo.ZoneInfo(zone)
    start = dt.datetime(first_year - 1, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(last_year + 1, 1, 1, tzinfo=dt.UTC)
    changes = _transitions(tz, start, end)
    component = Timezone()
    component.add("tzid", _tzid(zone))
    rule = _posix_rule(zone)
    if not changes:
        component.add_component(_observance(TimezoneStandard, tz, start, start))
    elif rule is not None and all(_matches(rule, tz, change) for change in changes):
        for change in changes[:2]:
            kind = TimezoneDaylight if change.astimezone(tz).dst() else TimezoneStandard
            sub = _observance(kind, tz, change, change)
            month, week, weekday = rule[change.astimezone(tz).utcoffset()]
            sub.add("rrule", {"freq": "yearly", "bymonth": month, "byday": f"{-1 if week == 5 else week}{weekday}"})
            component.add_component(sub)
    else:
        component.add_component(_observance(TimezoneStandard, tz, start, start))
        for change in changes:
            kind = TimezoneDaylight if change.astimezone(tz).dst() else TimezoneStandard
            component.add_component(_observance(kind, tz, change, change))
    return component


def _observance(kind, tz, onset: dt.datetime, at: dt.datetime):
    """A STANDARD or DAYLIGHT block whose DTSTART is `onset` as the wall clock read just before it."""
    before = (at - dt.timedelta(seconds=1)).astimezone(tz).utcoffset()
    after = at.astimezone(tz)
    sub = kind()
    sub.add("dtstart", (onset + before).replace(tzinfo=None))
    sub.add("tzoffsetfrom", before)
    sub.add("tzoffsetto", after.utcoffset())
    sub.add("tzname", after.tzname())
    return sub


def _transitions(tz, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """UTC instants in [start, end) at which `tz` changes its offset, to the second."""
    changes = []
    step = dt.timedelta(days=7)
    cursor = start
    offset = cursor.astimezone(tz).utcoffset()
    while cursor < end:
        following = min(cursor + step, end)
        if following.astimezone(tz).utcoffset() != offset:
            low, high = cursor, following
            while high - low > dt.timedelta(seconds=1):
                middle = low + (high - low) / 2
                if middle.astimezone(tz).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            changes.append(high.replace(microsecond=0))
            offset = high.astimezone(tz).utcoffset()
            cursor = high
        else:
            cursor = following
    return changes


POSIX = re.compile(
    r"^(?:<[^>]+>|[A-Za-z]+)[-+]?[\d:]+(?:<[^>]+>|[A-Za-z]+)(?:[-+]?[\d:]+)?"
    r",M(\d+)\.(\d)\.(\d)(?:/(\d+))?,M(\d+)\.(\d)\.(\d)(?:/(\d+))?$"
)


@functools.lru_cache(maxsize=256)
def _posix_rule(zone: str) -> dict | None:
    """
    {offset after the change: (month, week, weekday)} from the zone's POSIX TZ rule, for rules of
    the common "M" form with whole-hour change times within the day; None otherwise.
    """
    try:
        data = (importlib.resources.files("tzdata.zoneinfo") / zone).read_bytes()
    except (FileNotFoundError, ModuleNotFoundError, ValueError):
        return None
    footer = data.rstrip(b"\n").rsplit(b"\n", 1)[-1].decode("ascii", "replace")
    match = POSIX.match(footer)
    if match is None:
        return None
    m1, w1, d1, _t1, m2, w2, d2, _t2 = match.groups()
    tz = zoneinfo.ZoneInfo(zone)
    rule = {}
    for month, week, day in ((int(m1), int(w1), int(d1)), (int(m2), int(w2), int(d2))):
        # The offset in force a few weeks after the change names which observance the rule starts.
        probe = dt.datetime(2030, month, 28, 12, tzinfo=dt.UTC) + dt.timedelta(days=14)
        rule[probe.astimezone(tz).utcoffset()] = (month, week, WEEKDAYS[day])
    return rule if len(rule) == 2 else None


def _matches(rule: dict, tz, change: dt.datetime) -> bool:
    """Whether the change at `change` falls on the date the rule gives for its year and offset."""
    after = change.astimezone(tz)
    if after.utcoffset() not in rule:
        return False
    month, week, weekday = rule[after.utcoffset()]
    before = (change - dt.timedelta(seconds=1)).astimezone(tz)
    local = change + before.utcoffset()
    return local.month == month and local.date() == _nth_weekday(local.year, month, week, weekday)


def _nth_weekday(year: int, month: int, week: int, weekday: str) -> dt.date:
    """The `week`-th (5 = last) `weekday` of the month."""
    target = (WEEKDAYS.index(weekday) - 1) % 7  # Python's Monday-first numbering
    first = dt.date(year, month, 1)
    day = first + dt.timedelta(days=(target - first.weekday()) % 7)
    nth = day + dt.timedelta(weeks=week - 1)
    while nth.month != month:
        nth -= dt.timedelta(weeks=1)
    return nth
