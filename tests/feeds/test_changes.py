"""Feeds over time: stable bytes while nothing changes, and every change a subscriber must see."""

import datetime as dt
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import timezone

from events.enums import Visibility
from events.models import Signup
from events.services import (
    campaign_update,
    chapter_update,
    event_cancel,
    event_update,
    shift_update,
    signup_cancel,
    signup_create,
)
from outreach.services import feed_token_rotate
from tests.factories import EventFactory, ShiftFactory, SignupFactory

from .http_fixtures import FEEDS, backdate, backdate_everything, build_world, signup_uid, soon, vevents


@pytest.fixture
def world(chapter, member):
    world = build_world(chapter, member)
    # Everything was last changed an hour ago, so a change made now shows in whole-second timestamps.
    backdate_everything()
    return world


def _uid(feed: str, signup) -> str:
    """The UID of `signup`'s event in a public feed, or of the signup itself in the personal feed."""
    return signup_uid(signup) if feed == "personal" else str(signup.shift.event.uid)


def _entry(client, url, uid):
    response = client.get(url)
    assert response.status_code == 200
    return response, vevents(response.content).get(str(uid))


# Nothing changed


@pytest.mark.parametrize("feed", FEEDS)
def test_rerender_without_changes_is_byte_identical(client, world, feed):
    first = client.get(world.url(feed))
    cached = client.get(world.url(feed))
    cache.clear()
    rendered_again = client.get(world.url(feed))

    assert cached.content == first.content
    assert rendered_again.content == first.content
    assert rendered_again["ETag"] == first["ETag"]
    assert rendered_again["Last-Modified"] == first["Last-Modified"]


@pytest.mark.parametrize("feed", FEEDS)
def test_saving_without_changes_keeps_the_sequence(client, world, feed):
    _response, before = _entry(client, world.url(feed), world.uid(feed))

    event_update(event=world.event, title=world.event.title)
    cache.clear()
    _response, after = _entry(client, world.url(feed), world.uid(feed))

    assert after["SEQUENCE"] == before["SEQUENCE"]


# Changes a subscriber must see


EDITS = {
    "time": lambda event: {
        "starts_at": event.starts_at + dt.timedelta(hours=1),
        "ends_at": event.ends_at + dt.timedelta(hours=1),
    },
    "place": lambda event: {"venue": "New hall", "address": "2 Side St, Chicago"},
    "title": lambda event: {"title": "Renamed evening"},
}


@pytest.mark.parametrize("feed", FEEDS)
@pytest.mark.parametrize("edit", EDITS)
def test_edit_keeps_uid_and_raises_sequence_etag_and_last_modified(client, world, feed, edit):
    url = world.url(feed)
    old_response, old = _entry(client, url, world.uid(feed))

    event_update(event=world.event, **EDITS[edit](world.event))
    new_response, new = _entry(client, url, world.uid(feed))

    assert new is not None  # same UID
    # A volunteer's entry adds the shift's revision, which moving the event moves too.
    assert new["SEQUENCE"] == old["SEQUENCE"] + (2 if feed == "personal" and edit == "time" else 1)
    assert new["LAST-MODIFIED"].dt > old["LAST-MODIFIED"].dt
    assert new_response["ETag"] != old_response["ETag"]
    assert new_response["Last-Modified"] != old_response["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=old_response["ETag"]).status_code == 200
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=old_response["Last-Modified"]).status_code == 200


def test_edit_shows_the_new_values(client, world):
    event_update(
        event=world.event,
        title="Renamed evening",
        venue="New hall",
        starts_at=world.event.starts_at + dt.timedelta(hours=1),
        ends_at=world.event.ends_at + dt.timedelta(hours=1),
    )

    _response, entry = _entry(client, world.url("chapter"), world.event.uid)

    assert str(entry["SUMMARY"]) == "Renamed evening"
    assert str(entry["LOCATION"]).startswith("New hall")
    assert entry["DTSTART"].dt == world.event.starts_at + dt.timedelta(hours=1)


@pytest.mark.parametrize("feed", FEEDS)
def test_cancelled_event_stays_as_cancelled_with_raised_sequence(client, world, feed):
    url = world.url(feed)
    old_response, old = _entry(client, url, world.uid(feed))

    event_cancel(event=world.event, note="Venue flooded.")
    new_response, new = _entry(client, url, world.uid(feed))

    assert new is not None
    assert str(new["STATUS"]) == "CANCELLED"
    assert str(new["SUMMARY"]) == "Cancelled: Awareness evening"
    assert new["SEQUENCE"] == old["SEQUENCE"] + 1
    assert new["LAST-MODIFIED"].dt > old["LAST-MODIFIED"].dt
    assert new_response["ETag"] != old_response["ETag"]


