"""
What a subscriber sees after every kind of change a lead or a volunteer can make (issue #11): each
feed kind is fetched, the change is made through the services, the feed is fetched again, and the
entry must show the new data with SEQUENCE and LAST-MODIFIED moved; nothing vanishes without a
CANCELLED step. Also: query strings that no filter names, simultaneous misses, and the window.
"""

import datetime as dt
import threading
import urllib.request
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.http import http_date

from events import ical
from events.enums import AddressVisibility, EventFormat, SignupStatus, Visibility
from events.models import Event, EventSeries, Signup
from events.services import (
    chapter_update,
    event_cancel,
    event_update,
    series_create,
    series_publish,
    series_update,
    shift_update,
    signup_cancel,
    signup_create,
)
from outreach.models import FeedVersion
from outreach.services import feed_token_rotate
from tests.factories import ShiftFactory, UserFactory

from .http_fixtures import FEEDS, PUBLIC_FEEDS, backdate_everything, build_world, soon, unfolded, vevents


@pytest.fixture
def world(chapter, member):
    """build_world's, with a street address and coordinates on the public event."""
    world = build_world(chapter, member)
    world.event = event_update(
        event=world.event, address="12 Main St, Chicago", latitude=Decimal("41.878100"), longitude=Decimal("-87.629800")
    )
    return world


def _fetch(client, world, feed):
    response = client.get(world.url(feed))
    assert response.status_code == 200, response.content
    return response, vevents(response.content)


def _moved(old, new):
    """SEQUENCE and LAST-MODIFIED both moved forward."""
    return new["SEQUENCE"] > old["SEQUENCE"] and new["LAST-MODIFIED"].dt > old["LAST-MODIFIED"].dt


CHANGES = {
    "time": lambda w: event_update(
        event=w.event,
        starts_at=w.event.starts_at + dt.timedelta(hours=2),
        ends_at=w.event.ends_at + dt.timedelta(hours=2),
    ),
    "zone": lambda w: event_update(event=w.event, timezone="Europe/Berlin"),
    "place": lambda w: event_update(event=w.event, venue="Harold Washington Library"),
    "address visibility": lambda w: event_update(event=w.event, address_visibility=AddressVisibility.CONFIRMED),
    "online link": lambda w: event_update(
        event=w.event, format=EventFormat.HYBRID, online_url="https://meet.example.org/evening"
    ),
    "title": lambda w: event_update(event=w.event, title="Internet safety night"),
    "chapter name": lambda w: chapter_update(chapter=w.chapter, name="Chicagoland"),
    "cancel": lambda w: event_cancel(event=w.event, note="The hall flooded."),
}


def _expected(change: str, feed: str, entry) -> None:
    """What the changed entry must show."""
    text = unfolded(entry.to_ical())
    if change == "time":
        assert entry["DTSTART"].dt.astimezone(dt.UTC) == soon(7).astimezone(dt.UTC) + dt.timedelta(hours=2)
    elif change == "zone":
        assert "TZID=Europe/Berlin" in text
    elif change == "place":
        assert str(entry.get("LOCATION", "")).startswith("Harold Washington Library")
    elif change == "address visibility":
        if feed == "personal":  # a confirmed volunteer still sees it
            assert "12 Main St" in str(entry.get("LOCATION", ""))
        else:
            assert "12 Main St" not in str(entry.get("LOCATION", ""))
            assert "GEO" not in entry
    elif change == "online link":
        if feed == "personal":
            assert "https://meet.example.org/evening" in str(entry["DESCRIPTION"])
        else:
            assert "https://meet.example.org/evening" not in text
            assert "The online link is shown to confirmed volunteers." in str(entry["DESCRIPTION"])
    elif change == "title":
        assert str(entry["SUMMARY"]) == "Internet safety night"
    elif change == "chapter name":
        assert "Chicagoland." in str(entry["DESCRIPTION"])
        assert entry["ORGANIZER"].params["CN"] == "Chicagoland"
    elif change == "cancel":
        assert str(entry["STATUS"]) == "CANCELLED"
        assert str(entry["SUMMARY"]).startswith("Cancelled: ")


