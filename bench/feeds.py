"""
Benchmark of a chapter calendar feed against other ways of writing the same rows, in one run.

For each size, one chapter in America/Chicago gets that many published public events spread over
the feed window (FEED_PAST_DAYS ago to a year ahead), with venue, address and description text
that needs escaping and folding. Seven ways of answering or producing its feed are timed:

- feed_uncached: GET /feeds/chapters/<slug>.ics after cache.clear(): version, rows, render.
- feed_cached: the same GET again, answered from the cache.
- feed_304: the same GET with If-None-Match set to the cached answer's ETag: a 304.
- bare: a view that returns a small constant HttpResponse: the floor of a request through the
  same client and middleware.
- icalendar: the same rows, fetched with the same queryset, built into an icalendar Calendar with
  one Event per row and the same properties, without events/ical.py.
- minimal: the same rows written by a minimal RFC 5545 writer defined here (TEXT escaping, folding
  at 75 octets without splitting a UTF-8 character, CRLF, one constant VTIMEZONE): the floor.
- django_ical: django-ical's ICalFeed subclassed for the same rows and properties, called as a view.

The views go through django.test.Client and the full middleware stack; the two baselines are
function calls that include fetching the rows. Each is timed with time.perf_counter (median of the
iterations, interleaved round-robin), its peak memory above the idle process taken with tracemalloc
in a separate pass, and its queries counted in a first, untimed pass that also checks every feed
body holds one VEVENT per row. The ratios the issue sets goals for are reported per size:
feed_uncached / minimal (at most 2), feed_cached / bare and feed_304 / bare (at most 5, flat in
the feed's size), and the uncached path's peak memory (under 64 MiB at 10,000 events).

    .venv/bin/python bench/feeds.py [--sizes 1000 10000] [--iterations N] [--json]

Without DATABASE_URL the run uses a throwaway SQLite file in a temporary directory. With it (e.g.
PostgreSQL), Django's test-database machinery creates and later drops a `test_<name>_bench_feeds`
twin, so neither the named database nor the test database of a concurrent pytest run is touched.
"""

import argparse
import gc
import json
import statistics
import sys
import time
import tracemalloc
import uuid
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.harness import setup_django

    setup_django()

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils import timezone
from django_ical.views import ICalFeed
from icalendar import (
    Calendar,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDuration,
    vRecur,
    vText,
)
from icalendar import Event as VEvent

from events import selectors
from events.enums import AddressVisibility, EventFormat, EventStatus, Strategy, Visibility
from events.models import Event
from outreach.models import Chapter
from outreach.selectors import feed_scope
from outreach.services import feed_versions_bump

SIZES = (1000, 10000)
ZONE = "America/Chicago"
PRODID = "-//Outreach//Outreach bench//EN"
NAMES = ("feed_uncached", "feed_cached", "feed_304", "bare", "icalendar", "minimal", "django_ical")
FEEDLESS = ("feed_304", "bare")  # answers without a calendar body
RATIOS = {
    "feed_uncached/minimal": ("feed_uncached", "minimal"),
    "feed_cached/bare": ("feed_cached", "bare"),
    "feed_304/bare": ("feed_304", "bare"),
}
BARE_URL = "/bench/bare/"
LOCAL_TIMES = (dt.time(10), dt.time(14, 30), dt.time(18), dt.time(19, 30))
DESCRIPTION = (
    "Learn the signs of trafficking and grooming online; bring a friend, a question, and an open mind.\n"
    "Childcare is provided; Spanish interpretation available — se habla español, niñas y niños bienvenidos.\n"
    "Paths with a backslash like C:\\outreach\\handouts are printed for you, 2 pages each.\n"
    "Café and snacks from our partners at Ñandú Bakery ☕🥐, free for everyone who comes along tonight."
)

# The US rule since 2007, which covers every event this bench writes.
CHICAGO = {
    "DAYLIGHT": ("20070311T020000", "-0600", "-0500", "CDT", "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU"),
    "STANDARD": ("20071104T020000", "-0500", "-0600", "CST", "FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"),
}


def feed_url(slug: str) -> str:
    return f"/feeds/chapters/{slug}.ics"


def django_ical_url(slug: str) -> str:
    return f"/bench/django-ical/{slug}.ics"


# The rows


