"""What each message says and to whom, in the event's zone, for a Chicago and a Berlin chapter."""

import datetime as dt
import uuid

import icalendar
import pytest
from django.core import mail

from events.messages import due_reminders
from events.services import event_cancel, event_update, shift_create, shift_update, signup_cancel, signup_create
from notifications.enums import MessageKind, MessageState
from notifications.models import OutboxMessage

from ..factories import UserFactory
from .conftest import HELP, STARTS

WHEN = {
    "America/Chicago": "Friday 14 March 2031, 10:00\N{EN DASH}12:00 CDT (America/Chicago)",
    "Europe/Berlin": "Friday 14 March 2031, 16:00\N{EN DASH}18:00 CET (Europe/Berlin)",
}
MOVED = {
    "America/Chicago": "Saturday 15 March 2031, 12:00\N{EN DASH}14:00 CDT (America/Chicago)",
    "Europe/Berlin": "Saturday 15 March 2031, 18:00\N{EN DASH}20:00 CET (Europe/Berlin)",
}
PREFERENCES = "https://outreach.test/notifications/preferences/"


def footer(place):
    return f"--\n{place['chapter'].name}\n{HELP[place['zone']]}\n\nManage your notifications: {PREFERENCES}\n"


def assert_one_recipient_each(messages):
    for message in messages:
        assert (len(message.to), message.cc, message.bcc) == (1, [], [])
        assert "\n" not in message.subject
        assert "\r" not in message.subject


def test_signup_confirmed_sends_details_in_the_event_zone_with_ics(place, volunteers, committed):
    signup = committed(signup_create, user=volunteers[0], shift=place["shift"])

    [message] = mail.outbox
    event = place["event"]
    assert message.to == ["v1@example.org"]
    assert message.subject == "You're signed up: Awareness evening"
    assert message.body == (
        "Hello Vol 1,\n\n"
        "You're signed up. Thank you!\n\n"
        "Event: Awareness evening\n"
        "Shift: Table host\n"
        f"When: {WHEN[place['zone']]}\n"
        "Where: Public library, 1 Main St\n"
        f"Details: https://outreach.test/events/{event.pk}/\n\n"
        "The event is attached as a calendar file (event.ics) for your calendar app.\n"
        "If your plans change, please cancel your place on the event page so someone else can take it.\n\n"
        + footer(place)
    )
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert f"<td>{WHEN[place['zone']]}</td>" in html
    assert HELP[place["zone"]] in html
    assert f'<a href="{PREFERENCES}">Manage your notifications</a>' in html
    [(filename, ics, ics_type)] = message.attachments
    assert (filename, ics_type) == ("event.ics", "text/calendar; charset=utf-8; method=PUBLISH")
    local = STARTS.astimezone(event.zone).strftime("%Y%m%dT%H%M%S")
    assert f"DTSTART;TZID={place['zone']}:{local}" in ics
    assert f"UID:{uuid.uuid5(event.uid, f'signup:{signup.pk}')}" in ics
    assert OutboxMessage.objects.get().dedupe_key == f"signup_confirmed:{signup.pk}"
    assert OutboxMessage.objects.get().state == MessageState.SENT


SHIFT_WHEN = {
    "America/Chicago": "Friday 14 March 2031, 10:00\N{EN DASH}11:00 CDT (America/Chicago)",
    "Europe/Berlin": "Friday 14 March 2031, 16:00\N{EN DASH}17:00 CET (Europe/Berlin)",
}
ICS_SPANS = {
    "America/Chicago": ("Fri 14 Mar 10:00-11:00 CDT", "Fri 14 Mar 10:00-12:00 CDT"),
    "Europe/Berlin": ("Fri 14 Mar 16:00-17:00 CET", "Fri 14 Mar 16:00-18:00 CET"),
}


