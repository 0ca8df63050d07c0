"""
The bytes of every feed, checked against docs/feeds.md without any iCalendar library: line
endings, folding, escaping, control characters, time zones, required and forbidden properties.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.conf import settings

from events.enums import EventFormat, EventStatus, Strategy
from events.ical import CalendarInfo, Entry, render_calendar, revision
from events.models import Event
from events.services import event_update

from .conftest import INJECTION_TITLE, TRICKY_TEXT, fetch

pytestmark = pytest.mark.django_db

TEXT_PROPERTIES = {"SUMMARY", "DESCRIPTION", "LOCATION", "NAME", "X-WR-CALNAME", "X-WR-CALDESC", "COMMENT", "TZNAME"}
# A TEXT value: any character but an unescaped ; , or \ (RFC 5545 3.3.11).
TEXT = re.compile(r"^(?:[^\\;,]|\\[\\;,nN])*$")
LIST_OF_TEXT = re.compile(r"^(?:[^\\;,]|\\[\\;,nN])*(?:,(?:[^\\;,]|\\[\\;,nN])*)*$")
UTC_DATE_TIME = re.compile(r"^\d{8}T\d{6}Z$")
LOCAL_DATE_TIME = re.compile(r"^\d{8}T\d{6}$")
DATE = re.compile(r"^\d{8}$")


@dataclass
class Line:
    name: str
    params: dict[str, str]
    value: str


@dataclass
class Component:
    name: str
    lines: list[Line] = field(default_factory=list)
    children: list["Component"] = field(default_factory=list)

    def all(self, name: str) -> list[Line]:
        return [line for line in self.lines if line.name == name]

    def one(self, name: str) -> Line:
        found = self.all(name)
        assert len(found) == 1, f"{self.name} has {len(found)} {name}"
        return found[0]

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def content_line(text: str) -> Line:
    """Split `NAME;PARAM=value;PARAM="quoted":value`, honouring quotes in parameters."""
    quoted = False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            head, value = text[:index], text[index + 1 :]
            break
    else:
        raise AssertionError(f"no colon in {text!r}")
    name, *params = re.findall(r'(?:[^;"]|"[^"]*")+', head)
    return Line(name.upper(), dict(param.split("=", 1) for param in params), value)


def physical_lines(body: bytes) -> list[bytes]:
    assert body.endswith(b"\r\n"), "the body does not end with CRLF"
    return body[:-2].split(b"\r\n")


def parse(body: bytes) -> Component:
    """The component tree of a feed, from its unfolded content lines."""
    unfolded = re.sub(r"\r\n[ \t]", "", body.decode("utf-8"))
    stack: list[Component] = []
    root = None
    for text in unfolded[:-2].split("\r\n"):
        line = content_line(text)
        if line.name == "BEGIN":
            component = Component(line.value.upper())
            if stack:
                stack[-1].children.append(component)
            else:
                assert root is None, "a second component after the VCALENDAR"
                root = component
            stack.append(component)
        elif line.name == "END":
            assert stack, f"END:{line.value} without BEGIN"
            assert stack.pop().name == line.value.upper(), f"END:{line.value} closes another component"
        else:
            assert stack, f"{text!r} outside any component"
            stack[-1].lines.append(line)
    assert not stack, "unclosed components"
    assert root is not None
    return root


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def vevents(calendar: Component) -> list[Component]:
    return [c for c in calendar.children if c.name == "VEVENT"]


# Bytes and lines


def test_feeds_are_utf8_without_bom_and_crlf_only(feeds, subtests):
    for path in feeds:
        with subtests.test(path=path):
            body = fetch(path)
            assert not body.startswith(b"\xef\xbb\xbf")
            body.decode("utf-8")
            for number, line in enumerate(physical_lines(body), 1):
                assert b"\r" not in line, f"bare CR on line {number}: {line!r}"
                assert b"\n" not in line, f"bare LF on line {number}: {line!r}"


def test_feeds_lines_are_at_most_75_octets_and_folds_keep_characters_whole(feeds, subtests):
    for path in feeds:
        with subtests.test(path=path):
            for number, line in enumerate(physical_lines(fetch(path)), 1):
                assert len(line) <= 75, f"line {number} has {len(line)} octets: {line!r}"
                try:
                    line.decode("utf-8", errors="strict")
                except UnicodeDecodeError as error:
                    pytest.fail(f"line {number} splits a UTF-8 character: {line!r} ({error})")


def test_feeds_long_multibyte_title_survives_folding(feed_data):
    event = feed_data.singles["long_title"]
    body = fetch(f"/feeds/chapters/{feed_data.chapter.slug}.ics")
    (vevent,) = [v for v in vevents(parse(body)) if v.one("UID").value == str(event.uid)]
    assert unescape(vevent.one("SUMMARY").value) == event.title
    assert any(len(line) >= 70 for line in physical_lines(body)), "the fixture should force folds"


# Text


# C0 controls (tab aside), DEL, C1 controls and lone surrogates.
CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]")


def test_feeds_have_no_control_characters_whatever_is_stored(feeds, feed_data, subtests):
    """Only CRLF line ends, and tabs (every parser of the suite reads them) in multi-line text."""
    assert "\x0b" in feed_data.singles["controls"].title
    for path in feeds:
        with subtests.test(path=path):
            for number, line in enumerate(physical_lines(fetch(path)), 1):
                text = line.decode("utf-8")
                assert not CONTROL.search(text), f"line {number}: {text!r}"
                if "\t" in text:
                    assert text.startswith(("DESCRIPTION:", " ")), f"line {number}: {text!r}"


def test_feeds_text_values_are_escaped(feeds, subtests):
    for path in feeds:
        with subtests.test(path=path):
            for component in parse(fetch(path)).walk():
                for line in component.lines:
                    if line.name in TEXT_PROPERTIES:
                        assert TEXT.match(line.value), f"{component.name} {line.name} not escaped: {line.value!r}"
                    elif line.name == "CATEGORIES":
                        assert LIST_OF_TEXT.match(line.value), line.value


def test_feeds_escape_semicolons_commas_backslashes_and_newlines(feed_data):
    event = feed_data.singles["tricky_text"]
    calendar = parse(fetch(f"/feeds/chapters/{feed_data.chapter.slug}.ics"))
    (vevent,) = [v for v in vevents(calendar) if v.one("UID").value == str(event.uid)]

    assert vevent.one("SUMMARY").value == r"Semi\; colon\, comma \\ backslash 🎉 <script>alert(1)</script>"
    assert unescape(vevent.one("SUMMARY").value) == TRICKY_TEXT
    assert vevent.one("LOCATION").value == r"Hall\; East\, \\ wing 🎪\, 1 Main St\, Chicago\; IL"
    description = vevent.one("DESCRIPTION").value
    assert r"First line\; with\, punctuation \\ and a backslash\nSecond line after CRLF\n" in description
    assert r"\nThird after LF\n" in description
    assert r"Fourth after a bare CR\n\nEmoji 👩‍👩‍👧 and <script>alert(1)</script>" in description


def test_feeds_event_download_header_escapes_the_title(feed_data):
    """NAME and X-WR-CALNAME of a download are the event's title: TEXT, escaped, on one line."""
    event = feed_data.singles["tricky_text"]
    calendar = parse(fetch(f"/feeds/events/{event.pk}.ics"))

    assert calendar.one("NAME").value == r"Semi\; colon\, comma \\ backslash 🎉 <script>alert(1)</script>"
    assert calendar.one("X-WR-CALNAME").value == calendar.one("NAME").value
    assert TEXT.match(calendar.one("X-WR-CALDESC").value)


