"""
iCalendar for Outreach's feeds: event rows in, RFC 5545 bytes out. Pure: no queries, no clock; links are
made by outreach.links.absolute_url. The bytes are written here, line by line, not by a library.

Decisions (docs/feeds.md):
- one VEVENT per event, recurring series included, each with the event's stored UUID as UID;
- in a volunteer's own calendar (personal feed, confirmation .ics) one VEVENT per signup instead,
  at its shift's times, with a UID derived from the event's and the signup's (signup_entry);
- SEQUENCE and LAST-MODIFIED from the stored revisions and changes of the rows an entry shows
  (revision(), the one place they are derived), and each VEVENT's DTSTAMP its own LAST-MODIFIED
  unless the caller gives one stamp (an email's), so rendering the same rows twice gives the same
  bytes and a change to one event changes only its own VEVENT;
- times as DTSTART;TZID=<IANA zone>, except a wall time that names two instants (the repeated hour
  when clocks fall back), written in UTC; one VTIMEZONE per zone used, written here: RRULE-style
  STANDARD/DAYLIGHT blocks when the zone's current rule explains every change in the years the
  feed covers, one block per change otherwise;
- cancelled events stay as STATUS:CANCELLED with "Cancelled: " before their title, and an event that
  left the public feeds stays as a cancelled entry that says nothing else about it (Entry.withdrawn);
- no control character in any value, whatever is stored; never ATTENDEE or VALARM.
"""

import datetime as dt
import functools
import importlib.resources
import re
import uuid
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings

from outreach.links import absolute_url

from .enums import EventFormat, EventStatus, SignupStatus, Strategy

PRODID = "-//Outreach//Outreach feeds 1.0//EN"
WEEKDAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
WITHDRAWN_SUMMARY = "Cancelled: no longer a public event"
WITHDRAWN_DESCRIPTION = "This event is no longer listed publicly."


@dataclass(frozen=True, slots=True)
class CalendarInfo:
    """What a feed says about itself."""

    name: str
    description: str
    url: str
    source: str
    timezone: str


@dataclass(frozen=True, slots=True)
class Entry:
    """
    One event as a given feed shows it. The overrides, when set, replace the event's UID, times,
    SEQUENCE, CREATED and LAST-MODIFIED: a volunteer's shift is shown that way (signup_entry).
    An entry with its own times is timed, even on an all-day event.

    A `withdrawn` entry is an event that has left the public feeds (made members-only after it was
    public): it is written as cancelled, with its UID, times and revision, and nothing about what
    or where it is. A `cancelled` entry is cancelled though its event may not be: a place the
    volunteer gave up, or whose shift was cancelled.
    """

    event: object
    show_private_location: bool = False
    withdrawn: bool = False
    cancelled: bool = False
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


def revision(event, *, shift=None, signup=None) -> tuple[int, dt.datetime]:
    """
    SEQUENCE and LAST-MODIFIED of a calendar entry: the one place both are derived, for public
    feeds (the event alone) and a volunteer's entries (with their shift and signup).

    An entry shows the event and its chapter (name, contact email, help line), and a volunteer's
    entry also their shift and their place on it. Each of those rows keeps its own `sequence`,
    raised by the services on every change an entry shows, so the sum grows with any of them and
    never falls; LAST-MODIFIED is the latest `updated_at` among them.
    """
    chapter = event.chapter
    sequence = event.sequence + chapter.sequence
    last_modified = max(event.updated_at, chapter.updated_at)
    for row in (shift, signup):
        if row is not None:
            sequence += row.sequence
            last_modified = max(last_modified, row.updated_at)
    return sequence, last_modified


def signup_uid(event_uid: uuid.UUID, signup_pk: int) -> str:
    """
    The UID of a signup's entry: the same in the confirmation .ics and the personal feed, and fixed
    for the signup's life, since neither the event's UID nor the signup's id ever changes.
    """
    return str(uuid.uuid5(event_uid, f"signup:{signup_pk}"))


