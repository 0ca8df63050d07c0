"""
Emailing an event's or a shift's volunteers: one outbox message each, nobody sees another's address,
replies go to the chapter and never to the lead, and a mail server that is down delays it, once.
"""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.enums import SignupStatus
from events.messages import send_due
from notifications.enums import MessageKind, MessageState
from notifications.models import OutboxMessage
from outreach.models import Chapter
from tests.factories import ShiftFactory, SignupFactory, UserFactory

from .conftest import messages_of

DOWN = "tests.notifications.mail_backends.DownBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
HELP_LINE = "National Human Trafficking Hotline: 1-888-373-7888"


@pytest.fixture(autouse=True)
def _mail_settings(settings):
    settings.TASKS_BACKEND = "immediate"
    settings.EMAIL_BACKEND = LOCMEM
    settings.DEFAULT_FROM_EMAIL = "Outreach <outreach@example.org>"


@pytest.fixture
def lead_client(client, lead, chapter):
    Chapter.objects.filter(pk=chapter.pk).update(contact_email="chicago@example.org", help_line=HELP_LINE)
    client.force_login(lead)
    return client


@pytest.fixture
def crowd(event, event_shift, signup, volunteer):
    """Sam confirmed on two shifts, Kim confirmed on the second, Lou waitlisted, Max cancelled."""
    second = ShiftFactory(event=event, name="Table host", capacity=2)
    SignupFactory(shift=second, user=volunteer)
    SignupFactory(shift=second, user=UserFactory(email="kim@example.org", display_name="Kim"))
    SignupFactory(shift=event_shift, user=UserFactory(email="lou@example.org"), status=SignupStatus.WAITLISTED)
    SignupFactory(shift=event_shift, user=UserFactory(email="max@example.org"), status=SignupStatus.CANCELLED)
    return second


def _post(client, url, data, capture):
    with capture(execute=True):
        return client.post(url, data, follow=True)


def _rows():
    return sorted(
        (m.kind, m.email, m.reply_to, m.subject, m.state) for m in OutboxMessage.objects.select_related("user")
    )


def test_email_page_says_who_gets_it_and_where_replies_go(lead_client, event, crowd):
    response = lead_client.get(reverse("dashboard:email_event", args=[event.pk]))

    assert "2 confirmed volunteers" in response.text
    assert "1 on the waitlist" in response.text
    assert "Replies go to chicago@example.org, the chapter's contact email." in response.text
    assert '<label for="id_subject">Subject:</label>' in response.text
    assert "sam@example.org" not in response.text


def test_email_page_without_a_chapter_address_says_replies_go_to_the_site(client, coordinator, event, signup):
    client.force_login(coordinator)

    response = client.get(reverse("dashboard:email_event", args=[event.pk]))

    assert (
        "Replies go to the site's address, Outreach &lt;outreach@example.org&gt;, not to yours: "
        "the chapter has no contact email, and staff can set one."
    ) in response.text
    assert "coordinator@example.org" not in response.text


def test_email_event_records_one_outbox_message_per_confirmed_volunteer(
    lead_client, event, crowd, volunteer, django_capture_on_commit_callbacks
):
    response = _post(
        lead_client,
        reverse("dashboard:email_event", args=[event.pk]),
        {"subject": "Parking", "message": "Park behind the hall.\nThe side door is open."},
        django_capture_on_commit_callbacks,
    )

    assert messages_of(response) == ["Your message was queued for 2 volunteers."]
    assert _rows() == [
        (MessageKind.VOLUNTEER_MESSAGE, "kim@example.org", "chicago@example.org", "Parking", MessageState.SENT),
        (MessageKind.VOLUNTEER_MESSAGE, "sam@example.org", "chicago@example.org", "Parking", MessageState.SENT),
    ]
    sam = OutboxMessage.objects.get(email="sam@example.org")
    assert (sam.user, sam.event, sam.signup.user, sam.attempts) == (volunteer, event, volunteer, 1)
    assert sam.body_text == (
        "Hello Sam,\n\n"
        "Park behind the hall.\nThe side door is open.\n\n"
        'You receive this message because you signed up for "Parents night" with Chicago.\n'
        f"Event details: https://outreach.test/events/{event.pk}/\n"
        "\n"
        "--\n"
        "Chicago <chicago@example.org>\n"
        f"{HELP_LINE}\n\n"
        "Manage your notifications: https://outreach.test/notifications/preferences/\n"
    )
    assert "<p>Park behind the hall.<br>The side door is open.</p>" in sam.body_html
    assert (
        "You receive this message because you signed up for "
        f'<a href="https://outreach.test/events/{event.pk}/">&ldquo;Parents night&rdquo;</a> with Chicago.'
    ) in sam.body_html
    assert f"{HELP_LINE}<br>" in sam.body_html


