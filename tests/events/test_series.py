"""
Recurring events: a rule whose dates become real occurrences, at the same local time across
daylight-saving changes. Every call passes `now=` so the tests do not depend on today's date.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from events.enums import EventStatus, SignupStatus, Strategy
from events.models import Event, EventSeries, Shift
from events.services import (
    event_cancel,
    event_update,
    series_create,
    series_extend,
    series_publish,
    series_update,
    signup_create,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
SIX_PM = dt.time(18, 0)
TWO_HOURS = dt.timedelta(hours=2)
UTC = dt.UTC


def _series(chapter, *, recurrence, start_date, start_time=SIX_PM, now=NOW, **kwargs):
    return series_create(
        chapter=chapter,
        created_by=None,
        recurrence=recurrence,
        start_date=start_date,
        start_time=start_time,
        duration=TWO_HOURS,
        title=kwargs.pop("title", "Weekly table"),
        strategy=Strategy.AWARENESS_EDUCATION,
        now=now,
        **kwargs,
    )


def _occurrences(series):
    return list(Event.objects.filter(series=series).order_by("occurrence_date"))


def _local(events):
    """(local date and time, UTC offset in hours) of each event: what a volunteer's clock shows."""
    return [
        (event.local_starts_at.strftime("%Y-%m-%d %H:%M"), event.local_starts_at.utcoffset() / dt.timedelta(hours=1))
        for event in events
    ]


# Daylight-saving time


def test_series_in_chicago_keeps_six_pm_across_the_spring_change(chapter):
    series = _series(chapter, recurrence="FREQ=WEEKLY;COUNT=4", start_date=dt.date(2027, 3, 1))

    occurrences = _occurrences(series)

    assert _local(occurrences) == [
        ("2027-03-01 18:00", -6),
        ("2027-03-08 18:00", -6),
        ("2027-03-15 18:00", -5),
        ("2027-03-22 18:00", -5),
    ]
    assert [event.starts_at for event in occurrences] == [
        dt.datetime(2027, 3, 2, 0, 0, tzinfo=UTC),
        dt.datetime(2027, 3, 9, 0, 0, tzinfo=UTC),
        dt.datetime(2027, 3, 15, 23, 0, tzinfo=UTC),
        dt.datetime(2027, 3, 22, 23, 0, tzinfo=UTC),
    ]
    assert {event.ends_at - event.starts_at for event in occurrences} == {TWO_HOURS}


def test_series_in_chicago_keeps_six_pm_across_the_fall_change(chapter):
    series = _series(
        chapter,
        recurrence="FREQ=WEEKLY;COUNT=4",
        start_date=dt.date(2027, 10, 25),
        now=dt.datetime(2027, 10, 1, tzinfo=UTC),
    )

    occurrences = _occurrences(series)

    assert _local(occurrences) == [
        ("2027-10-25 18:00", -5),
        ("2027-11-01 18:00", -5),
        ("2027-11-08 18:00", -6),
        ("2027-11-15 18:00", -6),
    ]
    assert [event.starts_at for event in occurrences] == [
        dt.datetime(2027, 10, 25, 23, 0, tzinfo=UTC),
        dt.datetime(2027, 11, 1, 23, 0, tzinfo=UTC),
        dt.datetime(2027, 11, 9, 0, 0, tzinfo=UTC),
        dt.datetime(2027, 11, 16, 0, 0, tzinfo=UTC),
    ]


def test_series_in_berlin_keeps_six_pm_across_both_changes(other_chapter):
    spring = _series(other_chapter, recurrence="FREQ=WEEKLY;COUNT=2", start_date=dt.date(2027, 3, 22))
    fall = _series(
        other_chapter,
        recurrence="FREQ=WEEKLY;COUNT=2",
        start_date=dt.date(2027, 10, 25),
        now=dt.datetime(2027, 10, 1, tzinfo=UTC),
    )

    assert _local(_occurrences(spring)) == [("2027-03-22 18:00", 1), ("2027-03-29 18:00", 2)]
    assert _local(_occurrences(fall)) == [("2027-10-25 18:00", 2), ("2027-11-01 18:00", 1)]
    assert [event.starts_at for event in _occurrences(spring) + _occurrences(fall)] == [
        dt.datetime(2027, 3, 22, 17, 0, tzinfo=UTC),
        dt.datetime(2027, 3, 29, 16, 0, tzinfo=UTC),
        dt.datetime(2027, 10, 25, 16, 0, tzinfo=UTC),
        dt.datetime(2027, 11, 1, 17, 0, tzinfo=UTC),
    ]
    assert {event.timezone for event in _occurrences(spring)} == {"Europe/Berlin"}


