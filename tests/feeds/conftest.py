"""
Fixture data for the calendar feed tests, built with the services, and the feeds rendered from it
through the test client.

Dates lie in next year, so the data stays inside the feeds' window (which is relative to the real
clock) whenever the tests run; the services get an explicit `now=` before all of it.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.utils import timezone

from events.enums import EventStatus, Strategy
from events.models import Event, EventSeries
from events.services import event_cancel, event_create, event_publish, event_update, series_create, series_publish

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
UTC = dt.UTC

TRICKY_TEXT = "Semi; colon, comma \\ backslash 🎉 <script>alert(1)</script>"
TRICKY_DESCRIPTION = (
    "First line; with, punctuation \\ and a backslash\r\n"
    "Second line after CRLF\nThird after LF\rFourth after a bare CR\n\n"
    "Emoji 👩‍👩‍👧 and <script>alert(1)</script>"
)
# 200 characters, most of them two to four UTF-8 octets, so folds land inside multi-octet characters.
LONG_TITLE = ("Ünïcødé ✓ 日本語 🎉 " * 20)[:199] + "Z"
INJECTION_TITLE = "Harmless END:VEVENT\r\nBEGIN:VEVENT\r\nUID:injected\r\nSUMMARY:Injected"
# Stored before input validation refused them (written past it): Word's Shift+Enter (U+000B), which
# made Home Assistant reject whole feeds, and other C0 and C1 controls, DEL, and a tab.
CONTROL_TEXT = {
    # No NUL: PostgreSQL cannot store one in text at all (input refuses it everywhere).
    "title": "Shift\x0bEnter from Word\x02 and\x1b more\x7f controls\x85",
    "summary": "Form\x0cfeed\x08 summary\x9f",
    "description": "Line one\x0bline two\tafter a tab\x07, a bell\x1f and\x01 more\x7f\x80.",
    "venue": "Hall\x1fB",
    "address": "2\x0b Elm St\x9b",
}
CONTROL_HELP_LINE = "Questions? Call 555-0100; ask for Sam, or write.\x0b"


@dataclass
class FeedData:
    chapter: object
    series: EventSeries
    occurrences: list[Event]
    moved: Event
    cancelled_occurrence: Event
    singles: dict[str, Event] = field(default_factory=dict)

    def events(self) -> list[Event]:
        """Every event the chapter's feed shows, fresh from the database."""
        return list(Event.objects.filter(chapter=self.chapter).order_by("starts_at", "pk"))


def _nth_sunday(year: int, month: int, nth: int) -> dt.date:
    """The `nth` (-1 = last) Sunday of the month."""
    first = dt.date(year, month, 1)
    day = first + dt.timedelta(days=(6 - first.weekday()) % 7)
    sundays = []
    while day.month == month:
        sundays.append(day)
        day += dt.timedelta(weeks=1)
    return sundays[nth if nth < 0 else nth - 1]


def _local(day: dt.date, hour: int, minute: int, zone: zoneinfo.ZoneInfo, *, fold: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone).replace(fold=fold)


def _published(chapter, *, starts_at, ends_at, title, **details) -> Event:
    details.setdefault("strategy", Strategy.AWARENESS_EDUCATION)
    event = event_create(chapter=chapter, created_by=None, starts_at=starts_at, ends_at=ends_at, title=title, **details)
    return event_publish(event=event)


def _store(event: Event, **text) -> None:
    """Write `text` straight to the row, as text stored before input validation refused it."""
    Event.objects.filter(pk=event.pk).update(**text)
    event.refresh_from_db()


@pytest.fixture
def year():
    return timezone.now().year + 1


