"""
Messages to volunteers and leads: what each says, to whom, and recording it in the outbox.

Every `record_*` function is called inside the transaction of the change it reports (services.py)
or of the scheduler run (`send_due`), writes OutboxMessage rows keyed by their occasion through
notifications.services, which asks for delivery after commit (notifications.tasks). Bodies are
rendered when the message is recorded, from templates/emails/<kind>.txt and .html, with times in
the event's own zone; every message carries the chapter's help line and a link to the volunteer's
notification preferences.

It also holds the scheduled messages (reminders, the leads' digest) and the signed one-click
links of reminders: notifications/ sits below events/ and knows nothing of events
(docs/architecture.md).

Each message goes to one address: nobody sees another volunteer's email.
"""

import datetime as dt
import logging
import uuid
import zoneinfo
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.enums import MessageKind
from notifications.models import OutboxMessage
from notifications.services import message_record, messages_record_many, wants
from notifications.tasks import deliver_due
from outreach.enums import Role
from outreach.links import absolute_url
from outreach.models import Membership, User

from .enums import EventFormat, EventStatus, SignupStatus
from .ical import CalendarInfo, all_day_dates, render_calendar, signup_entry
from .models import Event, Shift, Signup

logger = logging.getLogger(__name__)

CHANGE_FIELDS = ("starts_at", "ends_at", "venue", "address", "online_url", "format")
"""Event fields whose change volunteers are told about: its time, its place, its online link."""

LINK_SALT = "events.signup-link"
LINK_ACTIONS = ("confirm", "cancel")
DAY_BEFORE = dt.timedelta(hours=12)
"""Reminder offsets at least this long are "the day before"; shorter ones are "on the day"."""


# Wording


def one_line(text: str) -> str:
    """`text` on one line: no CR, LF or other line break can reach a mail header."""
    return " ".join(str(text).split())


def local_time(value: dt.datetime, zone) -> dt.datetime:
    return timezone.localtime(value, zone)


def format_when(starts_at: dt.datetime, ends_at: dt.datetime, zone_name: str) -> str:
    """e.g. "Saturday 14 March 2026, 10:00-12:00 CDT (America/Chicago)", in the event's zone."""
    event_zone = zoneinfo.ZoneInfo(zone_name)
    start, end = local_time(starts_at, event_zone), local_time(ends_at, event_zone)
    day = f"{start:%A} {start.day} {start:%B %Y}"
    if start.date() == end.date():
        span = f"{start:%H:%M}\N{EN DASH}{end:%H:%M} {end:%Z}"
    else:
        span = f"{start:%H:%M} {start:%Z} \N{EN DASH} {end:%A} {end.day} {end:%B %Y}, {end:%H:%M} {end:%Z}"
    return f"{day}, {span} ({zone_name})"


# Signed one-click links


class _Signer(signing.TimestampSigner):
    """A TimestampSigner whose clock can be set, so a test can make a link that is already old."""

    def __init__(self, now: dt.datetime | None = None):
        super().__init__(salt=LINK_SALT)
        self._now = now

    def timestamp(self):
        if self._now is None:
            return super().timestamp()
        return signing.b62_encode(int(self._now.timestamp()))


def signup_link_token(signup: Signup, action: str, *, now: dt.datetime | None = None) -> str:
    """A token that lets its holder `confirm` or `cancel` this one signup, for SIGNUP_LINK_MAX_AGE_DAYS."""
    if action not in LINK_ACTIONS:
        raise ValueError(f"Unknown action {action!r}.")
    return _Signer(now).sign_object({"s": signup.pk, "a": action})


def read_signup_link(token: str, *, signup_id: int, action: str) -> None:
    """
    Check a token for `action` on signup `signup_id`. Raises signing.SignatureExpired when it is too
    old, signing.BadSignature when it was altered or is for another signup or action.
    """
    data = _Signer().unsign_object(token, max_age=dt.timedelta(days=settings.SIGNUP_LINK_MAX_AGE_DAYS))
    if not isinstance(data, dict) or data.get("s") != signup_id or data.get("a") != action:
        raise WrongSignup


class WrongSignup(signing.BadSignature):
    """A genuine token, but for another signup or another action."""


def signup_link(signup: Signup, action: str) -> str:
    token = signup_link_token(signup, action)
    return absolute_url(reverse("signup_link", kwargs={"pk": signup.pk, "action": action, "token": token}))


# Recording


@dataclass
class Draft:
    """A message ready to record."""

    kind: str
    user: User
    subject: str
    context: dict
    dedupe_key: str
    signup: Signup | None = None
    event: Event | None = None
    calendar: str = ""