def test_series_refuses_a_local_time_the_clocks_skip(chapter):
    with pytest.raises(ValidationError) as exc_info:
        _series(chapter, recurrence="FREQ=WEEKLY;COUNT=3", start_date=dt.date(2027, 3, 7), start_time=dt.time(2, 30))

    assert exc_info.value.message_dict == {
        "start_time": ["2027-03-14 02:30 does not exist in America/Chicago: the clocks skip it when they change."]
    }
    assert (EventSeries.objects.count(), Event.objects.count()) == (0, 0)


def test_series_update_refuses_moving_to_a_local_time_the_clocks_skip(chapter):
    series = _series(chapter, recurrence="FREQ=WEEKLY;COUNT=3", start_date=dt.date(2027, 3, 7))

    with pytest.raises(ValidationError) as exc_info:
        series_update(series=series, start_time=dt.time(2, 30), now=NOW)

    assert exc_info.value.message_dict == {
        "start_time": ["2027-03-14 02:30 does not exist in America/Chicago: the clocks skip it when they change."]
    }
    series.refresh_from_db()
    assert series.start_time == SIX_PM
    assert {event.local_starts_at.time() for event in _occurrences(series)} == {SIX_PM}


# Creating


def test_series_create_makes_draft_occurrences_each_with_one_spanning_shift(chapter, lead):
    series = series_create(
        chapter=chapter,
        created_by=lead,
        recurrence="FREQ=WEEKLY;COUNT=2",
        start_date=dt.date(2027, 1, 4),
        start_time=SIX_PM,
        duration=TWO_HOURS,
        capacity=7,
        title="Weekly table",
        strategy=Strategy.AWARENESS_EDUCATION,
        now=NOW,
    )

    assert [
        (e.occurrence_date, e.title, e.status, e.timezone, e.created_by, e.detached) for e in _occurrences(series)
    ] == [
        (dt.date(2027, 1, 4), "Weekly table", EventStatus.DRAFT, "America/Chicago", lead, False),
        (dt.date(2027, 1, 11), "Weekly table", EventStatus.DRAFT, "America/Chicago", lead, False),
    ]
    assert list(
        Shift.objects.filter(event__series=series)
        .order_by("starts_at")
        .values_list("event__occurrence_date", "capacity", "starts_at", "ends_at")
    ) == [
        (dt.date(2027, 1, 4), 7, dt.datetime(2027, 1, 5, 0, tzinfo=UTC), dt.datetime(2027, 1, 5, 2, tzinfo=UTC)),
        (dt.date(2027, 1, 11), 7, dt.datetime(2027, 1, 12, 0, tzinfo=UTC), dt.datetime(2027, 1, 12, 2, tzinfo=UTC)),
    ]


def test_series_create_stops_at_the_horizon(chapter, settings):
    settings.SERIES_HORIZON_DAYS = 28

    series = _series(
        chapter,
        recurrence="FREQ=WEEKLY;COUNT=52",
        start_date=dt.date(2027, 1, 4),
        now=dt.datetime(2027, 1, 1, tzinfo=UTC),
    )

    assert [e.occurrence_date for e in _occurrences(series)] == [
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 11),
        dt.date(2027, 1, 18),
        dt.date(2027, 1, 25),
    ]


def test_series_create_stops_at_the_most_occurrences_allowed(chapter, settings):
    settings.SERIES_MAX_OCCURRENCES = 3

    series = _series(chapter, recurrence="FREQ=DAILY;COUNT=30", start_date=dt.date(2027, 1, 4))

    assert [e.occurrence_date for e in _occurrences(series)] == [
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 5),
        dt.date(2027, 1, 6),
    ]


def test_series_create_follows_an_until_rule(chapter):
    series = _series(chapter, recurrence="FREQ=MONTHLY;UNTIL=20270315T000000Z", start_date=dt.date(2027, 1, 15))

    assert [e.occurrence_date for e in _occurrences(series)] == [
        dt.date(2027, 1, 15),
        dt.date(2027, 2, 15),
    ]


