"""
What a chapter feed's subscriber sees when a series edit takes a published date out of the series
(issue 11, item 4): the date is cancelled (STATUS:CANCELLED, SEQUENCE raised) or kept as it was,
and never just disappears.
"""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from events.enums import Strategy
from events.services import series_create, series_publish, series_update

from .http_fixtures import backdate_everything, vevents

pytestmark = pytest.mark.django_db


@pytest.fixture
def until_series(chapter):
    """Mondays 18:00 in Chicago, three dates from two weeks ahead, ending UNTIL the last at 18:00; nobody signed up."""
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(chapter.timezone))
    first = today + dt.timedelta(days=14 + (7 - today.weekday()) % 7)
    last = first + dt.timedelta(days=14)
    series = series_create(
        chapter=chapter,
        created_by=None,
        recurrence=f"FREQ=WEEKLY;UNTIL={last:%Y%m%d}T180000",
        start_date=first,
        start_time=dt.time(18, 0),
        duration=dt.timedelta(hours=2),
        title="Weekly table",
        strategy=Strategy.AWARENESS_EDUCATION,
        venue="Library",
    )
    series = series_publish(series=series)
    backdate_everything()
    return series


def chapter_feed(client, chapter) -> dict:
    response = client.get(f"/feeds/chapters/{chapter.slug}.ics")
    assert response.status_code == 200
    return vevents(response.content)


def entry(vevent) -> dict:
    return {
        "status": str(vevent["STATUS"]),
        "summary": str(vevent["SUMMARY"]),
        "sequence": int(vevent["SEQUENCE"]),
        "start": vevent["DTSTART"].dt.strftime("%Y-%m-%d %H:%M"),
        "last_modified": vevent["LAST-MODIFIED"].dt,
    }


def test_a_date_a_series_edit_cancels_stays_in_the_chapter_feed_as_cancelled(client, chapter, until_series):
    dates = list(until_series.occurrences.order_by("occurrence_date"))
    before = chapter_feed(client, chapter)

    series_update(series=until_series, start_time=dt.time(19, 0), dropped="cancel")

    after = chapter_feed(client, chapter)
    assert set(after) == set(before) == {str(event.uid) for event in dates}
    was, now = entry(before[str(dates[-1].uid)]), entry(after[str(dates[-1].uid)])
    assert now == {
        "status": "CANCELLED",
        "summary": "Cancelled: Weekly table",
        "sequence": was["sequence"] + 1,
        "start": was["start"],
        "last_modified": now["last_modified"],
    }
    assert was["status"] == "CONFIRMED"
    assert now["last_modified"] > was["last_modified"]
    for event in dates[:-1]:
        moved, earlier = entry(after[str(event.uid)]), entry(before[str(event.uid)])
        assert (moved["status"], moved["sequence"], moved["start"][-5:]) == (
            "CONFIRMED",
            earlier["sequence"] + 1,
            "19:00",
        )


def test_a_date_a_series_edit_keeps_stays_in_the_chapter_feed_unchanged(client, chapter, until_series):
    dates = list(until_series.occurrences.order_by("occurrence_date"))
    before = chapter_feed(client, chapter)

    series_update(series=until_series, start_time=dt.time(19, 0), dropped="keep")

    after = chapter_feed(client, chapter)
    assert set(after) == set(before)
    assert entry(after[str(dates[-1].uid)]) == entry(before[str(dates[-1].uid)])
    assert entry(before[str(dates[-1].uid)])["start"][-5:] == "18:00"
    assert [entry(after[str(event.uid)])["start"][-5:] for event in dates[:-1]] == ["19:00", "19:00"]
