import icalendar

from bench.feeds import NAMES, build_data, measure

EVENTS = 20


def test_bench_feeds_reports_five_paths_with_fixed_query_counts(db):
    chapter = build_data(EVENTS)

    result = measure(chapter, iterations=1)

    rows = {row["name"]: row for row in result["rows"]}
    assert list(rows) == ["feed_uncached", "feed_cached", "icalendar", "minimal", "django_ical"] == list(NAMES)
    # uncached: chapter, validators, rows; cached: chapter, validators; the baselines: rows;
    # django-ical: chapter, rows
    assert {name: row["queries"] for name, row in rows.items()} == {
        "feed_uncached": 3,
        "feed_cached": 2,
        "icalendar": 1,
        "minimal": 1,
        "django_ical": 2,
    }
    assert {name: row["events"] for name, row in rows.items()} == dict.fromkeys(NAMES, EVENTS)
    assert result["events"] == EVENTS
    assert result["iterations"] == 1
    numbers = ("median_ms", "peak_mib", "x_minimal", "x_cached")
    assert all(isinstance(row[key], float) for row in rows.values() for key in numbers)
    assert rows["minimal"]["x_minimal"] == rows["feed_cached"]["x_cached"] == 1.0


def test_bench_feeds_every_body_parses_with_one_vevent_per_row(db):
    chapter = build_data(EVENTS)

    bodies = measure(chapter, iterations=1)["bodies"]

    assert bodies["feed_cached"] == bodies["feed_uncached"]
    for name in NAMES:
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
