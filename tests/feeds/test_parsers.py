"""
Independent parsers read our feeds: ical.js (Thunderbird's) and node-ical, run with Node, vobject,
icalendar with recurring-ical-events, and Home Assistant's `ical`. Each must accept every feed with
no error and find the same events at the same UTC instants as the database rows, which are the
truth.

ical.js resolves TZID times only through the VTIMEZONE blocks we write, so its agreement with
zoneinfo, at instants right after both daylight-saving changes, is what shows those blocks right.
The icalendar library, which no longer writes our feeds, reads every value back as it was meant.
"""

import datetime as dt
import json
import logging
import shutil
import subprocess
import zoneinfo
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
import vobject
from django.conf import settings
from ical.calendar_stream import IcsCalendarStream

from events.enums import EventStatus, Strategy
from events.ical import (
    WITHDRAWN_DESCRIPTION,
    WITHDRAWN_SUMMARY,
    CalendarInfo,
    Entry,
    render_calendar,
    revision,
    vtimezone,
)
from events.models import Event
from events.services import event_create, event_publish
from outreach.models import Chapter
from outreach.validators import CONTROL_CHARACTERS

from .conftest import CHICAGO, CONTROL_TEXT, TRICKY_DESCRIPTION, _nth_sunday, fetch
from .test_wire import content_line

pytestmark = pytest.mark.django_db

HERE = Path(__file__).resolve().parent
ROOT = Path(settings.BASE_DIR)
LORD_HOWE = zoneinfo.ZoneInfo("Australia/Lord_Howe")  # half-hour daylight saving
PARSERS = ("ical.js", "node-ical", "vobject", "icalendar + recurring-ical-events", "ical (Home Assistant)")


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _when(value) -> str:
    """A parser's DTSTART or DTEND: a date for all-day events, else a UTC instant."""
    if isinstance(value, dt.datetime):
        assert value.tzinfo is not None, f"floating time {value!r}"
        return _utc(value)
    return value.isoformat()


def shown(text: str) -> str:
    """Stored text as a one-line value shows it: every control character a space, spaces collapsed."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", text).split())


def expected_rows(events) -> list[list[str]]:
    """[uid, summary, status, start, end] of each event, computed from the rows alone."""
    rows = []
    for event in events:
        cancelled = event.status == EventStatus.CANCELLED
        summary = ("Cancelled: " if cancelled else "") + shown(event.title)
        if event.all_day:
            zone = zoneinfo.ZoneInfo(event.timezone)
            start = event.starts_at.astimezone(zone).date().isoformat()
            end = event.ends_at.astimezone(zone).date().isoformat()
        else:
            start, end = _utc(event.starts_at), _utc(event.ends_at)
        rows.append([str(event.uid), summary, "CANCELLED" if cancelled else "CONFIRMED", start, end])
    return sorted(rows)


def _node(script: str, package: str, body: bytes, tmp_path: Path, *options: str) -> list:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed to run ical.js and node-ical: install Node 20 or later.")
    if not (ROOT / "node_modules" / package / "package.json").exists():
        pytest.fail(f"{package} is not installed: run `npm ci` in the repository root (see package.json).")
    path = tmp_path / "feed.ics"
    path.write_bytes(body)
    command = [node, str(HERE / script), *options, str(path)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)  # noqa: S603
    assert result.returncode == 0, f"{package} refused the feed: {result.stderr}"
    assert result.stderr == ""
    return sorted(json.loads(result.stdout), key=lambda row: [str(cell) for cell in row])


def icaljs_rows(body: bytes, tmp_path: Path) -> list[list[str]]:
    return _node("icaljs_dump.mjs", "ical.js", body, tmp_path)


def nodeical_rows(body: bytes, tmp_path: Path) -> list[list[str]]:
    return _node("nodeical_dump.mjs", "node-ical", body, tmp_path)


def vobject_rows(body: bytes) -> list[list[str]]:
    calendar = vobject.readOne(body.decode("utf-8"), validate=True, ignoreUnreadable=False)
    calendar.validate(raiseException=True)
    rows = []
    for vevent in getattr(calendar, "vevent_list", []):
        start, end = vevent.dtstart, vevent.dtend
        for line in (start, end):
            if "TZID" in line.params:
                # Read through the file's VTIMEZONE (dateutil's tzical), not a zone looked up by name.
                assert type(line.value.tzinfo).__name__ == "_tzicalvtz", (line, line.value.tzinfo)
        rows.append([vevent.uid.value, vevent.summary.value, vevent.status.value, _when(start.value), _when(end.value)])
    return sorted(rows)


def icalendar_rows(body: bytes, year: int) -> list[list[str]]:
    calendar = icalendar.Calendar.from_ical(body)
    errors = [(component.name, component.errors) for component in calendar.walk() if component.errors]
    assert errors == []
    window = (dt.date(year - 1, 1, 1), dt.date(year + 2, 1, 1))
    rows = []
    for vevent in recurring_ical_events.of(calendar).between(*window):
        rows.append(
            [
                str(vevent["UID"]),
                str(vevent["SUMMARY"]),
                str(vevent["STATUS"]),
                _when(vevent.DTSTART),
                _when(vevent.DTEND),
            ]
        )
    return sorted(rows)


class _Refuse(logging.Handler):
    """Collects what a parser logs at WARNING or above: it reads past what it could not understand."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record.getMessage())