@pytest.mark.parametrize("feed", FEEDS)
@pytest.mark.parametrize("change", CHANGES)
def test_every_change_reaches_every_feed_with_sequence_and_last_modified_moved(client, world, feed, change):
    backdate_everything()
    before, old = _fetch(client, world, feed)
    uid = world.uid(feed)

    CHANGES[change](world)
    after, new = _fetch(client, world, feed)

    assert set(new) == set(old), "an entry vanished or appeared"
    assert _moved(old[uid], new[uid])
    _expected(change, feed, new[uid])
    assert after["ETag"] != before["ETag"]
    assert client.get(world.url(feed), HTTP_IF_MODIFIED_SINCE=before["Last-Modified"]).status_code == 200
    assert client.get(world.url(feed), HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


@pytest.mark.parametrize("feed", FEEDS)
def test_a_change_moves_only_its_own_entry(client, world, feed):
    """DTSTAMP, SEQUENCE and LAST-MODIFIED of the other entries stay as they were."""
    other = signup_create(
        user=world.volunteer, shift=ShiftFactory(event=Event.objects.create(**_copy(world.event, days=14)))
    )
    other_uid = ical.signup_uid(other.shift.event.uid, other.pk) if feed == "personal" else str(other.shift.event.uid)
    if feed == "event":
        other_uid = None
    backdate_everything()
    _before, old = _fetch(client, world, feed)

    event_update(event=world.event, title="Internet safety night")
    _after, new = _fetch(client, world, feed)

    assert _moved(old[world.uid(feed)], new[world.uid(feed)])
    if other_uid is not None:
        for name in ("DTSTAMP", "SEQUENCE", "LAST-MODIFIED"):
            assert new[other_uid][name].to_ical() == old[other_uid][name].to_ical()


def _copy(event, *, days):
    return {
        "chapter": event.chapter,
        "campaign": event.campaign,
        "title": "Second evening",
        "strategy": event.strategy,
        "timezone": event.timezone,
        "starts_at": event.starts_at + dt.timedelta(days=days),
        "ends_at": event.ends_at + dt.timedelta(days=days),
        "status": event.status,
        "was_public": True,
    }


def test_shift_edit_reaches_the_volunteers_feed(client, world):
    backdate_everything()
    _before, old = _fetch(client, world, "personal")
    shift = world.signup.shift

    shift_update(shift=shift, name="Greeter", ends_at=shift.ends_at - dt.timedelta(minutes=30))
    _after, new = _fetch(client, world, "personal")

    entry = new[world.uid("personal")]
    assert _moved(old[world.uid("personal")], entry)
    assert "Your shift: Greeter" in str(entry["DESCRIPTION"])
    assert entry["DTEND"].dt.astimezone(dt.UTC) == shift.ends_at - dt.timedelta(minutes=30)


def test_promotion_confirms_the_entry_and_shows_the_address(client, world, outsider):
    event_update(event=world.event, address_visibility=AddressVisibility.CONFIRMED)
    full = ShiftFactory(event=world.event, name="Greeter", capacity=1)
    taken = signup_create(user=outsider, shift=full)
    Signup.objects.filter(pk=world.signup.pk).update(status=SignupStatus.CANCELLED, cancelled_at=timezone.now())
    waiting = signup_create(user=world.volunteer, shift=full)
    uid = ical.signup_uid(world.event.uid, waiting.pk)
    backdate_everything()
    _before, old = _fetch(client, world, "personal")
    assert str(old[uid]["STATUS"]) == "TENTATIVE"
    assert "12 Main St" not in str(old[uid].get("LOCATION", ""))

    signup_cancel(signup=taken)
    _after, new = _fetch(client, world, "personal")

    assert str(new[uid]["STATUS"]) == "CONFIRMED"
    assert "12 Main St" in str(new[uid].get("LOCATION", ""))
    assert _moved(old[uid], new[uid])


@pytest.mark.parametrize("feed", PUBLIC_FEEDS)
def test_made_members_only_the_public_feeds_carry_its_cancellation(client, world, feed):
    backdate_everything()
    _before, old = _fetch(client, world, feed)
    uid = world.uid(feed)

    event_update(event=world.event, visibility=Visibility.MEMBERS)
    response, new = _fetch(client, world, feed)

    assert set(new) == set(old)
    assert str(new[uid]["STATUS"]) == "CANCELLED"
    assert str(new[uid]["SUMMARY"]) == "Cancelled: no longer a public event"
    assert _moved(old[uid], new[uid])
    body = unfolded(response.content)
    for secret in ("Awareness evening", "12 Main St", "GEO:", world.event.get_absolute_url()):
        assert secret not in body


def test_a_members_only_event_never_public_is_in_no_public_feed(client, world):
    assert str(world.members_only.uid) not in _fetch(client, world, "chapter")[1]


def test_series_edit_reaches_every_occurrence(client, world, lead):
    start = soon(10).astimezone(dt.UTC)
    series = series_create(
        chapter=world.chapter,
        created_by=lead,
        recurrence="FREQ=WEEKLY;COUNT=3",
        start_date=start.astimezone(world.event.zone).date(),
        start_time=dt.time(18),
        duration=dt.timedelta(hours=2),
        title="Weekly table",
        strategy=world.event.strategy,
    )
    series_publish(series=series)
    uids = {str(uid) for uid in series.occurrences.values_list("uid", flat=True)}
    backdate_everything()
    _before, old = _fetch(client, world, "chapter")

    series_update(series=EventSeries.objects.get(pk=series.pk), title="Weekly info table")
    _after, new = _fetch(client, world, "chapter")

    assert uids <= set(new)
    for uid in uids:
        assert str(new[uid]["SUMMARY"]) == "Weekly info table"
        assert _moved(old[uid], new[uid])


# Query strings: only the named filters count


def _cache_keys() -> set:
    """Every key in the cache: the in-process cache's dict, or Redis's keyspace (the PostgreSQL run)."""
    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):
        return set(cache._cache)
    return set(cache._cache.get_client().keys("*"))