@pytest.mark.parametrize(
    ("recurrence", "message"),
    [
        ("FREQ=WEEKLY", "The rule must end: add COUNT=<n> or UNTIL=<date>."),
        ("FREQ=HOURLY;COUNT=3", "FREQ must be one of DAILY, WEEKLY, MONTHLY, YEARLY."),
        ("FREQ=MINUTELY;COUNT=3", "FREQ must be one of DAILY, WEEKLY, MONTHLY, YEARLY."),
        ("garbage", "FREQ must be one of DAILY, WEEKLY, MONTHLY, YEARLY."),
        ("FREQ=WEEKLY;COUNT=3\x00", "Give a recurrence rule such as FREQ=WEEKLY;COUNT=12."),
        ("FREQ=WEEKLY;COUNT=three", "This is not a valid RRULE: invalid 'COUNT': THREE"),
        ("FREQ=WEEKLY;COUNT=3;BYWEEKDAY=XX", "This is not a valid RRULE: invalid 'BYWEEKDAY': XX"),
    ],
    ids=["endless", "hourly", "minutely", "garbage", "nul", "bad-count", "bad-part"],
)
def test_series_create_refuses_a_bad_rule_on_recurrence(chapter, recurrence, message):
    with pytest.raises(ValidationError) as exc_info:
        _series(chapter, recurrence=recurrence, start_date=dt.date(2027, 1, 4))

    assert exc_info.value.message_dict == {"recurrence": [message]}
    assert (EventSeries.objects.count(), Event.objects.count()) == (0, 0)


def test_series_create_refuses_a_duration_that_is_not_positive(chapter):
    with pytest.raises(ValidationError) as exc_info:
        series_create(
            chapter=chapter,
            created_by=None,
            recurrence="FREQ=WEEKLY;COUNT=2",
            start_date=dt.date(2027, 1, 4),
            start_time=SIX_PM,
            duration=dt.timedelta(0),
            title="x",
            strategy=Strategy.ADVOCACY,
            now=NOW,
        )

    assert exc_info.value.message_dict == {"duration": ["The duration must be positive."]}


# Updating


def test_series_update_changes_future_attached_occurrences_only(chapter):
    series = _series(chapter, recurrence="FREQ=WEEKLY;COUNT=5", start_date=dt.date(2027, 1, 4))
    _, _, edited_alone, called_off, _ = _occurrences(series)
    event_update(event=edited_alone, title="Special edition")
    event_cancel(event=called_off, note="Holiday")

    series_update(
        series=series, title="Evening table", start_time=dt.time(19, 0), now=dt.datetime(2027, 1, 12, 12, tzinfo=UTC)
    )

    assert [
        (e.occurrence_date, e.title, e.local_starts_at.strftime("%H:%M"), e.status, e.detached, e.sequence)
        for e in _occurrences(series)
    ] == [
        (dt.date(2027, 1, 4), "Weekly table", "18:00", EventStatus.DRAFT, False, 0),
        (dt.date(2027, 1, 11), "Weekly table", "18:00", EventStatus.DRAFT, False, 0),
        (dt.date(2027, 1, 18), "Special edition", "18:00", EventStatus.DRAFT, True, 1),
        (dt.date(2027, 1, 25), "Weekly table", "18:00", EventStatus.CANCELLED, True, 1),
        (dt.date(2027, 2, 1), "Evening table", "19:00", EventStatus.DRAFT, False, 1),
    ]
    moved = _occurrences(series)[-1]
    assert list(moved.shifts.values_list("starts_at", "ends_at")) == [
        (dt.datetime(2027, 2, 2, 1, 0, tzinfo=UTC), dt.datetime(2027, 2, 2, 3, 0, tzinfo=UTC))
    ]


def test_series_update_refuses_a_bad_rule_and_keeps_the_series(chapter):
    series = _series(chapter, recurrence="FREQ=WEEKLY;COUNT=2", start_date=dt.date(2027, 1, 4))

    with pytest.raises(ValidationError) as exc_info:
        series_update(series=series, recurrence="FREQ=WEEKLY", now=NOW)

    assert exc_info.value.message_dict == {"recurrence": ["The rule must end: add COUNT=<n> or UNTIL=<date>."]}
    series.refresh_from_db()
    assert series.recurrence == "FREQ=WEEKLY;COUNT=2"
    assert len(_occurrences(series)) == 2


