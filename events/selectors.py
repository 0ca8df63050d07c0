"""
Page-shaped reads of events, shifts and signups.

Each selector scopes to what the user may see and bundles the select_related, prefetch_related
and annotations its page needs, so a list costs the same number of queries whatever its length.
"""

import datetime as dt
import math
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    FloatField,
    Max,
    Min,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ASin, Cast, Coalesce, Cos, Power, Radians, Round, Sin, Sqrt

from outreach.permissions import managed_chapter_ids

from .enums import AddressVisibility, EventStatus, SignupStatus, Visibility
from .models import Event, EventReport, Shift, Signup

EARTH_RADIUS_KM = 6371.0088

PUBLIC_COORDINATE_DECIMALS = 2
"""
Distance search reads the coordinates of an event whose address is not public rounded to this many
decimal places: a grid of about 1.1 km north to south (less east to west away from the equator).
The search answers everyone alike, so it must tell nothing finer than what anyone may see; repeated
searches with shrinking radii find the grid point, not the address (docs/product.md, "REST API v1").
"""


def shifts_with_counts() -> QuerySet:
    return Shift.objects.with_counts().order_by("starts_at", "pk")


def event_list(*, user) -> QuerySet:
    """
    Events `user` may see, with chapter, campaign, places left, and `partner_list` and `shift_list`
    (shifts with their counts) prefetched as lists.
    """
    return (
        Event.objects.visible_to(user)
        .select_related("chapter", "campaign")
        .prefetch_related(
            # Plain lists (to_attr) spare Django a related manager and a queryset clone per event.
            Prefetch("partners", to_attr="partner_list"),
            Prefetch("shifts", queryset=shifts_with_counts(), to_attr="shift_list"),
        )
        .with_places()
        .order_by("starts_at", "pk")
    )


# The lead dashboard's lists: every event of the chapters a user manages is in exactly one.

DASHBOARD_LISTS = ("upcoming", "past", "drafts", "cancelled")


def _dashboard_list(name: str, now: dt.datetime) -> Q:
    return {
        "upcoming": Q(status=EventStatus.PUBLISHED, ends_at__gt=now),
        "past": Q(status=EventStatus.PUBLISHED, ends_at__lte=now),
        "drafts": Q(status=EventStatus.DRAFT),
        "cancelled": Q(status=EventStatus.CANCELLED),
    }[name]


# Upcoming events and drafts soonest first; past and cancelled ones the latest first.
_DASHBOARD_ORDER = {
    "upcoming": ("starts_at", "pk"),
    "past": ("-starts_at", "-pk"),
    "drafts": ("starts_at", "pk"),
    "cancelled": ("-starts_at", "-pk"),
}


def managed_events(*, user) -> QuerySet:
    """Every event of the chapters `user` manages (all of them for staff), in any status."""
    managed = managed_chapter_ids(user)
    return Event.objects.all() if managed is None else Event.objects.filter(chapter_id__in=managed)


def dashboard_list(events: QuerySet, *, name: str, now: dt.datetime) -> QuerySet:
    """
    One of DASHBOARD_LISTS out of `events` (managed_events, perhaps searched): published events
    still to end (upcoming) or ended (past), drafts, cancelled events; with their chapter and places.
    """
    return (
        events.filter(_dashboard_list(name, now))
        .select_related("chapter")
        .with_places()
        .order_by(*_DASHBOARD_ORDER[name])
    )


def dashboard_list_counts(events: QuerySet, *, now: dt.datetime) -> dict[str, int]:
    """How many of `events` each of DASHBOARD_LISTS holds, in one query."""
    return events.order_by().aggregate(
        **{name: Count("pk", filter=_dashboard_list(name, now)) for name in DASHBOARD_LISTS}
    )


def searched_coordinate(name: str) -> Case:
    """
    The coordinate `name` as distance search reads it: exact for a public address, otherwise rounded
    to PUBLIC_COORDINATE_DECIMALS, for every reader, so the search stays one SQL expression.
    """
    return Case(
        When(address_visibility=AddressVisibility.PUBLIC, then=Cast(name, FloatField())),
        default=Cast(Round(name, PUBLIC_COORDINATE_DECIMALS), FloatField()),
        output_field=FloatField(),
    )