def _render(draft: Draft) -> OutboxMessage:
    event = draft.event
    chapter = event.chapter if event is not None else draft.context.get("chapter")
    context = {
        "user": draft.user,
        "name": str(draft.user),
        "chapter": chapter,
        "help_line": chapter.help_line if chapter is not None else "",
        "preferences_url": absolute_url(reverse("notification_preferences")),
        "site_url": settings.SITE_URL,
        **draft.context,
    }
    if event is not None:
        context.setdefault("event", event)
        context.setdefault("event_url", absolute_url(event.get_absolute_url()))
    subject = one_line(draft.subject)[:300]
    context["subject"] = subject
    return OutboxMessage(
        user=draft.user,
        email=draft.user.email,
        kind=draft.kind,
        subject=subject,
        body_text=render_to_string(f"emails/{draft.kind}.txt", context),
        body_html=render_to_string(f"emails/{draft.kind}.html", context),
        calendar=draft.calendar,
        signup=draft.signup,
        event=event,
        dedupe_key=draft.dedupe_key,
    )


def record(draft: Draft) -> OutboxMessage | None:
    """
    Record one message in the current transaction and deliver it after commit. Nothing is recorded
    when the recipient turned the kind off or the occasion was already recorded.
    """
    if not wants(draft.user, draft.kind) or not draft.user.email:
        return None
    return message_record(_render(draft))


def record_many(drafts: list[Draft]) -> int:
    """Record messages whose occasions are not recorded yet; safe on several machines at once."""
    drafts = [draft for draft in drafts if wants(draft.user, draft.kind) and draft.user.email]
    if not drafts:
        return 0
    taken = set(
        OutboxMessage.objects.filter(dedupe_key__in=[d.dedupe_key for d in drafts]).values_list("dedupe_key", flat=True)
    )
    # Rendering is the costly part: occasions already recorded are skipped before it.
    return messages_record_many([_render(draft) for draft in drafts if draft.dedupe_key not in taken])


# Signups


def _calendar_for(signup: Signup) -> str:
    event = signup.shift.event
    info = CalendarInfo(
        name=event.title,
        description=event.summary,
        url=absolute_url(event.get_absolute_url()),
        source=absolute_url(reverse("feed_event", kwargs={"pk": event.pk})),
        timezone=event.timezone,
    )
    # The signup's own entry, as the personal feed shows it (same UID), for a confirmed place.
    entry = signup_entry(signup, show_private_location=True)
    return render_calendar(info, [entry], stamp=timezone.now()).decode()


def _signup_context(signup: Signup) -> dict:
    """`when` is the shift's time; `event_when` the event's public time, only where it differs."""
    shift = signup.shift
    event = shift.event
    where = event.whereabouts(private=signup.status == SignupStatus.CONFIRMED)
    same = (shift.starts_at, shift.ends_at) == (event.starts_at, event.ends_at)
    return {
        "signup": signup,
        "shift": shift,
        "event": event,
        "when": format_when(shift.starts_at, shift.ends_at, event.timezone),
        "event_when": "" if same else _event_when(event),
        "where": where.line,
        "online_url": where.online_url,
    }


def _event_when(event: Event) -> str:
    """The event's public time as format_when gives it, or its days for an all-day event."""
    if not event.all_day:
        return format_when(event.starts_at, event.ends_at, event.timezone)
    first, after_last = all_day_dates(event)
    last = after_last - dt.timedelta(days=1)
    days = [f"{day:%A} {day.day} {day:%B %Y}" for day in dict.fromkeys((first, last))]
    return _("%(days)s, all day") % {"days": " \N{EN DASH} ".join(days)}


def _new_signup_draft(signup: Signup, kind: str, subject: str, **extra) -> Draft:
    return Draft(
        kind=kind,
        user=signup.user,
        subject=subject,
        context={**_signup_context(signup), **extra},
        dedupe_key=f"{kind}:{signup.pk}",
        signup=signup,
        event=signup.shift.event,
    )


def _shift_is_ahead(shift: Shift) -> bool:
    """A signup taken for a past shift (as the demo data does) is not worth an email."""
    return shift.ends_at > timezone.now()


def record_signup_created(signup: Signup, *, waitlist_position: int | None) -> None:
    """Signup confirmed, with the event's .ics attached; or waitlisted, with the position."""
    if not _shift_is_ahead(signup.shift):
        return
    title = signup.shift.event.title
    if signup.status == SignupStatus.CONFIRMED:
        draft = _new_signup_draft(
            signup, MessageKind.SIGNUP_CONFIRMED, _("You're signed up: %(title)s") % {"title": title}
        )
        draft.calendar = _calendar_for(signup)
    else:
        draft = _new_signup_draft(
            signup,
            MessageKind.SIGNUP_WAITLISTED,
            _("You're on the waitlist (number %(position)s): %(title)s")
            % {"position": waitlist_position, "title": title},
            position=waitlist_position,
        )
    record(draft)


def record_promoted(signups: list[Signup]) -> None:
    for signup in signups:
        if not _shift_is_ahead(signup.shift):
            continue
        draft = _new_signup_draft(
            signup,
            MessageKind.SIGNUP_PROMOTED,
            _("A place opened up: you're confirmed for %(title)s") % {"title": signup.shift.event.title},
        )
        draft.calendar = _calendar_for(signup)
        record(draft)


def record_signup_cancelled(signup: Signup) -> None:
    if not _shift_is_ahead(signup.shift):
        return
    record(
        _new_signup_draft(
            signup,
            MessageKind.SIGNUP_CANCELLED,
            _("Your place is cancelled: %(title)s") % {"title": signup.shift.event.title},
        )
    )


# Event changes and cancellations


def snapshot(event: Event) -> dict:
    return {name: getattr(event, name) for name in CHANGE_FIELDS}


def _active_signups(event: Event, shifts=None):
    signups = Signup.objects.active().filter(shift__event=event).select_related("user", "shift")
    if shifts is not None:
        signups = signups.filter(shift__in=shifts)
    for signup in signups:
        signup.shift.event = event
        yield signup


def _changes(event: Event, before: dict, *, private: bool) -> list[dict]:
    """What changed, as (label, before, after) rows a recipient may read."""
    rows = []
    if (before["starts_at"], before["ends_at"]) != (event.starts_at, event.ends_at):
        rows.append(
            {
                "label": _("When"),
                "before": format_when(before["starts_at"], before["ends_at"], event.timezone),
                "after": format_when(event.starts_at, event.ends_at, event.timezone),
            }
        )
    old = Event(**{name: before[name] for name in ("venue", "address", "format")})
    old.address_visibility, old.online_url = event.address_visibility, before["online_url"]
    old_place, new_place = old.whereabouts(private=private).line, event.whereabouts(private=private).line
    if old_place != new_place:
        rows.append({"label": _("Where"), "before": old_place, "after": new_place})
    if before["online_url"] != event.online_url and event.format in EventFormat.with_online_link():
        if private:
            rows.append({"label": _("Online link"), "before": before["online_url"], "after": event.online_url})
        else:
            rows.append(
                {
                    "label": _("Online link"),
                    "before": "",
                    "after": _("changed; it is shown to confirmed volunteers"),
                }
            )
    return rows


def record_event_changed(event: Event, before: dict) -> None:
    """Tell everyone holding a place or a waitlist spot that the event moved, changed place or link."""
    if event.status != EventStatus.PUBLISHED or event.ends_at <= timezone.now():
        return
    if before == snapshot(event):
        return
    for signup in _active_signups(event):
        changes = _changes(event, before, private=signup.status == SignupStatus.CONFIRMED)
        if not changes:
            continue
        record(
            Draft(
                kind=MessageKind.EVENT_CHANGED,
                user=signup.user,
                subject=_("Changed: %(title)s") % {"title": event.title},
                context={**_signup_context(signup), "changes": changes},
                dedupe_key=f"event_changed:{event.pk}:{event.sequence}:{signup.pk}",
                signup=signup,
                event=event,
            )
        )


def record_shift_changed(shift: Shift, before: tuple[dt.datetime, dt.datetime]) -> None:
    """A shift moved inside its event: tell the people on it."""
    event = shift.event
    if before == (shift.starts_at, shift.ends_at) or event.status != EventStatus.PUBLISHED:
        return
    if shift.ends_at <= timezone.now():
        return
    row = {
        "label": _("When"),
        "before": format_when(*before, event.timezone),
        "after": format_when(shift.starts_at, shift.ends_at, event.timezone),
    }
    stamp = int(shift.starts_at.timestamp()), int(shift.ends_at.timestamp())
    for signup in _active_signups(event, shifts=[shift]):
        signup.shift = shift
        record(
            Draft(
                kind=MessageKind.EVENT_CHANGED,
                user=signup.user,
                subject=_("Changed: %(title)s") % {"title": event.title},
                context={**_signup_context(signup), "changes": [row]},
                dedupe_key=f"shift_changed:{shift.pk}:{stamp[0]}:{stamp[1]}:{signup.pk}",
                signup=signup,
                event=event,
            )
        )


def record_event_cancelled(event: Event) -> None:
    """Tell everyone holding a place or a waitlist spot, with the lead's note."""
    if event.ends_at <= timezone.now():
        return
    for signup in _active_signups(event):
        record(
            Draft(
                kind=MessageKind.EVENT_CANCELLED,
                user=signup.user,
                subject=_("Cancelled: %(title)s") % {"title": event.title},
                context={**_signup_context(signup), "note": event.cancellation_note},
                dedupe_key=f"event_cancelled:{event.pk}:{signup.pk}",
                signup=signup,
                event=event,
            )
        )


def record_shift_cancelled(shift: Shift, signups: list[Signup]) -> None:
    """Tell each volunteer whose place or waitlist spot on `shift` was cancelled with it, with the lead's note."""
    event = shift.event
    if shift.ends_at <= timezone.now():
        return
    for signup in signups:
        record(
            Draft(
                kind=MessageKind.SHIFT_CANCELLED,
                user=signup.user,
                subject=_("Cancelled: %(shift)s at %(title)s") % {"shift": shift.name, "title": event.title},
                context={**_signup_context(signup), "note": shift.cancellation_note},
                dedupe_key=f"shift_cancelled:{shift.pk}:{signup.pk}",
                signup=signup,
                event=event,
            )
        )


# Scheduled: reminders and the leads' digest


def reminder_kind(offset: dt.timedelta) -> str:
    return MessageKind.REMINDER_DAY_BEFORE if offset >= DAY_BEFORE else MessageKind.REMINDER_SAME_DAY


