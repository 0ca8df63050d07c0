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
    series_update_preview,
    signup_create,
)
from notifications.enums import MessageKind
from notifications.models import OutboxMessage
from outreach.models import User
from tests.test_admin import edit as admin_edit

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
        ("FREQ=WEEKLY;COUNT=3\x00", "Remove the invisible control character U+0000 at position 20."),
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


def test_series_update_of_the_rule_cancels_published_dates_when_told(chapter, outsider):
    series = _series(chapter, recurrence="FREQ=WEEKLY;COUNT=4", start_date=dt.date(2027, 1, 4))
    series_publish(series=series, now=NOW)
    last = _occurrences(series)[-1]
    signup = signup_create(user=outsider, shift=last.shifts.get(), now=NOW)

    series_update(series=series, recurrence="FREQ=WEEKLY;COUNT=2", dropped="cancel", now=NOW)

    assert [(e.occurrence_date, e.status, e.sequence, e.detached) for e in _occurrences(series)] == [
        (dt.date(2027, 1, 4), EventStatus.PUBLISHED, 1, False),
        (dt.date(2027, 1, 11), EventStatus.PUBLISHED, 1, False),
        (dt.date(2027, 1, 18), EventStatus.CANCELLED, 2, True),
        (dt.date(2027, 1, 25), EventStatus.CANCELLED, 2, True),
    ]
    signup.refresh_from_db()
    assert signup.status == SignupStatus.CONFIRMED


def test_series_update_of_the_rule_deletes_draft_dates_without_asking(chapter):
    series = _series(chapter, recurrence="FREQ=WEEKLY;COUNT=4", start_date=dt.date(2027, 1, 4))

    series_update(series=series, recurrence="FREQ=WEEKLY;COUNT=2", now=NOW)

    assert [(e.occurrence_date, e.status) for e in _occurrences(series)] == [
        (dt.date(2027, 1, 4), EventStatus.DRAFT),
        (dt.date(2027, 1, 11), EventStatus.DRAFT),
    ]


# A published date never just disappears (issue 11, item 4): the UNTIL rule's last date, when the
# start time moves past the UNTIL time.

UNTIL_RULE = "FREQ=WEEKLY;UNTIL=20270125T180000"


@pytest.fixture
def until_series(chapter, outsider):
    """Mondays 18:00 in Chicago from 4 to 25 January 2027, published, one volunteer on the last date."""
    series = _series(chapter, recurrence=UNTIL_RULE, start_date=dt.date(2027, 1, 4))
    series_publish(series=series, now=NOW)
    signup_create(user=outsider, shift=_occurrences(series)[-1].shifts.get(), now=NOW)
    return series


def _rows(series):
    return [
        (e.occurrence_date, e.local_starts_at.strftime("%H:%M"), e.status, e.sequence, e.detached)
        for e in _occurrences(series)
    ]


def test_series_update_that_drops_a_published_date_is_refused_naming_it(until_series):
    before = _rows(until_series)

    with pytest.raises(ValidationError) as exc_info:
        series_update(series=until_series, start_time=dt.time(19, 0), now=NOW)

    assert exc_info.value.message_dict == {
        "dropped": [
            "This change takes 1 published date out of the series: 2027-01-25 18:00. Choose whether to cancel it "
            "(its volunteers are told) or keep it as an event on its own."
        ]
    }
    assert [error.code for error in exc_info.value.error_dict["dropped"]] == ["dropped"]
    until_series.refresh_from_db()
    assert until_series.start_time == SIX_PM
    assert _rows(until_series) == before


def test_series_update_preview_lists_the_published_dates_an_edit_drops(until_series):
    before = _rows(until_series)

    dropped = series_update_preview(series=until_series, start_time=dt.time(19, 0), now=NOW)

    assert [event.occurrence_date for event in dropped] == [dt.date(2027, 1, 25)]
    assert series_update_preview(series=until_series, start_time=dt.time(17, 0), title="x", now=NOW) == []
    until_series.refresh_from_db()
    assert (until_series.start_time, _rows(until_series)) == (SIX_PM, before)