def test_series_publish_publishes_future_occurrences(chapter):
    series = _series(chapter, recurrence="FREQ=WEEKLY;COUNT=3", start_date=dt.date(2027, 1, 4))

    series_publish(series=series, now=NOW)

    series.refresh_from_db()
    assert series.status == EventStatus.PUBLISHED
    assert [(e.status, e.sequence) for e in _occurrences(series)] == [(EventStatus.PUBLISHED, 1)] * 3


def test_cancelling_one_occurrence_leaves_the_others_published(chapter):
    series = _series(chapter, recurrence="FREQ=WEEKLY;COUNT=3", start_date=dt.date(2027, 1, 4))
    series_publish(series=series, now=NOW)
    middle = _occurrences(series)[1]

    event_cancel(event=middle, note="Snow")
    series_update(series=series, title="Renamed", now=NOW)

    assert [(e.occurrence_date, e.title, e.status) for e in _occurrences(series)] == [
        (dt.date(2027, 1, 4), "Renamed", EventStatus.PUBLISHED),
        (dt.date(2027, 1, 11), "Weekly table", EventStatus.CANCELLED),
        (dt.date(2027, 1, 18), "Renamed", EventStatus.PUBLISHED),
    ]


def test_series_update_of_the_rule_removes_free_dates_and_cancels_dates_with_signups(chapter, outsider):
    series = _series(chapter, recurrence="FREQ=WEEKLY;COUNT=4", start_date=dt.date(2027, 1, 4))
    series_publish(series=series, now=NOW)
    last = _occurrences(series)[-1]
    signup = signup_create(user=outsider, shift=last.shifts.get(), now=NOW)

    series_update(series=series, recurrence="FREQ=WEEKLY;COUNT=2", now=NOW)

    assert [(e.occurrence_date, e.status, e.sequence) for e in _occurrences(series)] == [
        (dt.date(2027, 1, 4), EventStatus.PUBLISHED, 1),
        (dt.date(2027, 1, 11), EventStatus.PUBLISHED, 1),
        (dt.date(2027, 1, 25), EventStatus.CANCELLED, 2),
    ]
    signup.refresh_from_db()
    assert signup.status == SignupStatus.CONFIRMED


def test_series_extend_adds_occurrences_as_the_horizon_moves(chapter, settings):
    settings.SERIES_HORIZON_DAYS = 28
    series = _series(
        chapter,
        recurrence="FREQ=WEEKLY;COUNT=52",
        start_date=dt.date(2027, 1, 4),
        now=dt.datetime(2027, 1, 1, tzinfo=UTC),
    )
    series_publish(series=series, now=dt.datetime(2027, 1, 1, tzinfo=UTC))

    series_extend(series=series, now=dt.datetime(2027, 1, 15, tzinfo=UTC))

    assert [(e.occurrence_date, e.status, e.local_starts_at.strftime("%H:%M")) for e in _occurrences(series)] == [
        (dt.date(2027, 1, 4), EventStatus.PUBLISHED, "18:00"),
        (dt.date(2027, 1, 11), EventStatus.PUBLISHED, "18:00"),
        (dt.date(2027, 1, 18), EventStatus.PUBLISHED, "18:00"),
        (dt.date(2027, 1, 25), EventStatus.PUBLISHED, "18:00"),
        (dt.date(2027, 2, 1), EventStatus.PUBLISHED, "18:00"),
        (dt.date(2027, 2, 8), EventStatus.PUBLISHED, "18:00"),
    ]
    assert Shift.objects.filter(event__series=series).count() == 6


def test_series_extend_with_the_same_horizon_adds_nothing(chapter):
    series = _series(chapter, recurrence="FREQ=WEEKLY;COUNT=3", start_date=dt.date(2027, 1, 4))
    before = [(e.pk, e.sequence) for e in _occurrences(series)]

    series_extend(series=series, now=NOW)

    assert [(e.pk, e.sequence) for e in _occurrences(series)] == before


def test_occurrences_are_in_the_series_zone(chapter):
    series = _series(chapter, recurrence="FREQ=WEEKLY;COUNT=1", start_date=dt.date(2027, 1, 4))

    occurrence = _occurrences(series)[0]

    assert occurrence.zone == ZoneInfo("America/Chicago")