def events_near(queryset: QuerySet, *, latitude: float, longitude: float, radius_km: float) -> QuerySet:
    """
    Events within `radius_km` of a point, nearest first, annotated with `distance_km`, all measured
    from searched_coordinate: nothing here reads a confirmed-only event's exact coordinates.

    A bounding box narrows the rows with plain comparisons; the haversine distance (Django
    provides the trigonometric functions on SQLite too) then filters and orders them.
    """
    lat_delta = radius_km / 111.0
    cos_lat = max(math.cos(math.radians(latitude)), 0.01)
    lng_delta = min(radius_km / (111.0 * cos_lat), 180.0)
    box = Q(searched_latitude__gte=latitude - lat_delta, searched_latitude__lte=latitude + lat_delta)
    if longitude - lng_delta >= -180 and longitude + lng_delta <= 180:
        box &= Q(searched_longitude__gte=longitude - lng_delta, searched_longitude__lte=longitude + lng_delta)
    lat = Radians(F("searched_latitude"))
    lng = Radians(F("searched_longitude"))
    lat0 = Radians(Value(latitude, output_field=FloatField()))
    lng0 = Radians(Value(longitude, output_field=FloatField()))
    half_chord = Power(Sin((lat - lat0) / 2), 2) + Cos(lat0) * Cos(lat) * Power(Sin((lng - lng0) / 2), 2)
    distance = 2 * EARTH_RADIUS_KM * ASin(Sqrt(half_chord))
    return (
        queryset.alias(
            searched_latitude=searched_coordinate("latitude"), searched_longitude=searched_coordinate("longitude")
        )
        .filter(box)
        .annotate(distance_km=distance)
        .filter(distance_km__lte=radius_km)
        .order_by(F("distance_km").asc(), "starts_at", "pk")
    )


def confirmed_event_ids(*, user, events) -> set[int]:
    """Ids among `events` for which `user` holds a confirmed place: one query for a whole page."""
    if not user.is_authenticated:
        return set()
    return set(
        Signup.objects.filter(
            user=user, status=SignupStatus.CONFIRMED, shift__event__in=[event.pk for event in events]
        ).values_list("shift__event_id", flat=True)
    )


ACTIVE_FIRST = Case(
    When(status=SignupStatus.CONFIRMED, then=Value(0)),
    When(status=SignupStatus.WAITLISTED, then=Value(1)),
    default=Value(2),
)
"""Confirmed, then waitlisted, then cancelled: not the alphabetical order of the statuses."""


def roster(*, event: Event) -> QuerySet:
    """Every signup of an event, active ones first, with the volunteer and the shift."""
    return (
        Signup.objects.filter(shift__event=event)
        .select_related("user", "shift")
        .with_waitlist_position()
        .order_by("shift__starts_at", "shift_id", ACTIVE_FIRST, "pk")
    )


def user_signups(*, user) -> QuerySet:
    """A volunteer's own signups with their shift, event and chapter, soonest first."""
    return (
        Signup.objects.filter(user=user)
        .select_related("shift", "shift__event", "shift__event__chapter")
        .with_waitlist_position()
        .order_by("shift__starts_at", "pk")
    )


def signups_visible_to(*, user) -> QuerySet:
    """Signups `user` may read: their own, and every signup of events they manage."""
    managed = managed_chapter_ids(user)
    base = Signup.objects.select_related("shift", "shift__event", "user").with_waitlist_position()
    if managed is None:
        return base
    return base.filter(Q(user=user) | Q(shift__event__chapter_id__in=managed))


