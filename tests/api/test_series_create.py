"""
Creating a recurring event through the API: the whole rule is checked before anything is saved
(issue 11, item 6), and every refusal is a 400 naming the field, with no series left behind.
"""

import datetime as dt

import pytest
from django.utils import timezone

from events.models import Event, EventSeries, Shift
from tests.api.test_events import event_payload

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)  # the horizon (180 days) ends on 2027-05-30


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def rows() -> tuple[int, int, int]:
    return EventSeries.objects.count(), Event.objects.count(), Shift.objects.count()


@pytest.mark.django_db(transaction=True)
def test_recurring_event_whose_first_date_lies_beyond_the_horizon_is_refused_and_leaves_nothing(as_user, lead):
    payload = event_payload(
        starts_at="2027-09-06T18:00:00-05:00", ends_at="2027-09-06T20:00:00-05:00", recurrence="FREQ=WEEKLY;COUNT=4"
    )

    response = as_user(lead).post("/api/v1/events/", payload, format="json")

    assert (response.status_code, response.json()) == (
        400,
        {"recurrence": ["The repeat rule gives no date within the next 180 days."]},
    )
    assert rows() == (0, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_recurring_event_with_a_skipped_time_beyond_the_horizon_is_refused_on_starts_at(as_user, lead):
    """Sundays at 02:30 from April 2027: the 50th, 12 March 2028, is a time the clocks skip."""
    payload = event_payload(
        starts_at="2027-04-04T02:30:00-05:00", ends_at="2027-04-04T04:00:00-05:00", recurrence="FREQ=WEEKLY;COUNT=60"
    )

    response = as_user(lead).post("/api/v1/events/", payload, format="json")

    assert (response.status_code, response.json()) == (
        400,
        {"starts_at": ["2028-03-12 02:30 does not exist in America/Chicago: the clocks skip it when they change."]},
    )
    assert rows() == (0, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_recurring_event_reaching_beyond_ten_years_is_refused_on_recurrence(as_user, lead):
    payload = event_payload(
        starts_at="2027-01-04T18:00:00-06:00", ends_at="2027-01-04T20:00:00-06:00", recurrence="FREQ=MONTHLY;COUNT=150"
    )

    response = as_user(lead).post("/api/v1/events/", payload, format="json")

    assert (response.status_code, response.json()) == (
        400,
        {
            "recurrence": [
                "The rule reaches 2037-02-04, more than 10 years after its first date; "
                "end it sooner with COUNT or UNTIL."
            ]
        },
    )
    assert rows() == (0, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_recurring_event_whose_rule_gives_no_date_is_refused_on_recurrence(as_user, lead):
    payload = event_payload(
        starts_at="2027-01-04T18:00:00-06:00",
        ends_at="2027-01-04T20:00:00-06:00",
        recurrence="FREQ=WEEKLY;UNTIL=20261231",
    )

    response = as_user(lead).post("/api/v1/events/", payload, format="json")

    assert (response.status_code, response.json()) == (
        400,
        {"recurrence": ["The rule gives no date on or after the first date."]},
    )
    assert rows() == (0, 0, 0)


@pytest.mark.django_db
def test_recurring_event_within_the_horizon_makes_its_dates_up_to_it(as_user, lead):
    payload = event_payload(
        starts_at="2027-05-17T18:00:00-05:00", ends_at="2027-05-17T20:00:00-05:00", recurrence="FREQ=WEEKLY;COUNT=6"
    )

    response = as_user(lead).post("/api/v1/events/", payload, format="json")

    assert response.status_code == 201
    series = EventSeries.objects.get()
    assert response.json()["series"] == series.pk
    assert list(series.occurrences.order_by("occurrence_date").values_list("occurrence_date", flat=True)) == [
        dt.date(2027, 5, 17),
        dt.date(2027, 5, 24),
    ]