def signup_entry(signup, *, show_private_location: bool) -> Entry:
    """
    A volunteer's place on a shift as their own calendar shows it: the shift's times, the shift
    and the event's public times in the description, TENTATIVE while on the waitlist, CANCELLED
    (with no private address or link) once given up or its shift cancelled; SEQUENCE and
    LAST-MODIFIED from revision() over the event, the shift and the signup.
    """
    shift = signup.shift
    event = shift.event
    given_up = signup.status == SignupStatus.CANCELLED or shift.cancelled_at is not None
    confirmed = signup.status == SignupStatus.CONFIRMED and not given_up
    state = "cancelled" if given_up else "confirmed" if confirmed else "on the waitlist"
    note = (
        f"Your shift: {_one_line(shift.name)}, {_span(shift.starts_at, shift.ends_at, event.timezone)} ({state}).\n"
        f"Event: {_event_span(event)}"
    )
    sequence, last_modified = revision(event, shift=shift, signup=signup)
    return Entry(
        event,
        show_private_location=show_private_location and not given_up,
        cancelled=given_up,
        note=note,
        tentative=not confirmed and not given_up,
        uid=signup_uid(event.uid, signup.pk),
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        sequence=sequence,
        created=signup.created_at,
        last_modified=last_modified,
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


def all_day_dates(event) -> tuple[dt.date, dt.date]:
    """All-day events run from midnight to midnight in their zone; DTEND is the day after the last."""
    zone = zoneinfo.ZoneInfo(event.timezone)
    start = event.starts_at.astimezone(zone)
    end = event.ends_at.astimezone(zone)
    after_last = end.date() if end.time() == dt.time(0) else end.date() + dt.timedelta(days=1)
    return start.date(), max(after_last, start.date() + dt.timedelta(days=1))


# Text


# C0 but tab and line breaks, DEL, C1 and lone surrogates: one of them can make a client reject a
# whole feed (docs/feeds.md, "What a feed contains"). The vertical ones become line breaks (Word's
# Shift+Enter is U+000B), the others spaces.
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
LINE_BREAKING = frozenset("\x0b\x0c\x1c\x1d\x1e\x85")


def _safe_character(match: re.Match) -> str:
    return "\n" if match.group() in LINE_BREAKING else " "


def _clean(text: str) -> str:
    """`text` with no control character but tab and LF: CR and CRLF become LF, the rest as UNSAFE says."""
    if UNSAFE.search(text):
        text = UNSAFE.sub(_safe_character, text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _one_line(text: str) -> str:
    return " ".join(_clean(text).split())


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): clean, with backslash, semicolon, comma and line breaks escaped."""
    return _clean(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


CARET_ESCAPE = re.compile(r"\^(?=['n^])")


def common_name(name: str) -> str:
    """
    A CN parameter value that every parser in the suite shows as typed, or nearly: quoted, on one
    line, and without RFC 6868 escapes, which most clients print literally. What no quoted value can
    hold or some parser misreads is written as its nearest look-alike: `"` as `'`, `;` as `,`
    (node-ical splits parameters at every `;`), and a caret before `'`, `n` or another caret, which
    the parsers that read RFC 6868 would decode, as U+02C6, the modifier letter circumflex.
    """
    name = _one_line(name).replace('"', "'").replace(";", ",")
    return '"' + CARET_ESCAPE.sub("\u02c6", name) + '"'


def fold(line: str) -> bytes:
    """One content line as UTF-8, folded at 75 octets without splitting a character (no final CRLF)."""
    data = line.encode()
    size = len(data)
    if size <= 75:
        return data
    if size == len(line):  # ASCII: every octet is a character
        return b"\r\n ".join([data[:75], *(data[i : i + 74] for i in range(75, size, 74))])
    pieces = []
    start, limit = 0, 75
    while size - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a continuation octet: cut before its character
            cut -= 1
        pieces.append(data[start:cut])
        start, limit = cut, 74  # a continuation line starts with a space
    pieces.append(data[start:])
    return b"\r\n ".join(pieces)


def _utc(value: dt.datetime) -> str:
    value = value.astimezone(dt.UTC)
    return f"{value.year:04d}{value.month:02d}{value.day:02d}T{value.hour:02d}{value.minute:02d}{value.second:02d}Z"


def _local(value: dt.datetime) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}T{value.hour:02d}{value.minute:02d}{value.second:02d}"


def _tzid(zone: str) -> str:
    """icalendar drops every TZID=UTC parameter (and writes a UTC datetime as Z), so UTC is Etc/UTC."""
    return "Etc/UTC" if zone == "UTC" else zone


# Writing


def render_calendar(info: CalendarInfo, entries: Iterable[Entry], *, stamp: dt.datetime | None = None) -> bytes:
    """
    A VCALENDAR of `entries`, read once, in order (an iterator will do, so the caller need not hold
    every row at once). `stamp`, when given, is every VEVENT's DTSTAMP (an email's: when it was
    recorded); otherwise each VEVENT's DTSTAMP is its own LAST-MODIFIED.
    """
    writer = _Writer(stamp)
    chunks = [b""]  # the header and VTIMEZONEs go first, once the entries have named their zones
    for entry in entries:
        chunks.append(writer.vevent(entry))
    head = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{escape(_one_line(info.name))}",
        f"X-WR-CALNAME:{escape(_one_line(info.name))}",
        f"X-WR-CALDESC:{escape(info.description)}",
        f"X-WR-TIMEZONE:{_one_line(info.timezone)}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        f"URL:{_one_line(info.url)}",
        f"SOURCE;VALUE=URI:{_one_line(info.source)}",
    ]
    zones = [vtimezone(zone, first, last) for zone, (first, last) in sorted(writer.years.items())]
    chunks[0] = b"".join([b"\r\n".join(fold(line) for line in head), b"\r\n", *zones])
    chunks.append(b"END:VCALENDAR\r\n")
    return b"".join(chunks)


class _Writer:
    """
    Writes VEVENTs one by one, with what is the same for many rows worked out once per render:
    the event URL's shape, each chapter's lines, each strategy's label, each zone. It collects the
    zones and years that need a VTIMEZONE.
    """

    def __init__(self, stamp: dt.datetime | None):
        self.stamp = _utc(stamp) if stamp is not None else None
        self.years: dict[str, list[int]] = {}
        self.zones: dict[str, tuple[zoneinfo.ZoneInfo, str]] = {}
        self.chapters: dict[int, tuple[str, bytes]] = {}
        self.labels: dict[str, str] = {}
        self.url_parts: tuple[str, str] | None = None
        self.default_organizer = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]

    def url(self, event) -> str:
        """The absolute event page, as absolute_url(event.get_absolute_url()) gives it."""
        if self.url_parts is None:
            # The page's address with the id as a marker, split once: the same string for every id.
            marker = "987654321"
            prefix, found, suffix = absolute_url(type(event)(pk=int(marker)).get_absolute_url()).partition(marker)
            self.url_parts = (prefix, suffix) if found and marker not in suffix else ()
        if not self.url_parts:  # an address that does not just hold the id
            return absolute_url(event.get_absolute_url())
        prefix, suffix = self.url_parts
        return f"{prefix}{event.pk}{suffix}"

    def chapter(self, event) -> tuple[str, bytes]:
        """(the chapter's paragraph of DESCRIPTION, its ORGANIZER line)."""
        found = self.chapters.get(event.chapter_id)
        if found is None:
            chapter = event.chapter
            paragraph = f"{_one_line(chapter.name)}. {_one_line(chapter.help_line)}".strip()
            email = _one_line(chapter.contact_email) or self.default_organizer
            organizer = fold(f"ORGANIZER;CN={common_name(chapter.name)}:mailto:{email}")
            found = self.chapters[event.chapter_id] = (paragraph, organizer)
        return found

    def label(self, strategy: str) -> str:
        found = self.labels.get(strategy)
        if found is None:
            found = self.labels[strategy] = escape(str(Strategy(strategy).label))
        return found

    def zone(self, name: str) -> tuple[zoneinfo.ZoneInfo, str]:
        found = self.zones.get(name)
        if found is None:
            found = self.zones[name] = (zoneinfo.ZoneInfo(name), _tzid(name))
        return found

    def time(self, name: str, value: dt.datetime, zone: str) -> str:
        """DTSTART or DTEND with its TZID, or in UTC where that wall time happens twice."""
        tz, tzid = self.zone(zone)
        local = value.astimezone(tz)
        if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
            return f"{name}:{_utc(value)}"
        return f"{name};TZID={tzid}:{_local(local)}"

    def vevent(self, entry: Entry) -> bytes:
        event = entry.event
        if entry.sequence is None:
            sequence, last_modified = revision(event)
        else:
            sequence, last_modified = entry.sequence, entry.last_modified
        modified = _utc(last_modified)
        cancelled = entry.withdrawn or entry.cancelled or event.status == EventStatus.CANCELLED
        lines = [
            "BEGIN:VEVENT",
            f"UID:{entry.uid or event.uid}",
            f"DTSTAMP:{self.stamp or modified}",
            f"SEQUENCE:{sequence}",
            f"CREATED:{_utc(entry.created or event.created_at)}",
            f"LAST-MODIFIED:{modified}",
        ]
        if entry.all_day:
            first, after_last = all_day_dates(event)
            lines += [f"DTSTART;VALUE=DATE:{first:%Y%m%d}", f"DTEND;VALUE=DATE:{after_last:%Y%m%d}"]
        else:
            starts_at, ends_at = entry.window
            zone = event.timezone
            lines += [self.time("DTSTART", starts_at, zone), self.time("DTEND", ends_at, zone)]
            span = self.years.get(zone)
            if span is None:
                self.years[zone] = [starts_at.year, ends_at.year]
            else:
                span[0] = min(span[0], starts_at.year)
                span[1] = max(span[1], ends_at.year)
        paragraph, organizer = self.chapter(event)
        if entry.withdrawn:
            lines += [
                f"SUMMARY:{WITHDRAWN_SUMMARY}",
                "STATUS:CANCELLED",
                f"TRANSP:{'TRANSPARENT' if entry.all_day else 'OPAQUE'}",
                "CLASS:PUBLIC",
                f"DESCRIPTION:{WITHDRAWN_DESCRIPTION}",
            ]
        else:
            url = self.url(event)
            where = event.whereabouts(private=entry.show_private_location)
            status = "CANCELLED" if cancelled else "TENTATIVE" if entry.tentative else "CONFIRMED"
            lines += [
                f"SUMMARY:{'Cancelled: ' if cancelled else ''}{escape(_one_line(event.title))}",
                f"STATUS:{status}",
                f"TRANSP:{'TRANSPARENT' if entry.all_day else 'OPAQUE'}",
                "CLASS:PUBLIC",
            ]
            if where.line:
                lines.append(f"LOCATION:{escape(_one_line(where.line))}")
            if where.latitude is not None and where.longitude is not None:
                lines.append(f"GEO:{float(where.latitude)};{float(where.longitude)}")
            lines += [
                f"DESCRIPTION:{escape(_description(entry, where, paragraph, url))}",
                f"CATEGORIES:{self.label(event.strategy)}",
                f"URL:{url}",
            ]
        out = [fold(line) for line in lines]
        out += [organizer, b"END:VEVENT", b""]
        return b"\r\n".join(out)


def _description(entry: Entry, where, chapter_paragraph: str, url: str) -> str:
    event = entry.event
    paragraphs = [entry.note, _one_line(event.summary), event.description]
    if event.status == EventStatus.CANCELLED and event.cancellation_note:
        paragraphs.insert(0, f"Cancelled: {event.cancellation_note}")
    if where.online_url:
        paragraphs.append(f"Online: {where.online_url}")
    elif event.format in EventFormat.with_online_link():
        paragraphs.append("The online link is shown to confirmed volunteers.")
    if where.address_hidden:
        paragraphs.append("The address is shown to confirmed volunteers.")
    paragraphs.append(chapter_paragraph)
    paragraphs.append(url)
    return "\n\n".join(p.strip() for p in paragraphs if p and p.strip())


# Time zones


@functools.lru_cache(maxsize=256)
def vtimezone(zone: str, first_year: int, last_year: int) -> bytes:
    """
    The VTIMEZONE of `zone` as content lines, correct for every instant from `first_year` through
    `last_year`. Its first onset lies in the year before, so no event falls before the block that
    defines it.
    """
    tz = zoneinfo.ZoneInfo(zone)
    start = dt.datetime(first_year - 1, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(last_year + 1, 1, 1, tzinfo=dt.UTC)
    changes = _transitions(tz, start, end)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{_tzid(zone)}"]
    rule = _posix_rule(zone)
    if not changes:
        lines += _observance(tz, start, kind="STANDARD")
    elif rule is not None and all(_matches(rule, tz, change) for change in changes):
        for change in changes[:2]:
            month, week, weekday = rule[change.astimezone(tz).utcoffset()]
            lines += _observance(
                tz, change, f"RRULE:FREQ=YEARLY;BYDAY={-1 if week == 5 else week}{weekday};BYMONTH={month}"
            )
    else:
        lines += _observance(tz, start, kind="STANDARD")
        for change in changes:
            lines += _observance(tz, change)
    lines.append("END:VTIMEZONE")
    return b"".join(fold(line) + b"\r\n" for line in lines)


def _observance(tz, at: dt.datetime, rrule: str = "", *, kind: str = "") -> list[str]:
    """
    A STANDARD or DAYLIGHT block whose DTSTART is `at` as the wall clock read just before it.
    Unless `kind` says, a change that puts clocks forward starts DAYLIGHT and one that puts them
    back STANDARD, even where tzdata calls the winter time the daylight one (negative DST, as in
    Dublin and Casablanca), which some readers of DAYLIGHT blocks get an hour wrong.
    """
    before = (at - dt.timedelta(seconds=1)).astimezone(tz).utcoffset()
    after = at.astimezone(tz)
    kind = kind or ("DAYLIGHT" if after.utcoffset() > before else "STANDARD")
    return [
        f"BEGIN:{kind}",
        f"DTSTART:{_local(at + before)}",
        f"TZOFFSETFROM:{_offset(before)}",
        f"TZOFFSETTO:{_offset(after.utcoffset())}",
        f"TZNAME:{escape(after.tzname() or '')}",
        *([rrule] if rrule else []),
        f"END:{kind}",
    ]


def _offset(value: dt.timedelta) -> str:
    """A UTC-OFFSET value: +HHMM, or +HHMMSS where the offset has seconds (RFC 5545 3.3.14)."""
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{seconds:02d}" if seconds else "")


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