# Structure


def test_feeds_have_the_required_calendar_properties(feeds, subtests):
    for path in feeds:
        with subtests.test(path=path):
            calendar = parse(fetch(path))
            assert calendar.name == "VCALENDAR"
            assert calendar.one("VERSION").value == "2.0"
            assert calendar.one("PRODID").value == "-//Outreach//Outreach feeds 1.0//EN"
            assert calendar.one("CALSCALE").value == "GREGORIAN"
            assert calendar.one("METHOD").value == "PUBLISH"
            assert calendar.one("NAME").value
            assert calendar.one("NAME").value == calendar.one("X-WR-CALNAME").value
            assert calendar.one("X-WR-CALDESC").value
            assert calendar.one("X-WR-TIMEZONE").value
            refresh = calendar.one("REFRESH-INTERVAL")
            assert (refresh.params, refresh.value) == ({"VALUE": "DURATION"}, "PT1H")
            assert calendar.one("X-PUBLISHED-TTL").value == "PT1H"
            assert calendar.one("URL").value.startswith(f"{settings.SITE_URL}/")
            source = calendar.one("SOURCE")
            assert (source.params, source.value) == ({"VALUE": "URI"}, f"{settings.SITE_URL}{path}")


def test_feeds_events_have_the_required_properties(feeds, subtests):
    for path, events in feeds.items():
        with subtests.test(path=path):
            by_uid = {str(event.uid): event for event in events}
            found = vevents(parse(fetch(path)))
            assert sorted(v.one("UID").value for v in found) == sorted(by_uid)
            for vevent in found:
                event = by_uid[vevent.one("UID").value]
                for name in ("DTSTAMP", "DTSTART", "DTEND", "LAST-MODIFIED", "SUMMARY"):
                    assert vevent.one(name).value
                sequence, last_modified = revision(event)
                assert vevent.one("SEQUENCE").value == str(sequence)
                assert vevent.one("LAST-MODIFIED").value == last_modified.strftime("%Y%m%dT%H%M%SZ")
                assert vevent.one("DTSTAMP").value == vevent.one("LAST-MODIFIED").value
                assert vevent.one("TRANSP").value == ("TRANSPARENT" if event.all_day else "OPAQUE")
                organizer = vevent.one("ORGANIZER")
                assert (organizer.params, organizer.value) == ({"CN": '"Chicago"'}, "mailto:chicago@example.org")
                url = vevent.one("URL").value
                assert url == f"{settings.SITE_URL}/events/{event.pk}/"
                assert url.startswith("https://")
                assert unescape(vevent.one("DESCRIPTION").value).endswith(f"\n\n{url}")
                for location in vevent.all("LOCATION"):
                    assert "\n" not in unescape(location.value)


