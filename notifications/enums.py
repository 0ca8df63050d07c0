from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageKind(models.TextChoices):
    """
    What an outbox message is about. Kinds in `optional()` can be turned off by the recipient; the
    others always go, among them a lead's message to the volunteers of an event, which is its point.
    """

    SIGNUP_CONFIRMED = "signup_confirmed", _("Signup confirmed")
    SIGNUP_WAITLISTED = "signup_waitlisted", _("Waitlisted")
    SIGNUP_PROMOTED = "signup_promoted", _("Promoted from the waitlist")
    SIGNUP_CANCELLED = "signup_cancelled", _("Signup cancelled")
    EVENT_CHANGED = "event_changed", _("Event changed")
    EVENT_CANCELLED = "event_cancelled", _("Event cancelled")
    SHIFT_CANCELLED = "shift_cancelled", _("Shift cancelled")
    REMINDER_DAY_BEFORE = "reminder_day_before", _("Reminder the day before")
    REMINDER_SAME_DAY = "reminder_same_day", _("Reminder on the day")
    LEAD_DIGEST = "lead_digest", _("Daily digest for leads")
    VOLUNTEER_MESSAGE = "volunteer_message", _("Message from the chapter")

    @classmethod
    def optional(cls) -> dict[str, str]:
        """Optional kinds and the User field that turns each on or off."""
        return {
            cls.REMINDER_DAY_BEFORE: "notify_reminder_day_before",
            cls.REMINDER_SAME_DAY: "notify_reminder_same_day",
            cls.EVENT_CHANGED: "notify_event_changes",
            cls.LEAD_DIGEST: "notify_lead_digest",
        }


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