def test_each_volunteer_gets_one_delivered_copy_addressed_to_them_alone(
    lead_client, event, crowd, django_capture_on_commit_callbacks
):
    _post(
        lead_client,
        reverse("dashboard:email_event", args=[event.pk]),
        {"subject": "Parking", "message": "Park behind the hall."},
        django_capture_on_commit_callbacks,
    )

    assert sorted(message.to for message in mail.outbox) == [["kim@example.org"], ["sam@example.org"]]
    for message in mail.outbox:
        assert (message.cc, message.bcc, message.reply_to) == ([], [], ["chicago@example.org"])
        assert message.from_email == "Outreach <outreach@example.org>"
        assert message.subject == "Parking"
        assert "Park behind the hall." in message.body
        headers = message.message()
        assert headers["To"] == message.to[0]
        assert (headers["Cc"], headers["Bcc"]) == (None, None)
        assert headers["Reply-To"] == "chicago@example.org"
        assert message.recipients() == message.to
        assert "lead@example.org" not in headers.as_string()


def test_the_leads_text_is_escaped_in_html_and_kept_as_written_in_text(
    lead_client, event, signup, django_capture_on_commit_callbacks
):
    _post(
        lead_client,
        reverse("dashboard:email_event", args=[event.pk]),
        {"subject": "Tonight", "message": 'Bring <b>snacks</b> & "water"\n\nSee you!'},
        django_capture_on_commit_callbacks,
    )

    message = OutboxMessage.objects.get()
    assert "<p>Bring &lt;b&gt;snacks&lt;/b&gt; &amp; &quot;water&quot;<br><br>See you!</p>" in message.body_html
    assert "<b>" not in message.body_html
    assert 'Hello Sam,\n\nBring <b>snacks</b> & "water"\n\nSee you!\n\n' in message.body_text


def test_email_event_can_include_the_waitlist(lead_client, event, crowd, django_capture_on_commit_callbacks):
    response = _post(
        lead_client,
        reverse("dashboard:email_event", args=[event.pk]),
        {"subject": "Parking", "message": "Hi", "include_waitlisted": "on"},
        django_capture_on_commit_callbacks,
    )

    assert messages_of(response) == ["Your message was queued for 3 volunteers."]
    assert [email for _kind, email, *_rest in _rows()] == ["kim@example.org", "lou@example.org", "sam@example.org"]
    assert sorted(message.to for message in mail.outbox) == [
        ["kim@example.org"],
        ["lou@example.org"],
        ["sam@example.org"],
    ]


def test_email_shift_reaches_only_that_shifts_volunteers(
    lead_client, event, event_shift, crowd, django_capture_on_commit_callbacks
):
    response = _post(
        lead_client,
        reverse("dashboard:email_shift", args=[event_shift.pk]),
        {"subject": "Greeters", "message": "Hi"},
        django_capture_on_commit_callbacks,
    )

    assert [message.to for message in mail.outbox] == [["sam@example.org"]]
    assert messages_of(response) == ["Your message was queued for 1 volunteer."]
    [message] = OutboxMessage.objects.all()
    assert (message.email, message.signup.shift) == ("sam@example.org", event_shift)
    assert (
        'You receive this message because you signed up for the shift "Greeter" of "Parents night" with Chicago.\n'
    ) in message.body_text


def test_the_message_goes_even_to_a_volunteer_who_turned_optional_messages_off(
    lead_client, event, signup, volunteer, django_capture_on_commit_callbacks
):
    volunteer.notify_event_changes = volunteer.notify_reminder_day_before = volunteer.notify_reminder_same_day = False
    volunteer.save()

    _post(
        lead_client,
        reverse("dashboard:email_event", args=[event.pk]),
        {"subject": "Hello", "message": "Hi"},
        django_capture_on_commit_callbacks,
    )

    assert [message.to for message in mail.outbox] == [["sam@example.org"]]