def test_feeds_have_no_attendees_alarms_or_rules(feeds, subtests):
    for path in feeds:
        with subtests.test(path=path):
            body = fetch(path)
            for component in parse(body).walk():
                assert component.name != "VALARM"
                names = {line.name for line in component.lines}
                assert "ATTENDEE" not in names
                if component.name == "VEVENT":
                    assert not names & {"RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}


def test_feeds_times_carry_a_zone_and_every_zone_has_one_vtimezone(feeds, subtests):
    for path in feeds:
        with subtests.test(path=path):
            calendar = parse(fetch(path))
            zones = [c.one("TZID").value for c in calendar.children if c.name == "VTIMEZONE"]
            assert len(zones) == len(set(zones)), f"duplicate VTIMEZONEs: {zones}"
            used = set()
            for vevent in vevents(calendar):
                for line in vevent.lines:
                    if line.name in ("DTSTAMP", "LAST-MODIFIED", "CREATED"):
                        assert UTC_DATE_TIME.match(line.value), (line.name, line.value)
                        assert "TZID" not in line.params
                    elif line.name in ("DTSTART", "DTEND"):
                        if line.params.get("VALUE") == "DATE":
                            assert DATE.match(line.value), line.value
                            assert "TZID" not in line.params
                        elif "TZID" in line.params:
                            assert LOCAL_DATE_TIME.match(line.value), f"TZID with a Z value: {line.value}"
                            used.add(line.params["TZID"])
                        else:
                            assert UTC_DATE_TIME.match(line.value), f"floating {line.name}: {line.value}"
            assert used <= set(zones), f"TZIDs without a VTIMEZONE: {used - set(zones)}"
            for component in calendar.children:
                if component.name == "VTIMEZONE":
                    observances = [c for c in component.children if c.name in ("STANDARD", "DAYLIGHT")]
                    assert observances
                    for observance in observances:
                        assert LOCAL_DATE_TIME.match(observance.one("DTSTART").value)
                        observance.one("TZOFFSETFROM")
                        observance.one("TZOFFSETTO")


def test_feeds_utc_event_is_tied_to_its_vtimezone(feed_data):
    """docs/feeds.md: every timed event is DTSTART;TZID=<IANA zone> with its VTIMEZONE, UTC included."""
    event = feed_data.singles["utc"]
    calendar = parse(fetch(f"/feeds/events/{event.pk}.ics"))
    (vevent,) = vevents(calendar)
    zones = [c.one("TZID").value for c in calendar.children if c.name == "VTIMEZONE"]
    start, end = vevent.one("DTSTART"), vevent.one("DTEND")
    year = event.starts_at.year

    assert start.params.get("TZID") in ("UTC", "Etc/UTC"), start
    assert (start.value, end.value) == (f"{year}0615T233000", f"{year}0616T010000")
    assert zones == [start.params["TZID"]]
    assert end.params == start.params


def test_feeds_all_day_events_are_dates(feed_data):
    event = feed_data.singles["all_day"]
    for path in (f"/feeds/chapters/{feed_data.chapter.slug}.ics", f"/feeds/events/{event.pk}.ics"):
        (vevent,) = [v for v in vevents(parse(fetch(path))) if v.one("UID").value == str(event.uid)]
        start, end = vevent.one("DTSTART"), vevent.one("DTEND")
        year = event.starts_at.year
        assert (start.params, start.value) == ({"VALUE": "DATE"}, f"{year}0313")
        assert (end.params, end.value) == ({"VALUE": "DATE"}, f"{year}0316")


# Injection and cancellation


def test_feeds_injection_title_yields_one_event(feed_data, feeds, subtests):
    event = feed_data.singles["injection"]
    for path, events in feeds.items():
        if event.pk not in {e.pk for e in events}:
            continue
        with subtests.test(path=path):
            body = fetch(path)
            lines = body.decode("utf-8").split("\r\n")
            assert lines.count("BEGIN:VEVENT") == len(events)
            assert lines.count("END:VEVENT") == len(events)
            assert lines.count("BEGIN:VCALENDAR") == lines.count("END:VCALENDAR") == 1
            assert not any(line.startswith("UID:injected") for line in lines)
            found = [v for v in vevents(parse(body)) if "Harmless" in v.one("SUMMARY").value]
            assert [v.one("UID").value for v in found] == [str(event.uid)]
            assert unescape(found[0].one("SUMMARY").value) == " ".join(INJECTION_TITLE.split())


def test_feeds_cancelled_events_say_so(feed_data, feeds, subtests):
    for path, events in feeds.items():
        with subtests.test(path=path):
            by_uid = {str(event.uid): event for event in events}
            for vevent in vevents(parse(fetch(path))):
                event = by_uid[vevent.one("UID").value]
                summary = unescape(vevent.one("SUMMARY").value)
                if event.status == EventStatus.CANCELLED:
                    assert vevent.one("STATUS").value == "CANCELLED"
                    assert summary == f"Cancelled: {event.title}"
                else:
                    assert vevent.one("STATUS").value == "CONFIRMED"
                    assert not summary.startswith("Cancelled: ")
    cancelled = feed_data.cancelled_occurrence
    assert cancelled.status == EventStatus.CANCELLED
    assert cancelled.sequence > feed_data.occurrences[1].sequence


# The writer itself


def _info(**overrides) -> CalendarInfo:
    values = {"name": "Test", "description": "Test", "url": "https://x.test/", "source": "https://x.test/f.ics"}
    return CalendarInfo(**{**values, "timezone": "UTC", **overrides})


def test_render_calendar_reads_entries_once_and_gives_the_same_bytes(feed_data):
    events = feed_data.events()
    queryset = Event.objects.filter(chapter=feed_data.chapter).select_related("chapter").order_by("starts_at", "pk")

    from_list = render_calendar(_info(), [Entry(event) for event in events])
    from_iterator = render_calendar(_info(), (Entry(event) for event in queryset.iterator(chunk_size=7)))

    assert from_iterator == from_list
    assert physical_lines(from_list).count(b"BEGIN:VEVENT") == len(events)
    assert from_list.startswith(b"BEGIN:VCALENDAR\r\nPRODID:")
    assert from_list.index(b"END:VTIMEZONE") < from_list.index(b"BEGIN:VEVENT")


def test_render_calendar_stamp_is_every_dtstamp_when_given(feed_data):
    """An email's .ics is stamped with the time it was recorded; a feed's entries with their own change."""
    stamp = dt.datetime(2030, 1, 2, 3, 4, 5, 678, tzinfo=dt.UTC)
    events = feed_data.events()[:3]

    body = render_calendar(_info(), [Entry(event) for event in events], stamp=stamp)

    assert [v.one("DTSTAMP").value for v in vevents(parse(body))] == ["20300102T030405Z"] * 3


def test_changing_one_event_changes_only_its_own_vevent(feed_data):
    def blocks():
        body = render_calendar(_info(), [Entry(event) for event in feed_data.events()])
        return {block.split("\r\n", 2)[1]: block for block in body.decode().split("BEGIN:VEVENT")[1:]}

    before = blocks()
    event_update(event=feed_data.singles["utc"], title="Worldwide online call, renamed")
    after = blocks()

    uid = f"UID:{feed_data.singles['utc'].uid}"
    assert after[uid] != before[uid]
    assert {key: block for key, block in after.items() if key != uid} == {
        key: block for key, block in before.items() if key != uid
    }


def test_no_stored_control_character_or_lone_surrogate_reaches_the_bytes(chapter):
    """Rows that could not be saved any more (a lone surrogate cannot even be stored) still render safely."""
    chapter.name = "Chi\x0bcago\ud800"
    chapter.help_line = "Call\x00 us\x9f"
    starts_at = dt.datetime(2031, 1, 1, 12, tzinfo=dt.UTC)
    event = Event(
        pk=7,
        chapter=chapter,
        title="Bad\ud83d title\x0b here\x7f",
        summary="\x1b[31mred\x1b[0m",
        description="Line\x0bbreak\x0cpage\x1cfile\x85next\u2028kept\ttab\rcr",
        venue="Hall\x00B",
        address="1 Elm\x08 St",
        latitude=Decimal("1.5"),
        longitude=Decimal("2.5"),
        format=EventFormat.HYBRID,
        online_url="https://meet.example.org/x",
        strategy=Strategy.AWARENESS_EDUCATION,
        timezone="America/Chicago",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
        status=EventStatus.PUBLISHED,
        created_at=starts_at,
        updated_at=starts_at,
    )

    body = render_calendar(_info(name="Bad\x0bname\udfff"), [Entry(event, show_private_location=True)])

    for line in physical_lines(body):
        assert not CONTROL.search(line.decode()), line
    (vevent,) = vevents(parse(body))
    assert vevent.one("SUMMARY").value == "Bad title here"
    assert vevent.one("LOCATION").value == r"Hall B\, 1 Elm St\, and online"
    assert unescape(vevent.one("DESCRIPTION").value).startswith(
        "[31mred [0m\n\nLine\nbreak\npage\nfile\nnext\u2028kept\ttab\ncr\n\nOnline: https://meet.example.org/x\n\n"
        "Chi cago. Call us"
    )
    assert vevent.one("ORGANIZER").params == {"CN": '"Chi cago"'}
    assert parse(body).one("NAME").value == "Bad name"


def test_withdrawn_entry_names_nothing_but_its_times(feed_data):
    """An event that left the public feeds: cancelled, with its UID, times and revision only."""
    event = feed_data.singles["tricky_text"]

    body = render_calendar(_info(), [Entry(event, withdrawn=True)])

    (vevent,) = vevents(parse(body))
    sequence, last_modified = revision(event)
    names = [line.name for line in vevent.lines]
    assert names == [
        "UID", "DTSTAMP", "SEQUENCE", "CREATED", "LAST-MODIFIED", "DTSTART", "DTEND",
        "SUMMARY", "STATUS", "TRANSP", "CLASS", "DESCRIPTION", "ORGANIZER",
    ]  # fmt: skip
    assert vevent.one("UID").value == str(event.uid)
    assert vevent.one("SEQUENCE").value == str(sequence)
    assert vevent.one("LAST-MODIFIED").value == last_modified.strftime("%Y%m%dT%H%M%SZ")
    assert vevent.one("SUMMARY").value == "Cancelled: no longer a public event"
    assert vevent.one("STATUS").value == "CANCELLED"
    assert vevent.one("DESCRIPTION").value == "This event is no longer listed publicly."
    assert vevent.one("DTSTART").value == event.starts_at.astimezone(event.zone).strftime("%Y%m%dT%H%M%S")
    for secret in ("Semi", "Hall", "Main St", "/events/", "Awareness"):
        assert secret.encode() not in body