def test_signup_on_a_shorter_shift_gives_the_shifts_time_and_the_events(place, volunteers, committed):
    """A shift of the event's first hour: the email and the .ics give the shift's time, and the event's beside it."""
    event = place["event"]
    first_hour = shift_create(
        event=event, name="Greeter", starts_at=STARTS, ends_at=STARTS + dt.timedelta(hours=1), capacity=2
    )

    signup = committed(signup_create, user=volunteers[0], shift=first_hour)

    [message] = mail.outbox
    assert f"Shift: Greeter\nWhen: {SHIFT_WHEN[place['zone']]}\nEvent time: {WHEN[place['zone']]}\n" in message.body
    html = message.alternatives[0][0]
    assert f"<td>{SHIFT_WHEN[place['zone']]}</td>" in html
    assert f'<th style="text-align: left; padding-right: 1em;">Event time</th><td>{WHEN[place["zone"]]}</td>' in html
    [vevent] = icalendar.Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")
    assert (vevent.decoded("DTSTART"), vevent.decoded("DTEND")) == (STARTS, STARTS + dt.timedelta(hours=1))
    assert str(vevent["DTSTART"].dt.tzinfo) == place["zone"]
    shift_span, event_span = ICS_SPANS[place["zone"]]
    assert str(vevent["DESCRIPTION"]).startswith(
        f"Your shift: Greeter, {shift_span} (confirmed).\nEvent: {event_span}\n"
    )
    assert str(vevent["UID"]) == str(uuid.uuid5(event.uid, f"signup:{signup.pk}"))


def test_signup_on_a_shift_spanning_the_event_gives_one_time(place, volunteers, committed):
    committed(signup_create, user=volunteers[0], shift=place["shift"])

    [message] = mail.outbox
    assert "Event time" not in message.body
    assert "Event time" not in message.alternatives[0][0]


def test_reminder_of_a_shorter_shift_gives_the_events_time_too(place, volunteers, committed):
    first_hour = shift_create(
        event=place["event"], name="Greeter", starts_at=STARTS, ends_at=STARTS + dt.timedelta(hours=1), capacity=2
    )
    committed(signup_create, user=volunteers[0], shift=first_hour, now=STARTS - dt.timedelta(days=3))

    [draft] = due_reminders(STARTS - dt.timedelta(hours=1))

    assert (draft.context["when"], draft.context["event_when"]) == (SHIFT_WHEN[place["zone"]], WHEN[place["zone"]])


def test_signup_waitlisted_gives_the_position(place, volunteers, committed):
    for user in volunteers[:4]:
        committed(signup_create, user=user, shift=place["shift"])

    assert [m.subject for m in mail.outbox] == [
        "You're signed up: Awareness evening",
        "You're signed up: Awareness evening",
        "You're on the waitlist (number 1): Awareness evening",
        "You're on the waitlist (number 2): Awareness evening",
    ]
    assert [m.to for m in mail.outbox] == [[u.email] for u in volunteers[:4]]
    assert_one_recipient_each(mail.outbox)
    last = mail.outbox[3]
    assert "you're on its waitlist, at number 2." in last.body
    assert "<strong>number 2</strong>" in last.alternatives[0][0]
    assert last.attachments == []
    assert last.body.endswith(footer(place))


def test_cancelling_promotes_and_tells_both(place, volunteers, committed):
    signups = [committed(signup_create, user=user, shift=place["shift"]) for user in volunteers[:3]]
    mail.outbox.clear()

    committed(signup_cancel, signup=signups[0])

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["v1@example.org"], "Your place is cancelled: Awareness evening"),
        (["v3@example.org"], "A place opened up: you're confirmed for Awareness evening"),
    ]
    promoted = mail.outbox[1]
    assert "a place opened up and you're now confirmed" in promoted.body
    assert f"When: {WHEN[place['zone']]}" in promoted.body
    assert promoted.attachments[0][0] == "event.ics"
    assert promoted.body.endswith(footer(place))


def test_shift_growing_promotes_with_a_message(place, volunteers, committed):
    for user in volunteers[:3]:
        committed(signup_create, user=user, shift=place["shift"])
    mail.outbox.clear()

    committed(shift_update, shift=place["shift"], capacity=3)

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["v3@example.org"], "A place opened up: you're confirmed for Awareness evening")
    ]


