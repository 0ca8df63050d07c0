"""
A set-up or clear-up shift reaches outside its event's public times, and nothing the public sees
moves with it: the event page and the public calendar feeds keep the event's times; the volunteer's
own feed gives their shift's.
"""

import datetime as dt

import icalendar
import pytest
from django.urls import reverse

from events.services import shift_create, signup_create
from outreach.services import feed_token_rotate
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
START = dt.datetime(2031, 1, 15, 0, 0, tzinfo=UTC)  # 18:00 in Chicago
END = START + dt.timedelta(hours=2)
NOW = dt.datetime(2030, 12, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _feeds_reach_these_dates(settings):
    """The events lie in 2031, further ahead than the feeds' default window (FEED_FUTURE_DAYS) reaches."""
    settings.FEED_FUTURE_DAYS = 3650


@pytest.fixture
def event(chapter):
    return EventFactory(chapter=chapter, title="Parents night", starts_at=START, ends_at=END)


@pytest.fixture
def set_up(event):
    return shift_create(
        event=event, name="Set-up", starts_at=START - dt.timedelta(hours=3), ends_at=START, capacity=2, now=NOW
    )


def only_event(body: bytes) -> icalendar.Event:
    [vevent] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    return vevent


def test_the_feeds_keep_the_events_public_times(client, chapter, event, set_up):
    for url in (reverse("feed_chapter", args=[chapter.slug]), reverse("feed_event", args=[event.pk])):
        vevent = only_event(client.get(url).content)

        assert (vevent.decoded("DTSTART"), vevent.decoded("DTEND")) == (START, END), url


def test_the_event_page_keeps_the_events_public_times_and_lists_the_shift_with_its_own(client, event, set_up):
    response = client.get(event.get_absolute_url())

    assert '<time datetime="2031-01-14T18:00:00-06:00">' in response.text
    assert '<time datetime="2031-01-14T15:00:00-06:00">' in response.text  # the set-up shift
    assert response.text.index("2031-01-14T18:00:00-06:00") < response.text.index("2031-01-14T15:00:00-06:00")


def test_a_volunteers_own_feed_gives_the_set_up_shifts_times_and_the_events(client, event, set_up):
    volunteer = UserFactory()
    signup_create(user=volunteer, shift=set_up, now=NOW)
    token = feed_token_rotate(user=volunteer)

    vevent = only_event(client.get(reverse("feed_personal", args=[token])).content)

    assert (vevent.decoded("DTSTART"), vevent.decoded("DTEND")) == (START - dt.timedelta(hours=3), START)
    assert str(vevent["DESCRIPTION"]).startswith(
        "Your shift: Set-up, Tue 14 Jan 15:00-18:00 CST (confirmed).\nEvent: Tue 14 Jan 18:00-20:00 CST\n"
    )
