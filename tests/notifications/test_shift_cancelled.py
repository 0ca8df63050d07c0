"""A shift cancelled on its own: each of its volunteers is told once, with the lead's note."""

from django.core import mail

from events.enums import SignupStatus
from events.models import Signup
from events.services import shift_cancel, signup_create
from notifications.enums import MessageKind
from notifications.models import OutboxMessage

from .test_messages import WHEN, assert_one_recipient_each, footer


def test_shift_cancelled_tells_each_volunteer_once_with_the_note_in_the_event_zone(place, volunteers, committed):
    for user in volunteers[:3]:  # two places: the third is waitlisted
        committed(signup_create, user=user, shift=place["shift"])
    mail.outbox.clear()

    committed(shift_cancel, shift=place["shift"], note="Not enough tables\nthis time.")

    assert sorted(m.to[0] for m in mail.outbox) == ["v1@example.org", "v2@example.org", "v3@example.org"]
    assert_one_recipient_each(mail.outbox)
    by_address = {m.to[0]: m for m in mail.outbox}
    confirmed = by_address["v1@example.org"]
    assert confirmed.subject == "Cancelled: Table host at Awareness evening"
    assert confirmed.body == (
        "Hello Vol 1,\n\n"
        'We\'re sorry: the shift "Table host" at "Awareness evening" has been cancelled, and your place on it '
        "with it. You don't need to do anything.\n\n"
        "A note from the organizers:\n"
        "Not enough tables\nthis time.\n\n"
        "Event: Awareness evening\n"
        "Shift: Table host\n"
        f"When: {WHEN[place['zone']]}\n"
        "Where: Public library, 1 Main St\n"
        f"Details: https://outreach.test/events/{place['event'].pk}/\n\n"
        "Thank you for offering your time. Other shifts of the event may still need you.\n\n" + footer(place)
    )
    assert "Not enough tables<br>this time." in confirmed.alternatives[0][0]
    waitlisted = by_address["v3@example.org"]
    assert "and your waitlist spot on it with it." in waitlisted.body
    assert "A note from the organizers:\nNot enough tables\nthis time.\n" in waitlisted.body
    assert f"When: {WHEN[place['zone']]}\n" in waitlisted.body


def test_shift_cancelled_records_one_message_per_volunteer(place, volunteers, committed):
    committed(signup_create, user=volunteers[0], shift=place["shift"])
    committed(signup_create, user=volunteers[1], shift=place["shift"])
    committed(signup_create, user=volunteers[2], shift=place["shift"])

    committed(shift_cancel, shift=place["shift"], note="Sorry.")

    assert sorted(OutboxMessage.objects.filter(kind=MessageKind.SHIFT_CANCELLED).values_list("email", flat=True)) == [
        "v1@example.org",
        "v2@example.org",
        "v3@example.org",
    ]
    assert set(Signup.objects.values_list("status", flat=True)) == {SignupStatus.CANCELLED}


def test_shift_cancelled_without_volunteers_sends_nothing(place, committed):
    committed(shift_cancel, shift=place["shift"])

    assert mail.outbox == []