def test_email_is_delivered_only_after_commit(lead_client, event, crowd, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        lead_client.post(reverse("dashboard:email_event", args=[event.pk]), {"subject": "Later", "message": "Hi"})
        assert mail.outbox == []
        assert {m.state for m in OutboxMessage.objects.all()} == {MessageState.QUEUED}

    assert len(callbacks) == 2
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2


def test_a_mail_server_that_is_down_leaves_the_messages_queued_and_send_due_delivers_them_once(
    lead_client, event, crowd, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = DOWN

    response = _post(
        lead_client,
        reverse("dashboard:email_event", args=[event.pk]),
        {"subject": "Parking", "message": "Park behind the hall."},
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 200
    assert messages_of(response) == ["Your message was queued for 2 volunteers."]
    assert mail.outbox == []
    assert sorted((m.email, m.state, m.attempts, m.last_error) for m in OutboxMessage.objects.all()) == [
        ("kim@example.org", MessageState.QUEUED, 1, "SMTPServerDisconnected: Connection unexpectedly closed"),
        ("sam@example.org", MessageState.QUEUED, 1, "SMTPServerDisconnected: Connection unexpectedly closed"),
    ]

    settings.EMAIL_BACKEND = LOCMEM
    later = timezone.now() + dt.timedelta(minutes=5)
    first = send_due(now=later)
    second = send_due(now=later + dt.timedelta(hours=1))

    assert (first["sent"], second["sent"], second["due"]) == (2, 0, 0)
    assert sorted((m.to, m.subject, m.reply_to) for m in mail.outbox) == [
        (["kim@example.org"], "Parking", ["chicago@example.org"]),
        (["sam@example.org"], "Parking", ["chicago@example.org"]),
    ]
    assert sorted((m.email, m.state, m.attempts, m.last_error) for m in OutboxMessage.objects.all()) == [
        ("kim@example.org", MessageState.SENT, 2, ""),
        ("sam@example.org", MessageState.SENT, 2, ""),
    ]


def test_sending_the_same_text_again_is_a_new_message(lead_client, event, signup, django_capture_on_commit_callbacks):
    url = reverse("dashboard:email_event", args=[event.pk])
    data = {"subject": "Reminder", "message": "Bring water."}

    _post(lead_client, url, data, django_capture_on_commit_callbacks)
    _post(lead_client, url, data, django_capture_on_commit_callbacks)

    assert [message.to for message in mail.outbox] == [["sam@example.org"], ["sam@example.org"]]
    keys = list(OutboxMessage.objects.values_list("dedupe_key", flat=True))
    assert len(set(keys)) == 2
    assert all(key.startswith("volunteer_message:") and key.endswith(f":{signup.user.pk}") for key in keys)


def test_a_line_break_in_the_subject_is_refused_beside_it_and_nothing_sent(
    lead_client, event, signup, django_capture_on_commit_callbacks
):
    # A line break in a header would start a new one (here a Bcc): refused, not mended.
    response = _post(
        lead_client,
        reverse("dashboard:email_event", args=[event.pk]),
        {"subject": "Hello\r\nBcc: victim@example.org\n", "message": "Hi"},
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "subject": ["Keep this to one line: remove the line break or tab at position 6."]
    }
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_a_chapter_address_with_a_line_break_is_refused_above_the_form(
    lead_client, chapter, event, signup, django_capture_on_commit_callbacks
):
    # The chapter's form field would refuse such an address; a row written by other means must not slip through.
    Chapter.objects.filter(pk=chapter.pk).update(contact_email="chicago@example.org\nBcc: victim@example.org")

    response = _post(
        lead_client,
        reverse("dashboard:email_event", args=[event.pk]),
        {"subject": "Hello", "message": "Hi"},
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "__all__": ["The chapter's contact email is not a valid address; ask staff to correct it first."]
    }
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_replies_go_to_the_site_never_the_sender_when_the_chapter_has_no_contact_address(
    client, coordinator, event, signup, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)

    _post(
        client,
        reverse("dashboard:email_event", args=[event.pk]),
        {"subject": "Hello", "message": "Hi"},
        django_capture_on_commit_callbacks,
    )

    assert _rows() == [
        (MessageKind.VOLUNTEER_MESSAGE, "sam@example.org", "outreach@example.org", "Hello", MessageState.SENT)
    ]
    [message] = mail.outbox
    assert (message.to, message.reply_to) == (["sam@example.org"], ["outreach@example.org"])
    raw = message.message()
    assert (raw["From"], raw["Reply-To"]) == ("Outreach <outreach@example.org>", "outreach@example.org")
    assert "coordinator@example.org" not in raw.as_string()


@pytest.mark.parametrize("name", ["email_event", "email_shift"])
def test_another_chapters_lead_gets_404_and_nothing_is_sent(
    client, other_lead, event, event_shift, signup, name, django_capture_on_commit_callbacks
):
    client.force_login(other_lead)
    url = reverse(f"dashboard:{name}", args=[event.pk if name == "email_event" else event_shift.pk])

    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(url)
        post = client.post(url, {"subject": "Hello", "message": "Hi"})

    assert (page.status_code, post.status_code) == (404, 404)
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_empty_subject_and_message_are_refused(lead_client, event, signup):
    response = lead_client.post(reverse("dashboard:email_event", args=[event.pk]), {"subject": "\r\n", "message": ""})

    assert response.context["form"].errors == {
        "subject": ["This field is required."],
        "message": ["This field is required."],
    }
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []
