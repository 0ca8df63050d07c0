"""
Every write to events, series, shifts and signups that has a rule in it.

Services are keyword-only, validate with the readable twins in validators.py before the database
constraints would refuse, and raise django.core.exceptions.ValidationError keyed by the field at
fault. A refusal that is a clash with existing state (a second signup, an overlapping shift) is a
SignupConflict, which the API answers with 409.
"""

import contextlib
import datetime as dt
import zoneinfo
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from outreach.models import Campaign, Chapter, User
from outreach.selectors import SITE_FEED_SCOPE, feed_scope
from outreach.services import feed_versions_bump

from . import messages
from .enums import EventStatus, SignupStatus, Visibility
from .models import EVENT_DETAIL_FIELDS, Event, EventReport, EventSeries, Shift, Signup
from .validators import (
    duration_text,
    make_aware_local,
    series_rule_dates,
    shift_margin,
    validate_capacity,
    validate_hours,
    validate_online_link,
    validate_shift_within_event,
    validate_window,
)

DEFAULT_CAPACITY = 20

ALREADY_SIGNED_UP = gettext_lazy("You already have a place or a waitlist spot on this shift.")

SERIES_FIELDS = EVENT_DETAIL_FIELDS
"""Details an occurrence takes from its series, unless edited on its own."""

EVENT_EDITABLE_FIELDS = (*EVENT_DETAIL_FIELDS, "starts_at", "ends_at", "all_day")


class SignupConflict(ValidationError):
    """A signup clashes with one the volunteer already holds."""


def refusal(field: str, message: str, code: str, *, error=ValidationError) -> ValidationError:
    """A ValidationError keyed by `field` that keeps its `code` (a dict of plain messages would drop it)."""
    return error({field: ValidationError(message, code=code)})


# Calendars: every change a subscriber can see raises a SEQUENCE and bumps the versions of the
# feeds that show it, here and nowhere else (docs/feeds.md, "What raises SEQUENCE"). A calendar
# entry's SEQUENCE and LAST-MODIFIED are derived from these rows by events.ical.revision.


def _event_feed_scopes(event_ids: Iterable[int], *, also: Iterable[str] = ()) -> set[str]:
    """
    The feeds that show these events: the site's, their chapters', campaigns' and volunteers'.
    `event_ids` may be a queryset of ids, read as a subquery (a chapter's events can be many).
    """
    scopes = {SITE_FEED_SCOPE, *also}
    for chapter_id, campaign_id in Event.objects.filter(pk__in=event_ids).values_list("chapter_id", "campaign_id"):
        scopes.add(feed_scope("chapter", chapter_id))
        if campaign_id is not None:
            scopes.add(feed_scope("campaign", campaign_id))
    users = Signup.objects.active().filter(shift__event_id__in=event_ids).values_list("user_id", flat=True)
    scopes.update(feed_scope("user", user_id) for user_id in users.distinct())
    return scopes


def _events_seen_changed(event_ids: Iterable[int], *, also: Iterable[str] = ()) -> None:
    feed_versions_bump(_event_feed_scopes(event_ids, also=also))


def _signups_seen_changed(signups: Iterable[Signup], *, now: dt.datetime | None = None) -> None:
    """
    A signup's state changed (made, confirmed, cancelled): its entry in the volunteer's feed, and
    their other entries on the same event (whose address shows once one place is confirmed), get a
    new SEQUENCE, and the volunteers' feeds a new version. Changes the given signups in memory too,
    so the .ics of a message recorded afterwards carries the same SEQUENCE as the feed.
    """
    signups = list(signups)
    if not signups:
        return
    now = now or timezone.now()
    pairs = Q()
    for signup in signups:
        pairs |= Q(user_id=signup.user_id, shift__event_id=signup.shift.event_id)
    Signup.objects.filter(pairs).update(sequence=F("sequence") + 1, updated_at=now)
    for signup in signups:
        signup.sequence += 1
        signup.updated_at = now
    feed_versions_bump({feed_scope("user", signup.user_id) for signup in signups}, now=now)


def _shift_seen_changed(shift: Shift, before: dict) -> bool:
    """Raise a shift's `sequence` when a field its volunteers' entries show changed; bump their feeds."""
    if all(before[name] == getattr(shift, name) for name in Shift.CALENDAR_FIELDS):
        return False
    shift.sequence += 1
    users = shift.signups.active().values_list("user_id", flat=True)
    feed_versions_bump({feed_scope("user", user_id) for user_id in users})
    return True


def _shift_snapshot(shift: Shift) -> dict:
    return {name: getattr(shift, name) for name in Shift.CALENDAR_FIELDS}


def chapter_update(*, chapter: Chapter, **changes) -> Chapter:
    """
    Change a chapter (the admin and the API edit chapters here). When a field its events' calendar
    entries show changes (Chapter.CALENDAR_FIELDS), the chapter's `sequence` grows, which raises
    the SEQUENCE of every entry of its events (events.ical.revision); any change bumps the versions
    of the feeds that show its events, and its active state decides whether they show them at all.
    """
    with transaction.atomic(durable=True):
        locked = Chapter.objects.select_for_update().get(pk=chapter.pk)
        before = {name: getattr(locked, name) for name in (*Chapter.CALENDAR_FIELDS, "is_active", "timezone")}
        for name, value in changes.items():
            setattr(locked, name, value)
        if any(before[name] != getattr(locked, name) for name in Chapter.CALENDAR_FIELDS):
            locked.sequence += 1
        _save(locked)
        event_ids = Event.objects.filter(chapter=locked).listed().values_list("pk", flat=True)
        _events_seen_changed(event_ids, also=[feed_scope("chapter", locked.pk)])
    return locked


def campaign_update(*, campaign: Campaign, **changes) -> Campaign:
    """Change a campaign; its feed names and describes it, so the feed gets a new version."""
    with transaction.atomic(durable=True):
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        for name, value in changes.items():
            setattr(locked, name, value)
        _save(locked)
        feed_versions_bump([feed_scope("campaign", locked.pk)])
    return locked


# Events


def _save(instance):
    """
    Validate with the model's readable rules, then save.

    Constraints are left to the database here: Django checks each CheckConstraint with a query of
    its own, which would lengthen the time a signup holds the shift's lock for no gain.
    """
    instance.full_clean(validate_constraints=False)
    instance.save()
    return instance


def event_create(
    *,
    chapter: Chapter,
    created_by: User | None,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int | None = None,
    recurrence: str = "",
    shift_name: str = "",
    partners: Iterable = (),
    now: dt.datetime | None = None,
    **details,
) -> Event:
    """
    Create a draft event with its single default shift spanning it; with a `recurrence` (an RFC
    5545 RRULE), a draft series instead, whose first occurrence is returned (`event.series` is the
    series). The API and the dashboard both create events here, so one rule decides which.

    `details` are the fields of EventDetails (title, strategy, ...). The timezone defaults to the
    chapter's. The shift has `capacity` places (DEFAULT_CAPACITY when not given). A series repeats
    the local time of day of `starts_at` in the event's zone and lasts `ends_at - starts_at`.
    """
    unknown = set(details) - set(EVENT_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"event_create() got unexpected fields: {', '.join(sorted(unknown))}")
    details.setdefault("timezone", chapter.timezone)
    capacity = DEFAULT_CAPACITY if capacity is None else capacity
    validate_window(starts_at, ends_at)
    validate_capacity(capacity)
    if recurrence:
        if details.pop("all_day", False):
            raise ValidationError({"all_day": _("A repeating event cannot be all-day.")})
        local = starts_at.astimezone(zoneinfo.ZoneInfo(details["timezone"]))
        with transaction.atomic(durable=True), _start_time_as_starts_at():
            series = _series_create(
                chapter=chapter,
                created_by=created_by,
                recurrence=recurrence,
                start_date=local.date(),
                start_time=local.time().replace(tzinfo=None),
                duration=ends_at - starts_at,
                capacity=capacity,
                partners=partners,
                now=now or timezone.now(),
                **details,
            )
            first = series.occurrences.order_by("starts_at").first()
            if first is None:
                raise ValidationError(
                    {
                        "recurrence": _("The repeat rule gives no date within the next %(days)d days.")
                        % {"days": settings.SERIES_HORIZON_DAYS}
                    }
                )
        return first
    with transaction.atomic(durable=True):
        event = Event(chapter=chapter, created_by=created_by, starts_at=starts_at, ends_at=ends_at, **details)
        _mark_public(event)
        event = _save(event)
        event.partners.set(partners)
        _save(
            Shift(
                event=event, name=shift_name or _("Volunteer"), starts_at=starts_at, ends_at=ends_at, capacity=capacity
            )
        )
    return event


