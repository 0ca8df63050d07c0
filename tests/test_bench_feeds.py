import icalendar

from bench.feeds import FEEDLESS, NAMES, RATIOS, build_data, measure

EVENTS = 20
CALENDARS = [name for name in NAMES if name not in FEEDLESS]


def test_bench_feeds_reports_seven_paths_with_fixed_query_counts(db):
    chapter = build_data(EVENTS)

    result = measure(chapter, iterations=1)

    rows = {row["name"]: row for row in result["rows"]}
    assert (
        list(rows)
        == [
            "feed_uncached",
            "feed_cached",
            "feed_304",
            "bare",
            "icalendar",
            "minimal",
            "django_ical",
        ]
        == list(NAMES)
    )
    # uncached: the chapter, its feed version, the rows, the window's crossings; cached and 304: the
    # chapter and its version; the baselines: the rows; django-ical: the chapter, the rows
    assert {name: row["queries"] for name, row in rows.items()} == {
        "feed_uncached": 4,
        "feed_cached": 2,
        "feed_304": 2,
        "bare": 0,
        "icalendar": 1,
        "minimal": 1,
        "django_ical": 2,
    }
    assert {name: row["events"] for name, row in rows.items()} == {
        name: 0 if name in FEEDLESS else EVENTS for name in NAMES
    }
    assert result["events"] == EVENTS
    assert result["iterations"] == 1
    numbers = ("median_ms", "peak_mib", "x_minimal", "x_bare")
    assert all(isinstance(row[key], float) for row in rows.values() for key in numbers)
    assert rows["minimal"]["x_minimal"] == rows["bare"]["x_bare"] == 1.0
    assert set(result["ratios"]) == set(RATIOS) == {"feed_uncached/minimal", "feed_cached/bare", "feed_304/bare"}
    assert all(isinstance(ratio, float) for ratio in result["ratios"].values())
    assert result["uncached_peak_mib"] == rows["feed_uncached"]["peak_mib"]


def test_bench_feeds_every_body_parses_with_one_vevent_per_row(db):
    chapter = build_data(EVENTS)

    bodies = measure(chapter, iterations=1)["bodies"]

    assert bodies["feed_cached"] == bodies["feed_uncached"]
    assert bodies["feed_304"] == b""
    for name in CALENDARS:
        calendar = icalendar.Calendar.from_ical(bodies[name])
        events = calendar.walk("VEVENT")
        assert len(events) == EVENTS, name
        assert len({str(event["UID"]) for event in events}) == EVENTS, name
        assert all(line.startswith(b" ") or b":" in line for line in bodies[name].split(b"\r\n")[:-1]), name
        assert max(len(line) for line in bodies[name].split(b"\r\n")) <= 75, name


def test_bench_feeds_baselines_write_the_same_properties_as_the_feed(db):
    chapter = build_data(EVENTS)

    bodies = measure(chapter, iterations=1)["bodies"]

    def properties(body):
        return [
            {name: event[name].to_ical() for name in event}
            for event in icalendar.Calendar.from_ical(body).walk("VEVENT")
        ]

    ours = properties(bodies["feed_uncached"])
    assert properties(bodies["icalendar"]) == ours
    assert properties(bodies["minimal"]) == ours
    assert properties(bodies["django_ical"]) == ours