def ha_calendar(body: bytes):
    """Home Assistant's parser: it rejects a whole feed over one bad property, and must not log either."""
    handler = _Refuse()
    logger = logging.getLogger("ical")
    logger.addHandler(handler)
    try:
        calendar = IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))
    finally:
        logger.removeHandler(handler)
    assert handler.records == []
    return calendar


def ha_rows(body: bytes) -> list[list[str]]:
    rows = []
    for event in ha_calendar(body).events:
        status = event.status.value if event.status is not None else None
        rows.append([event.uid, event.summary, status, _when(event.dtstart), _when(event.dtend)])
    return sorted(rows)


def parser_rows(body: bytes, year: int, tmp_path: Path) -> dict[str, list[list[str]]]:
    """{parser: rows} for every parser of the suite, each row [uid, summary, status, start, end]."""
    return {
        "ical.js": icaljs_rows(body, tmp_path),
        "node-ical": nodeical_rows(body, tmp_path),
        "vobject": vobject_rows(body),
        "icalendar + recurring-ical-events": icalendar_rows(body, year),
        "ical (Home Assistant)": ha_rows(body),
    }


def icalendar_plain_rows(body: bytes) -> list[list[str]]:
    """icalendar alone, without recurring-ical-events: for the times that recurring-ical-events moves."""
    calendar = icalendar.Calendar.from_ical(body)
    assert [(c.name, c.errors) for c in calendar.walk() if c.errors] == []
    return sorted(
        [str(v["UID"]), str(v["SUMMARY"]), str(v["STATUS"]), _when(v.DTSTART), _when(v.DTEND)]
        for v in calendar.walk("VEVENT")
    )


def _each_parser(body: bytes, year: int, tmp_path: Path, subtests, expected, *, parsers=PARSERS, **labels) -> None:
    readers = {
        "ical.js": lambda: icaljs_rows(body, tmp_path),
        "node-ical": lambda: nodeical_rows(body, tmp_path),
        "vobject": lambda: vobject_rows(body),
        "icalendar + recurring-ical-events": lambda: icalendar_rows(body, year),
        "icalendar": lambda: icalendar_plain_rows(body),
        "ical (Home Assistant)": lambda: ha_rows(body),
    }
    for parser in parsers:
        with subtests.test(parser=parser, **labels):
            assert readers[parser]() == expected


# Every feed, every parser


def test_feeds_parsers_agree_with_the_database(feeds, year, tmp_path, subtests):
    for path, events in feeds.items():
        body = fetch(path)
        # Every VEVENT of the body is one the database says the feed shows (the parsers then read each alike).
        assert body.split(b"\r\n").count(b"BEGIN:VEVENT") == len(events) > 0, path
        _each_parser(body, year, tmp_path, subtests, expected_rows(events), path=path)


