"""The outbox: recorded with the change, delivered once, retried with backoff when the mail server is down."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from events.enums import SignupStatus
from events.messages import send_due
from events.models import Signup
from events.services import signup_cancel, signup_create
from notifications.enums import MessageKind, MessageState
from notifications.models import OutboxMessage
from notifications.tasks import deliver, deliver_message, retry_delay

DOWN = "tests.notifications.mail_backends.DownBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def zone():
    return "America/Chicago"


def test_signup_is_saved_when_the_mail_server_is_down_and_sent_once_later(place, volunteers, committed, settings):
    settings.EMAIL_BACKEND = DOWN

    signup = committed(signup_create, user=volunteers[0], shift=place["shift"])

    assert Signup.objects.get(pk=signup.pk).status == SignupStatus.CONFIRMED
    message = OutboxMessage.objects.get()
    assert (message.state, message.attempts, message.sent_at) == (MessageState.QUEUED, 1, None)
    assert message.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert message.next_attempt_at > timezone.now()
    assert mail.outbox == []

    settings.EMAIL_BACKEND = LOCMEM
    later = timezone.now() + dt.timedelta(minutes=5)
    first = send_due(now=later)
    second = send_due(now=later)

    assert (first["sent"], second["sent"]) == (1, 0)
    assert [m.to for m in mail.outbox] == [["v1@example.org"]]
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (MessageState.SENT, 2, "")


def test_promotion_is_kept_when_the_mail_server_is_down(place, volunteers, committed, settings):
    signups = [committed(signup_create, user=user, shift=place["shift"]) for user in volunteers[:3]]
    mail.outbox.clear()
    settings.EMAIL_BACKEND = DOWN

    cancelled = committed(signup_cancel, signup=signups[0])

    assert [s.pk for s in cancelled.promoted] == [signups[2].pk]
    assert Signup.objects.get(pk=signups[2].pk).status == SignupStatus.CONFIRMED
    promoted = OutboxMessage.objects.get(kind=MessageKind.SIGNUP_PROMOTED)
    assert (promoted.state, promoted.email) == (MessageState.QUEUED, "v3@example.org")
    assert promoted.last_error.startswith("SMTPServerDisconnected")

    settings.EMAIL_BACKEND = LOCMEM
    out = io.StringIO()
    call_command("send_due", stdout=out)  # the backoff has not passed yet
    assert mail.outbox == []
    assert out.getvalue() == "0 reminder(s) and 0 digest(s) recorded; 0 message(s) due, 0 sent here.\n"
    send_due(now=timezone.now() + dt.timedelta(minutes=5))
    send_due(now=timezone.now() + dt.timedelta(minutes=10))

    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("v1@example.org", "Your place is cancelled: Awareness evening"),
        ("v3@example.org", "A place opened up: you're confirmed for Awareness evening"),
    ]


def test_a_task_that_runs_twice_sends_once(place, volunteers, committed):
    committed(signup_create, user=volunteers[0], shift=place["shift"])
    message = OutboxMessage.objects.get()

    deliver_message.enqueue(message.pk)
    assert deliver(message.pk) is False

    assert len(mail.outbox) == 1


def test_backoff_doubles_and_the_last_attempt_fails(place, volunteers, committed, settings):
    settings.EMAIL_BACKEND = DOWN
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    committed(signup_create, user=volunteers[0], shift=place["shift"])
    message = OutboxMessage.objects.get()
    delays = [(message.next_attempt_at - message.claimed_at) if message.claimed_at else None]
    now = timezone.now()
    for _ in range(2):
        now += dt.timedelta(hours=1)
        deliver(message.pk, now=now)
        message.refresh_from_db()
        delays.append(message.next_attempt_at - now)

    assert [retry_delay(n) for n in (1, 2, 3, 20)] == [
        dt.timedelta(minutes=1),
        dt.timedelta(minutes=2),
        dt.timedelta(minutes=4),
        dt.timedelta(hours=6),
    ]
    assert delays[1] == dt.timedelta(minutes=2)
    assert (message.state, message.attempts) == (MessageState.FAILED, 3)
    assert deliver(message.pk, now=now + dt.timedelta(days=1)) is False


def test_a_message_stuck_in_sending_is_taken_up_again(place, volunteers, settings):
    signup = signup_create(user=volunteers[0], shift=place["shift"])  # not committed: nothing sent yet
    message = OutboxMessage.objects.get(signup=signup)
    now = timezone.now()
    OutboxMessage.objects.filter(pk=message.pk).update(state=MessageState.SENDING, claimed_at=now)

    assert send_due(now=now + dt.timedelta(minutes=1))["sent"] == 0
    assert send_due(now=now + dt.timedelta(seconds=settings.NOTIFICATION_SENDING_TIMEOUT + 1))["sent"] == 1
    assert len(mail.outbox) == 1


def test_outbox_is_visible_read_only_in_the_admin(place, volunteers, committed, client, django_user_model):
    committed(signup_create, user=volunteers[0], shift=place["shift"])
    message = OutboxMessage.objects.get()
    client.force_login(django_user_model.objects.create_superuser(email="root@example.org", password="x"))

    listing = client.get("/admin/notifications/outboxmessage/")
    detail = client.get(f"/admin/notifications/outboxmessage/{message.pk}/change/")
    post = client.post(f"/admin/notifications/outboxmessage/{message.pk}/change/", {"state": "queued"})

    assert listing.status_code == 200
    assert "v1@example.org" in listing.text
    assert "Sent" in listing.text
    assert detail.status_code == 200
    assert "signup_confirmed:" in detail.text
    assert post.status_code == 403
    assert OutboxMessage.objects.get().state == MessageState.SENT
