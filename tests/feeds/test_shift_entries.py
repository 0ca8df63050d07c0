"""
A volunteer's own calendar shows their shift, not the whole event (issue #10, item 13): the
confirmation's .ics and the personal feed give the shift's times, with the event's public times in
the description, under one UID per signup that both share and that never changes while the signup
lives. Public feeds keep one entry per event at its public times. Read through the five parsers
of test_parsers.py.
"""

import datetime as dt

import icalendar
import pytest
from django.db.models import F
from django.test import Client

from events.enums import SignupStatus, Strategy
from events.ical import revision
from events.models import Signup
from events.services import (
    event_create,
    event_publish,
    event_update,
    shift_create,
    shift_update,
    signup_cancel,
    signup_create,
)
from notifications.enums import MessageKind
from notifications.models import OutboxMessage
from outreach.services import feed_token_rotate
from tests.factories import UserFactory

from .conftest import CHICAGO, fetch
from .http_fixtures import backdate_everything, signup_uid, vevents
from .test_parsers import parser_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(year) -> dt.date:
    """The second Saturday of May next year: Chicago keeps daylight time (CDT, UTC-5)."""
    first = dt.date(year, 5, 1)
    return first + dt.timedelta(days=(5 - first.weekday()) % 7 + 7)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=CHICAGO)


@pytest.fixture
def event(chapter, day):
    """Sat 09:00-13:00 CDT, its default shift spanning it, and a morning and a midday shift."""
    event = event_publish(
        event=event_create(
            chapter=chapter,
            created_by=None,
            starts_at=_at(day, 9),
            ends_at=_at(day, 13),
            title="Market stand",
            strategy=Strategy.AWARENESS_EDUCATION,
            venue="Farmers market",
            address="100 Market St",
        )
    )
    shift_create(event=event, name="Morning", starts_at=_at(day, 9), ends_at=_at(day, 11), capacity=2)
    shift_create(event=event, name="Midday", starts_at=_at(day, 11), ends_at=_at(day, 13), capacity=2)
    return event


def _shift(event, name):
    return event.shifts.get(name=name)


@pytest.fixture
def volunteer(chapter):
    return UserFactory(email="robin@example.org")


def _confirmation(signup) -> bytes:
    kinds = [MessageKind.SIGNUP_CONFIRMED, MessageKind.SIGNUP_PROMOTED]
    return OutboxMessage.objects.filter(signup=signup, kind__in=kinds).latest("pk").calendar.encode()


def _personal(volunteer) -> str:
    return f"/feeds/personal/{feed_token_rotate(user=volunteer)}.ics"


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _rows(body: bytes, year: int, tmp_path) -> dict[str, list]:
    """{parser: rows} for the five parsers, each row [uid, summary, status, start, end]."""
    return parser_rows(body, year, tmp_path)


def _revision(signup) -> tuple:
    """SEQUENCE and LAST-MODIFIED of the signup's entry, from its rows as stored now."""
    signup = Signup.objects.select_related("shift__event__chapter").get(pk=signup.pk)
    return revision(signup.shift.event, shift=signup.shift, signup=signup)


def _only(body: bytes) -> icalendar.Event:
    [vevent] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    return vevent


def test_confirmation_and_personal_feed_give_the_shift_under_one_uid(event, volunteer, day, year, tmp_path, subtests):
    signup = signup_create(user=volunteer, shift=_shift(event, "Morning"))
    expected = [[signup_uid(signup), "Market stand", "CONFIRMED", _utc(_at(day, 9)), _utc(_at(day, 11))]]
    confirmation = _confirmation(signup)
    feed = fetch(_personal(volunteer))

    for name, body in (("confirmation", confirmation), ("personal feed", feed)):
        for parser, rows in _rows(body, year, tmp_path).items():
            with subtests.test(body=name, parser=parser):
                assert rows == expected
        with subtests.test(body=name, what="local times and description"):
            text = body.decode().replace("\r\n ", "")
            assert f"DTSTART;TZID=America/Chicago:{day:%Y%m%d}T090000\r\n" in text
            assert f"DTEND;TZID=America/Chicago:{day:%Y%m%d}T110000\r\n" in text
            description = str(_only(body)["DESCRIPTION"])
            assert description.startswith(
                f"Your shift: Morning, Sat {day.day} May 09:00-11:00 CDT (confirmed).\n"
                f"Event: Sat {day.day} May 09:00-13:00 CDT\n\n"
            )
    sequence, last_modified = _revision(signup)
    assert _only(confirmation)["SEQUENCE"] == _only(feed)["SEQUENCE"] == sequence
    assert _only(confirmation).decoded("LAST-MODIFIED") == _only(feed).decoded("LAST-MODIFIED")
    assert _only(feed).decoded("LAST-MODIFIED") == last_modified.replace(microsecond=0)