def test_feeds_with_stored_control_characters_are_read_by_every_parser(feed_data, year, tmp_path, subtests):
    """
    U+000B in one title made Home Assistant reject the chapter feed and the site feed whole: stored
    text with control characters (written past input validation) reaches no feed.
    """
    event = feed_data.singles["controls"]
    assert event.title == CONTROL_TEXT["title"]
    assert "\x0b" in feed_data.chapter.help_line
    expected = expected_rows([event])
    assert expected[0][1] == "Shift Enter from Word and more controls"
    for path in (f"/feeds/chapters/{feed_data.chapter.slug}.ics", "/feeds/events.ics", f"/feeds/events/{event.pk}.ics"):
        body = fetch(path)
        (row,) = [r for r in ha_rows(body) if r[0] == str(event.uid)]
        assert row == expected[0]
        with subtests.test(path=path, what="description as every parser reads it"):
            (vevent,) = [v for v in ha_calendar(body).events if v.uid == str(event.uid)]
            assert vevent.description.startswith(
                "Form feed summary\n\nLine one\nline two\tafter a tab , a bell  and  more  .\n\n"
                "Chicago. Questions? Call 555-0100; ask for Sam, or write.\n\n"
            )
            assert vevent.location == "Hall B, 2 Elm St"
        _each_parser(body, year, tmp_path, subtests, expected_rows(_events_in(body)), path=path)


def _events_in(body: bytes) -> list[Event]:
    uids = [str(v["UID"]) for v in icalendar.Calendar.from_ical(body).walk("VEVENT")]
    return list(Event.objects.filter(uid__in=uids))


def test_feeds_cover_both_daylight_saving_changes(feed_data):
    """The fixture really crosses both changes: Chicago offsets -6, -5 and -6 again in one series."""
    offsets = [e.starts_at.astimezone(e.zone).utcoffset() / dt.timedelta(hours=1) for e in feed_data.occurrences]
    assert offsets[0] == -6
    assert -5 in offsets
    assert offsets[-1] == -6
    body = fetch(f"/feeds/chapters/{feed_data.chapter.slug}.ics")
    assert b"BEGIN:DAYLIGHT" in body
    assert b"BEGIN:STANDARD" in body


def test_feeds_events_right_after_the_changes_are_at_the_right_instants(feed_data, year, tmp_path, subtests):
    """Instants right after each change, written out by hand rather than computed."""
    body = fetch(f"/feeds/chapters/{feed_data.chapter.slug}.ics")
    for parser, rows in (("ical.js", icaljs_rows(body, tmp_path)), ("node-ical", nodeical_rows(body, tmp_path))):
        with subtests.test(parser=parser):
            by_uid = {row[0]: row for row in rows}
            singles = feed_data.singles

            def row(name, by_uid=by_uid, singles=singles):
                return by_uid[str(singles[name].uid)]

            spring = singles["chicago_spring"].starts_at.date()
            fall = singles["chicago_fall"].starts_at.date()
            assert row("chicago_spring")[3] == f"{spring.isoformat()}T08:00:00Z"  # 03:00 CDT, UTC-5
            assert row("chicago_fall")[3] == f"{fall.isoformat()}T08:00:00Z"  # 02:00 CST, UTC-6
            eu_spring = singles["berlin_spring"].starts_at.date()
            eu_fall = singles["berlin_fall"].starts_at.date()
            assert row("berlin_spring")[3] == f"{eu_spring.isoformat()}T01:00:00Z"  # 03:00 CEST, UTC+2
            assert row("berlin_fall")[3] == f"{eu_fall.isoformat()}T02:00:00Z"  # 03:00 CET, UTC+1
            assert row("utc")[3:] == [f"{year}-06-15T23:30:00Z", f"{year}-06-16T01:00:00Z"]
            assert row("all_day")[3:] == [f"{year}-03-13", f"{year}-03-16"]
            moved = by_uid[str(feed_data.moved.uid)]
            assert moved[3] == _utc(feed_data.moved.starts_at)
            assert moved[3].endswith("T00:30:00Z")  # Tuesday 19:30 CDT
            cancelled = by_uid[str(feed_data.cancelled_occurrence.uid)]
            assert cancelled[1:4] == [
                "Cancelled: Weekly outreach table",
                "CANCELLED",
                _utc(feed_data.cancelled_occurrence.starts_at),
            ]
            assert cancelled[3].endswith("T00:00:00Z")  # Monday 18:00 CST, UTC-6


# Time zones