def test_signing_up_adds_the_event_and_cancelling_marks_it_cancelled(client, world, member):
    later = EventFactory(chapter=world.chapter, title="Later evening", starts_at=soon(20), ends_at=soon(20, 19))
    url = world.url("personal")
    before = client.get(url)
    assert set(vevents(before.content)) == {world.uid("personal")}

    signup = signup_create(user=member, shift=ShiftFactory(event=later))
    joined, entry = _entry(client, url, signup_uid(signup))

    assert entry is not None
    assert str(entry["STATUS"]) == "CONFIRMED"
    assert joined["ETag"] != before["ETag"]

    backdate_everything()  # so the cancellation's LAST-MODIFIED is a later whole second
    joined, entry = _entry(client, url, signup_uid(signup))
    signup_cancel(signup=signup)
    left, cancelled = _entry(client, url, signup_uid(signup))

    # Removing it would leave it in the volunteer's calendar for good (docs/feeds.md).
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["SUMMARY"]) == "Cancelled: Later evening"
    assert cancelled["SEQUENCE"] > entry["SEQUENCE"]
    assert cancelled["LAST-MODIFIED"].dt > entry["LAST-MODIFIED"].dt
    assert "LOCATION" not in cancelled
    assert set(vevents(left.content)) == {world.uid("personal"), signup_uid(signup)}
    assert left["ETag"] != joined["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=joined["ETag"]).status_code == 200


def test_cancelling_a_signup_is_not_hidden_from_if_modified_since(client, world, member):
    """A client that revalidates by date alone must not keep an event the volunteer left."""
    later = EventFactory(chapter=world.chapter, title="Later evening", starts_at=soon(20), ends_at=soon(20, 19))
    signup = signup_create(user=member, shift=ShiftFactory(event=later))
    backdate_everything()
    url = world.url("personal")
    joined = client.get(url)

    assert signup_uid(signup) in vevents(joined.content)

    signup_cancel(signup=signup)
    left = client.get(url, HTTP_IF_MODIFIED_SINCE=joined["Last-Modified"])

    assert left.status_code == 200
    assert str(vevents(left.content)[signup_uid(signup)]["STATUS"]) == "CANCELLED"


def test_event_leaving_a_public_feed_is_not_hidden_from_if_modified_since(client, world):
    """An event made members-only leaves the public feeds as a cancellation; a date-only revalidation sees it."""
    leaving = EventFactory(chapter=world.chapter, title="Going private", starts_at=soon(20), ends_at=soon(20, 19))
    backdate_everything()
    url = world.url("chapter")
    before = client.get(url)

    event_update(event=leaving, visibility=Visibility.MEMBERS)
    after = client.get(url, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])

    assert after.status_code == 200
    withdrawn = vevents(after.content)[str(leaving.uid)]
    assert str(withdrawn["STATUS"]) == "CANCELLED"
    assert "Going private" not in after.content.decode()


def test_waitlisted_place_confirmed_updates_the_personal_feed(client, world, member, outsider):
    later = EventFactory(chapter=world.chapter, title="Full evening", starts_at=soon(20), ends_at=soon(20, 19))
    shift = ShiftFactory(event=later, capacity=1)
    taken = signup_create(user=outsider, shift=shift)
    waitlisted = signup_create(user=member, shift=shift)
    url = world.url("personal")
    waiting, entry = _entry(client, url, signup_uid(waitlisted))
    assert str(entry["STATUS"]) == "TENTATIVE"

    signup_cancel(signup=taken)
    confirmed, entry = _entry(client, url, signup_uid(waitlisted))

    assert str(entry["STATUS"]) == "CONFIRMED"
    assert confirmed["ETag"] != waiting["ETag"]


def test_editing_a_shift_updates_the_personal_feed(client, world, member):
    """The personal feed gives the volunteer's shift and its times; editing the shift must show."""
    shift = Signup.objects.get(user=member).shift
    url = world.url("personal")
    before, old = _entry(client, url, world.uid("personal"))
    assert "Your shift: Table host" in str(old["DESCRIPTION"])

    shift_update(shift=shift, name="Greeter", ends_at=shift.ends_at - dt.timedelta(hours=1))
    after, new = _entry(client, url, world.uid("personal"))

    assert "Your shift: Greeter" in str(new["DESCRIPTION"])
    assert new["DTEND"].dt == shift.ends_at - dt.timedelta(hours=1)
    assert new["LAST-MODIFIED"].dt > old["LAST-MODIFIED"].dt
    assert after["ETag"] != before["ETag"]
    assert after["Last-Modified"] != before["Last-Modified"]