def test_the_uid_stays_when_the_event_is_edited(client, event, volunteer, day):
    signup = signup_create(user=volunteer, shift=_shift(event, "Morning"))
    url = _personal(volunteer)
    before = _only(client.get(url).content)

    event_update(event=event, title="Market stand, renamed", venue="Covered market")
    after = _only(client.get(url).content)

    assert str(before["UID"]) == str(after["UID"]) == str(_only(_confirmation(signup))["UID"]) == signup_uid(signup)
    assert str(after["SUMMARY"]) == "Market stand, renamed"
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1 == _revision(signup)[0]
    assert (after.decoded("DTSTART"), after.decoded("DTEND")) == (_at(day, 9), _at(day, 11))


def test_two_shifts_of_one_event_are_two_entries(event, volunteer, day, year, tmp_path, subtests):
    morning = signup_create(user=volunteer, shift=_shift(event, "Morning"))
    midday = signup_create(user=volunteer, shift=_shift(event, "Midday"))
    body = fetch(_personal(volunteer))
    expected = sorted(
        [
            [signup_uid(morning), "Market stand", "CONFIRMED", _utc(_at(day, 9)), _utc(_at(day, 11))],
            [signup_uid(midday), "Market stand", "CONFIRMED", _utc(_at(day, 11)), _utc(_at(day, 13))],
        ]
    )

    for parser, rows in _rows(body, year, tmp_path).items():
        with subtests.test(parser=parser):
            assert rows == expected
    entries = vevents(body)
    assert "Your shift: Midday, " in str(entries[signup_uid(midday)]["DESCRIPTION"])
    assert "Your shift: Morning" not in str(entries[signup_uid(midday)]["DESCRIPTION"])
    assert str(_only(_confirmation(midday))["UID"]) == signup_uid(midday)


def test_public_feeds_keep_the_event_and_its_times(event, volunteer, chapter, day, year, tmp_path, subtests):
    signup_create(user=volunteer, shift=_shift(event, "Morning"))
    expected = [[str(event.uid), "Market stand", "CONFIRMED", _utc(_at(day, 9)), _utc(_at(day, 13))]]

    for path in (f"/feeds/chapters/{chapter.slug}.ics", f"/feeds/events/{event.pk}.ics"):
        for parser, rows in _rows(fetch(path), year, tmp_path).items():
            with subtests.test(path=path, parser=parser):
                assert rows == expected
        with subtests.test(path=path, what="no shift in the description"):
            assert "Your shift" not in str(_only(fetch(path))["DESCRIPTION"])


def _made_a_day_ago(signup) -> None:
    """Everything as it stood a day ago, the signup made then: an edit now comes a day later."""
    backdate_everything(hours=24)
    Signup.objects.filter(pk=signup.pk).update(created_at=F("created_at") - dt.timedelta(days=1))


def test_moving_the_shift_moves_the_entry_and_raises_its_sequence(client, event, volunteer, day):
    signup = signup_create(user=volunteer, shift=_shift(event, "Morning"))
    _made_a_day_ago(signup)
    url = _personal(volunteer)
    first = client.get(url)
    before = _only(first.content)

    shift_update(shift=_shift(event, "Morning"), starts_at=_at(day, 10), ends_at=_at(day, 12))
    moved = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    after = _only(moved.content)

    assert moved.status_code == 200
    assert str(after["UID"]) == str(before["UID"])
    assert (after.decoded("DTSTART"), after.decoded("DTEND")) == (_at(day, 10), _at(day, 12))
    assert f"Sat {day.day} May 10:00-12:00 CDT (confirmed).\nEvent: Sat {day.day} May 09:00-13:00 CDT" in str(
        after["DESCRIPTION"]
    )
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")
    assert moved["ETag"] != first["ETag"]

    # An edit of the event raises it by one more: the two never cancel out.
    event_update(event=event, title="Market stand, renamed")
    again = _only(client.get(url).content)
    assert again["SEQUENCE"] == after["SEQUENCE"] + 1


def test_moving_the_event_moves_the_shift_entry_and_raises_its_sequence(client, event, volunteer, day):
    """The event's shifts move with it: the entry moves, and its SEQUENCE grows."""
    signup = signup_create(user=volunteer, shift=_shift(event, "Morning"))
    url = _personal(volunteer)
    before = _only(client.get(url).content)

    event_update(event=event, starts_at=_at(day, 10), ends_at=_at(day, 14))
    after = _only(client.get(url).content)

    assert str(after["UID"]) == signup_uid(signup)
    assert (after.decoded("DTSTART"), after.decoded("DTEND")) == (_at(day, 10), _at(day, 12))
    assert f"Event: Sat {day.day} May 10:00-14:00 CDT" in str(after["DESCRIPTION"])
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after["SEQUENCE"] == _revision(signup)[0]