def test_feeds_vtimezones_match_zoneinfo_when_read_by_icalendar(feed_data, year):
    """icalendar builds a tzinfo from each of our VTIMEZONEs (not from its TZID): offsets match zoneinfo."""
    body = fetch("/feeds/events.ics")
    calendar = icalendar.Calendar.from_ical(body)
    zones = list(calendar.walk("VTIMEZONE"))
    assert {str(z["TZID"]) for z in zones} >= {"America/Chicago", "Europe/Berlin"}
    assert len(zones) == 3  # and UTC's
    for component in zones:
        _assert_offsets_match(component, zoneinfo.ZoneInfo(str(component["TZID"])), year)


def _assert_offsets_match(component, truth, year: int) -> None:
    ours = component.to_tz(lookup_tzid=False)
    instant = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    while instant < dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC):
        assert instant.astimezone(ours).utcoffset() == instant.astimezone(truth).utcoffset(), (
            component["TZID"],
            instant,
        )
        instant += dt.timedelta(minutes=30)


@pytest.mark.parametrize(
    ("zone", "blocks"),
    [
        ("America/Chicago", "rules"),
        ("Europe/Berlin", "rules"),
        ("Europe/Dublin", "rules"),  # winter time is tzdata's daylight time (negative DST)
        ("Australia/Lord_Howe", "rules"),  # DST of 30 minutes, southern hemisphere
        ("America/Sao_Paulo", "fixed"),  # no DST since 2019
        ("Asia/Kolkata", "fixed"),
        ("Africa/Casablanca", "changes"),  # changes around Ramadan, no yearly rule
        ("UTC", "fixed"),
    ],
)
def test_vtimezone_text_matches_zoneinfo(zone, blocks, year):
    """Our VTIMEZONE text, read by icalendar without its TZID, gives zoneinfo's offset all year."""
    text = vtimezone(zone, year, year)
    (component,) = icalendar.Calendar.from_ical(b"BEGIN:VCALENDAR\r\n" + text + b"END:VCALENDAR\r\n").walk("VTIMEZONE")

    _assert_offsets_match(component, zoneinfo.ZoneInfo(zone), year)
    rules = text.count(b"RRULE:")
    observances = text.count(b"BEGIN:STANDARD") + text.count(b"BEGIN:DAYLIGHT")
    assert {"rules": (2, 2), "fixed": (0, 1)}.get(blocks, (0, observances)) == (rules, observances)
    if blocks == "changes":
        assert observances > 3
    assert vtimezone(zone, year, year) is text  # cached


@pytest.fixture
def repeated_hour(chapter, year) -> dict[str, Event]:
    """
    Events whose start or end falls in the hour that happens twice when clocks fall back: in
    Chicago (01:00-02:00 on the first Sunday of November) and in Lord Howe (01:30-02:00 on the
    first Sunday of April), in the first pass and in the second.
    """
    fall = _nth_sunday(year, 11, 1)
    april = _nth_sunday(year, 4, 1)

    def at(day, hour, minute, zone, fold=0):
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone).replace(fold=fold)

    spans = {
        "chicago_first_pass": (at(fall, 1, 30, CHICAGO), at(fall, 1, 30, CHICAGO, fold=1)),
        "chicago_second_pass": (at(fall, 1, 30, CHICAGO, fold=1), at(fall, 3, 30, CHICAGO)),
        "chicago_ends_in_first_pass": (at(fall, 0, 30, CHICAGO), at(fall, 1, 15, CHICAGO)),
        "lord_howe_first_pass": (at(april, 1, 40, LORD_HOWE), at(april, 1, 40, LORD_HOWE, fold=1)),
        "lord_howe_second_pass": (at(april, 1, 45, LORD_HOWE, fold=1), at(april, 3, 0, LORD_HOWE)),
    }
    events = {}
    for name, (starts_at, ends_at) in spans.items():
        zone = starts_at.tzinfo
        # In UTC: two times of one zone compare by their wall clocks, whatever their folds.
        event = event_create(
            chapter=chapter,
            created_by=None,
            starts_at=starts_at.astimezone(dt.UTC),
            ends_at=ends_at.astimezone(dt.UTC),
            title=name.replace("_", " "),
            strategy=Strategy.AWARENESS_EDUCATION,
            timezone=str(zone),
        )
        events[name] = event_publish(event=event)
    return events