def test_editing_the_chapter_name_changes_the_chapter_feed(client, world):
    before = client.get(world.url("chapter"))

    chapter_update(chapter=world.chapter, name="Chicagoland")
    after = client.get(world.url("chapter"))

    assert after["ETag"] != before["ETag"]
    assert after["Last-Modified"] != before["Last-Modified"]
    assert b"X-WR-CALNAME:Chicagoland - Outreach" in after.content
    assert client.get(world.url("chapter"), HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


@pytest.mark.parametrize("feed", ["campaign", "site", "event", "personal"])
def test_editing_the_chapter_name_changes_every_feed_showing_it(client, world, feed):
    before = client.get(world.url(feed))

    chapter_update(chapter=world.chapter, name="Chicagoland")
    after = client.get(world.url(feed))

    assert after["ETag"] != before["ETag"]
    assert "Chicagoland." in str(vevents(after.content)[world.uid(feed)]["DESCRIPTION"])


def test_editing_an_empty_chapters_name_changes_its_feed(client, other_chapter):
    url = f"/feeds/chapters/{other_chapter.slug}.ics"
    backdate(other_chapter)
    before = client.get(url)

    chapter_update(chapter=other_chapter, name="Berlin-Mitte")
    after = client.get(url)

    assert after["ETag"] != before["ETag"]
    assert b"X-WR-CALNAME:Berlin-Mitte - Outreach" in after.content


def test_campaign_edit_changes_the_campaign_feed(client, world):
    before = client.get(world.url("campaign"))

    campaign_update(campaign=world.campaign, name="April, again")
    after = client.get(world.url("campaign"))

    assert after["ETag"] != before["ETag"]
    assert b"X-WR-CALNAME:April\\, again - Outreach" in after.content


# The window


@pytest.mark.parametrize("feed", ["chapter", "campaign", "site", "personal"])
def test_event_older_than_the_window_is_left_out(client, world, settings, member, feed):
    settings.FEED_PAST_DAYS = 30
    now = timezone.now()
    inside = EventFactory(
        chapter=world.chapter,
        campaign=world.campaign,
        starts_at=now - dt.timedelta(days=29, hours=2),
        ends_at=now - dt.timedelta(days=29),
    )
    outside = EventFactory(
        chapter=world.chapter,
        campaign=world.campaign,
        starts_at=now - dt.timedelta(days=31, hours=2),
        ends_at=now - dt.timedelta(days=31),
    )
    held = {event: SignupFactory(user=member, shift=ShiftFactory(event=event)) for event in (inside, outside)}

    uids = set(vevents(client.get(world.url(feed)).content))

    assert _uid(feed, held[inside]) in uids
    assert _uid(feed, held[outside]) not in uids
    assert world.uid(feed) in uids


@pytest.mark.parametrize("feed", ["chapter", "campaign", "site", "personal"])
def test_event_drops_out_as_time_passes(client, world, settings, member, feed):
    settings.FEED_PAST_DAYS = 30
    now = timezone.now()
    ageing = EventFactory(
        chapter=world.chapter,
        campaign=world.campaign,
        starts_at=now - dt.timedelta(days=29, hours=2),
        ends_at=now - dt.timedelta(days=29),
    )
    uid = _uid(feed, SignupFactory(user=member, shift=ShiftFactory(event=ageing)))
    backdate(ageing)
    today = client.get(world.url(feed))
    assert uid in vevents(today.content)

    with mock.patch("django.utils.timezone.now", return_value=now + dt.timedelta(days=2)):
        later = client.get(world.url(feed), HTTP_IF_NONE_MATCH=today["ETag"])

    assert later.status_code == 200
    assert uid not in vevents(later.content)
    assert world.uid(feed) in vevents(later.content)
    assert later["ETag"] != today["ETag"]


def test_unrelated_personal_feed_is_unchanged_by_anothers_signup(client, world, outsider):
    theirs = feed_token_rotate(user=outsider)
    before = client.get(f"/feeds/personal/{theirs}.ics")

    signup_create(
        user=world.volunteer, shift=ShiftFactory(event=EventFactory(chapter=world.chapter, starts_at=soon(30)))
    )
    after = client.get(f"/feeds/personal/{theirs}.ics", HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 304