def due_reminders(now: dt.datetime) -> list[Draft]:
    """
    Reminders due at `now`: for each confirmed signup of a published event whose shift starts
    within an offset of REMINDER_OFFSETS, one reminder per offset, the shortest due offset only
    (a scheduler that was down does not send yesterday's reminder an hour before the shift), and
    none for an offset that had passed when the volunteer signed up.
    """
    offsets = [dt.timedelta(seconds=seconds) for seconds in settings.REMINDER_OFFSETS]
    if not offsets:
        return []
    signups = (
        Signup.objects.confirmed()
        .filter(
            shift__event__status=EventStatus.PUBLISHED,
            shift__starts_at__gt=now,
            shift__starts_at__lte=now + max(offsets),
        )
        .select_related("user", "shift__event__chapter")
        .order_by("pk")
    )
    drafts = []
    for signup in signups:
        due = [offset for offset in offsets if signup.shift.starts_at - offset <= now]
        offset = min(due)
        if signup.created_at > signup.shift.starts_at - offset:
            continue
        kind = reminder_kind(offset)
        event = signup.shift.event
        hours = int(offset.total_seconds() // 3600)
        subject = (_("Tomorrow: %(title)s") if kind == MessageKind.REMINDER_DAY_BEFORE else _("Today: %(title)s")) % {
            "title": event.title
        }
        drafts.append(
            Draft(
                kind=kind,
                user=signup.user,
                subject=subject,
                context={
                    **_signup_context(signup),
                    "hours": hours,
                    "confirm_url": signup_link(signup, "confirm"),
                    "cancel_url": signup_link(signup, "cancel"),
                },
                dedupe_key=f"reminder:{signup.pk}:{int(offset.total_seconds())}",
                signup=signup,
                event=event,
            )
        )
    return drafts


def due_digests(now: dt.datetime) -> list[Draft]:
    """
    Each chapter lead's digest for today, once their day has reached LEAD_DIGEST_HOUR in the zone of
    the first chapter they lead: yesterday's (local) new signups and cancellations on the upcoming
    events of every chapter they lead. Nothing when there was no such activity.
    """
    leads: dict[int, list] = {}
    for membership in (
        Membership.objects.filter(role=Role.LEAD, user__is_active=True, user__notify_lead_digest=True)
        .select_related("user", "chapter")
        .order_by("user_id", "chapter_id")
    ):
        leads.setdefault(membership.user_id, []).append(membership)
    drafts = []
    for memberships in leads.values():
        lead, first = memberships[0].user, memberships[0].chapter
        zone = zoneinfo.ZoneInfo(first.timezone)
        local_now = local_time(now, zone)
        if local_now.hour < settings.LEAD_DIGEST_HOUR:
            continue
        day_start = dt.datetime.combine(local_now.date(), dt.time(0), tzinfo=zone)
        window = (day_start - dt.timedelta(days=1), day_start)
        key = f"lead_digest:{lead.pk}:{local_now.date().isoformat()}"
        if OutboxMessage.objects.filter(dedupe_key=key).exists():
            continue
        activity = (
            Signup.objects.filter(
                shift__event__chapter__in=[m.chapter_id for m in memberships],
                shift__event__ends_at__gt=now,
            )
            .filter(
                Q(created_at__gte=window[0], created_at__lt=window[1])
                | Q(cancelled_at__gte=window[0], cancelled_at__lt=window[1])
            )
            .select_related("user", "shift__event")
            .order_by("shift__event__starts_at", "shift__event_id", "pk")
        )
        events: dict[int, dict] = {}
        for signup in activity:
            event = signup.shift.event
            entry = events.setdefault(
                event.pk,
                {
                    "event": event,
                    "when": format_when(event.starts_at, event.ends_at, event.timezone),
                    "url": absolute_url(event.get_absolute_url()),
                    "new": [],
                    "cancelled": [],
                },
            )
            row = {"name": str(signup.user), "shift": signup.shift.name, "status": signup.get_status_display()}
            if signup.cancelled_at and window[0] <= signup.cancelled_at < window[1]:
                entry["cancelled"].append(row)
            if window[0] <= signup.created_at < window[1]:
                entry["new"].append(row)
        if not events:
            continue
        drafts.append(
            Draft(
                kind=MessageKind.LEAD_DIGEST,
                user=lead,
                subject=_("Signups and cancellations, %(day)s")
                % {"day": f"{window[0]:%A} {window[0].day} {window[0]:%B}"},
                context={
                    "chapter": first,
                    "chapters": [m.chapter for m in memberships],
                    "day": f"{window[0]:%A} {window[0].day} {window[0]:%B %Y}",
                    "events": list(events.values()),
                },
                dedupe_key=key,
            )
        )
    return drafts


def send_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """
    One scheduler run: record the reminders and leads' digests that are due (each occasion once,
    whichever machine records it first), then hand every queued message whose time has come to
    delivery, new ones and retries alike. Safe to run every minute on several machines at once.
    """
    now = now or timezone.now()
    reminders = record_many(due_reminders(now))
    digests = record_many(due_digests(now))
    return {"reminders": reminders, "digests": digests, **deliver_due(now=now)}


# From the chapter


def record_volunteer_message(
    *, event: Event, shift: Shift | None = None, sender: User, subject: str, body: str, include_waitlisted: bool
) -> int:
    """
    A lead's message to the volunteers of `event`, or of one `shift` of it: one message to each
    volunteer with a confirmed place there (and a waitlist spot, if `include_waitlisted`), however
    many shifts they hold; cancelled signups never. Returns how many messages were recorded.

    Unlike the other record_* functions it owns its transaction, since the message is the whole
    change. In order:

    1. refuses, before recording anything, a chapter contact email that is not one valid address;
    2. records the messages, with Reply-To the chapter's contact email, or the site's own address
       (DEFAULT_FROM_EMAIL's) when the chapter has none: never the sender's own address, which would
       reach every volunteer;
    3. after commit, hands each to delivery; those the mail server refuses stay queued for send_due.

    Each call is a new occasion: the same text sent again later goes out again, but one call never
    yields two messages to one person.
    """
    reply_to = event.chapter.contact_email
    if reply_to:
        try:
            validate_email(reply_to)
        except ValidationError:
            raise ValidationError(
                _("The chapter's contact email is not a valid address; ask staff to correct it first."),
                code="invalid_reply_to",
            ) from None
    else:
        reply_to = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    statuses = [SignupStatus.CONFIRMED, *([SignupStatus.WAITLISTED] if include_waitlisted else [])]
    scope = {"shift": shift} if shift is not None else {"shift__event": event}
    occasion = uuid.uuid4().hex
    recorded = 0
    with transaction.atomic(durable=True):
        first: dict[int, Signup] = {}
        for signup in Signup.objects.filter(status__in=statuses, **scope).select_related("user").order_by("pk"):
            first.setdefault(signup.user_id, signup)
        for signup in first.values():
            user = signup.user
            if not user.email or not wants(user, MessageKind.VOLUNTEER_MESSAGE):
                continue
            message = _render(
                Draft(
                    kind=MessageKind.VOLUNTEER_MESSAGE,
                    user=user,
                    subject=subject,
                    context={"text": body, "shift": shift},
                    dedupe_key=f"volunteer_message:{occasion}:{user.pk}",
                    signup=signup,
                    event=event,
                )
            )
            message.reply_to = reply_to
            recorded += message_record(message) is not None
    logger.info("User %s messaged %s volunteer(s) of event %s", sender.pk, recorded, event.pk)
    return recorded