def event_report(*, event: Event) -> dict:
    """The event's report (zeros before one is written) with volunteer figures from check-ins."""
    report = EventReport.objects.filter(event=event).first() or EventReport(event=event)
    figures = Signup.objects.filter(shift__event=event, status=SignupStatus.CONFIRMED).aggregate(
        volunteers_confirmed=Count("pk"),
        volunteers_attended=Count("pk", filter=Q(attended=True)),
        volunteer_hours=Coalesce(Sum("hours"), Value(Decimal(0)), output_field=DecimalField()),
    )
    return {
        "people_reached": report.people_reached,
        "materials_distributed": report.materials_distributed,
        "partners_engaged": report.partners_engaged,
        "notes": report.notes,
        "updated_at": report.updated_at,
        **figures,
    }


# Calendar feeds


def feed_window(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """
    What feeds show: events that end FEED_PAST_DAYS ago or later and start FEED_FUTURE_DAYS ahead
    or sooner. Both edges move with the clock, so a feed also changes when an event crosses one.
    """
    return now - dt.timedelta(days=settings.FEED_PAST_DAYS), now + dt.timedelta(days=settings.FEED_FUTURE_DAYS)


def _in_window(prefix: str, now: dt.datetime) -> Q:
    start, end = feed_window(now)
    return Q(**{f"{prefix}ends_at__gte": start, f"{prefix}starts_at__lte": end})


def public_feed_candidates() -> QuerySet:
    """
    Every event the public feeds show at some time: listed public events of active chapters, and
    listed events that were public once and have left the public feeds since (made members-only,
    or their chapter deactivated), which the feeds carry as cancellations (`withdrawn_from_public`).
    """
    return Event.objects.filter(status__in=EventStatus.listed()).filter(
        Q(visibility=Visibility.PUBLIC, chapter__is_active=True) | Q(was_public=True)
    )


def withdrawn_from_public(event: Event) -> bool:
    """Whether a public feed shows `event` only as its cancellation (see public_feed_candidates)."""
    return event.visibility != Visibility.PUBLIC or not event.chapter.is_active


def public_feed_events(*, now: dt.datetime) -> QuerySet:
    """The public feeds' events now: public_feed_candidates within the feed window."""
    return public_feed_candidates().filter(_in_window("", now))


def feed_rows(events: QuerySet) -> QuerySet:
    return events.select_related("chapter").order_by("starts_at", "pk")


def feed_crossings(candidates: QuerySet, *, now: dt.datetime, prefix: str = "", updated=("updated_at",)) -> dict:
    """
    What a feed of `candidates` needs for its Last-Modified and for how long its body holds, in one
    query: `updated` (the latest of the `updated` fields over every candidate, shown or not),
    `left` (the latest end before the window's start), `entering` (the earliest start beyond its
    end), `first_end` and `last_start` (within it). `prefix` leads to the event
    ("shift__event__" for signups).
    """
    start, end = feed_window(now)
    ends_at, starts_at = f"{prefix}ends_at", f"{prefix}starts_at"
    inside = _in_window(prefix, now)
    latest = {f"updated_{index}": Max(name) for index, name in enumerate(updated)}
    row = candidates.order_by().aggregate(
        left=Max(ends_at, filter=Q(**{f"{ends_at}__lt": start})),
        entering=Min(starts_at, filter=Q(**{f"{starts_at}__gt": end})),
        first_end=Min(ends_at, filter=inside),
        last_start=Max(starts_at, filter=inside),
        **latest,
    )
    stamps = [row.pop(name) for name in latest]
    row["updated"] = max((stamp for stamp in stamps if stamp is not None), default=None)
    return row


def personal_feed_candidates(*, user) -> QuerySet:
    """
    Every signup a volunteer's own feed shows at some time: their signups on listed events,
    cancelled ones included, so a place given up or a cancelled shift reaches their calendar as
    a cancellation instead of vanishing from it.
    """
    return Signup.objects.filter(user=user, shift__event__status__in=EventStatus.listed())


def personal_feed_signups(*, user, now: dt.datetime) -> QuerySet:
    """A volunteer's own feed now: personal_feed_candidates within the feed window."""
    return personal_feed_candidates(user=user).filter(_in_window("shift__event__", now))
