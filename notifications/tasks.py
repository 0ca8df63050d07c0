"""
Background work: delivering outbox messages.

Tasks use django-tasks, the backport of Django 6's django.tasks (the import is the only line that
changes there). Which backend runs them is TASKS_BACKEND: in the web process right after the
commit (immediate), or queued in the database for `manage.py db_worker` processes (database).

Delivery is idempotent: a message is claimed by a conditional UPDATE from queued to sending, which
exactly one caller wins, however many tasks or machines try at once; so a task that runs twice, or
a scheduler that enqueues a message a worker already holds, sends nothing twice.
"""

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from .enums import MessageState
from .models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_BACKOFF = dt.timedelta(hours=6)
MAIL_ERRORS = (smtplib.SMTPException, OSError)
"""A mail server that is down, refuses or times out: worth trying again later."""


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff: NOTIFICATION_RETRY_SECONDS, doubled after each failed attempt, at most 6 hours."""
    return min(dt.timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _email(message: OutboxMessage) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.email],
        reply_to=[message.reply_to] if message.reply_to else None,
        headers={"Auto-Submitted": "auto-generated"},
    )
    email.attach_alternative(message.body_html, "text/html")
    if message.calendar:
        email.attach("event.ics", message.calendar, "text/calendar; charset=utf-8; method=PUBLISH")
    return email


def deliver(message_id: int, *, now: dt.datetime | None = None) -> bool:
    """
    Send one queued message whose time has come; return whether this call sent it.

    A mail-server failure puts it back in the queue with the error and a later `next_attempt_at`,
    or marks it failed after NOTIFICATION_MAX_ATTEMPTS.
    """
    now = now or timezone.now()
    claimed = OutboxMessage.objects.filter(pk=message_id, state=MessageState.QUEUED, next_attempt_at__lte=now).update(
        state=MessageState.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        _email(message).send(fail_silently=False)
    except MAIL_ERRORS as exc:
        error = f"{type(exc).__name__}: {exc}"
        final = message.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
        OutboxMessage.objects.filter(pk=message_id, state=MessageState.SENDING).update(
            state=MessageState.FAILED if final else MessageState.QUEUED,
            claimed_at=None,
            last_error=error,
            next_attempt_at=now + retry_delay(message.attempts),
        )
        logger.warning("Message %s not sent (attempt %s): %s", message_id, message.attempts, error)
        return False
    except Exception as exc:
        # Not the mail server: trying again will not help. Visible in the admin as failed.
        OutboxMessage.objects.filter(pk=message_id).update(
            state=MessageState.FAILED, claimed_at=None, last_error=f"{type(exc).__name__}: {exc}"
        )
        logger.exception("Message %s could not be sent", message_id)
        return False
    OutboxMessage.objects.filter(pk=message_id).update(
        state=MessageState.SENT, claimed_at=None, sent_at=timezone.now(), last_error=""
    )
    return True


@task()
def deliver_message(message_id: int) -> bool:
    return deliver(message_id)


def enqueue_delivery(message_id: int) -> None:
    deliver_message.enqueue(message_id)


def due_message_ids(now: dt.datetime) -> list[int]:
    """
    Queued messages whose time has come, after putting back in the queue those a worker claimed
    NOTIFICATION_SENDING_TIMEOUT ago and never finished (it died mid-send).
    """
    stale = now - dt.timedelta(seconds=settings.NOTIFICATION_SENDING_TIMEOUT)
    OutboxMessage.objects.filter(state=MessageState.SENDING, claimed_at__lt=stale).update(
        state=MessageState.QUEUED, claimed_at=None, next_attempt_at=now
    )
    return list(
        OutboxMessage.objects.filter(state=MessageState.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )


def deliver_due(*, now: dt.datetime) -> dict[str, int]:
    """
    Hand every queued message whose time has come to delivery, new ones and retries alike: sent
    here with the immediate backend, enqueued for the workers otherwise.
    """
    due = due_message_ids(now)
    sent = 0
    for message_id in due:
        if settings.TASKS_BACKEND == "immediate":
            sent += deliver(message_id, now=now)
        else:
            enqueue_delivery(message_id)
    return {"due": len(due), "sent": sent}