def test_series_update_cancels_a_dropped_date_and_tells_its_volunteer(
    until_series, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        series_update(series=until_series, start_time=dt.time(19, 0), dropped="cancel", now=NOW)

    assert _rows(until_series) == [
        (dt.date(2027, 1, 4), "19:00", EventStatus.PUBLISHED, 2, False),
        (dt.date(2027, 1, 11), "19:00", EventStatus.PUBLISHED, 2, False),
        (dt.date(2027, 1, 18), "19:00", EventStatus.PUBLISHED, 2, False),
        (dt.date(2027, 1, 25), "18:00", EventStatus.CANCELLED, 2, True),
    ]
    cancelled = OutboxMessage.objects.filter(kind=MessageKind.EVENT_CANCELLED)
    assert list(cancelled.values_list("email", "event__occurrence_date")) == [
        ("outsider@example.org", dt.date(2027, 1, 25))
    ]
    assert [(m.to, m.subject) for m in mailoutbox if m.subject.startswith("Cancelled")] == [
        (["outsider@example.org"], "Cancelled: Weekly table")
    ]


def test_series_update_keeps_a_dropped_date_on_its_own(until_series, outsider):
    last = _occurrences(until_series)[-1]

    series_update(series=until_series, start_time=dt.time(19, 0), dropped="keep", now=NOW)
    series_update(series=until_series, title="Evening table", now=NOW)

    assert _rows(until_series) == [
        (dt.date(2027, 1, 4), "19:00", EventStatus.PUBLISHED, 3, False),
        (dt.date(2027, 1, 11), "19:00", EventStatus.PUBLISHED, 3, False),
        (dt.date(2027, 1, 18), "19:00", EventStatus.PUBLISHED, 3, False),
        (dt.date(2027, 1, 25), "18:00", EventStatus.PUBLISHED, 1, True),
    ]
    kept = Event.objects.get(pk=last.pk)
    assert (kept.title, kept.starts_at, kept.ends_at, kept.updated_at) == (
        "Weekly table",
        last.starts_at,
        last.ends_at,
        last.updated_at,
    )
    assert list(kept.shifts.get().signups.values_list("user", "status")) == [(outsider.pk, SignupStatus.CONFIRMED)]
    assert not OutboxMessage.objects.filter(kind=MessageKind.EVENT_CANCELLED).exists()


def test_series_update_refuses_an_unknown_choice_for_dropped_dates(until_series):
    with pytest.raises(ValidationError) as exc_info:
        series_update(series=until_series, start_time=dt.time(19, 0), dropped="delete", now=NOW)

    assert exc_info.value.message_dict == {
        "dropped": ["Choose “cancel” or “keep” for the dates taken out of the series."]
    }
    assert _rows(until_series)[-1] == (dt.date(2027, 1, 25), "18:00", EventStatus.PUBLISHED, 1, False)


def test_series_extend_keeps_published_dates_beyond_a_lowered_limit(chapter, settings):
    series = _series(chapter, recurrence="FREQ=WEEKLY;COUNT=3", start_date=dt.date(2027, 1, 4))
    series_publish(series=series, now=NOW)
    settings.SERIES_MAX_OCCURRENCES = 2

    series_extend(series=series, now=NOW)

    assert [(e.occurrence_date, e.status, e.detached) for e in _occurrences(series)] == [
        (dt.date(2027, 1, 4), EventStatus.PUBLISHED, False),
        (dt.date(2027, 1, 11), EventStatus.PUBLISHED, False),
        (dt.date(2027, 1, 18), EventStatus.PUBLISHED, True),
    ]


# The whole rule is checked up front (issue 11, item 6), beyond the horizon too.


def test_series_create_refuses_a_skipped_time_beyond_the_horizon(chapter, settings):
    settings.SERIES_HORIZON_DAYS = 28

    with pytest.raises(ValidationError) as exc_info:
        _series(
            chapter,
            recurrence="FREQ=WEEKLY;COUNT=20",
            start_date=dt.date(2027, 1, 3),
            start_time=dt.time(2, 30),
            now=dt.datetime(2027, 1, 1, tzinfo=UTC),
        )

    assert exc_info.value.message_dict == {
        "start_time": ["2027-03-14 02:30 does not exist in America/Chicago: the clocks skip it when they change."]
    }
    assert (EventSeries.objects.count(), Event.objects.count()) == (0, 0)


def test_series_update_refuses_a_skipped_time_beyond_the_horizon(chapter, settings):
    settings.SERIES_HORIZON_DAYS = 28
    now = dt.datetime(2027, 1, 1, tzinfo=UTC)
    series = _series(
        chapter, recurrence="FREQ=WEEKLY;COUNT=20", start_date=dt.date(2027, 1, 3), start_time=dt.time(1, 30), now=now
    )

    with pytest.raises(ValidationError) as exc_info:
        series_update(series=series, start_time=dt.time(2, 30), now=now)

    assert exc_info.value.message_dict == {
        "start_time": ["2027-03-14 02:30 does not exist in America/Chicago: the clocks skip it when they change."]
    }
    series.refresh_from_db()
    assert series.start_time == dt.time(1, 30)
    assert {e.local_starts_at.strftime("%H:%M") for e in _occurrences(series)} == {"01:30"}


def test_series_create_checks_only_the_dates_it_will_ever_generate(chapter, settings):
    """The 11th Sunday (14 March, a skipped 02:30) lies past SERIES_MAX_OCCURRENCES: never generated."""
    settings.SERIES_MAX_OCCURRENCES = 10

    series = _series(
        chapter, recurrence="FREQ=WEEKLY;COUNT=20", start_date=dt.date(2027, 1, 3), start_time=dt.time(2, 30)
    )

    assert len(_occurrences(series)) == 10


def test_series_create_refuses_a_rule_reaching_beyond_ten_years(chapter):
    with pytest.raises(ValidationError) as exc_info:
        _series(chapter, recurrence="FREQ=YEARLY;COUNT=12", start_date=dt.date(2027, 1, 4))

    assert exc_info.value.message_dict == {
        "recurrence": [
            "The rule reaches 2038-01-04, more than 10 years after its first date; end it sooner with COUNT or UNTIL."
        ]
    }
    assert (EventSeries.objects.count(), Event.objects.count()) == (0, 0)


def test_series_create_takes_a_rule_reaching_exactly_ten_years(chapter):
    series = _series(chapter, recurrence="FREQ=YEARLY;COUNT=11", start_date=dt.date(2027, 1, 4))

    assert series.recurrence == "FREQ=YEARLY;COUNT=11"
    assert [e.occurrence_date for e in _occurrences(series)] == [dt.date(2027, 1, 4)]  # the horizon: 180 days


def test_series_create_refuses_a_rule_with_no_date(chapter):
    with pytest.raises(ValidationError) as exc_info:
        _series(chapter, recurrence="FREQ=WEEKLY;UNTIL=20261231", start_date=dt.date(2027, 1, 4))

    assert exc_info.value.message_dict == {"recurrence": ["The rule gives no date on or after the first date."]}
    assert EventSeries.objects.count() == 0


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


# The admin's series form asks the same question (events/admin.py, EventSeriesAdmin).


@pytest.fixture
def admin_client_(client):
    client.force_login(User.objects.create_superuser(email="root@example.org", password="unused-here"))
    return client


@pytest.fixture
def series_in_2031(chapter, settings):
    settings.SERIES_HORIZON_DAYS = 3650  # the admin's services read the real clock
    series = series_create(
        chapter=chapter,
        created_by=None,
        recurrence="FREQ=WEEKLY;UNTIL=20310318T180000",
        start_date=dt.date(2031, 3, 4),
        start_time=SIX_PM,
        duration=TWO_HOURS,
        title="Weekly table",
        strategy=Strategy.AWARENESS_EDUCATION,
    )
    return series_publish(series=series)


def test_series_admin_refuses_dropping_a_published_date_beside_the_choice(admin_client_, series_in_2031):
    response = admin_edit(admin_client_, series_in_2031, start_time="19:00:00")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "dropped": [
            "This change takes 1 published date out of the series: 2031-03-18 18:00. Choose whether to cancel it "
            "(its volunteers are told) or keep it as an event on its own."
        ]
    }
    series_in_2031.refresh_from_db()
    assert series_in_2031.start_time == SIX_PM


@pytest.mark.parametrize(("choice", "status"), [("cancel", EventStatus.CANCELLED), ("keep", EventStatus.PUBLISHED)])
def test_series_admin_cancels_or_keeps_a_dropped_date_as_chosen(admin_client_, series_in_2031, choice, status):
    response = admin_edit(admin_client_, series_in_2031, start_time="19:00:00", dropped=choice)

    assert response.status_code == 302
    assert [(e.local_starts_at.strftime("%H:%M"), e.status, e.detached) for e in _occurrences(series_in_2031)] == [
        ("19:00", EventStatus.PUBLISHED, False),
        ("19:00", EventStatus.PUBLISHED, False),
        ("18:00", status, True),
    ]
