"""
Recording messages in the outbox.

A message is recorded inside the transaction of the change that causes it, so it exists exactly
when the change does, and is handed to delivery (notifications.tasks) after that transaction
commits. What a message says is decided by the app that records it (events.messages).
"""

import functools

from django.db import IntegrityError, transaction

from .enums import MessageKind
from .models import OutboxMessage
from .tasks import enqueue_delivery


def wants(user, kind: str) -> bool:
    """Whether `user` gets messages of `kind`: optional kinds follow their preference, the others always go."""
    field = MessageKind.optional().get(kind)
    return field is None or bool(getattr(user, field))


def message_record(message: OutboxMessage) -> OutboxMessage | None:
    """
    Save one unsaved message in the current transaction and deliver it after commit. Nothing is
    recorded when its occasion (`dedupe_key`) was already recorded.
    """
    try:
        with transaction.atomic():  # a savepoint: a duplicate occasion must not undo the change
            message.save()
    except IntegrityError:
        return None
    deliver_after_commit(message.pk)
    return message


def messages_record_many(messages: list[OutboxMessage]) -> int:
    """
    Save messages whose occasions are not recorded yet; safe on several machines at once. They
    are delivered by the scheduler run that recorded them (tasks.deliver_due), not after commit.
    """
    if not messages:
        return 0
    taken = set(
        OutboxMessage.objects.filter(dedupe_key__in=[m.dedupe_key for m in messages]).values_list(
            "dedupe_key", flat=True
        )
    )
    fresh = [message for message in messages if message.dedupe_key not in taken]
    # ON CONFLICT DO NOTHING: another scheduler may have recorded the same occasions meanwhile.
    OutboxMessage.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


def deliver_after_commit(message_id: int) -> None:
    # robust: a queue that refuses the task must not undo the change; send_due retries the message.
    transaction.on_commit(functools.partial(enqueue_delivery, message_id), robust=True)