def test_feeds_wall_times_in_a_repeated_hour_are_written_in_utc(repeated_hour, chapter, year, tmp_path, subtests):
    """
    A TZID time in the repeated hour names its first pass (RFC 5545 3.3.5), but ical.js, node-ical
    and others take the second: every such start or end, either pass, is written in UTC instead.
    """
    fall = _nth_sunday(year, 11, 1)
    assert _utc(repeated_hour["chicago_first_pass"].starts_at) == f"{fall.isoformat()}T06:30:00Z"
    assert _utc(repeated_hour["chicago_second_pass"].starts_at) == f"{fall.isoformat()}T07:30:00Z"
    april = _nth_sunday(year, 4, 1)
    assert _utc(repeated_hour["lord_howe_first_pass"].starts_at) == f"{april - dt.timedelta(days=1)}T14:40:00Z"
    assert _utc(repeated_hour["lord_howe_first_pass"].ends_at) == f"{april - dt.timedelta(days=1)}T15:10:00Z"

    for name, event in repeated_hour.items():
        body = fetch(f"/feeds/events/{event.pk}.ics")
        text = body.decode().replace("\r\n ", "")
        with subtests.test(event=name, what="the wire"):
            for prop, value in (("DTSTART", event.starts_at), ("DTEND", event.ends_at)):
                local = value.astimezone(event.zone)
                if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
                    assert f"\r\n{prop}:{value.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}\r\n" in text
                else:
                    assert f"\r\n{prop};TZID={event.timezone}:{local:%Y%m%dT%H%M%S}\r\n" in text
        _each_parser(body, year, tmp_path, subtests, expected_rows([event]), parsers=IN_ITS_ZONE, event=name)
    expected = expected_rows(repeated_hour.values())
    chapter_feed = fetch(f"/feeds/chapters/{chapter.slug}.ics")
    _each_parser(chapter_feed, year, tmp_path, subtests, expected, parsers=IN_ITS_ZONE, path="chapter feed")
    _each_parser(fetch("/feeds/events.ics"), year, tmp_path, subtests, expected, path="site feed")


# recurring-ical-events 3.8 moves every time into the feed's X-WR-TIMEZONE and loses `fold` on the
# way, so it puts a time of the repeated hour in the first pass, however it is written (Z, or a
# TZID of Etc/UTC). Where X-WR-TIMEZONE is the events' zone (a chapter feed, a download), icalendar
# alone stands in for it; the site feed (X-WR-TIMEZONE:UTC) has all five.
IN_ITS_ZONE = tuple(p if p != "icalendar + recurring-ical-events" else "icalendar" for p in PARSERS)


# ORGANIZER


def _organizer_cns(body: bytes, tmp_path: Path) -> dict[str, list]:
    """{parser: [(uid, mailto, CN), ...]}, as each parser reads the ORGANIZER of each VEVENT."""
    mailto = {str(v["UID"]): str(v["ORGANIZER"]) for v in icalendar.Calendar.from_ical(body).walk("VEVENT")}

    def rows(pairs):
        return sorted((uid, mailto[uid], cn) for uid, cn in pairs)

    return {
        "ical.js": rows(_node("icaljs_dump.mjs", "ical.js", body, tmp_path, "--cn")),
        "node-ical": rows(_node("nodeical_dump.mjs", "node-ical", body, tmp_path, "--cn")),
        "vobject": rows((v.uid.value, v.organizer.params["CN"][0]) for v in vobject.readOne(body.decode()).vevent_list),
        "icalendar": rows(
            (str(v["UID"]), str(v["ORGANIZER"].params["CN"])) for v in icalendar.Calendar.from_ical(body).walk("VEVENT")
        ),
        "ical (Home Assistant)": rows((v.uid, v.organizer.common_name) for v in ha_calendar(body).events),
    }