def test_every_entry_is_stamped_with_its_own_last_change(client, event, volunteer, day):
    """
    Each VEVENT's DTSTAMP is its own LAST-MODIFIED, never later than the feed's Last-Modified: a
    change to one entry leaves the others' lines as they were.
    """
    morning = signup_create(user=volunteer, shift=_shift(event, "Morning"))
    midday = signup_create(user=volunteer, shift=_shift(event, "Midday"))
    _made_a_day_ago(morning)
    url = _personal(volunteer)
    before = vevents(client.get(url).content)

    shift_update(shift=_shift(event, "Midday"), name="Lunch cover")
    response = client.get(url)
    after = vevents(response.content)

    feed_modified = dt.datetime.strptime(response["Last-Modified"], "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=dt.UTC)
    for uid, vevent in after.items():
        assert vevent.decoded("DTSTAMP") == vevent.decoded("LAST-MODIFIED") <= feed_modified, uid
    unchanged, changed = after[signup_uid(morning)], after[signup_uid(midday)]
    assert unchanged.to_ical() == before[signup_uid(morning)].to_ical()
    assert changed.decoded("DTSTAMP") > before[signup_uid(midday)].decoded("DTSTAMP")
    assert changed["SEQUENCE"] > before[signup_uid(midday)]["SEQUENCE"]


def test_a_promoted_place_keeps_its_uid_from_waitlist_to_confirmation(client, event, volunteer, day, outsider):
    shift = _shift(event, "Morning")
    shift_update(shift=shift, capacity=1)
    taken = signup_create(user=outsider, shift=shift)
    waiting = signup_create(user=volunteer, shift=shift)
    assert waiting.status == SignupStatus.WAITLISTED
    url = _personal(volunteer)
    tentative = vevents(client.get(url).content)[signup_uid(waiting)]
    assert str(tentative["STATUS"]) == "TENTATIVE"
    assert "100 Market St" in str(tentative["LOCATION"])  # the address is public here

    signup_cancel(signup=taken)
    confirmed = vevents(client.get(url).content)[signup_uid(waiting)]
    promotion = _only(_confirmation(waiting))

    assert str(confirmed["STATUS"]) == str(promotion["STATUS"]) == "CONFIRMED"
    assert str(promotion["UID"]) == signup_uid(waiting)
    assert promotion["SEQUENCE"] == confirmed["SEQUENCE"] >= tentative["SEQUENCE"]
    assert (promotion.decoded("DTSTART"), promotion.decoded("DTEND")) == (_at(day, 9), _at(day, 11))


def test_a_shift_of_an_all_day_event_is_timed(chapter, volunteer, day, year, tmp_path, subtests):
    all_day = event_publish(
        event=event_create(
            chapter=chapter,
            created_by=None,
            starts_at=_at(day, 0),
            ends_at=_at(day + dt.timedelta(days=2), 0),
            all_day=True,
            title="Awareness weekend",
            strategy=Strategy.AWARENESS_EDUCATION,
        )
    )
    shift = shift_create(event=all_day, name="Saturday table", starts_at=_at(day, 10), ends_at=_at(day, 14), capacity=3)
    signup = signup_create(user=volunteer, shift=shift)
    body = fetch(_personal(volunteer))
    expected = [[signup_uid(signup), "Awareness weekend", "CONFIRMED", _utc(_at(day, 10)), _utc(_at(day, 14))]]

    for parser, rows in _rows(body, year, tmp_path).items():
        with subtests.test(parser=parser):
            assert rows == expected
    sunday = day + dt.timedelta(days=1)
    assert f"Event: Sat {day.day} May to Sun {sunday.day} May, all day" in str(_only(body)["DESCRIPTION"])
    assert b"BEGIN:VTIMEZONE\r\nTZID:America/Chicago" in body
    assert _rows(fetch(f"/feeds/events/{all_day.pk}.ics"), year, tmp_path)["ical.js"][0][3:] == [
        day.isoformat(),
        (day + dt.timedelta(days=2)).isoformat(),
    ]


def test_a_cancelled_signup_stays_cancelled_and_a_new_one_has_a_new_uid(event, volunteer):
    first = signup_create(user=volunteer, shift=_shift(event, "Morning"))
    signup_cancel(signup=first)

    second = signup_create(user=volunteer, shift=_shift(event, "Morning"))

    entries = vevents(Client().get(_personal(volunteer)).content)
    assert set(entries) == {signup_uid(first), signup_uid(second)}
    assert signup_uid(second) != signup_uid(first)
    gone, held = entries[signup_uid(first)], entries[signup_uid(second)]
    assert (str(gone["STATUS"]), str(gone["SUMMARY"])) == ("CANCELLED", "Cancelled: Market stand")
    assert "(cancelled)" in str(gone["DESCRIPTION"])
    assert (str(held["STATUS"]), str(held["SUMMARY"])) == ("CONFIRMED", "Market stand")