@pytest.fixture
def feed_data(chapter, settings, year) -> FeedData:
    """
    The chapter (America/Chicago) with, all public:
    - a weekly series from the first Monday of February to December, 18:00 local, crossing both
      daylight-saving changes, published, then one occurrence moved and one cancelled;
    - single events right after both changes in Chicago and in Berlin, one in UTC, a multi-day
      all-day event, events whose text needs escaping, a 200-character title, a title that tries
      to inject a VEVENT, a cancelled single event, and an event whose stored text holds
      control characters (as does the chapter's help line), written past input validation.
    """
    settings.SERIES_HORIZON_DAYS = 400
    chapter.contact_email = "chicago@example.org"
    chapter.help_line = "Questions? Call 555-0100; ask for Sam, or write."
    chapter.save()
    now = dt.datetime(year - 1, 12, 1, tzinfo=UTC)
    first_monday = next(dt.date(year, 2, d) for d in range(1, 8) if dt.date(year, 2, d).weekday() == 0)
    series = series_create(
        chapter=chapter,
        created_by=None,
        recurrence="FREQ=WEEKLY;COUNT=45",
        start_date=first_monday,
        start_time=dt.time(18, 0),
        duration=dt.timedelta(hours=2),
        title="Weekly outreach table",
        summary="Leaflets, conversations, coffee.",
        strategy=Strategy.COMMUNITY_ENGAGEMENT,
        venue="Library, Room 2",
        now=now,
    )
    series_publish(series=series, now=now)
    occurrences = list(series.occurrences.order_by("occurrence_date"))
    assert len(occurrences) == 45

    # Move the occurrence right after the spring change to Tuesday 19:30.
    spring = _nth_sunday(year, 3, 2)
    after_spring = next(e for e in occurrences if e.occurrence_date > spring)
    new_day = after_spring.occurrence_date + dt.timedelta(days=1)
    moved = event_update(
        event=after_spring,
        starts_at=_local(new_day, 19, 30, CHICAGO),
        ends_at=_local(new_day, 21, 0, CHICAGO),
    )
    # Cancel the occurrence right after the fall change.
    fall = _nth_sunday(year, 11, 1)
    after_fall = next(e for e in occurrences if e.occurrence_date > fall)
    cancelled_occurrence = event_cancel(event=after_fall, note="Room closed; sorry, see you next week.")

    eu_spring = _nth_sunday(year, 3, -1)
    eu_fall = _nth_sunday(year, 10, -1)
    singles = {
        # 02:00 CST jumps to 03:00 CDT; 02:00 CDT falls back to 01:00 CST.
        "chicago_spring": _published(
            chapter,
            starts_at=_local(spring, 3, 0, CHICAGO),
            ends_at=_local(spring, 4, 30, CHICAGO),
            title="Sunrise walk after the spring change",
        ),
        "chicago_fall": _published(
            chapter,
            starts_at=_local(fall, 2, 0, CHICAGO),
            ends_at=_local(fall, 3, 0, CHICAGO),
            title="Night shift after the fall change",
        ),
        "berlin_spring": _published(
            chapter,
            starts_at=_local(eu_spring, 3, 0, BERLIN),
            ends_at=_local(eu_spring, 5, 0, BERLIN),
            title="Berlin: Frühschicht",
            timezone="Europe/Berlin",
            venue="Rathaus, Saal 1",
        ),
        "berlin_fall": _published(
            chapter,
            starts_at=_local(eu_fall, 3, 0, BERLIN),
            ends_at=_local(eu_fall, 4, 0, BERLIN),
            title="Berlin: Nachtschicht",
            timezone="Europe/Berlin",
        ),
        "utc": _published(
            chapter,
            starts_at=dt.datetime(year, 6, 15, 23, 30, tzinfo=UTC),
            ends_at=dt.datetime(year, 6, 16, 1, 0, tzinfo=UTC),
            title="Worldwide online call",
            timezone="UTC",
            format="online",
            online_url="https://meet.example.org/outreach",
        ),
        "all_day": _published(
            chapter,
            starts_at=_local(dt.date(year, 3, 13), 0, 0, CHICAGO),
            ends_at=_local(dt.date(year, 3, 16), 0, 0, CHICAGO),
            all_day=True,
            title="Awareness weekend",
        ),
        "tricky_text": _published(
            chapter,
            starts_at=_local(dt.date(year, 4, 20), 17, 0, CHICAGO),
            ends_at=_local(dt.date(year, 4, 20), 19, 0, CHICAGO),
            title=TRICKY_TEXT,
            summary=TRICKY_TEXT,
            description=TRICKY_DESCRIPTION,
            venue="Hall; East, \\ wing 🎪",
            address="1 Main St, Chicago; IL",
        ),
        "long_title": _published(
            chapter,
            starts_at=_local(dt.date(year, 5, 4), 10, 0, CHICAGO),
            ends_at=_local(dt.date(year, 5, 4), 12, 0, CHICAGO),
            title=LONG_TITLE,
            description=LONG_TITLE * 3,
        ),
        "injection": _published(
            chapter,
            starts_at=_local(dt.date(year, 5, 11), 10, 0, CHICAGO),
            ends_at=_local(dt.date(year, 5, 11), 12, 0, CHICAGO),
            title="Harmless",
            description="END:VCALENDAR\r\nBEGIN:VCALENDAR",
        ),
        "cancelled": _published(
            chapter,
            starts_at=_local(dt.date(year, 7, 4), 9, 0, CHICAGO),
            ends_at=_local(dt.date(year, 7, 4), 11, 0, CHICAGO),
            title="Parade stand",
        ),
        "controls": _published(
            chapter,
            starts_at=_local(dt.date(year, 8, 8), 10, 0, CHICAGO),
            ends_at=_local(dt.date(year, 8, 8), 12, 0, CHICAGO),
            title="Controls",
        ),
    }
    singles["cancelled"] = event_cancel(event=singles["cancelled"], note="Parade called off.")
    # Input validation refuses line breaks in a title now; the feeds must still be safe against
    # such text stored before it did, so it is written past the services.
    _store(singles["injection"], title=INJECTION_TITLE)
    _store(singles["controls"], **CONTROL_TEXT)
    type(chapter).objects.filter(pk=chapter.pk).update(help_line=CONTROL_HELP_LINE)
    chapter.refresh_from_db()
    assert len(LONG_TITLE) == 200
    return FeedData(
        chapter=chapter,
        series=series,
        occurrences=occurrences,
        moved=moved,
        cancelled_occurrence=cancelled_occurrence,
        singles=singles,
    )


def fetch(path: str) -> bytes:
    """GET a feed as an anonymous calendar app would, and return its body."""
    response = Client().get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


@pytest.fixture
def feeds(feed_data) -> dict[str, list[Event]]:
    """
    {path: the events it must show} for the chapter feed, the site feed and event downloads.
    Tests fetch each path themselves (in a subtest), so one broken feed does not hide the others.
    """
    everything = feed_data.events()
    assert {e.status for e in everything} == {EventStatus.PUBLISHED, EventStatus.CANCELLED}
    result = {f"/feeds/chapters/{feed_data.chapter.slug}.ics": everything, "/feeds/events.ics": everything}
    downloads = [*feed_data.singles.values(), feed_data.moved, feed_data.cancelled_occurrence, feed_data.occurrences[0]]
    for event in downloads:
        result[f"/feeds/events/{event.pk}.ics"] = [Event.objects.get(pk=event.pk)]
    return result
