"""
Independent parsers read our feeds: ical.js (Thunderbird's, run with Node), vobject, and icalendar
with recurring-ical-events. Each must accept every feed with no error and find the same events at
the same UTC instants as the database rows, which are the truth.

ical.js resolves TZID times only through the VTIMEZONE blocks we write, so its agreement with
zoneinfo, at instants right after both daylight-saving changes, is what shows those blocks right.
"""

import datetime as dt
import json
import shutil
import subprocess
import zoneinfo
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
import vobject
from django.conf import settings

from events.enums import EventStatus, Strategy
from events.services import event_create, event_publish

from .conftest import CHICAGO, _nth_sunday, fetch

pytestmark = pytest.mark.django_db

HERE = Path(__file__).resolve().parent
ROOT = Path(settings.BASE_DIR)
DUMP = HERE / "icaljs_dump.mjs"


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _when(value) -> str:
    """A parser's DTSTART or DTEND: a date for all-day events, else a UTC instant."""
    if isinstance(value, dt.datetime):
        assert value.tzinfo is not None, f"floating time {value!r}"
        return _utc(value)
    return value.isoformat()


def expected_rows(events) -> list[list[str]]:
    """[uid, summary, status, start, end] of each event, computed from the rows alone."""
    rows = []
    for event in events:
        cancelled = event.status == EventStatus.CANCELLED
        summary = ("Cancelled: " if cancelled else "") + " ".join(event.title.split())
        if event.all_day:
            zone = zoneinfo.ZoneInfo(event.timezone)
            start = event.starts_at.astimezone(zone).date().isoformat()
            end = event.ends_at.astimezone(zone).date().isoformat()
        else:
            start, end = _utc(event.starts_at), _utc(event.ends_at)
        rows.append([str(event.uid), summary, "CANCELLED" if cancelled else "CONFIRMED", start, end])
    return sorted(rows)


def icaljs_rows(body: bytes, tmp_path: Path) -> list[list[str]]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed to run ical.js: install Node 20 or later.")
    if not (ROOT / "node_modules" / "ical.js" / "package.json").exists():
        pytest.fail("ical.js is not installed: run `npm ci` in the repository root (see package.json).")
    path = tmp_path / "feed.ics"
    path.write_bytes(body)
    result = subprocess.run([node, str(DUMP), str(path)], capture_output=True, text=True, cwd=ROOT, check=False)  # noqa: S603
    assert result.returncode == 0, f"ical.js refused the feed: {result.stderr}"
    assert result.stderr == ""
    return sorted(json.loads(result.stdout))


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


def test_feeds_parsers_agree_with_the_database(feeds, year, tmp_path, subtests):
    for path, events in feeds.items():
        expected = expected_rows(events)
        with subtests.test(path=path, parser="ical.js"):
            assert icaljs_rows(fetch(path), tmp_path) == expected
        with subtests.test(path=path, parser="vobject"):
            assert vobject_rows(fetch(path)) == expected
        with subtests.test(path=path, parser="icalendar + recurring-ical-events"):
            assert icalendar_rows(fetch(path), year) == expected


def test_feeds_cover_both_daylight_saving_changes(feed_data):
    """The fixture really crosses both changes: Chicago offsets -6, -5 and -6 again in one series."""
    offsets = [e.starts_at.astimezone(e.zone).utcoffset() / dt.timedelta(hours=1) for e in feed_data.occurrences]
    assert offsets[0] == -6
    assert -5 in offsets
    assert offsets[-1] == -6
    body = fetch(f"/feeds/chapters/{feed_data.chapter.slug}.ics")
    assert b"BEGIN:DAYLIGHT" in body
    assert b"BEGIN:STANDARD" in body


def test_feeds_events_right_after_the_changes_are_at_the_right_instants(feed_data, year, tmp_path):
    """Instants right after each change, written out by hand rather than computed."""
    body = fetch(f"/feeds/chapters/{feed_data.chapter.slug}.ics")
    by_uid = {row[0]: row for row in icaljs_rows(body, tmp_path)}
    singles = feed_data.singles

    def row(name):
        return by_uid[str(singles[name].uid)]

    spring = feed_data.singles["chicago_spring"].starts_at.date()
    fall = feed_data.singles["chicago_fall"].starts_at.date()
    assert row("chicago_spring")[3] == f"{spring.isoformat()}T08:00:00Z"  # 03:00 CDT, UTC-5
    assert row("chicago_fall")[3] == f"{fall.isoformat()}T08:00:00Z"  # 02:00 CST, UTC-6
    eu_spring = feed_data.singles["berlin_spring"].starts_at.date()
    eu_fall = feed_data.singles["berlin_fall"].starts_at.date()
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


def test_feeds_vtimezones_match_zoneinfo_when_read_by_icalendar(feed_data, year):
    """icalendar builds a tzinfo from each of our VTIMEZONEs (not from its TZID): offsets match zoneinfo."""
    body = fetch("/feeds/events.ics")
    calendar = icalendar.Calendar.from_ical(body)
    zones = list(calendar.walk("VTIMEZONE"))
    assert {str(z["TZID"]) for z in zones} >= {"America/Chicago", "Europe/Berlin"}
    assert len(zones) == 3  # and UTC's
    for component in zones:
        ours = component.to_tz(lookup_tzid=False)
        truth = zoneinfo.ZoneInfo(str(component["TZID"]))
        instant = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
        while instant < dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC):
            assert instant.astimezone(ours).utcoffset() == instant.astimezone(truth).utcoffset(), (
                component["TZID"],
                instant,
            )
            instant += dt.timedelta(minutes=30)


def test_feeds_event_in_the_repeated_hour_keeps_its_instant(chapter, year, tmp_path):
    """
    01:30 happens twice in Chicago when clocks fall back; a TZID time names the first (RFC 5545
    3.3.5), so an event in the second one must be written so that parsers still find its instant.
    """
    fall = _nth_sunday(year, 11, 1)
    starts_at = dt.datetime.combine(fall, dt.time(1, 30), tzinfo=CHICAGO).replace(fold=1)
    event = event_publish(
        event=event_create(
            chapter=chapter,
            created_by=None,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=2),
            title="Second pass of 01:30",
            strategy=Strategy.AWARENESS_EDUCATION,
        )
    )
    assert _utc(event.starts_at) == f"{fall.isoformat()}T07:30:00Z"
    expected = expected_rows([event])

    body = fetch(f"/feeds/events/{event.pk}.ics")

    assert icaljs_rows(body, tmp_path) == expected
    assert vobject_rows(body) == expected
    # Not recurring-ical-events 3.8: it moves Z times into X-WR-TIMEZONE and loses `fold` on the way.
    (vevent,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert [_when(vevent.DTSTART), _when(vevent.DTEND)] == expected[0][3:]
