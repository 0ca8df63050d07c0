from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import MessageKind, MessageState


class OutboxMessage(models.Model):
    """
    One email to one person, recorded in the transaction of the change that causes it and delivered
    after commit (notifications.tasks). `dedupe_key` names the occasion, so an occasion yields one
    message however often or on however many machines it is recorded; the state moves queued ->
    sending -> sent, or back to queued with `next_attempt_at` after a failure, or to failed after
    the last attempt.

    The table, its constraints and its index keep the names they had when the model lived in
    `events` (docs/architecture.md, "Moving a model"). `event` and `signup` point up to the events
    app by name only, for the admin: nothing in this app imports events.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("recipient"),
    )
    email = models.EmailField(_("recipient address"))
    kind = models.CharField(_("kind"), max_length=32, choices=MessageKind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("plain-text body"))
    body_html = models.TextField(_("HTML body"))
    calendar = models.TextField(_("calendar attachment"), blank=True, help_text=_("An .ics file sent along, if any."))
    reply_to = models.EmailField(
        _("reply address"), blank=True, help_text=_("Where replies go, if not to the sender address of the site.")
    )
    signup = models.ForeignKey(
        "events.Signup", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("signup")
    )
    event = models.ForeignKey(
        "events.Event", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("event")
    )
    dedupe_key = models.CharField(_("occasion"), max_length=200, unique=True)
    state = models.CharField(_("state"), max_length=16, choices=MessageState.choices, default=MessageState.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "events_outboxmessage"
        ordering = ["pk"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MessageKind.values), name="events_outboxmessage_kind_valid"),
            models.CheckConstraint(condition=Q(state__in=MessageState.values), name="events_outboxmessage_state_valid"),
            models.CheckConstraint(
                condition=Q(state=MessageState.SENT) | Q(sent_at__isnull=True),
                name="events_outboxmessage_sent_at_only_when_sent",
            ),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="events_outbox_due_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.email} ({self.get_state_display()})"
