"""Emailing an event's or a shift's volunteers: one message each, nobody sees another's address."""

import pytest
from django.core import mail
from django.urls import reverse

from events.enums import SignupStatus
from outreach.models import Chapter
from tests.factories import ShiftFactory, SignupFactory, UserFactory

from .conftest import messages_of

FOOTER = "\n\n-- \nYou receive this message because you signed up for “Parents night” with Chicago.\n"


@pytest.fixture
def lead_client(client, lead, chapter):
    Chapter.objects.filter(pk=chapter.pk).update(contact_email="chicago@example.org")
    client.force_login(lead)
    return client


@pytest.fixture
def crowd(event, event_shift, signup, volunteer):
    """Sam confirmed on two shifts, Kim confirmed on the second, Lou waitlisted, Max cancelled."""
    second = ShiftFactory(event=event, name="Table host", capacity=2)
    SignupFactory(shift=second, user=volunteer)
    SignupFactory(shift=second, user=UserFactory(email="kim@example.org"))
    SignupFactory(shift=event_shift, user=UserFactory(email="lou@example.org"), status=SignupStatus.WAITLISTED)
    SignupFactory(shift=event_shift, user=UserFactory(email="max@example.org"), status=SignupStatus.CANCELLED)
    return second


def test_email_page_says_who_gets_it_and_where_replies_go(lead_client, event, crowd):
    response = lead_client.get(reverse("dashboard:email_event", args=[event.pk]))

    assert "2 confirmed volunteers" in response.text
    assert "1 on the waitlist" in response.text
    assert "Replies go to chicago@example.org." in response.text
    assert '<label for="id_subject">Subject:</label>' in response.text
    assert "sam@example.org" not in response.text


def test_email_event_sends_one_message_per_confirmed_volunteer(
    lead_client, event, crowd, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(
            reverse("dashboard:email_event", args=[event.pk]),
            {"subject": "Parking", "message": "Park behind the hall."},
            follow=True,
        )

    assert messages_of(response) == ["Your message was sent to 2 volunteers."]
    assert sorted(message.to for message in mail.outbox) == [["kim@example.org"], ["sam@example.org"]]
    for message in mail.outbox:
        assert (message.cc, message.bcc, message.reply_to) == ([], [], ["chicago@example.org"])
        assert (message.subject, message.body) == ("Parking", "Park behind the hall." + FOOTER)
        headers = message.message()
        assert headers["To"] == message.to[0]
        assert (headers["Cc"], headers["Bcc"]) == (None, None)
        assert headers["Reply-To"] == "chicago@example.org"
        assert message.recipients() == message.to


def test_email_event_can_include_the_waitlist(lead_client, event, crowd, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lead_client.post(
            reverse("dashboard:email_event", args=[event.pk]),
            {"subject": "Parking", "message": "Hi", "include_waitlisted": "on"},
        )

    assert sorted(message.to for message in mail.outbox) == [
        ["kim@example.org"],
        ["lou@example.org"],
        ["sam@example.org"],
    ]


def test_email_shift_reaches_only_that_shifts_volunteers(
    lead_client, event, event_shift, crowd, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(
            reverse("dashboard:email_shift", args=[event_shift.pk]),
            {"subject": "Greeters", "message": "Hi"},
            follow=True,
        )

    assert [message.to for message in mail.outbox] == [["sam@example.org"]]
    assert messages_of(response) == ["Your message was sent to 1 volunteer."]


def test_email_is_sent_only_after_commit(lead_client, event, crowd, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        lead_client.post(reverse("dashboard:email_event", args=[event.pk]), {"subject": "Later", "message": "Hi"})
        assert mail.outbox == []

    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 2


def test_line_breaks_in_the_subject_are_stripped(lead_client, event, signup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lead_client.post(
            reverse("dashboard:email_event", args=[event.pk]),
            {"subject": "Hello\r\nBcc: victim@example.org\n", "message": "Hi"},
        )

    [message] = mail.outbox
    assert message.subject == "Hello Bcc: victim@example.org"
    assert message.bcc == []
    raw = message.message().as_string()
    assert "\nBcc:" not in raw
    assert "Subject: Hello Bcc: victim@example.org\n" in raw


def test_a_header_with_a_line_break_is_refused_beside_the_field(
    lead_client, chapter, event, signup, django_capture_on_commit_callbacks
):
    # The form field would refuse such an address; a row written by other means must not slip through either.
    Chapter.objects.filter(pk=chapter.pk).update(contact_email="chicago@example.org\nBcc: victim@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(
            reverse("dashboard:email_event", args=[event.pk]), {"subject": "Hello", "message": "Hi"}
        )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "subject": ["The subject or the reply address contains a line break; remove it."]
    }
    assert mail.outbox == []


def test_replies_go_to_the_sender_when_the_chapter_has_no_contact_address(
    client, coordinator, chapter, event, signup, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dashboard:email_event", args=[event.pk]), {"subject": "Hello", "message": "Hi"})

    assert [message.reply_to for message in mail.outbox] == [["coordinator@example.org"]]


def test_empty_subject_and_message_are_refused(lead_client, event, signup):
    response = lead_client.post(reverse("dashboard:email_event", args=[event.pk]), {"subject": "\r\n", "message": ""})

    assert response.context["form"].errors == {
        "subject": ["This field is required."],
        "message": ["This field is required."],
    }
    assert mail.outbox == []