def test_event_moved_says_what_changed_before_and_after(place, volunteers, committed):
    for user in volunteers[:3]:
        committed(signup_create, user=user, shift=place["shift"])
    mail.outbox.clear()
    event = place["event"]

    committed(
        event_update,
        event=event,
        starts_at=STARTS + dt.timedelta(days=1, hours=2),
        ends_at=STARTS + dt.timedelta(days=1, hours=4),
        venue="Town hall",
    )

    assert sorted(m.to[0] for m in mail.outbox) == ["v1@example.org", "v2@example.org", "v3@example.org"]
    assert_one_recipient_each(mail.outbox)
    message = next(m for m in mail.outbox if m.to == ["v1@example.org"])
    assert message.subject == "Changed: Awareness evening"
    assert (
        '"Awareness evening" has changed. Your place is kept.\n\n'
        "When\n"
        f"  before: {WHEN[place['zone']]}\n"
        f"  now:    {MOVED[place['zone']]}\n"
        "Where\n"
        "  before: Public library, 1 Main St\n"
        "  now:    Town hall, 1 Main St\n"
    ) in message.body
    assert f"<s>{WHEN[place['zone']]}</s>" in message.alternatives[0][0]
    assert message.body.endswith(footer(place))
    waitlisted = next(m for m in mail.outbox if m.to == ["v3@example.org"])
    assert "Your waitlist spot is kept." in waitlisted.body


def test_event_edit_that_moves_nothing_sends_nothing(place, volunteers, committed):
    committed(signup_create, user=volunteers[0], shift=place["shift"])
    mail.outbox.clear()

    committed(event_update, event=place["event"], summary="New words, same time and place")

    assert mail.outbox == []


def test_online_link_change_is_shown_to_confirmed_only(place, volunteers, committed):
    event = place["event"]
    committed(event_update, event=event, format="hybrid", online_url="https://meet.example.org/a")
    for user in volunteers[:3]:
        committed(signup_create, user=user, shift=place["shift"])
    mail.outbox.clear()

    committed(event_update, event=event, online_url="https://meet.example.org/b")

    confirmed = next(m for m in mail.outbox if m.to == ["v1@example.org"])
    waitlisted = next(m for m in mail.outbox if m.to == ["v3@example.org"])
    assert "Online link\n  before: https://meet.example.org/a\n  now:    https://meet.example.org/b\n" in confirmed.body
    assert "https://meet.example.org/" not in waitlisted.body
    assert "now:    changed; it is shown to confirmed volunteers" in waitlisted.body


def test_event_cancelled_sends_the_leads_note(place, volunteers, committed):
    for user in volunteers[:3]:
        committed(signup_create, user=user, shift=place["shift"])
    mail.outbox.clear()

    committed(event_cancel, event=place["event"], note="The library is closed\nfor repairs.")

    assert sorted(m.to[0] for m in mail.outbox) == ["v1@example.org", "v2@example.org", "v3@example.org"]
    assert_one_recipient_each(mail.outbox)
    message = mail.outbox[0]
    assert message.subject == "Cancelled: Awareness evening"
    assert "A note from the organizers:\nThe library is closed\nfor repairs.\n" in message.body
    assert "The library is closed<br>for repairs." in message.alternatives[0][0]
    assert message.body.endswith(footer(place))


def test_header_syntax_in_titles_and_names_never_reaches_a_header(place, committed):
    user = UserFactory(email="v9@example.org", display_name="Eve\r\nBcc: victim@example.org")
    place["event"].title = "Evening\r\nBcc: all@example.org\nX-Injected: yes"
    place["event"].save()

    committed(signup_create, user=user, shift=place["shift"])

    [message] = mail.outbox
    assert message.subject == "You're signed up: Evening Bcc: all@example.org X-Injected: yes"
    raw = message.message().as_bytes().decode()
    headers = raw.split("\n\n", 1)[0]
    assert "\nBcc:" not in headers
    assert "\nX-Injected" not in headers
    assert message.recipients() == ["v9@example.org"]


def test_no_message_for_a_signup_on_a_past_shift(db, place, volunteers, committed):
    """The demo data signs people up for past events with `now=`: nobody is emailed about those."""
    event = place["event"]
    past = dt.datetime(2020, 1, 1, 15, tzinfo=dt.UTC)
    event_update(event=event, starts_at=past, ends_at=past + dt.timedelta(hours=2))

    committed(signup_create, user=volunteers[0], shift=place["shift"], now=past - dt.timedelta(days=7))

    assert (mail.outbox, OutboxMessage.objects.count()) == ([], 0)


@pytest.mark.parametrize("kind", list(MessageKind.values))
def test_every_kind_has_both_templates(kind):
    from django.template.loader import get_template

    assert get_template(f"emails/{kind}.txt")
    assert get_template(f"emails/{kind}.html")