@contextlib.contextmanager
def _start_time_as_starts_at():
    """event_create's callers name the time of day of a series `starts_at`: refusals say so too."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict") or "start_time" not in error.error_dict:
            raise
        errors = dict(error.error_dict)
        errors["starts_at"] = errors.pop("start_time")
        raise ValidationError(errors) from None


def _calendar_changed(before: dict, after: Event) -> bool:
    return any(before[name] != getattr(after, name) for name in Event.CALENDAR_FIELDS)


def _snapshot(event: Event) -> dict:
    return {name: getattr(event, name) for name in Event.CALENDAR_FIELDS}


def _reschedule_shifts(event: Event, old_starts_at: dt.datetime, old_ends_at: dt.datetime) -> None:
    """
    Carry an event's shifts along when it moves: shifts that spanned the whole event span it again;
    clear-up shifts (starting at or after its old end) keep their offset from its end; the others,
    set-up shifts included, keep their offset from its start. Each must still lie within
    SHIFT_MARGIN of the event (validate_shift_within_event).

    The database refuses a shift outside its event (and its margin) at every statement, so the
    event is first widened to cover both windows, then the shifts move, then it takes its final
    window.
    """
    start_delta = event.starts_at - old_starts_at
    end_delta = event.ends_at - old_ends_at
    margin = shift_margin()
    moved = []
    for shift in event.shifts.all():
        if shift.starts_at == old_starts_at and shift.ends_at == old_ends_at:
            shift.starts_at, shift.ends_at = event.starts_at, event.ends_at
        else:
            delta = end_delta if shift.starts_at >= old_ends_at else start_delta
            shift.starts_at += delta
            shift.ends_at += delta
            try:
                validate_shift_within_event(
                    shift.starts_at, shift.ends_at, event.starts_at, event.ends_at, margin=margin
                )
            except ValidationError:
                message = (
                    _("The shift “%(shift)s” would no longer fit inside the event.")
                    if not margin
                    else _("The shift “%(shift)s” would no longer fit within %(margin)s of the event.")
                )
                raise ValidationError(
                    {"ends_at": message % {"shift": shift.name, "margin": duration_text(margin)}}
                ) from None
        shift.sequence += 1
        moved.append(shift)
    if not moved:
        return
    Event.objects.filter(pk=event.pk).update(
        starts_at=min(event.starts_at, old_starts_at), ends_at=max(event.ends_at, old_ends_at)
    )
    Shift.objects.bulk_update(moved, ["starts_at", "ends_at", "sequence"])


def _event_apply(event: Event, changes: dict) -> bool:
    """Apply `changes` to a locked event, carrying its shifts along; return whether a calendar sees it."""
    _mark_public(event)  # as it was: an event leaving the public feeds was in them
    before = _snapshot(event)
    partners = changes.pop("partners", None)
    for name, value in changes.items():
        setattr(event, name, value)
    event.full_clean(validate_constraints=False)
    # A published event needs its link; a cancelled one no longer does, whatever it was before.
    if event.status == EventStatus.PUBLISHED:
        validate_online_link(event.format, event.online_url)
    if (event.starts_at, event.ends_at) != (before["starts_at"], before["ends_at"]):
        _reschedule_shifts(event, before["starts_at"], before["ends_at"])
    changed = _calendar_changed(before, event)
    if changed:
        event.sequence += 1
    _mark_public(event)
    event.save()
    if partners is not None:
        event.partners.set(partners)
    campaign_before = before["campaign_id"]
    _events_seen_changed([event.pk], also=[feed_scope("campaign", campaign_before)] if campaign_before else [])
    return changed


def _mark_public(event: Event) -> None:
    """An event listed as public once owes the public feeds its cancellation if it ever leaves them."""
    if event.status in EventStatus.listed() and event.visibility == Visibility.PUBLIC:
        event.was_public = True


def _differs(event: Event, changes: dict) -> bool:
    """Whether `changes` would change anything about `event`, partners compared as sets."""
    for name, value in changes.items():
        if name == "partners":
            if {p.pk for p in value} != set(event.partners.values_list("pk", flat=True)):
                return True
        elif getattr(event, name) != value:
            return True
    return False


def event_update(*, event: Event, **changes) -> Event:
    """
    Change an event's details or times. Side effects, in order:

    1. its shifts move with it (see _reschedule_shifts);
    2. `sequence` grows when a field a calendar shows changed;
    3. an occurrence of a series becomes `detached`, so later series edits leave it alone;
    4. when its time, place or online link changed, everyone holding a place or a waitlist spot is
       sent what changed (events.messages, recorded in this transaction, delivered after commit).
    """
    unknown = set(changes) - {*EVENT_EDITABLE_FIELDS, "partners"}
    if unknown:
        raise TypeError(f"event_update() got unexpected fields: {', '.join(sorted(unknown))}")
    with transaction.atomic(durable=True):
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status == EventStatus.CANCELLED:
            raise ValidationError({"status": _("A cancelled event cannot be edited.")})
        if locked.series_id is not None and _differs(locked, changes):
            locked.detached = True
        before = messages.snapshot(locked)
        _event_apply(locked, changes)
        messages.record_event_changed(locked, before)
    return locked


def event_publish(*, event: Event) -> Event:
    """Publish a draft so volunteers can find it and sign up; raises `sequence`."""
    with transaction.atomic(durable=True):
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status != EventStatus.DRAFT:
            raise ValidationError(
                {
                    "status": _("Only a draft can be published; this event is %(status)s.")
                    % {"status": locked.get_status_display().lower()}
                }
            )
        validate_online_link(locked.format, locked.online_url)
        _event_apply(locked, {"status": EventStatus.PUBLISHED})
    return locked


def event_cancel(*, event: Event, note: str = "", now: dt.datetime | None = None) -> Event:
    """
    Cancel an event. It stays listed and in feeds as cancelled, with `sequence` raised; its signups
    are kept (they are the list of people to tell, who are sent the lead's `note` after commit), but
    no new signup is taken. An event that has ended took place, and is not cancelled any more.
    """
    with transaction.atomic(durable=True):
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status == EventStatus.CANCELLED:
            raise ValidationError({"status": _("This event is already cancelled.")})
        if locked.has_ended(now):
            raise refusal("status", _("This event has already taken place; it cannot be cancelled."), "ended")
        locked.cancellation_note = note
        if locked.series_id is not None:
            locked.detached = True
        _event_apply(locked, {"status": EventStatus.CANCELLED})
        messages.record_event_cancelled(locked)
    return locked


def event_delete(*, event: Event) -> None:
    """Delete a draft. A published event is cancelled instead, so calendars learn of it."""
    with transaction.atomic(durable=True):
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status != EventStatus.DRAFT:
            raise ValidationError({"status": _("Only a draft can be deleted; cancel a published event instead.")})
        locked.delete()


# Series

SERIES_DROPPED_CHOICES = ("cancel", "keep")
"""
What a series edit does with a listed occurrence whose date its rule no longer gives: "cancel" it
(its feeds say so and its volunteers are told) or "keep" it as an event on its own. A published
date never just disappears (docs/feeds.md: cancelled events stay).
"""


def _occurrence_window(series: EventSeries, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    local_start = dt.datetime.combine(day, series.start_time)
    starts_at = make_aware_local(local_start, series.timezone, field="start_time")
    ends_at = (starts_at.astimezone(dt.UTC) + series.duration).astimezone(zoneinfo.ZoneInfo(series.timezone))
    return starts_at, ends_at


def _series_dates(series: EventSeries, *, until: dt.date | None = None) -> list[dt.date]:
    """Every date the series will ever have, checked up front (series_rule_dates); up to `until` if given."""
    dates = series_rule_dates(
        series.recurrence, start_date=series.start_date, start_time=series.start_time, zone=series.timezone
    )
    return dates if until is None else [day for day in dates if day <= until]


def _follows_series(event: Event, now: dt.datetime) -> bool:
    """Whether a series edit changes this occurrence: not over, not edited on its own, not cancelled."""
    return not (event.detached or event.status == EventStatus.CANCELLED or event.ends_at <= now)


def _dropped(occurrences: Iterable[Event], dates: set[dt.date], now: dt.datetime) -> list[Event]:
    """The listed occurrences that follow the series but whose date its rule no longer gives."""
    dropped = [
        event
        for event in occurrences
        if _follows_series(event, now) and event.status != EventStatus.DRAFT and event.occurrence_date not in dates
    ]
    return sorted(dropped, key=lambda event: event.starts_at)


def _dropped_refusal(dropped: list[Event]) -> ValidationError:
    dates = ", ".join(event.local_starts_at.strftime("%Y-%m-%d %H:%M") for event in dropped)
    message = ngettext(
        "This change takes %(count)d published date out of the series: %(dates)s. Choose whether to "
        "cancel it (its volunteers are told) or keep it as an event on its own.",
        "This change takes %(count)d published dates out of the series: %(dates)s. Choose whether to "
        "cancel them (their volunteers are told) or keep them as events on their own.",
        len(dropped),
    ) % {"count": len(dropped), "dates": dates}
    return refusal("dropped", message, "dropped")


def _series_sync(series: EventSeries, *, now: dt.datetime, dropped: str | None = None) -> None:
    """
    Make the series' occurrences match it; `series` is saved and locked by the caller.

    The whole rule is checked first (series_rule_dates), so a refusal leaves everything as it was.
    Occurrences that follow the series (_follows_series) take its details and time of day. One
    whose date the rule no longer gives is deleted if it is a draft; a listed one is cancelled or
    kept on its own as `dropped` says, and without a choice the sync is refused on `dropped`,
    naming the dates. Dates within the rolling horizon that have no occurrence get one (with one
    shift of `series.capacity` places) in the series' status. Past, detached and cancelled
    occurrences are left as they are.
    """
    if dropped not in (None, *SERIES_DROPPED_CHOICES):
        raise refusal("dropped", _("Choose “cancel” or “keep” for the dates taken out of the series."), "invalid")
    dates = _series_dates(series)
    windows = {day: _occurrence_window(series, day) for day in dates}
    horizon = (now + dt.timedelta(days=settings.SERIES_HORIZON_DAYS)).date()
    occurrences = list(series.occurrences.select_for_update())
    leaving = _dropped(occurrences, set(dates), now)
    if leaving and dropped is None:
        raise _dropped_refusal(leaving)
    details = {name: getattr(series, name) for name in SERIES_FIELDS}
    for event in occurrences:
        if not _follows_series(event, now):
            continue
        if event.occurrence_date not in windows:
            if event.status == EventStatus.DRAFT:
                event.delete()
            elif dropped == "keep":
                # Nothing a calendar shows changes: no SEQUENCE, no new feed version.
                Event.objects.filter(pk=event.pk).update(detached=True)
            else:
                event.detached = True
                _event_apply(event, {"status": EventStatus.CANCELLED})
                messages.record_event_cancelled(event)
            continue
        starts_at, ends_at = windows[event.occurrence_date]
        changes = {**details, "starts_at": starts_at, "ends_at": ends_at}
        if series.status == EventStatus.PUBLISHED:
            changes["status"] = EventStatus.PUBLISHED
        before = messages.snapshot(event)
        _event_apply(event, changes)
        messages.record_event_changed(event, before)
        event.partners.set(series.partners.all())
    existing = {event.occurrence_date for event in occurrences}
    for day, (starts_at, ends_at) in windows.items():
        if day > horizon:
            break
        if day in existing:
            continue
        event = Event(
            chapter=series.chapter,
            series=series,
            occurrence_date=day,
            created_by=series.created_by,
            starts_at=starts_at,
            ends_at=ends_at,
            status=series.status,
            **details,
        )
        _mark_public(event)
        event = _save(event)
        event.partners.set(series.partners.all())
        _events_seen_changed([event.pk])
        _save(Shift(event=event, name=_("Volunteer"), starts_at=starts_at, ends_at=ends_at, capacity=series.capacity))


def series_create(
    *,
    chapter: Chapter,
    created_by: User | None,
    recurrence: str,
    start_date: dt.date,
    start_time: dt.time,
    duration: dt.timedelta,
    capacity: int = DEFAULT_CAPACITY,
    partners: Iterable = (),
    now: dt.datetime | None = None,
    **details,
) -> EventSeries:
    """
    Create a recurring event and its occurrences up to SERIES_HORIZON_DAYS ahead, as drafts.

    `recurrence` is an RFC 5545 RRULE with COUNT or UNTIL; occurrences start at `start_time` local
    time in the series' zone on every date it yields, across daylight-saving changes. The whole
    rule is checked now, also beyond the horizon (events.validators.series_rule_dates): a rule
    with no date, one reaching more than SERIES_MAX_YEARS ahead, or a date whose local start time
    does not exist (clocks spring forward) refuses the whole series.
    """
    with transaction.atomic(durable=True):
        return _series_create(
            partners=partners,
            now=now or timezone.now(),
            chapter=chapter,
            created_by=created_by,
            recurrence=recurrence,
            start_date=start_date,
            start_time=start_time,
            duration=duration,
            capacity=capacity,
            **details,
        )


def _series_create(*, partners: Iterable, now: dt.datetime, **fields) -> EventSeries:
    """series_create inside a transaction the caller holds (event_create's, or its own)."""
    fields.setdefault("timezone", fields["chapter"].timezone)
    if fields["duration"] is None or fields["duration"] <= dt.timedelta(0):
        raise ValidationError({"duration": _("The duration must be positive.")})
    validate_capacity(fields["capacity"])
    series = _save(EventSeries(**fields))
    series.partners.set(partners)
    _series_sync(series, now=now)
    return series


def series_update_preview(*, series: EventSeries, now: dt.datetime | None = None, **changes) -> list[Event]:
    """
    The listed occurrences, soonest first, that `series_update(series=series, **changes)` would take
    out of the series, for the lead to choose before saving whether they are cancelled or kept.
    Writes nothing; refuses what series_update would refuse about the rule and the times.
    """
    changes.pop("partners", None)
    changes.pop("dropped", None)
    candidate = EventSeries.objects.get(pk=series.pk)
    for name, value in changes.items():
        setattr(candidate, name, value)
    candidate.full_clean(validate_unique=False, validate_constraints=False)
    return _dropped(series.occurrences.all(), set(_series_dates(candidate)), now or timezone.now())


def series_update(
    *, series: EventSeries, dropped: str | None = None, now: dt.datetime | None = None, **changes
) -> EventSeries:
    """
    Change a series; its future occurrences that were not edited on their own follow. In order:

    1. the whole rule is checked, beyond the horizon too (series_rule_dates); a refusal keeps the
       series and every occurrence as they were;
    2. the occurrences that follow take the new details and times: SEQUENCE grows where a calendar
       sees a change, and their volunteers are sent what changed (events.messages);
    3. a listed occurrence whose date the rule no longer gives is cancelled (`dropped="cancel"`:
       SEQUENCE grows, feeds show it as cancelled, its volunteers are sent the cancellation) or
       kept as an event on its own (`dropped="keep"`: marked detached, unchanged). Without a
       choice the edit is refused on `dropped`, naming those dates; series_update_preview lists
       them beforehand. A draft occurrence is deleted;
    4. dates that came within the horizon get their occurrence.
    """
    partners = changes.pop("partners", None)
    with transaction.atomic(durable=True):
        locked = EventSeries.objects.select_for_update().get(pk=series.pk)
        for name, value in changes.items():
            setattr(locked, name, value)
        _save(locked)
        if partners is not None:
            locked.partners.set(partners)
        _series_sync(locked, now=now or timezone.now(), dropped=dropped)
    return locked


def series_publish(*, series: EventSeries, now: dt.datetime | None = None) -> EventSeries:
    """
    Publish a series: its future occurrences, and those generated later, are published. The rule
    is unchanged, so a listed date it no longer gives (SERIES_MAX_OCCURRENCES lowered) is kept.
    """
    return series_update(series=series, status=EventStatus.PUBLISHED, dropped="keep", now=now)


def series_extend(*, series: EventSeries, now: dt.datetime | None = None) -> EventSeries:
    """
    Generate occurrences that have come within the rolling horizon since the series was last synced.
    The rule is unchanged, so a listed date it no longer gives (SERIES_MAX_OCCURRENCES lowered) is kept.
    """
    return series_update(series=series, dropped="keep", now=now)


# Shifts


def shift_create(
    *,
    event: Event,
    name: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    description: str = "",
    now: dt.datetime | None = None,
) -> Shift:
    """
    Add a shift to an event that is neither cancelled nor over. It may start before and end after
    the event's public times by up to SHIFT_MARGIN, for setting up and clearing up.
    """
    with transaction.atomic(durable=True):
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status == EventStatus.CANCELLED:
            raise ValidationError({"event": _("Shifts cannot be added to a cancelled event.")})
        if locked.has_ended(now):
            raise refusal("event", _("Shifts cannot be added to an event that has taken place."), "ended")
        return _save(
            Shift(
                event=locked,
                name=name,
                description=description,
                starts_at=starts_at,
                ends_at=ends_at,
                capacity=capacity,
            )
        )


def shift_update(*, shift: Shift, **changes) -> Shift:
    """
    Change a shift. Capacity may not drop below the confirmed count; when it grows, waitlisted
    volunteers are confirmed in arrival order, in the same transaction. Those on a shift that moves,
    and those promoted, are told after commit.
    """
    unknown = set(changes) - {"name", "description", "starts_at", "ends_at", "capacity"}
    if unknown:
        raise TypeError(f"shift_update() got unexpected fields: {', '.join(sorted(unknown))}")
    with transaction.atomic(durable=True):
        locked = _lock_shift(shift)
        if locked.cancelled_at is not None:
            raise refusal("status", _("A cancelled shift cannot be changed."), "cancelled")
        before = (locked.starts_at, locked.ends_at)
        seen = _shift_snapshot(locked)
        for name, value in changes.items():
            setattr(locked, name, value)
        validate_capacity(locked.capacity, confirmed=locked.signups.confirmed().count())
        _shift_seen_changed(locked, seen)
        _save(locked)
        messages.record_shift_changed(locked, before)
        _promote_waitlist(locked)
    return locked


def shift_delete(*, shift: Shift) -> None:
    """Delete a shift nobody holds a place on; an event keeps at least one shift."""
    with transaction.atomic(durable=True):
        locked = Shift.objects.select_for_update().get(pk=shift.pk)
        if locked.signups.active().exists():
            raise ValidationError({"shift": _("Volunteers hold places on this shift; cancel their signups first.")})
        if not Shift.objects.filter(event_id=locked.event_id).exclude(pk=locked.pk).exists():
            raise ValidationError({"shift": _("An event needs at least one shift.")})
        locked.delete()


def shift_cancel(*, shift: Shift, note: str = "", now: dt.datetime | None = None) -> Shift:
    """
    Cancel one shift of an event. It stays listed, marked cancelled, and takes no new signup.
    Side effects, in order:

    1. each volunteer holding a place or a waitlist spot on it is sent the lead's `note` (recorded
       now, delivered after commit);
    2. those signups are cancelled (kept, for the record); nobody is promoted onto the shift.
    """
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        locked = _lock_shift(shift)
        if locked.cancelled_at is not None:
            raise refusal("status", _("This shift is already cancelled."), "already_cancelled")
        seen = _shift_snapshot(locked)
        locked.cancelled_at = now
        locked.cancellation_note = note
        _shift_seen_changed(locked, seen)
        _save(locked)
        signups = list(locked.signups.active().select_related("user").order_by("pk"))
        for signup in signups:
            signup.shift = locked
        # Recorded while the signups still say what each volunteer held (a place or a waitlist spot).
        messages.record_shift_cancelled(locked, signups)
        for signup in signups:
            signup.status, signup.cancelled_at, signup.updated_at = SignupStatus.CANCELLED, now, now
        Signup.objects.bulk_update(signups, ["status", "cancelled_at", "updated_at"])
        _signups_seen_changed(signups, now=now)
    return locked


# Signups


def _lock_shift(shift: Shift) -> Shift:
    """
    Lock the shift and its event. The event's lock (FOR NO KEY UPDATE, which still lets other
    tables reference it) makes a signup wait for a cancellation or move of its event in flight,
    and read the event as that left it.
    """
    return Shift.objects.select_for_update(of=("self", "event"), no_key=True).select_related("event").get(pk=shift.pk)


def _check_open(shift: Shift, user: User, now: dt.datetime) -> None:
    event = shift.event
    if event.status == EventStatus.DRAFT:
        raise refusal("shift", _("This event is not published yet."), "not_published")
    if event.status == EventStatus.CANCELLED:
        raise refusal("shift", _("This event has been cancelled."), "cancelled")
    if shift.cancelled_at is not None:
        raise refusal("shift", _("This shift has been cancelled."), "cancelled")
    if event.ends_at <= now or shift.ends_at <= now:
        raise refusal("shift", _("This shift has already ended."), "ended")
    if event.visibility == Visibility.MEMBERS and not user.memberships.filter(chapter_id=event.chapter_id).exists():
        raise refusal("shift", _("This event is for the chapter's members only."), "members_only")


def _check_no_clash(shift: Shift, user: User) -> None:
    # A cancelled event keeps its signups (the people to tell), but they hold no time any more.
    held = Signup.objects.active().filter(user=user).exclude(shift__event__status=EventStatus.CANCELLED)
    if held.filter(shift=shift).exists():
        raise refusal("shift", ALREADY_SIGNED_UP, "already_signed_up", error=SignupConflict)
    overlapping = (
        held.filter(shift__starts_at__lt=shift.ends_at, shift__ends_at__gt=shift.starts_at)
        .select_related("shift__event")
        .first()
    )
    if overlapping is not None:
        message = _("You are already signed up for “%(other)s” at the same time.") % {
            "other": f"{overlapping.shift.event.title}: {overlapping.shift.name}"
        }
        raise refusal("shift", message, "overlapping", error=SignupConflict)


def _with_position(signup: Signup) -> Signup:
    if signup.status == SignupStatus.WAITLISTED:
        signup.waitlist_position = (
            Signup.objects.waitlisted().filter(shift_id=signup.shift_id, pk__lte=signup.pk).count()
        )
    else:
        signup.waitlist_position = None
    return signup


def signup_create(*, user: User, shift: Shift, now: dt.datetime | None = None) -> Signup:
    """
    Sign `user` up for `shift`: confirmed while places remain, otherwise waitlisted.

    The volunteer's row and the shift's row are locked (on SQLite the IMMEDIATE transaction holds
    the database's write lock), so concurrent signups are counted one at a time and a shift never
    has more confirmed volunteers than places. The returned signup carries `waitlist_position`.
    Refused with ValidationError for a draft, cancelled or ended event, a cancelled shift, or a members-only event
    for a non-member; with SignupConflict for a second active signup on the shift or one that
    overlaps a shift the volunteer already holds. The confirmation (with the event's .ics) or the
    waitlist notice is recorded in the same transaction and sent after commit.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic(durable=True):
            User.objects.select_for_update(no_key=True).only("pk").get(pk=user.pk)
            locked = _lock_shift(shift)
            _check_open(locked, user, now)
            _check_no_clash(locked, user)
            confirmed = locked.signups.confirmed().count()
            status = SignupStatus.CONFIRMED if confirmed < locked.capacity else SignupStatus.WAITLISTED
            signup = _with_position(_save(Signup(user=user, shift=locked, status=status)))
            _signups_seen_changed([signup])
            messages.record_signup_created(signup, waitlist_position=signup.waitlist_position)
    except IntegrityError as exc:
        # The locks make this unreachable in practice; the constraint has the last word if not.
        if "events_signup_one_active_per_user_shift" not in str(exc) and "events_signup.user_id" not in str(exc):
            raise
        raise refusal("shift", ALREADY_SIGNED_UP, "already_signed_up", error=SignupConflict) from None
    return signup


def _promote_waitlist(shift: Shift) -> list[Signup]:
    """
    Confirm waitlisted signups, first come first served, while the locked shift has places.
    Nobody is promoted onto a cancelled or ended event: that place is no use to them.
    """
    if shift.event.status == EventStatus.CANCELLED or shift.ends_at <= timezone.now():
        return []
    free = shift.capacity - shift.signups.confirmed().count()
    if free <= 0:
        return []
    promoted = list(shift.signups.waitlisted().select_related("user").order_by("pk")[:free])
    now = timezone.now()
    for signup in promoted:
        signup.status, signup.updated_at = SignupStatus.CONFIRMED, now
    Signup.objects.bulk_update(promoted, ["status", "updated_at"])
    _signups_seen_changed(promoted, now=now)
    messages.record_promoted(promoted)
    return promoted


def signup_cancel(*, signup: Signup, now: dt.datetime | None = None) -> Signup:
    """
    Cancel a signup; refused when it is already cancelled, its event was cancelled or its shift is
    over. Side effects, in order:

    1. the signup is marked cancelled (a cancelled signup is kept, for the record), and the
       volunteer is sent a receipt;
    2. if it held a confirmed place, the first waitlisted volunteer is confirmed in the same
       transaction, under the shift's lock, and told so after commit.

    The returned signup carries `promoted`, the signups confirmed in its place.
    """
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        locked_shift = _lock_shift(signup.shift)
        locked = Signup.objects.select_for_update().get(pk=signup.pk)
        if locked.status == SignupStatus.CANCELLED:
            raise refusal("status", _("This signup is already cancelled."), "already_cancelled")
        # A cancelled event keeps its signups as the record of whom it told; an ended shift keeps
        # them as the record of who served (check-in), which cancelling would wipe.
        if locked_shift.event.status == EventStatus.CANCELLED:
            raise refusal(
                "status",
                _("This event was cancelled, so there is no place to cancel; nothing was changed."),
                "event_cancelled",
            )
        if locked_shift.ends_at <= now:
            raise refusal("status", _("This shift is over; nothing was changed."), "ended")
        was_confirmed = locked.status == SignupStatus.CONFIRMED
        locked.status = SignupStatus.CANCELLED
        locked.cancelled_at = now
        _save(locked)
        locked.shift = locked_shift
        _signups_seen_changed([locked], now=now)
        messages.record_signup_cancelled(locked)
        if was_confirmed:
            locked.promoted = _promote_waitlist(locked_shift)
        else:
            locked.promoted = []
    locked.waitlist_position = None
    return locked


def _check_in_opens_text(shift: Shift) -> str:
    """When check-in of `shift` opens, in its event's zone: the refusal of an early check-in."""
    opens = shift.check_in_opens_at.astimezone(shift.event.zone)
    time = f"{opens:%a %d %b %Y, %H:%M} {opens:%Z}"
    before = dt.timedelta(minutes=settings.CHECK_IN_OPENS_MINUTES)
    if not before:
        return _("Check-in for this shift opens when it starts, at %(time)s.") % {"time": time}
    return _("Check-in for this shift opens at %(time)s, %(before)s before it starts.") % {
        "time": time,
        "before": duration_text(before),
    }


def signup_check_in(
    *, signup: Signup, attended: bool, hours: Decimal | None = None, now: dt.datetime | None = None
) -> Signup:
    """
    Record whether a confirmed volunteer came and the hours they served. Hours default to the
    shift's length when they attended and to zero for a no-show.

    Check-in opens CHECK_IN_OPENS_MINUTES before the shift starts (Shift.check_in_opens_at) and
    stays open after it; before, it is refused on `attended` with the code "too_early".
    """
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        locked = Signup.objects.select_for_update().select_related("shift__event").get(pk=signup.pk)
        if locked.status != SignupStatus.CONFIRMED:
            raise refusal("status", _("Only a confirmed volunteer can be checked in."), "not_confirmed")
        if not locked.shift.check_in_is_open(now):
            raise refusal("attended", _check_in_opens_text(locked.shift), "too_early")
        if hours is None:
            length = locked.shift.ends_at - locked.shift.starts_at
            hours = (
                min(Decimal(length.total_seconds()) / 3600, Decimal(24)).quantize(Decimal("0.01"))
                if attended
                else Decimal(0)
            )
        validate_hours(hours)
        if not attended and hours:
            raise ValidationError({"hours": _("A volunteer who did not come served no hours.")})
        locked.attended = attended
        locked.hours = hours
        locked.checked_in_at = now
        _save(locked)
    return locked


# Reports


def report_save(*, event: Event, updated_by: User | None, **counts) -> EventReport:
    """
    Record what an event reached: people reached, materials handed out, partners engaged, notes.
    Only for a published event that has started; volunteer hours come from check-ins instead.
    """
    unknown = set(counts) - {"people_reached", "materials_distributed", "partners_engaged", "notes"}
    if unknown:
        raise TypeError(f"report_save() got unexpected fields: {', '.join(sorted(unknown))}")
    with transaction.atomic(durable=True):
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status != EventStatus.PUBLISHED:
            raise refusal("event", _("Only a published event that took place has a report."), "not_held")
        if not locked.has_started():
            raise refusal("event", _("A report can be written once the event has started."), "not_started")
        report, _created = EventReport.objects.get_or_create(event=locked)
        for name, value in counts.items():
            setattr(report, name, value)
        report.updated_by = updated_by
        return _save(report)