def test_feeds_organizer_is_on_every_event_also_without_a_contact_email(chapter, year, tmp_path, subtests, settings):
    """A PUBLISH calendar's VEVENTs need an ORGANIZER: the chapter's email, else the site's no-reply one."""
    settings.DEFAULT_FROM_EMAIL = "Outreach team <noreply@outreach.test>"
    Chapter.objects.filter(pk=chapter.pk).update(contact_email="")
    event = event_publish(
        event=event_create(
            chapter=chapter,
            created_by=None,
            starts_at=dt.datetime(year, 5, 5, 15, tzinfo=dt.UTC),
            ends_at=dt.datetime(year, 5, 5, 17, tzinfo=dt.UTC),
            title="No contact email",
            strategy=Strategy.AWARENESS_EDUCATION,
        )
    )
    expected = [(str(event.uid), "mailto:noreply@outreach.test", chapter.name)]
    for path in (f"/feeds/chapters/{chapter.slug}.ics", f"/feeds/events/{event.pk}.ics", "/feeds/events.ics"):
        for parser, rows in _organizer_cns(fetch(path), tmp_path).items():
            with subtests.test(path=path, parser=parser):
                assert rows == expected


# (typed, shown): the CN every parser of the suite reads. A `"` cannot be in a quoted parameter, and
# node-ical splits parameters at each `;`; a caret before ', n or ^ would be decoded by the parsers
# that read RFC 6868 escapes, so it is the modifier letter circumflex, which looks the same.
CHAPTER_NAMES = [
    ("Chicago North", "Chicago North"),
    ("O'Brien's \"Best\" Chapter", "O'Brien's 'Best' Chapter"),
    ("North, South: East", "North, South: East"),
    ("Semi; colon", "Semi, colon"),
    ("Caret ^ chapter", "Caret ^ chapter"),
    ("A^'B a^nb x^^y", "A\u02c6'B a\u02c6nb x\u02c6^y"),
    ("Zürich 日本 🎉", "Zürich 日本 🎉"),
    ("Back\\slash", "Back\\slash"),
    ("Tab\tand\x0bcontrols\x02", "Tab and controls"),  # stored: no NUL, which PostgreSQL cannot hold
]


@pytest.mark.parametrize(("typed", "shown_as"), CHAPTER_NAMES)
def test_feeds_organizer_name_reads_as_typed_in_every_parser(chapter, year, tmp_path, subtests, typed, shown_as):
    Chapter.objects.filter(pk=chapter.pk).update(name=typed, contact_email="team@example.org")
    event = event_publish(
        event=event_create(
            chapter=chapter,
            created_by=None,
            starts_at=dt.datetime(year, 5, 5, 15, tzinfo=dt.UTC),
            ends_at=dt.datetime(year, 5, 5, 17, tzinfo=dt.UTC),
            title="Named",
            strategy=Strategy.AWARENESS_EDUCATION,
        )
    )
    body = fetch(f"/feeds/events/{event.pk}.ics")

    (organizer,) = [line for line in _our_lines(body) if line[0] == "ORGANIZER"]
    assert "^'" not in organizer[1]["CN"]
    for parser, rows in _organizer_cns(body, tmp_path).items():
        with subtests.test(parser=parser):
            assert rows == [(str(event.uid), "mailto:team@example.org", shown_as)]


# The icalendar library reads back what we meant


def _our_lines(body: bytes) -> list[tuple[str, dict, str]]:
    """(name, parameters, value) of each content line as we wrote it."""
    lines = [content_line(text) for text in body.decode().replace("\r\n ", "").split("\r\n")[:-1]]
    return [(line.name, {k: v.strip('"') for k, v in line.params.items()}, line.value) for line in lines]


def _icalendar_lines(calendar) -> list[tuple[str, dict, str]]:
    """(name, parameters, value) of each content line as icalendar parsed it and would write it."""
    lines = []
    for name, value in calendar.property_items(recursive=True, sorted=False):
        if isinstance(value, bytes):  # BEGIN and END
            lines.append((name, {}, value.decode()))
        else:
            text = value.to_ical()
            text = text.decode() if isinstance(text, bytes) else text
            if value.params.get("TZID") == "Etc/UTC":
                # icalendar writes an Etc/UTC time back as UTC, "Z" and all: the same instant.
                text = text.removesuffix("Z")
            lines.append((name, dict(value.params), text))
    return lines


def test_feeds_every_value_reads_back_through_icalendar(feeds, feed_data, subtests):
    """
    Our writer is checked against the icalendar library: each property it writes, parsed by
    icalendar, is the value meant (text, times, GEO, ORGANIZER and its CN), and icalendar writes
    it back as the very same characters, parameters included.
    """
    for path, events in feeds.items():
        body = fetch(path)
        calendar = icalendar.Calendar.from_ical(body)
        with subtests.test(path=path, what="the same characters"):
            assert _icalendar_lines(calendar) == _our_lines(body)
        by_uid = {str(event.uid): event for event in events}
        for vevent in calendar.walk("VEVENT"):
            event = by_uid[str(vevent["UID"])]
            with subtests.test(path=path, event=shown(event.title)[:30]):
                _assert_reads_back(vevent, event, feed_data)