def build_data(events: int) -> Chapter:
    """One active chapter in America/Chicago with `events` published public events, bulk-created."""
    chapter = Chapter.objects.create(
        name=f"Bench {events}",
        slug=f"bench-{events}",
        timezone=ZONE,
        city="Chicago",
        country="US",
        contact_email="chicago@outreach.example",
        help_line="National Human Trafficking Hotline: call 1-888-373-7888, text 233733.",
    )
    zone = zoneinfo.ZoneInfo(ZONE)
    today = timezone.localdate(timezone=zone)
    first = today - dt.timedelta(days=settings.FEED_PAST_DAYS - 1)
    span = (today + dt.timedelta(days=365) - first).days
    strategies = Strategy.values
    rows = []
    for index in range(events):
        day = first + dt.timedelta(days=span * index // events)
        starts_at = dt.datetime.combine(day, LOCAL_TIMES[index % len(LOCAL_TIMES)], tzinfo=zone).astimezone(dt.UTC)
        hybrid = index % 5 == 0
        rows.append(
            Event(
                uid=uuid.uuid4(),
                chapter=chapter,
                title=f"Awareness evening {index}: parents, schools & online safety",
                summary="Learn the signs; bring a friend.",
                description=DESCRIPTION,
                strategy=strategies[index % len(strategies)],
                format=EventFormat.HYBRID if hybrid else EventFormat.IN_PERSON,
                online_url="https://meet.example.org/outreach-evening" if hybrid else "",
                venue="St. Mark's Hall, Room 2",
                address=f"{1200 + index % 800} W. Belmont Ave, Chicago, IL 60657",
                latitude=Decimal("41.939700"),
                longitude=Decimal("-87.658900"),
                address_visibility=AddressVisibility.CONFIRMED if index % 4 == 3 else AddressVisibility.PUBLIC,
                timezone=ZONE,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(hours=2),
                status=EventStatus.PUBLISHED,
                visibility=Visibility.PUBLIC,
                sequence=index % 3,
            )
        )
    Event.objects.bulk_create(rows, batch_size=1000)
    with transaction.atomic():  # as the services leave it: the chapter's feed has a version
        feed_versions_bump([feed_scope("chapter", chapter.pk)])
    return chapter


def feed_rows(chapter: Chapter) -> list:
    """The chapter feed's rows, fetched with the feed's own queryset: one query."""
    events = selectors.public_feed_events(now=timezone.now()).filter(chapter=chapter)
    return list(selectors.feed_rows(events))


# The same properties as events/ical.py writes, computed here without it.


def _address_public(event) -> bool:
    return event.address_visibility == AddressVisibility.PUBLIC


def _location(event) -> str:
    parts = [event.venue, event.address if _address_public(event) else ""]
    if event.format == EventFormat.HYBRID:
        parts.append("and online")
    return ", ".join(part for part in parts if part)


def _description(event, url: str) -> str:
    paragraphs = [event.summary, event.description]
    if event.format in EventFormat.with_online_link():
        paragraphs.append("The online link is shown to confirmed volunteers.")
    if event.address and not _address_public(event):
        paragraphs.append("The address is shown to confirmed volunteers.")
    paragraphs += [f"{event.chapter.name}. {event.chapter.help_line}", url]
    return "\n\n".join(paragraphs)


def _url(event) -> str:
    return f"{settings.SITE_URL}{event.get_absolute_url()}"


def _calendar_name(chapter) -> str:
    return f"{chapter.name} - Outreach"


def _sequence(event) -> int:
    return event.sequence + event.chapter.sequence


def _modified(event) -> dt.datetime:
    """LAST-MODIFIED, and DTSTAMP: the latest change of the event and its chapter."""
    return max(event.updated_at, event.chapter.updated_at).astimezone(dt.UTC)


# (3) icalendar alone


def icalendar_feed(chapter: Chapter) -> bytes:
    """The chapter's rows as an icalendar Calendar, one Event per row, without events/ical.py."""
    rows = feed_rows(chapter)
    zone = zoneinfo.ZoneInfo(ZONE)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", _calendar_name(chapter))
    calendar.add("x-wr-calname", _calendar_name(chapter))
    calendar.add("x-wr-caldesc", f"Public events of the {chapter.name} chapter.")
    calendar.add("x-wr-timezone", ZONE)
    calendar.add("refresh-interval", vDuration(dt.timedelta(hours=1)), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(dt.timedelta(hours=1)))
    calendar.add("url", f"{settings.SITE_URL}{chapter.get_absolute_url()}")
    calendar.add("source", f"{settings.SITE_URL}{feed_url(chapter.slug)}", parameters={"VALUE": "URI"})
    vtimezone = Timezone()
    vtimezone.add("tzid", ZONE)
    for kind, (start, offset_from, offset_to, name, rule) in CHICAGO.items():
        sub = TimezoneDaylight() if kind == "DAYLIGHT" else TimezoneStandard()
        sub.add("dtstart", dt.datetime.strptime(start, "%Y%m%dT%H%M%S"))  # noqa: DTZ007 (a floating onset)
        sub.add("tzoffsetfrom", dt.timedelta(hours=int(offset_from[:3])))
        sub.add("tzoffsetto", dt.timedelta(hours=int(offset_to[:3])))
        sub.add("tzname", name)
        sub.add("rrule", vRecur.from_ical(rule))
        vtimezone.add_component(sub)
    calendar.add_component(vtimezone)
    for event in rows:
        url = _url(event)
        component = VEvent()
        component.add("uid", str(event.uid))
        component.add("dtstamp", _modified(event))
        component.add("sequence", _sequence(event))
        component.add("created", event.created_at.astimezone(dt.UTC))
        component.add("last-modified", _modified(event))
        component.add("dtstart", event.starts_at.astimezone(zone))
        component.add("dtend", event.ends_at.astimezone(zone))
        component.add("summary", event.title)
        component.add("status", "CONFIRMED")
        component.add("transp", "OPAQUE")
        component.add("class", "PUBLIC")
        component.add("location", _location(event))
        if _address_public(event):
            component.add("geo", (float(event.latitude), float(event.longitude)))
        component.add("description", _description(event, url))
        component.add("categories", [Strategy(event.strategy).label])
        component.add("url", url)
        organizer = vCalAddress(f"mailto:{event.chapter.contact_email}")
        organizer.params["CN"] = vText(event.chapter.name)
        component.add("organizer", organizer)
        calendar.add_component(component)
    return calendar.to_ical()


# (4) the minimal writer


def escape_text(text: str) -> str:
    """An RFC 5545 TEXT value: backslash, semicolon, comma and newline escaped."""
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def fold(line: str) -> bytes:
    """One content line as UTF-8 in pieces of at most 75 octets, never splitting a character, with CRLF."""
    data = line.encode()
    if len(data) <= 75:
        return data + b"\r\n"
    pieces = []
    start, limit = 0, 75
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a continuation byte: cut before its character
            cut -= 1
        pieces.append(data[start:cut])
        start, limit = cut, 74  # continuation lines begin with a space
    pieces.append(data[start:])
    return b"\r\n ".join(pieces) + b"\r\n"


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def minimal_feed(chapter: Chapter) -> bytes:
    """The chapter's rows written line by line: the floor for producing these bytes from these rows."""
    rows = feed_rows(chapter)
    zone = zoneinfo.ZoneInfo(ZONE)
    name = escape_text(_calendar_name(chapter))
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{name}",
        f"X-WR-CALNAME:{name}",
        f"X-WR-CALDESC:{escape_text(f'Public events of the {chapter.name} chapter.')}",
        f"X-WR-TIMEZONE:{ZONE}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        f"URL:{settings.SITE_URL}{chapter.get_absolute_url()}",
        f"SOURCE;VALUE=URI:{settings.SITE_URL}{feed_url(chapter.slug)}",
        "BEGIN:VTIMEZONE",
        f"TZID:{ZONE}",
    ]
    for kind, (start, offset_from, offset_to, tzname, rule) in CHICAGO.items():
        lines += [
            f"BEGIN:{kind}",
            f"DTSTART:{start}",
            f"TZOFFSETFROM:{offset_from}",
            f"TZOFFSETTO:{offset_to}",
            f"TZNAME:{tzname}",
            f"RRULE:{rule}",
            f"END:{kind}",
        ]
    lines.append("END:VTIMEZONE")
    for event in rows:
        url = _url(event)
        chapter_name = event.chapter.name.replace('"', "'")
        modified = _utc(_modified(event))
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{modified}",
            f"SEQUENCE:{_sequence(event)}",
            f"CREATED:{_utc(event.created_at)}",
            f"LAST-MODIFIED:{modified}",
            f"DTSTART;TZID={ZONE}:{event.starts_at.astimezone(zone):%Y%m%dT%H%M%S}",
            f"DTEND;TZID={ZONE}:{event.ends_at.astimezone(zone):%Y%m%dT%H%M%S}",
            f"SUMMARY:{escape_text(event.title)}",
            "STATUS:CONFIRMED",
            "TRANSP:OPAQUE",
            "CLASS:PUBLIC",
            f"LOCATION:{escape_text(_location(event))}",
        ]
        if _address_public(event):
            lines.append(f"GEO:{float(event.latitude)};{float(event.longitude)}")
        lines += [
            f"DESCRIPTION:{escape_text(_description(event, url))}",
            f"CATEGORIES:{escape_text(Strategy(event.strategy).label)}",
            f"URL:{url}",
            f'ORGANIZER;CN="{chapter_name}":mailto:{event.chapter.contact_email}',
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return b"".join(fold(line) for line in lines)


# (5) django-ical


class DjangoICalChapterFeed(ICalFeed):
    """The chapter feed's rows and properties through django-ical's ICalFeed."""

    product_id = PRODID
    timezone = ZONE
    ttl = "PT1H"

    def get_object(self, request, slug):
        return Chapter.objects.get(slug=slug, is_active=True)

    def title(self, chapter):
        return _calendar_name(chapter)

    def description(self, chapter):
        return f"Public events of the {chapter.name} chapter."

    def link(self, chapter):
        return f"{settings.SITE_URL}{chapter.get_absolute_url()}"

    def items(self, chapter):
        return feed_rows(chapter)

    def item_guid(self, item):
        return str(item.uid)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return _description(item, _url(item))

    def item_link(self, item):
        return _url(item)

    def item_start_datetime(self, item):
        return item.starts_at.astimezone(item.zone)

    def item_end_datetime(self, item):
        return item.ends_at.astimezone(item.zone)

    def item_created(self, item):
        return item.created_at.astimezone(dt.UTC)

    def item_updateddate(self, item):
        return _modified(item)

    def item_timestamp(self, item):
        return _modified(item)

    def item_location(self, item):
        return _location(item)

    def item_geolocation(self, item):
        return (float(item.latitude), float(item.longitude)) if _address_public(item) else None

    def item_organizer(self, item):
        organizer = vCalAddress(f"mailto:{item.chapter.contact_email}")
        organizer.params["CN"] = vText(item.chapter.name)
        return organizer

    def item_categories(self, item):
        return [Strategy(item.strategy).label]

    def item_status(self, item):
        return "CONFIRMED"

    def item_transparency(self, item):
        return "OPAQUE"

    def item_extra_kwargs(self, item):
        # ICalFeed passes on only its own list of item fields; SEQUENCE and CLASS are not among them.
        return {**super().item_extra_kwargs(item), "sequence": _sequence(item), "class": "PUBLIC"}


def bare_view(request):
    """A small constant answer: what any request costs through the client and the middleware."""
    return HttpResponse(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", content_type="text/calendar; charset=utf-8")


urlpatterns = [
    path("bench/django-ical/<slug:slug>.ics", DjangoICalChapterFeed()),
    path(BARE_URL.strip("/") + "/", bare_view),
    path("", include("config.urls")),
]


# Measuring


def _runners(chapter: Chapter, client: Client, etag: dict) -> dict:
    """{name: (prepare, run)}: `prepare` is untimed, `run` returns the answer's body."""

    def get(url, status=200, **headers):
        def run():
            response = client.get(url, **{key: value() for key, value in headers.items()})
            assert response.status_code == status, (url, response.status_code, response.content[:500])
            etag.setdefault(url, response.get("ETag"))
            return response.content

        return run

    feed = feed_url(chapter.slug)
    return {
        "feed_uncached": (cache.clear, get(feed)),
        "feed_cached": (lambda: None, get(feed)),
        "feed_304": (lambda: None, get(feed, status=304, HTTP_IF_NONE_MATCH=lambda: etag[feed])),
        "bare": (lambda: None, get(BARE_URL)),
        "icalendar": (lambda: None, lambda: icalendar_feed(chapter)),
        "minimal": (lambda: None, lambda: minimal_feed(chapter)),
        "django_ical": (lambda: None, get(django_ical_url(chapter.slug))),
    }


def measure(chapter: Chapter, *, iterations: int = 3) -> dict:
    """
    Time, trace and count the seven ways of answering or writing `chapter`'s feed.

    Returns {"events", "iterations", "fetch_ms", "fetch_peak_mib", "rows": [{name, median_ms, min_ms,
    peak_mib, queries, events, bytes, x_minimal, x_bare}, ...], "ratios": {"feed_uncached/minimal",
    "feed_cached/bare", "feed_304/bare": ratio of medians}, "uncached_peak_mib", "bodies": {name:
    the bytes it answered}}, where fetch_* is the rows' query alone (time and peak memory), x_* are
    ratios of medians and peak_mib is tracemalloc's peak above the idle process.
    """
    events = selectors.public_feed_events(now=timezone.now()).filter(chapter=chapter).count()
    client = Client()
    rows = {name: {"name": name} for name in NAMES}
    timings = {name: [] for name in NAMES}
    bodies = {}
    etag = {}
    with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"], FEED_CACHE_SECONDS=3600):
        runners = _runners(chapter, client, etag)
        # First pass, untimed: queries, peak memory (tracing slows allocation several-fold, so never
        # while timing), and one VEVENT per row in every feed body. It also warms every path up.
        for name, (prepare, run) in runners.items():
            prepare()
            gc.collect()
            with CaptureQueriesContext(connection) as queries:
                tracemalloc.start()
                body = run()
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
            bodies[name] = body
            rows[name].update(
                queries=len(queries),
                events=body.count(b"\r\nBEGIN:VEVENT\r\n"),
                bytes=len(body),
                peak_mib=peak / 2**20,
            )
            assert rows[name]["events"] == (0 if name in FEEDLESS else events), (name, rows[name]["events"], events)
        assert bodies["feed_cached"] == bodies["feed_uncached"]
        assert bodies["feed_304"] == b""
        for _ in range(iterations):
            for name, (prepare, run) in runners.items():
                prepare()
                gc.collect()
                started = time.perf_counter()
                run()
                timings[name].append((time.perf_counter() - started) * 1000)
        gc.collect()
        tracemalloc.start()
        feed_rows(chapter)
        _, fetch_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        fetch = []
        for _ in range(iterations):
            gc.collect()
            started = time.perf_counter()
            feed_rows(chapter)
            fetch.append((time.perf_counter() - started) * 1000)
    for name, row in rows.items():
        row["median_ms"] = statistics.median(timings[name])
        row["min_ms"] = min(timings[name])
    floor = rows["minimal"]["median_ms"]
    bare = rows["bare"]["median_ms"]
    for row in rows.values():
        row["x_minimal"] = row["median_ms"] / floor
        row["x_bare"] = row["median_ms"] / bare
    return {
        "events": events,
        "iterations": iterations,
        "fetch_ms": statistics.median(fetch),
        "fetch_peak_mib": fetch_peak / 2**20,
        "rows": list(rows.values()),
        "ratios": {key: rows[a]["median_ms"] / rows[b]["median_ms"] for key, (a, b) in RATIOS.items()},
        "uncached_peak_mib": rows["feed_uncached"]["peak_mib"],
        "bodies": bodies,
    }


def run(sizes=SIZES, *, iterations: int = 3) -> dict:
    """Build each size's chapter and measure its feed; the results in size order."""
    results = []
    for size in sizes:
        started = time.perf_counter()
        chapter = build_data(size)
        build_s = time.perf_counter() - started
        result = measure(chapter, iterations=iterations)
        result.pop("bodies")
        result["build_s"] = build_s
        results.append(result)
    return {
        "database": connection.vendor,
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "sizes": results,
    }


def format_table(result: dict) -> str:
    header = (
        f"{'path':<14} {'median ms':>10} {'min ms':>9} {'x minimal':>10} {'x bare':>9} {'peak MiB':>9} "
        f"{'queries':>8} {'events':>7} {'bytes':>10}"
    )
    lines = []
    for size in result["sizes"]:
        lines += [
            f"Chapter feed of {size['events']} events on {result['database']}, {result['cache']}, "
            f"median of {size['iterations']} (rows built in {size['build_s']:.1f} s, "
            f"fetching them alone {size['fetch_ms']:.1f} ms, {size['fetch_peak_mib']:.1f} MiB)",
            header,
        ]
        lines += [
            f"{row['name']:<14} {row['median_ms']:>10.1f} {row['min_ms']:>9.1f} "
            f"{row['x_minimal']:>9.2f}x {row['x_bare']:>8.1f}x {row['peak_mib']:>9.1f} "
            f"{row['queries']:>8} {row['events']:>7} {row['bytes']:>10}"
            for row in size["rows"]
        ]
        ratios = ", ".join(f"{key} {value:.2f}" for key, value in size["ratios"].items())
        lines += [f"Ratios: {ratios}; uncached peak {size['uncached_peak_mib']:.1f} MiB above idle", ""]
    return "\n".join(lines).rstrip()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(SIZES), help="events per feed (default 1000 10000)"
    )
    parser.add_argument("--iterations", type=int, default=3, help="timed renders per path and size (default 3)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if args.iterations < 1:
        parser.error("--iterations must be at least 1")
    if any(size < 1 for size in args.sizes) or len(set(args.sizes)) != len(args.sizes):
        parser.error("--sizes must be distinct positive numbers")

    from bench.harness import own_database

    with own_database("bench_feeds"):
        result = run(args.sizes, iterations=args.iterations)
    print(json.dumps(result, indent=2) if args.json else format_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