@pytest.mark.parametrize("feed", FEEDS)
def test_unknown_query_parameters_are_ignored_and_make_no_cache_entry(client, world, feed):
    first = client.get(world.url(feed))
    keys = _cache_keys()

    noisy = [client.get(f"{world.url(feed)}?x={n}&utm_source=a{n}") for n in range(5)]

    assert {response.status_code for response in noisy} == {200}
    assert {response["ETag"] for response in noisy} == {first["ETag"]}
    assert {response.content for response in noisy} == {first.content}
    assert _cache_keys() == keys
    conditional = client.get(f"{world.url(feed)}?x=new", HTTP_IF_NONE_MATCH=first["ETag"])
    assert conditional.status_code == 304


def test_site_feed_filters_in_any_order_share_one_entry(client, world):
    one = client.get("/feeds/events.ics?strategy=awareness_education&chapter=chicago")
    other = client.get("/feeds/events.ics?chapter=chicago&x=1&strategy=awareness_education")

    assert one["ETag"] == other["ETag"]
    assert one.content == other.content
    source = "SOURCE;VALUE=URI:https://outreach.test/feeds/events.ics?chapter=chicago&strategy=awareness_education"
    assert source in unfolded(one.content).splitlines()


# A stampede of misses renders a feed once


@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")  # the live server's static files; unused here
@pytest.mark.django_db(transaction=True)
def test_simultaneous_misses_render_the_feed_once(live_server, chapter, member, monkeypatch):
    world = build_world(chapter, member)
    renders = []
    real = ical.render_calendar

    def counted(*args, **kwargs):
        renders.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr("feeds.views.render_calendar", counted)
    cache.clear()
    start = threading.Barrier(8)
    bodies = []

    def poll():
        start.wait()
        with urllib.request.urlopen(live_server.url + world.url("chapter"), timeout=30) as response:  # noqa: S310
            bodies.append(response.read())

    threads = [threading.Thread(target=poll) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(bodies) == 8
    assert len(set(bodies)) == 1
    assert len(renders) == 1


# The window


def test_the_window_has_a_future_bound(client, world, settings):
    settings.FEED_FUTURE_DAYS = 30
    far = Event.objects.create(**_copy(world.event, days=60))
    near = Event.objects.create(**_copy(world.event, days=20))

    uids = set(_fetch(client, world, "chapter")[1])

    assert str(near.uid) in uids
    assert str(far.uid) not in uids


def test_last_modified_moves_when_an_event_ages_out(client, world, settings):
    """A poller that revalidates by date alone must not get a 304 for a feed that lost an event."""
    settings.FEED_PAST_DAYS = 30
    now = timezone.now()
    ageing = Event.objects.create(
        **{
            **_copy(world.event, days=0),
            "starts_at": now - dt.timedelta(days=29, hours=2),
            "ends_at": now - dt.timedelta(days=29),
        }
    )
    backdate_everything(hours=2)
    today = client.get(world.url("chapter"))
    assert str(ageing.uid) in vevents(today.content)

    with mock.patch("django.utils.timezone.now", return_value=now + dt.timedelta(days=2)):
        revalidated = client.get(world.url("chapter"), HTTP_IF_MODIFIED_SINCE=today["Last-Modified"])
        again = client.get(world.url("chapter"), HTTP_IF_MODIFIED_SINCE=revalidated["Last-Modified"])

    assert revalidated.status_code == 200
    assert str(ageing.uid) not in vevents(revalidated.content)
    # The moment it left: its end plus FEED_PAST_DAYS.
    assert revalidated["Last-Modified"] == http_date((ageing.ends_at + dt.timedelta(days=30)).timestamp())
    assert again.status_code == 304


def test_a_poll_reads_the_version_row_never_the_events(client, world, django_assert_num_queries):
    client.get(world.url("chapter"))

    with django_assert_num_queries(2):  # the chapter, its feed version
        response = client.get(world.url("chapter"))

    assert response.status_code == 200
    assert FeedVersion.objects.filter(scope=f"chapter:{world.chapter.pk}").exists()


def test_new_volunteer_feed_is_not_served_anothers_cache(client, world):
    stranger = UserFactory()
    theirs = feed_token_rotate(user=stranger)

    response = client.get(f"/feeds/personal/{theirs}.ics")

    assert response.status_code == 200
    assert vevents(response.content) == {}