def _assert_reads_back(vevent, event, feed_data) -> None:
    sequence, last_modified = revision(event)
    cancelled = event.status == EventStatus.CANCELLED
    assert str(vevent["SUMMARY"]) == ("Cancelled: " if cancelled else "") + shown(event.title)
    assert str(vevent["STATUS"]) == ("CANCELLED" if cancelled else "CONFIRMED")
    assert vevent["SEQUENCE"] == sequence
    whole = last_modified.replace(microsecond=0)
    assert vevent.decoded("LAST-MODIFIED") == vevent.decoded("DTSTAMP") == whole
    assert vevent.decoded("CREATED") == event.created_at.replace(microsecond=0)
    if event.all_day:
        assert str(vevent["TRANSP"]) == "TRANSPARENT"
        assert isinstance(vevent.decoded("DTSTART"), dt.date)
    else:
        assert str(vevent["TRANSP"]) == "OPAQUE"
        assert (vevent.decoded("DTSTART"), vevent.decoded("DTEND")) == (event.starts_at, event.ends_at)
    where = event.whereabouts(private=False)
    if where.line:
        assert str(vevent["LOCATION"]) == shown(where.line)
    else:
        assert "LOCATION" not in vevent
    if where.latitude is not None:
        assert (vevent["GEO"].latitude, vevent["GEO"].longitude) == (float(where.latitude), float(where.longitude))
    else:
        assert "GEO" not in vevent
    url = f"{settings.SITE_URL}/events/{event.pk}/"
    assert str(vevent["URL"]) == url
    assert [str(c) for c in vevent["CATEGORIES"].cats] == [Strategy(event.strategy).label]
    description = str(vevent["DESCRIPTION"])
    assert f"\n\n{description}".endswith(f"\n\nChicago. Questions? Call 555-0100; ask for Sam, or write.\n\n{url}")
    if event == feed_data.singles["tricky_text"]:
        first = TRICKY_DESCRIPTION.replace("\r\n", "\n").replace("\r", "\n")
        assert description.startswith(f"{event.summary}\n\n{first}\n\n")
    assert str(vevent["ORGANIZER"]) == "mailto:chicago@example.org"
    assert vevent["ORGANIZER"].params["CN"] == "Chicago"


# Withdrawn entries


def test_withdrawn_entries_are_cancellations_every_parser_reads(feed_data, year, tmp_path, subtests):
    """An event that left the public feeds is a cancelled entry naming nothing but its times."""
    event = feed_data.singles["tricky_text"]
    all_day = feed_data.singles["all_day"]
    info = CalendarInfo(
        name="Chicago", description="Events", url="https://x.test/", source="https://x.test/f.ics", timezone="UTC"
    )

    body = render_calendar(info, iter([Entry(event, withdrawn=True), Entry(all_day, withdrawn=True)]))

    start, end = _utc(event.starts_at), _utc(event.ends_at)
    expected = sorted(
        [
            [str(event.uid), WITHDRAWN_SUMMARY, "CANCELLED", start, end],
            [str(all_day.uid), WITHDRAWN_SUMMARY, "CANCELLED", f"{year}-03-13", f"{year}-03-16"],
        ]
    )
    _each_parser(body, year, tmp_path, subtests, expected)
    for vevent in icalendar.Calendar.from_ical(body).walk("VEVENT"):
        assert str(vevent["DESCRIPTION"]) == WITHDRAWN_DESCRIPTION
        assert vevent["SEQUENCE"] == revision(Event.objects.get(uid=str(vevent["UID"])))[0]
        assert str(vevent["ORGANIZER"]) == "mailto:chicago@example.org"
        assert not {"LOCATION", "GEO", "URL", "CATEGORIES"} & set(vevent)
    for secret in ("Semi", "Hall", "Main St", "Awareness", f"/events/{event.pk}/"):
        assert secret.encode() not in body
